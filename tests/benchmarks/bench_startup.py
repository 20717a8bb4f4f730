"""Benchmark: start-up and responsiveness of the main window (issue 7).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench_startup [--runs 5]``.

Prints, against a local emulator:
- launch → window painted, for a bare PySide6 QMainWindow and for muxclipper, in the same run, and launch →
  window ready for input (its panels built, its session open);
- launch → first frame of a source named on the command line, and → ``muxclipper --smoke-test URL`` passing (the
  frame on screen with its frame number, the asset known);
- the event loop's longest stall while the window lists 5,000 assets (scrolled to the end, page by page)
  and follows 500 clip jobs to ready (seeded as preparing in Mux and in the job store, as after a batch).
The emulator runs in its own process. The start-up figures are of muxclipper as a user has it: installed (not
editable) into a fresh virtualenv with its runtime dependencies only (``pip install .``, ~40 s, made once per run;
``--python`` reuses an interpreter that has it), with compiled modules. The test venv's extras change them: httpx,
for one, imports its command line (rich, click, pygments: ~0.1 s) when they are installed.
Goals: window ≤ 0.4 s, first frame ≤ 0.6 s, stall ≤ 30 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

from muxclipper.emulator.config import DEMO_TOKEN
from tests.benchmarks.machine import describe

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("startup_probe.py")
SOURCE = "emulator://generated?duration=30&fps=30&width=640&height=360&label=START"
ASSETS, JOBS = 5_000, 500


def child_env(tmp: Path) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "MUX_TOKEN_ID": DEMO_TOKEN.id, "MUX_TOKEN_SECRET": DEMO_TOKEN.secret,
           "MUXCLIPPER_DATA_DIR": str(tmp / "data"), "MUXCLIPPER_CONFIG_DIR": str(tmp / "config"),
           "MUXCLIPPER_LOG_DIR": str(tmp / "log"),
           # Compiled modules, as an installed app has them (the warm-up run writes them): a sandbox that sets
           # PYTHONDONTWRITEBYTECODE would otherwise compile muxclipper from source at every start.
           "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def installed_python(tmp: Path) -> str:
    """A fresh virtualenv with muxclipper installed from this checkout, as a user's ``pip install`` makes it."""
    venv = tmp / "installed"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    done = subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"pip install of {ROOT} failed:\n{done.stderr}")
    return python


def time_to_line(command: list[str], prefix: str, env: dict[str, str]) -> float:
    """Seconds from launching ``command`` to the moment it prints a line starting with ``prefix``."""
    errors = tempfile.TemporaryFile("w+")  # noqa: SIM115 - read after the child exits
    started = time.time()
    # Run from elsewhere, so that ``-m muxclipper`` finds the installed package, not this checkout.
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=errors, text=True,
                             cwd=env["MUXCLIPPER_DATA_DIR"])
    assert child.stdout is not None
    try:
        for line in child.stdout:
            if line.startswith(prefix):
                if line.startswith("painted "):
                    return float(line.split()[1]) - started
                return time.time() - started
        errors.seek(0)
        said = [line for line in errors.read().splitlines() if not line.startswith("qt.multimedia")]
        raise RuntimeError(f"{command} ended without printing {prefix!r}: {' | '.join(said[-5:])}")
    finally:
        child.kill()
        child.wait()
        errors.close()


def wait_ready(client: httpx.Client, asset_id: str) -> dict[str, object]:
    for _ in range(600):
        asset = client.get(f"/video/v1/assets/{asset_id}").json()["data"]
        if asset["status"] != "preparing":
            return dict(asset)
        time.sleep(0.1)
    raise TimeoutError(asset_id)


