"""Counts of what the reliability suites tried, printed at the end of the run (see docs/RELIABILITY.md)."""

from __future__ import annotations

import threading
from collections import Counter

_counts: Counter[str] = Counter()
_lock = threading.Lock()


def record(name: str, n: int = 1) -> None:
    """Add ``n`` to the count called ``name`` (e.g. "fault schedules", "kill -9 points")."""
    with _lock:
        _counts[name] += n


def snapshot() -> dict[str, int]:
    with _lock:
        return dict(_counts)
