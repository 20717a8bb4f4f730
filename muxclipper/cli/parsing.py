"""The command line's argument parser: no abbreviations, and errors that never repeat what might be a secret.

argparse by default completes ``--secret`` to ``--secret-stdin`` and then prints the value it could not
place ("unrecognized arguments: s3cr3t") on the terminal, in scrollback and in CI logs. Here an option must
be spelled out, and an error names the options it did not understand without their values.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

#: The zone words of a time of day (core/recording_clock.py), and the time before them, as the shell splits them.
_ZONES = ("local", "utc", "z")
_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?")
SECRET_ADVICE = "a token secret is never an argument: muxclipper asks for it, or reads it with --secret-stdin"


class SafeArgumentParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` with ``allow_abbrev=False`` (its sub-commands too) whose errors
    leave out the values of arguments it did not understand."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        advice = unquoted_time_of_day(sys.argv[1:] if args is None else list(args))
        if advice is not None:  # else argparse blames the zone as an unknown argument, or takes it for SOURCE
            self.error(f"a time of day and its zone are one value: quote them, as in {advice}")
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {describe_unknown(extras)} ({SECRET_ADVICE})")
        return parsed

    def error(self, message: str) -> NoReturn:
        # "ignored explicit argument 'VALUE'" repeats what followed '=' on a flag that takes none.
        message = re.sub(r"ignored explicit argument .*", "takes no value (what followed '=' is not repeated)",
                         message)
        if message.startswith("unrecognized arguments:") and SECRET_ADVICE not in message:
            message = f"unrecognized arguments: {describe_unknown(message.split(':', 1)[1].split())}"
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def describe_unknown(extras: Sequence[str]) -> str:
    """The options among ``extras`` by name (``--secret``, ``--secret=…``), any other word as ``…``."""
    shown = []
    for word in extras:
        if word.startswith("-") and len(word) > 1:
            name, eq, _ = word.partition("=")
            shown.append(name[:40] + ("=…" if eq else ""))
        elif not shown or shown[-1] != "…":
            shown.append("…")
    return " ".join(shown)


def unquoted_time_of_day(argv: Sequence[str]) -> str | None:
    """``--start 19:04:05 local`` typed without quotes is two words to the shell: the flag as it should have been
    typed (``--start "19:04:05 local"``), else None. Only an option's name and a time are repeated, never another
    value."""
    for i, word in enumerate(argv[:-1]):
        zone = argv[i + 1]
        if zone.lower() not in _ZONES:
            continue
        if word.startswith("--") and "=" in word:
            flag, value = word.split("=", 1)
        elif i >= 1 and argv[i - 1].startswith("--"):
            flag, value = argv[i - 1], word
        else:
            continue
        if _TIME_OF_DAY.fullmatch(value):
            return f'{flag[:40]} "{value} {zone}"'
    return None
