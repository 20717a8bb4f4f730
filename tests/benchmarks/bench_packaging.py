"""Benchmark: the installers' sizes and the installed app's start-up (issue 15).

Run after ``bash packaging/build-linux.sh`` (or pass ``--build`` to time it too):
``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench_packaging [--runs 5] [--build]``.

Prints:
- sizes: each bundle folder (build/pyinstaller/{deb,tarball}/muxclipper), the .deb and the .tar.gz in dist/;
- launch → main window painted, the frozen app (the .deb's bundle, ``MUXCLIPPER_PAINT_PROBE=1``: see
  packaging/launcher.py) beside the venv (this checkout's .venv through tests/benchmarks/startup_probe.py), against
  the same emulator, interleaved; goal: frozen ≤ 1.2 × venv;
- the installed demo's first start (the .deb unpacked with ``dpkg -x``, a fresh home: the emulator makes the demo's
  media with the system ffmpeg, a stand-in that runs imageio-ffmpeg's) to ``--smoke-test`` passing, and its
  second start; the same for the self-contained .tar.gz when it was built.
Goals (issue 15): .deb ≤ 60 MB (the Debian build), ≤ 150 MB self-contained.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from muxclipper.emulator.media import ffmpeg
from tests.benchmarks.bench_startup import PROBE, Emulator, child_env, time_to_line
from tests.benchmarks.machine import describe

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "build" / "pyinstaller"
DIST = ROOT / "dist"


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mb(n: float) -> str:
    return f"{n / 2**20:.1f} MB"


def demo_start(program: Path, home: Path, path: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "MUXCLIPPER_"))}
    # time_to_line runs the program from MUXCLIPPER_DATA_DIR: the user's own folder here.
    env.update(HOME=str(home), PATH=path, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               MUXCLIPPER_DATA_DIR=str(home / ".local" / "share" / "muxclipper"))
    Path(env["MUXCLIPPER_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    return time_to_line([str(program), "--smoke-test", "--demo"], "smoke test passed", env)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build", action="store_true", help="run packaging/build-linux.sh first, timed")
    args = parser.parse_args()
    print(describe())
    if args.build:
        started = time.monotonic()
        subprocess.run(["bash", str(ROOT / "packaging" / "build-linux.sh")], check=True)
        print(f"bash packaging/build-linux.sh: {time.monotonic() - started:.0f} s")
    debs = sorted(DIST.glob("muxclipper_*.deb"))
    tarballs = sorted(DIST.glob("muxclipper-*-linux-*.tar.gz"))
    if not debs:
        raise SystemExit("no .deb in dist/: run bash packaging/build-linux.sh first (or pass --build)")
    print("\nSizes")
    for name in ("deb", "tarball"):
        bundle = WORK / name / "muxclipper"
        if bundle.is_dir():
            print(f"  bundle for the {name:8}        {mb(size_of(bundle)):>10}")
    for path in [*debs, *tarballs]:
        print(f"  {path.name:34} {mb(size_of(path)):>10}")

    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        root = tmp / "root"
        subprocess.run(["dpkg", "-x", str(debs[-1]), str(root)], check=True)
        frozen = root / "usr" / "lib" / "muxclipper" / "muxclipper"
        system_bin = tmp / "system-bin"
        system_bin.mkdir()
        (system_bin / "ffmpeg").symlink_to(ffmpeg.ffmpeg_exe())  # stands in for Debian's ffmpeg
        path = f"{system_bin}{os.pathsep}{os.environ['PATH']}"

        server = Emulator(tmp / "emulator")
        try:
            env = child_env(tmp)
            Path(env["MUXCLIPPER_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
            commands = {
                "venv (.venv, startup_probe)": ([sys.executable, str(PROBE), "muxclipper", "--api-base-url",
                                                 server.url], env),
                "frozen (the .deb's bundle)": ([str(frozen), "--api-base-url", server.url],
                                               {**env, "MUXCLIPPER_PAINT_PROBE": "1"}),
            }
            for command, child in commands.values():  # warm the disk cache
                time_to_line(command, "painted ", child)
            found: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(args.runs):
                for name, (command, child) in commands.items():
                    found[name].append(time_to_line(command, "painted ", child))
        finally:
            server.close()
        print(f"\nLaunch → main window painted (median of {args.runs}, min–max)")
        for name, values in found.items():
            print(f"  {name:32} {statistics.median(values):.3f} s  ({min(values):.3f}–{max(values):.3f})")
        ratio = statistics.median(found["frozen (the .deb's bundle)"]) / statistics.median(
            found["venv (.venv, startup_probe)"])
        print(f"  frozen / venv                    {ratio:.2f}× (goal ≤ 1.2×)")

        print("\nThe installed demo: launch → --smoke-test --demo passed")
        home = tmp / "home-deb"
        home.mkdir()
        print(f"  .deb, first start (makes the demo's media)   {demo_start(frozen, home, path):.1f} s")
        print(f"  .deb, second start                           {demo_start(frozen, home, path):.1f} s")
        if tarballs:
            unpacked = tmp / "tarball"
            with tarfile.open(tarballs[-1]) as archive:
                archive.extractall(unpacked, filter="tar")
            program = next(unpacked.glob("muxclipper-*/muxclipper"))
            home = tmp / "home-tarball"
            home.mkdir()
            print(f"  .tar.gz, first start (its own ffmpeg)        {demo_start(program, home, os.environ['PATH']):.1f} s")


if __name__ == "__main__":
    main()
