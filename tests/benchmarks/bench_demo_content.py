"""Benchmark: the demo's first start (its sources generated with ffmpeg and ingested) and a restart that reuses them.

Run: ``.venv/bin/python -m tests.benchmarks.bench_demo_content``.

The first start is timed in a fresh data dir with nothing cached, as a user's first ``muxclipper --demo`` has it
(tests/emulator/test_demo_content.py checks what it makes, not how long it takes: the suite shares the generated
sources between tests). Prints seconds from start to every source ready, and for a restart of the same dir.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import httpx

from muxclipper.emulator import EmulatorConfig, EmulatorServer
from muxclipper.emulator.config import DEMO_TOKEN
from muxclipper.emulator.demo import MEDIA_SOURCES
from tests.benchmarks.machine import describe


def _until_ready(api: httpx.Client, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assets = api.get("/video/v1/assets").json()["data"]
        demo = [a for a in assets if str(a.get("passthrough", "")).startswith("muxclipper-demo:")]
        if len(demo) == len(MEDIA_SOURCES) and all(a["status"] == "ready" for a in demo):
            return
        time.sleep(0.2)  # a benchmark polling a server it started; the suite waits on conditions instead
    raise SystemExit("the demo sources were not ready in time")


def _start(data_dir: Path) -> float:
    started = time.monotonic()
    config = EmulatorConfig(rate_limits=None, demo_content=True, data_dir=data_dir)
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, timeout=30,
                                                        auth=(DEMO_TOKEN.id, DEMO_TOKEN.secret)) as api:
        _until_ready(api)
        return time.monotonic() - started


def main() -> None:
    print(f"Machine: {describe()}")
    with tempfile.TemporaryDirectory() as folder:
        first = _start(Path(folder))
        again = _start(Path(folder))
    print(f"demo content, first start (generate + ingest): {first:.1f} s")
    print(f"demo content, restart (reused): {again:.2f} s")


if __name__ == "__main__":
    main()
