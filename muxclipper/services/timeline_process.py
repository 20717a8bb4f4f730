"""Suites' timelines read in a parser process with limits (``services/timeline_worker.py``), for the window and the
command line alike: a file that crashes OpenTimelineIO's native code (a segfault), eats memory or loops ends that
process, and the user is told which file and why; nothing else stops.

The process limits itself to :attr:`Limits.memory_mb` of address space and :attr:`Limits.cpu_s` of CPU time (where
the platform has ``resource``: Linux, macOS), and is killed after :attr:`Limits.timeout_s`. Several requests can go
to one process (:func:`read_many`, for the fuzzing suite): after a crash the next ones go to a new process.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from muxclipper.core.interchange import SourceIdentity

#: The first argument that makes ``muxclipper`` the parser process (a name no user types: it starts with "__"). Here,
#: not in the worker: the worker imports ``cut_lists``, which imports this module (no import circle).
WORKER_ARGUMENT = "__read-timelines"


@dataclass(frozen=True)
class Limits:
    #: Address space: OTIO and Python take ~150 MB; a cut list needs a few more.
    memory_mb: int = 1024
    #: CPU seconds for the whole process: parsing a 20 MB list takes a few.
    cpu_s: int = 30
    #: Wall time before the process is killed (it may be waiting on a slow disk, not only working).
    timeout_s: float = 60.0


@dataclass(frozen=True)
class Crash:
    """The parser process ended without answering: ``how`` says how, in words ("crashed (SIGSEGV)")."""

    how: str
    returncode: int | None


def command() -> list[str]:
    """How to start the parser: the app's own executable when frozen (its entry point knows the argument)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, WORKER_ARGUMENT]
    return [sys.executable, "-m", "muxclipper", WORKER_ARGUMENT]


def request(text: str, adapter: str, source: SourceIdentity, name: str) -> dict[str, Any]:
    return {"text": text, "adapter": adapter, "name": name, "asset_id": source.asset_id,
            "rate": [source.rate.numerator, source.rate.denominator], "duration_ms": source.duration_ms,
            "title": source.title, "playback_ids": list(source.playback_ids), "url": source.url}


def _how(returncode: int | None) -> str:
    if returncode is None:
        return "took too long and was stopped"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        if name in ("SIGXCPU", "SIGKILL"):
            return f"used more than its CPU time and was stopped ({name})"
        return f"crashed ({name})"
    return f"ended with exit status {returncode}"


def _run(requests: Sequence[dict[str, Any]], limits: Limits) -> tuple[list[dict[str, Any]], Crash | None]:
    """One process for ``requests``: the answers it gave, in order, and how it ended if before the last."""
    lines = "".join(json.dumps(r) + "\n" for r in requests)
    argv = [*command(), str(limits.memory_mb), str(limits.cpu_s)]
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True, encoding="utf-8") as process:
        try:
            out, _ = process.communicate(lines, timeout=limits.timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
            returncode: int | None = None
        else:
            returncode = process.returncode
    answers = []
    for line in out.splitlines():
        try:
            answers.append(json.loads(line))
        except ValueError:
            break  # a line cut short by the crash
    if len(answers) >= len(requests):
        return answers[:len(requests)], None
    return answers, Crash(_how(returncode), returncode)


def read_many(requests: Sequence[dict[str, Any]], limits: Limits | None = None) -> list[dict[str, Any] | Crash]:
    """Each request's answer, or the :class:`Crash` it caused; a crash costs one process, and the requests after
    it go on in a new one."""
    limits = limits or Limits()
    results: list[dict[str, Any] | Crash] = []
    while len(results) < len(requests):
        answers, crash = _run(requests[len(results):], limits)
        results.extend(answers)
        if crash is not None:
            results.append(crash)
    return results


def read_one(req: dict[str, Any], limits: Limits | None = None) -> dict[str, Any] | Crash:
    [result] = read_many([req], limits)
    return result
