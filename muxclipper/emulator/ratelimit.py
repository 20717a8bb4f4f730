"""Token buckets that answer 429 the way Mux does when a client goes too fast."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from muxclipper.emulator.config import RateLimits


class TokenBucket:
    """``rate`` tokens a second, holding at most ``burst``; one request takes one token."""

    def __init__(self, rate: float, burst: int, now: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._now = now
        self._tokens = float(burst)
        self._stamp = now()
        self._lock = threading.Lock()

    def try_take(self) -> bool:
        with self._lock:
            now = self._now()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


class RateLimiter:
    """One bucket for POSTs and one for every other method, shared by the whole environment."""

    def __init__(self, limits: RateLimits | None, now: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._post = TokenBucket(limits.post_per_second, limits.post_burst, now) if limits else None
        self._other = TokenBucket(limits.other_per_second, limits.other_burst, now) if limits else None

    def allow(self, method: str) -> bool:
        bucket = self._post if method == "POST" else self._other
        return bucket is None or bucket.try_take()
