"""Command-line entry point: ``muxclipper [--demo] …`` and its subcommands."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("clip", "assets", "live-streams", "jobs") or (
            len(args) > 2 and args[0] in ("--api-base-url", "--log-level") and args[2] in
            ("clip", "assets", "live-streams", "jobs")):
        from muxclipper.cli.commands import main as cli_main

        return cli_main(args)
    if args and args[0] == "emulator":
        # Imported here so that starting the GUI does not pay for the emulator's imports.
        from muxclipper.emulator.cli import main as emulator_main

        return emulator_main(args[1:])
    from muxclipper.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
