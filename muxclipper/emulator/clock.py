"""The emulator's wall clock, which tests may move forward instead of sleeping."""

from __future__ import annotations

import threading
import time


class Clock:
    """Unix time in seconds plus an offset that the control API can advance."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
