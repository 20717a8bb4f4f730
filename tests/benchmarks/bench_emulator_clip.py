"""Benchmark: the emulator's frame-exact clip of a 40 s range against bare ffmpeg doing the same cut.

Run: ``.venv/bin/python -m tests.benchmarks.bench_emulator_clip [--runs 3]``. Prints figures; asserts
nothing. Goal (issue 3): emulator ≤ 1.3 × bare ffmpeg, measured from the create request to ``ready``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from muxclipper.emulator import EmulatorConfig, EmulatorServer
from muxclipper.emulator.config import DEMO_TOKEN
from muxclipper.emulator.media import ffmpeg
from muxclipper.emulator.media.pipeline import AAC, X264
from tests.benchmarks.machine import describe

SOURCE = "emulator://generated?duration=60&fps=30&width=1280&height=720&label=BENCH"
START, END = 10.0, 50.0


def wait_ready(api: httpx.Client, asset_id: str) -> None:
    while api.get(f"/video/v1/assets/{asset_id}").json()["data"]["status"] == "preparing":
        time.sleep(0.01)


def emulator_clip(api: httpx.Client, source_id: str) -> float:
    started = time.perf_counter()
    response = api.post("/video/v1/assets", json={
        "inputs": [{"url": f"mux://assets/{source_id}", "start_time": START, "end_time": END}],
        "playback_policies": ["public"]})
    wait_ready(api, response.json()["data"]["id"])
    return time.perf_counter() - started


def bare_clip(master: Path, out: Path) -> float:
    """The plain frame-accurate ffmpeg cut with the same encoder settings, no HLS, no bookkeeping."""
    started = time.perf_counter()
    subprocess.run([ffmpeg.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", str(START),
                    "-i", str(master), "-t", str(END - START), *X264, *AAC, str(out)], check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = EmulatorConfig(rate_limits=None, data_dir=Path(tmp), media_workers=1)
        with EmulatorServer(config) as server, httpx.Client(base_url=server.url, timeout=60,
                                                            auth=(DEMO_TOKEN.id, DEMO_TOKEN.secret)) as api:
            source = api.post("/video/v1/assets", json={"inputs": [{"url": SOURCE}]}).json()["data"]
            wait_ready(api, source["id"])
            master = Path(tmp) / "media" / "assets" / source["id"] / "source.mp4"
            emulator, bare = [], []
            for run in range(args.runs):  # alternate, so neither side gets a warmer machine
                emulator.append(emulator_clip(api, source["id"]))
                bare.append(bare_clip(master, Path(tmp) / f"bare{run}.mp4"))
    e, b = statistics.median(emulator), statistics.median(bare)
    print(f"machine: {describe()}")
    print(f"source: 60 s 1280x720 30 fps H.264/AAC; clip {START:g}–{END:g} s (40 s), x264 veryfast, {args.runs} runs")
    print(f"emulator clip, request → ready: median {e:.2f} s  (runs: {', '.join(f'{x:.2f}' for x in emulator)})")
    print(f"bare ffmpeg cut:                median {b:.2f} s  (runs: {', '.join(f'{x:.2f}' for x in bare)})")
    print(f"ratio: {e / b:.2f} x  (goal <= 1.3 x)")


if __name__ == "__main__":
    main()