class Emulator:
    """The emulator in its own process, as a real service would be: its work never holds this process's GIL."""

    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "muxclipper", "emulator", "--no-rate-limit", "--data-dir", str(data_dir)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        if not first.startswith("MUX_BASE_URL="):
            raise RuntimeError(f"the emulator did not start: {first!r}")
        self.url = first.strip().split("=", 1)[1]

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def startup(server: Emulator, runs: int, tmp: Path, python: str) -> dict[str, list[float]]:
    api = httpx.Client(base_url=server.url, auth=(DEMO_TOKEN.id, DEMO_TOKEN.secret), timeout=60)
    created = api.post("/video/v1/assets", json={"inputs": [{"url": SOURCE}], "playback_policies": ["public"]})
    asset = wait_ready(api, created.json()["data"]["id"])
    playback = asset["playback_ids"][0]["id"]  # type: ignore[index]
    api.close()
    env = child_env(tmp)
    Path(env["MUXCLIPPER_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    stored = stored_environment_env(env, tmp, server.url)
    probe = [python, str(PROBE)]
    commands = {
        "bare PySide6 window painted": (probe + ["bare"], "painted ", env),
        "muxclipper window painted": (probe + ["muxclipper", "--api-base-url", server.url], "painted ", env),
        "muxclipper window painted, stored environment": (probe + ["muxclipper"], "painted ", stored),
        "muxclipper window ready for input (panels, session)": (
            probe + ["muxclipper-ready", "--api-base-url", server.url], "painted ", env),
        "muxclipper first frame of a source on the command line": (
            probe + ["muxclipper-frame", "--api-base-url", server.url, f"https://stream.mux.com/{playback}.m3u8"],
            "painted ", env),
        "muxclipper --smoke-test passed (that frame, and its asset)": (
            [python, "-m", "muxclipper", "--smoke-test", "--api-base-url", server.url,
             f"https://stream.mux.com/{playback}.m3u8"], "smoke test passed", env),
    }
    for command, prefix, child in commands.values():  # warm the disk cache: every run then starts alike
        time_to_line(command, prefix, child)
    found: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so a busy moment of the machine hits all of them
        for name, (command, prefix, child) in commands.items():
            found[name].append(time_to_line(command, prefix, child))
    return found


def stored_environment_env(env: dict[str, str], tmp: Path, url: str) -> dict[str, str]:
    """A user's usual start: an active stored environment, no MUX_TOKEN_* variables. Its secret is read from the
    keyring after the first paint (here the keyring may refuse: the frame is what is timed)."""
    from dataclasses import asdict

    from muxclipper.services.environment import endpoints_for
    from muxclipper.services.environments import new_profile

    config = tmp / "stored-config"
    config.mkdir(parents=True, exist_ok=True)
    where = endpoints_for(url)
    profile = new_profile("Staging", DEMO_TOKEN.id, api_url=where.api, stream_url=where.stream,
                          image_url=where.image)
    (config / "environments.json").write_text(json.dumps({"profiles": [asdict(profile)], "active": profile.id}))
    stored = {k: v for k, v in env.items() if k not in ("MUX_TOKEN_ID", "MUX_TOKEN_SECRET", "MUX_BASE_URL")}
    return {**stored, "MUXCLIPPER_CONFIG_DIR": str(config)}


async def until_true(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.01)


def stall(server: Emulator, tmp: Path) -> tuple[float, float, float, int]:
    """In process: the window lists every asset and follows the jobs; a 5 ms timer measures its lateness."""
    import qasync
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from muxclipper.core.jobs import ClipJob, JobState
    from muxclipper.launch.first_source import freeze_startup_objects
    from muxclipper.mux.client import Credentials, Endpoints
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.environment import Environment
    from muxclipper.services.session import open_session
    from muxclipper.store.jobs import JobRepository

    control = httpx.Client(base_url=server.url, timeout=120)
    seeded = control.post("/_emulator/seed", json={"count": ASSETS - JOBS,
                                                   "template": {"title": "Seeded", "duration": 60}})
    source = seeded.json()["data"]["assets"][0]
    # The clips Mux is still making: they turn ready one after another over a minute, reporting progress.
    clips = control.post("/_emulator/seed", json={"assets": [
        {"status": "preparing", "title": f"Clip {i}", "processing_seconds": 5 + 60 * i / JOBS} for i in range(JOBS)]})
    clip_ids = clips.json()["data"]["assets"]
    control.close()
    environment = Environment("Bench", Endpoints.for_origin(server.url), Credentials(DEMO_TOKEN.id, DEMO_TOKEN.secret))
    repo = JobRepository(tmp / "jobs.sqlite3")
    now = time.time()
    repo.add_many([ClipJob(id=None, token=uuid.uuid4().hex, environment=environment.key, source_asset_id=source,
                           start_ms=0, end_ms=5_000, state=JobState.PREPARING, asset_id=asset_id,
                           created_at_s=now + i * 1e-3) for i, asset_id in enumerate(clip_ids)])
    repo.close()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    gaps: list[float] = []

    async def scenario() -> tuple[float, int]:
        async with open_session(environment, tmp / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.resize(1400, 900)
            window.show()
            window.start()
            freeze_startup_objects()  # as muxclipper.app does
            # The first paint and the first page are start-up, measured above: the stall is measured after.
            await until_true(lambda: window.sources.model.rowCount() > 0)
            last, last_cpu = time.perf_counter(), time.thread_time()

            def tick() -> None:
                nonlocal last, last_cpu
                now, cpu = time.perf_counter(), time.thread_time()
                gaps.append(now - last)
                if now - last > 0.03 and os.environ.get("BENCH_TRACE"):
                    print(f"gap {1000 * (now - last):.0f} ms (this thread ran {1000 * (cpu - last_cpu):.0f} ms of it) "
                          f"at {now - started:.2f} s", flush=True)
                last, last_cpu = now, cpu

            if os.environ.get("BENCH_TRACE"):
                import gc

                collecting: dict[str, float] = {}

                def gc_trace(phase: str, info: dict[str, int]) -> None:
                    if phase == "start":
                        collecting["at"] = time.perf_counter()
                    elif time.perf_counter() - collecting["at"] > 0.01:
                        print(f"gc generation {info['generation']}: {1000 * (time.perf_counter() - collecting['at']):.0f}"
                              f" ms, {len(gc.get_objects())} objects tracked, at {time.perf_counter() - started:.2f} s",
                              flush=True)

                gc.callbacks.append(gc_trace)
            timer = QTimer()
            timer.setTimerType(Qt.TimerType.PreciseTimer)
            timer.setInterval(5)
            timer.timeout.connect(tick)
            timer.start()
            started = time.perf_counter()
            model, view = window.sources.model, window.sources.list_view
            while model.has_more or model.rowCount() < ASSETS:
                view.scrollToBottom()  # as a user holding End would: each page asked for once
                await asyncio.sleep(0.05)
            listed = time.perf_counter() - started
            jobs = window.clips.jobs_model
            while jobs.rowCount() < JOBS or any(jobs.job_at(r).state is not JobState.READY
                                                for r in range(jobs.rowCount())):
                await asyncio.sleep(0.1)
            timer.stop()
            await window.aclose()
            window.close()
            return listed, model.rowCount()

    try:
        listed, rows = loop.run_until_complete(scenario())
    finally:
        loop.close()
    gaps.sort()
    return gaps[-1] * 1000 - 5, gaps[int(len(gaps) * 0.99)] * 1000 - 5, listed, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--python", help="an interpreter with muxclipper installed (default: a fresh venv)")
    parser.add_argument("--only", choices=["startup", "stall"], help="measure just one of the two")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"machine: {describe()}, QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        python = args.python or (installed_python(tmp) if args.only != "stall" else sys.executable)
        server = Emulator(tmp / "emulator")
        try:
            if args.only != "stall":
                for what, values in startup(server, args.runs, tmp, python).items():
                    print(f"{what:<58} median {statistics.median(values) * 1000:6.0f} ms   "
                          f"runs {', '.join(f'{v * 1000:.0f}' for v in values)}")
            if args.only == "startup":
                return
            longest, p99, listed, rows = stall(server, tmp)
            print(f"{rows} assets listed in {listed:.1f} s and {JOBS} clips followed to ready: longest event-loop "
                  f"stall {longest:.1f} ms, p99 {p99:.1f} ms")
        finally:
            server.close()


if __name__ == "__main__":
    main()
