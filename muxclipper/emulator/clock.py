"""The emulator's wall clock, which tests may move forward instead of sleeping."""

from __future__ import annotations

import threading
import time


class Clock:
    """Unix time in seconds plus an offset that the control API can advance; frozen, it stands still (a live
    recording then grows only when a test moves the clock, however long the machine takes to answer)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._frozen_at if self._frozen_at is not None else time.time() + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
            if self._frozen_at is not None:
                self._frozen_at += seconds

    def freeze(self, frozen: bool) -> None:
        """Stop the clock where it is (True), or let it run again from there (False: time lost while frozen is
        not made up, so it never jumps)."""
        with self._lock:
            if frozen and self._frozen_at is None:
                self._frozen_at = time.time() + self._offset
            elif not frozen and self._frozen_at is not None:
                self._offset = self._frozen_at - time.time()
                self._frozen_at = None

    @property
    def frozen(self) -> bool:
        with self._lock:
            return self._frozen_at is not None
