"""Command-line entry point: ``muxclipper [--demo] …`` and its subcommands."""

from __future__ import annotations

import sys
from collections.abc import Sequence

CLI_COMMANDS = ("clip", "assets", "live-streams", "jobs", "env", "sessions", "segments", "slates", "replay")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["__read-timelines"]:  # the parser process (services/timeline_worker.py); nothing else loaded
        from muxclipper.services.timeline_worker import main as worker_main

        return worker_main(args[1:])
    # httpx tries to import its own command-line client whenever it is imported, and when click is installed
    # (uvicorn, which the bundled emulator needs, brings it) that costs ~45 ms of every start, ~100 ms with rich
    # and pygments too, for a tool muxclipper never runs. A None entry makes that one import fail at once, and
    # httpx carries on as it does without click.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    if sys.platform == "win32":  # the installer refuses to run while this is held
        from muxclipper.launch.running_mark import hold

        hold()
    if any(a in CLI_COMMANDS for a in args[:5]) and not (args and args[0] == "emulator"):
        from muxclipper.cli.main import main as cli_main

        return cli_main(args)
    if args and args[0] == "emulator":
        # Imported here so that starting the GUI does not pay for the emulator's imports.
        from muxclipper.emulator.cli import main as emulator_main

        return emulator_main(args[1:])
    from muxclipper.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
