"""What the reliability suites tried in this run, counted by kind and printed at the end of the run.

A suite calls ``record("fuzz cases: timecode parser", n)`` as it goes; ``pytest_terminal_summary`` in
tests/conftest.py prints every kind with its total, so a CI log shows how much was tried, not only that it
passed. Each pytest-xdist worker counts its own; at its end it hands them to the controller, which adds them up
(:func:`add`) and prints the totals.
"""

from __future__ import annotations

import threading
from collections import Counter

_counts: Counter[str] = Counter()
_lock = threading.Lock()  # the fault schedules record from the emulator's and the services' threads too


def record(kind: str, n: int = 1) -> None:
    """Add ``n`` to the count of ``kind`` (a phrase such as "damaged files" or "fault schedules")."""
    with _lock:
        _counts[kind] += n


def add(tried: dict[str, int]) -> None:
    """Add another process's counts (an xdist worker's) to this one's."""
    with _lock:
        _counts.update(tried)


def counts() -> dict[str, int]:
    """Every kind recorded so far, in the order first recorded."""
    with _lock:
        return dict(_counts)
