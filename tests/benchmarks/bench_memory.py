"""Benchmark: resident memory of the window with a 3-hour source open and 5,000 assets listed (issue 13).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench_memory [--hours 3] [--assets 5000]``.

An emulator (its own process) holds 5,000 assets and one generated source of ``--hours`` (160x90, 25 fps: made at
each run, a few minutes for 3 hours). Each measured program runs in its own process and prints its resident
memory (VmRSS) and its peak (VmHWM) once it is in the state measured:
- bare: PySide6 alone, a QMainWindow with a QVideoWidget playing the same source (the floor);
- muxclipper: the main window on the emulator, every asset listed (scrolled to the end, page by page), the source
  open, played for 3 s, sought to its last minute, the timeline zoomed in.
Goal: muxclipper ≤ 300 MB resident.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.benchmarks.machine import describe

TOKEN = ("bench-id", "bench-secret")


def memory() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


async def _until(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.05)


def child(which: str, url: str, asset_id: str, playback_id: str) -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    async def bare() -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtMultimedia import QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget
        from PySide6.QtWidgets import QMainWindow

        window = QMainWindow()
        video = QVideoWidget(window)
        window.setCentralWidget(video)
        window.resize(1400, 900)
        window.show()
        player = QMediaPlayer()
        player.setVideoOutput(video)
        player.setSource(QUrl(f"{url}/stream/{playback_id}.m3u8"))
        player.play()
        await asyncio.sleep(3)
        player.pause()
        player.setPosition(max(player.duration() - 60_000, 0))
        await asyncio.sleep(2)

    async def muxclipper() -> None:
        from PySide6.QtCore import QSettings

        from muxclipper.mux.endpoints import Credentials, Endpoints
        from muxclipper.qt.window.main_window import MainWindow
        from muxclipper.services.environment import Environment
        from muxclipper.services.session import open_session

        tmp = Path(tempfile.mkdtemp())
        environment = Environment("Bench", Endpoints.for_origin(url), Credentials(*TOKEN))
        async with open_session(environment, tmp / "jobs.sqlite3") as session:
            window = MainWindow(session, settings=QSettings(str(tmp / "w.ini"), QSettings.Format.IniFormat))
            window.resize(1400, 900)
            window.show()
            window.start()
            model, view = window.sources.model, window.sources.list_view
            await _until(lambda: model.rowCount() > 0, 30)
            while model.has_more:
                view.scrollToBottom()
                rows = model.rowCount()
                await _until(lambda r=rows: model.rowCount() > r or not model.has_more, 30)  # type: ignore[misc]
            window.open_asset_id(asset_id)
            await _until(lambda: window.asset is not None and window.editor.player.current_frame >= 0, 30)
            player = window.editor.player
            player.play()
            await asyncio.sleep(3)
            player.pause()
            player.seek_ms(max((window.asset.duration_ms or 0) - 60_000, 0))  # type: ignore[union-attr]
            await asyncio.sleep(2)
            for _ in range(20):
                window.editor.timeline.zoom(1.5)
            await asyncio.sleep(1)
            print(f"listed {model.rowCount()}", flush=True)
            await window.aclose()

    with loop:
        loop.run_until_complete(bare() if which == "bare" else muxclipper())
    rss, peak = memory()
    print(f"memory {rss} {peak}", flush=True)
    os._exit(0)


def measure(which: str, url: str, asset_id: str, playback_id: str) -> tuple[int, int, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    done = subprocess.run([sys.executable, "-m", "tests.benchmarks.bench_memory", "--child", which, url, asset_id,
                           playback_id], capture_output=True, text=True, env=env, timeout=600, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("memory ")), None)
    if line is None:
        raise RuntimeError(f"{which} did not report: {done.stderr[-2000:]}")
    listed = next((x for x in done.stdout.splitlines() if x.startswith("listed ")), "")
    _, rss, peak = line.split()
    return int(rss), int(peak), listed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--assets", type=int, default=5000)
    parser.add_argument("--child", nargs=4, metavar=("WHICH", "URL", "ASSET", "PLAYBACK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    data = Path(tempfile.mkdtemp())
    emulator = subprocess.Popen([sys.executable, "-m", "muxclipper", "emulator", "--data-dir", str(data),
                                 "--token", ":".join(TOKEN), "--no-rate-limit"],
                                stdout=subprocess.PIPE, text=True)
    try:
        assert emulator.stdout is not None
        url = emulator.stdout.readline().strip().split("=", 1)[1]
        with httpx.Client(base_url=url, auth=TOKEN, timeout=60) as api:
            api.post("/_emulator/seed", json={"count": args.assets, "template": {"title": "Weekly show"}})
            seconds = round(args.hours * 3600)
            made = api.post("/video/v1/assets", json={
                "inputs": [{"url": f"emulator://generated?duration={seconds}&fps=25&width=160&height=90"}],
                "playback_policies": ["public"]}).json()["data"]
            started = time.monotonic()
            while (asset := api.get(f"/video/v1/assets/{made['id']}").json()["data"])["status"] == "preparing":
                time.sleep(1)
            print(f"source of {args.hours:g} h ready in {time.monotonic() - started:.0f} s ({asset['status']})",
                  flush=True)
            playback = asset["playback_ids"][0]["id"]
        print(describe())
        print(f"{'program':<12} {'resident MB':>12} {'peak MB':>8}")
        for which in ("bare", "muxclipper"):
            rss, peak, listed = measure(which, url, made["id"], playback)
            print(f"{which:<12} {rss:>12} {peak:>8}  {listed}")
        print("goal: muxclipper ≤ 300 MB resident with a 3-hour source open and 5,000 assets listed")
    finally:
        emulator.terminate()
        emulator.wait(30)


if __name__ == "__main__":
    main()
