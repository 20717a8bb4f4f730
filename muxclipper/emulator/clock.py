"""The emulator's wall clock, which tests may move forward instead of sleeping, and stop outright."""

from __future__ import annotations

import threading
import time


class Clock:
    """Unix time in seconds plus an offset that the control API can advance.

    A stopped clock is wholly virtual: it reads the same until it is advanced, so a test that moves it gets exactly
    the durations it asked for, however long its requests took on a busy machine. Started again, it runs on from
    where it stood (it never goes back).
    """

    def __init__(self) -> None:
        self._offset = 0.0
        self._stopped_at: float | None = None
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            if self._stopped_at is not None:
                return self._stopped_at
            return time.time() + self._offset

    @property
    def running(self) -> bool:
        with self._lock:
            return self._stopped_at is None

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            if self._stopped_at is not None:
                self._stopped_at += seconds
            else:
                self._offset += seconds

    def stop(self) -> None:
        """From now on the clock moves only when advanced."""
        with self._lock:
            if self._stopped_at is None:
                self._stopped_at = time.time() + self._offset

    def start(self) -> None:
        """Real time moves the clock again, from where it stands."""
        with self._lock:
            if self._stopped_at is not None:
                self._offset = self._stopped_at - time.time()
                self._stopped_at = None
