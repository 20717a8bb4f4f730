"""``muxclipper COMMAND ARGS`` run by the command line's ``main`` in the test's own process, as a shell would run it:
with the environment given, standard input given or empty, and what it prints (its log lines too) captured apart from
the test's own output.

A process per command cost ~0.3 s of CPU for the interpreter and the imports, ~110 of them a run. What only a process
shows is still tested with processes: exit statuses (tests/cli/test_exit_codes.py), kill -9 and Ctrl+C, two processes
at once, ``--help`` from the entry point (``muxclipper/__main__.py``, which sends COMMAND here), the real keyring
(tests/integration/test_secret_service.py). Here the keyring is the test's (the memory one, unless the test is marked
``secret_service``).

What a process would not share with the test, and how it is kept apart here:
- the environment: only the keys that differ are changed (the emulator's threads in this process read it too, to
  start ffmpeg), and ``TZ`` is read again (the C library reads it at start only); ``COLUMNS`` is 80 unless given, as
  for a process whose output is a pipe (argparse would otherwise wrap ``--help`` to the test's terminal);
- log lines: the command's ``logging.basicConfig`` writes to its standard error; records from the threads that were
  running before it started (the emulator's) are left out, as they would be from another process;
- time: a command that hangs is ended by the test's time limit; should it not end even then, faulthandler prints
  where every thread was and ends the worker after ``watchdog_s`` (a process of its own would have been killed).
"""

from __future__ import annotations

import faulthandler
import io
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from muxclipper.cli.main import main


def _tzset() -> None:
    if hasattr(time, "tzset"):
        time.tzset()


def _set(values: Mapping[str, str]) -> None:
    for key in [k for k in os.environ if k not in values]:
        del os.environ[key]
    for key, value in values.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    _set({"COLUMNS": "80", **env})
    _tzset()
    try:
        yield
    finally:
        _set(saved)
        _tzset()


@contextmanager
def _own_logging() -> Iterator[None]:
    """pytest's handlers are set aside meanwhile (with them in place basicConfig would do nothing) and put back after;
    the handlers the command adds see only its own threads' records."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    others = {thread.ident for thread in threading.enumerate()} - {threading.get_ident()}
    original = logging.basicConfig

    def basic_config(**kwargs: object) -> None:
        original(**kwargs)  # type: ignore[arg-type]
        for handler in root.handlers:
            handler.addFilter(lambda record: record.thread not in others)

    root.handlers.clear()
    logging.basicConfig = basic_config  # type: ignore[assignment]
    try:
        yield
    finally:
        logging.basicConfig = original
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)


def run_here(env: Mapping[str, str], *args: str, stdin: str = "", watchdog_s: float = 300
             ) -> subprocess.CompletedProcess[str]:
    """What ``subprocess.run([python, "-m", "muxclipper", *args], env=env, capture_output=True, text=True)`` would
    answer, for a COMMAND of the command line (``args[0]``)."""
    out, err = io.StringIO(), io.StringIO()
    streams = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    if sys.__stderr__ is not None:
        faulthandler.dump_traceback_later(watchdog_s, exit=True, file=sys.__stderr__)
    try:
        with _environment(env), _own_logging():
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, or a usage error
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
    finally:
        faulthandler.cancel_dump_traceback_later()
        sys.stdin, sys.stdout, sys.stderr = streams
    return subprocess.CompletedProcess(["muxclipper", *args], code, out.getvalue(), err.getvalue())
