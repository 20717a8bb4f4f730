"""Composition root of the desktop application (QApplication, qasync loop, wiring).

The window arrives with the main-window issue; until then ``muxclipper --demo`` runs the emulator
with its demo content so that the README's first command already gives something to look at.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from muxclipper import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="muxclipper",
        description="Frame-exact clips from Mux videos and live recordings.",
        epilog="Subcommands: 'muxclipper emulator --help' runs the local Mux emulator.")
    parser.add_argument("--version", action="version", version=f"muxclipper {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="no account needed: run against a local emulator with demo content")
    return parser


def demo_data_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("muxclipper", appauthor=False) / "demo-emulator"


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    if not args.demo:
        build_parser().print_help()
        print("\nThe window is not built yet; run 'muxclipper --demo' to start the demo emulator.")
        return 0
    from muxclipper.emulator.cli import main as emulator_main

    return emulator_main(["--demo-content", "--data-dir", str(demo_data_dir())])
