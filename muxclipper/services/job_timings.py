"""Every wait of the clip job service, in seconds: the defaults are what users get, tests shrink them, and two
windows may be lengthened from the environment (:meth:`JobTimings.from_env`)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from muxclipper.store.leases import LEASE_TTL_S

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobTimings:
    """Every wait of the service, in seconds (tests shrink them; the defaults are what users get)."""

    #: After a create with an unknown outcome, its asset is searched for this long after the request left
    #: before the clip is sent again: 30 s of our timeout plus a minute that a proxy or a busy Mux may hold it.
    late_answer_window_s: float = 90.0
    #: The first pause between searches; it doubles, up to ``late_answer_max_pause_s``.
    late_answer_first_pause_s: float = 2.0
    late_answer_max_pause_s: float = 20.0
    #: How long after an unknown outcome a late duplicate is still looked for (and deleted).
    duplicate_watch_s: float = 600.0
    duplicate_first_pause_s: float = 2.0
    duplicate_max_pause_s: float = 30.0
    #: Pause after a network failure before a job is tried again.
    network_retry_s: float = 5.0
    #: How often a lease holder says it is alive, and how long silence makes its leases free.
    heartbeat_s: float = 5.0
    lease_ttl_s: float = LEASE_TTL_S
    #: How often a job another process holds is read again.
    watch_interval_s: float = 1.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> JobTimings:
        """The defaults, with the two windows a user may need to lengthen (a proxy known to hold requests
        longer) or a test to shorten: ``MUXCLIPPER_LATE_ANSWER_WINDOW_S``, ``MUXCLIPPER_DUPLICATE_WATCH_S``."""
        timings = cls()
        for field, name in (("late_answer_window_s", "MUXCLIPPER_LATE_ANSWER_WINDOW_S"),
                            ("duplicate_watch_s", "MUXCLIPPER_DUPLICATE_WATCH_S")):
            text = env.get(name)
            if not text:
                continue
            try:
                value = float(text)
            except ValueError:
                log.warning("%s=%r is not a number of seconds; using %s", name, text, getattr(timings, field))
                continue
            if 0 <= value <= 86_400:
                timings = replace(timings, **{field: value})
        return timings
