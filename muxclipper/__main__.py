"""Command-line entry point: ``muxclipper [--demo] …`` and its subcommands."""

from __future__ import annotations

import sys
from collections.abc import Sequence


CLI_COMMANDS = ("clip", "assets", "live-streams", "jobs", "env")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in CLI_COMMANDS for a in args[:5]) and not (args and args[0] == "emulator"):
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
