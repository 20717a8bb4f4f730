"""A request budget per environment, so that 429 is rare rather than routine.

Mux allows POSTs on ``/video`` at 1 request/s sustained and other methods at 5/s, with short bursts;
limits are per environment (older accounts: per account), so every client of one environment shares
one budget. Callers ``await budget.acquire(method)`` before each request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BudgetLimits:
    post_per_second: float = 1.0
    post_burst: int = 1
    other_per_second: float = 5.0
    other_burst: int = 5


class _Bucket:
    def __init__(self, rate: float, burst: int, now: Callable[[], float]) -> None:
        self.rate, self.burst, self._now = rate, burst, now
        self._tokens = float(burst)
        self._stamp = now()

    def wait_time(self) -> float:
        """Take a token if there is one (0.0), else how long until there will be."""
        now = self._now()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate


class RateBudget:
    """Token buckets for POST and for everything else; waiters are served in arrival order."""

    def __init__(self, limits: BudgetLimits | None = None, *, now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limits = limits or BudgetLimits()
        self._post = _Bucket(self.limits.post_per_second, self.limits.post_burst, now)
        self._other = _Bucket(self.limits.other_per_second, self.limits.other_burst, now)
        self._sleep = sleep
        self._locks = {"post": asyncio.Lock(), "other": asyncio.Lock()}

    async def acquire(self, method: str) -> None:
        key = "post" if method.upper() == "POST" else "other"
        bucket = self._post if key == "post" else self._other
        async with self._locks[key]:
            while (delay := bucket.wait_time()) > 0:
                await self._sleep(delay)

    def penalise(self, seconds: float) -> None:
        """After a 429: drain both buckets so that the next requests wait ``seconds``."""
        for bucket in (self._post, self._other):
            bucket.wait_time()
            bucket._tokens = min(bucket._tokens, 0.0) - seconds * bucket.rate
