"""When the client tries a request again: only where that is safe, with Mux's SDK backoff."""

from __future__ import annotations

import random
from dataclasses import dataclass

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "DELETE"})  # a repeat cannot create anything twice


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    #: With a deadline (a command's ``--wait-timeout``), a request that may be repeated is tried until this many
    #: seconds (monotonic) have passed since its first try, however many tries that takes, instead of
    #: ``max_retries`` times: under rate limits, reading a source gave up after ~8 s of a 60 s timeout.
    give_up_after_s: float | None = None

    def delay(self, attempt: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds before retry number ``attempt`` (0-based): 0.5·2^n capped at 8, minus up to 25 %."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), 60.0)
        base = min(self.base_delay * (2 ** min(attempt, 30)), self.max_delay)
        fraction: float = (rng or random.Random()).random()
        return float(base * (1 - fraction * self.jitter))


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None  # an HTTP date: rare from APIs; fall back to backoff
