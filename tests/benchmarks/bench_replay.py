"""Benchmark: the replay key on the emulator — key → instant URL on the clipboard, and key → exact clip ready — beside
the bare API doing the same (two GETs for the URL's facts; one clip POST polled to ready), in the same run.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench_replay [--runs 5]``. Prints figures;
asserts nothing. Goal (issue 24): the URL on the clipboard within 1 s of the key. The key is the window's R action
(the real-window test, tests/screen/test_replay_real_window.py, presses the real key and reports the same figure).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from tests.benchmarks.machine import describe

BROADCAST = "emulator://generated?duration=120&fps=25&width=320&height=180&label=BENCH"
SECONDS = 10


def _ready(api: httpx.Client, asset_id: str) -> None:
    while api.get(f"/video/v1/assets/{asset_id}").json()["data"]["status"] == "preparing":
        time.sleep(0.01)


def bare(api: httpx.Client, stream_id: str) -> tuple[float, float]:
    """What the replay needs from Mux, without muxclipper: the stream and its recording (for the URL), then a clip
    of the last seconds polled to ready."""
    started = time.perf_counter()
    stream = api.get(f"/video/v1/live-streams/{stream_id}").json()["data"]
    recording = api.get(f"/video/v1/assets/{stream['active_asset_id']}").json()["data"]
    facts = time.perf_counter() - started
    end = recording["duration"]
    made = api.post("/video/v1/assets", json={"inputs": [{"url": f"mux://assets/{recording['id']}",
                                                          "start_time": end - SECONDS, "end_time": end}],
                                              "playback_policies": ["public"]}).json()["data"]
    _ready(api, made["id"])
    return facts, time.perf_counter() - started


async def window_runs(url: str, stream_id: str, runs: int, scratch: Path) -> tuple[list[float], list[float]]:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QGuiApplication

    from muxclipper.core.jobs import JobState
    from muxclipper.emulator.config import DEMO_TOKEN
    from muxclipper.mux.client import Credentials, Endpoints
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.environment import Environment
    from muxclipper.services.session import open_session
    from tests.support.waiting import until

    environment = Environment("Bench", Endpoints.for_origin(url), Credentials(DEMO_TOKEN.id, DEMO_TOKEN.secret))
    to_url, to_ready = [], []
    async with open_session(environment, scratch / "jobs.sqlite3") as session:
        window = MainWindow(session, settings=QSettings(str(scratch / "w.ini"), QSettings.Format.IniFormat))
        window.show()
        window.start()
        await until(lambda: window.sources.live.active_streams(), 20, "the live stream listed")
        window.sources.live.set_replay_seconds(SECONDS)
        replay = window.panels.replay
        assert replay is not None
        clipboard = QGuiApplication.clipboard()
        for _ in range(runs):
            clipboard.setText("")
            replayed: list[object] = []
            replay.replayed.connect(replayed.append)
            started = time.perf_counter()
            window.live_actions["replay"].trigger()
            await until(lambda: clipboard.text(), 5, "the URL")
            to_url.append(time.perf_counter() - started)
            await until(lambda made=replayed: made, 5, "the job")  # type: ignore[misc]
            job = replayed[0]
            await until(lambda j=job: (session.jobs.job(j.id) or j).state is JobState.READY, 120,  # type: ignore[attr-defined,misc]
                        "the clip ready")
            to_ready.append(time.perf_counter() - started)
            replay.replayed.disconnect(replayed.append)
            await asyncio.sleep(1.1)  # the POST budget (1/s) refills, as between two real replays
        await window.aclose()
        window.close()
    return to_url, to_ready


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    from muxclipper.emulator import EmulatorConfig, EmulatorServer
    from muxclipper.emulator.config import DEMO_TOKEN

    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)  # closing the window must not end the loop before the session closes
    with tempfile.TemporaryDirectory() as tmp:
        config = EmulatorConfig(rate_limits=None, data_dir=Path(tmp), media_workers=1)
        with EmulatorServer(config) as server, httpx.Client(base_url=server.url, timeout=60,
                                                            auth=(DEMO_TOKEN.id, DEMO_TOKEN.secret)) as api:
            source = api.post("/video/v1/assets", json={"inputs": [{"url": BROADCAST}]}).json()["data"]
            _ready(api, source["id"])
            stream = api.post("/video/v1/live-streams", json={
                "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
            api.post(f"/_emulator/live-streams/{stream['id']}/start", json={"source_asset_id": source["id"]})
            api.post("/_emulator/clock/advance", json={"seconds": 30})
            bare_runs = [bare(api, stream["id"]) for _ in range(args.runs)]
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            with loop:
                to_url, to_ready = loop.run_until_complete(window_runs(server.url, stream["id"], args.runs,
                                                                       Path(tmp)))
    ms = lambda values: f"median {statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"  # noqa: E731
    print(describe())
    print(f"key -> instant URL on the clipboard: {ms(to_url)}; bare: the stream and its recording (2 GETs) "
          f"{ms([f for f, _ in bare_runs])}")
    print(f"key -> exact {SECONDS} s clip ready:   {ms(to_ready)}; bare: 2 GETs + POST + polling to ready "
          f"{ms([r for _, r in bare_runs])}")


if __name__ == "__main__":
    main()
