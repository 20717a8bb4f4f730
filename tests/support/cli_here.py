"""``muxclipper ARGS`` run by its ``main`` in the test's own process, as a shell would run it: with exactly the
environment given (nothing else of the worker's), standard input given or empty, and what it prints (its log lines
too) captured apart from the test's own output.

A process per command cost ~0.4 s of CPU each (the interpreter and the imports), ~250 of them a run. What only a
process shows is still tested with processes: exit statuses (tests/cli/test_exit_codes.py), kill -9 and Ctrl+C, two
processes at once, ``--help`` from the entry point, the real keyring (tests/integration/test_secret_service.py). Here
the keyring is the test's (the memory one, unless the test is marked ``secret_service``).
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from muxclipper.__main__ import main


def _tzset() -> None:
    """The C library reads ``TZ`` at start; a process of its own would have read the one given."""
    if hasattr(time, "tzset"):
        time.tzset()


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    _tzset()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        _tzset()


@contextmanager
def _own_logging() -> Iterator[None]:
    """The command's ``logging.basicConfig`` writes to its standard error, as in its own process: pytest's handlers
    are set aside meanwhile (with them in place basicConfig would do nothing) and put back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers.clear()
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)


def run_here(env: Mapping[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """What ``subprocess.run([python, "-m", "muxclipper", *args], env=env, capture_output=True, text=True)`` would
    answer. A command that hangs is ended by the test's own time limit (pytest-timeout), not by one of its own."""
    out, err = io.StringIO(), io.StringIO()
    streams = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        with _environment(env), _own_logging():
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, or a usage error
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
    return subprocess.CompletedProcess(["muxclipper", *args], code, out.getvalue(), err.getvalue())
