"""How often the live streams are asked for: often enough that a broadcast starting or ending shows within seconds,
rarely enough that a window left open all night costs Mux next to nothing (one list request at a time, from a few
seconds apart to a quarter of a minute when nothing changes)."""

from __future__ import annotations

from collections.abc import Iterable

from muxclipper.core.models import LiveStream

#: Never more often than this: one list request every few seconds is well within the GET budget (5/s).
FASTEST_S = 3.0
#: While a stream is live, its end is noticed within this long.
LIVE_SLOWEST_S = 6.0
#: All quiet: a broadcast starting is noticed within this long.
QUIET_SLOWEST_S = 15.0


def fingerprint(streams: Iterable[LiveStream]) -> tuple[tuple[object, ...], ...]:
    """What of the streams the list shows: a change in any of it is a change worth showing (and polling faster)."""
    return tuple((s.id, s.status, s.active_asset_id, s.recent_asset_ids, s.title) for s in streams)


class PollBackoff:
    """The pause before the next list request: back to :data:`FASTEST_S` after a change, doubling while nothing
    changes, up to :data:`LIVE_SLOWEST_S` while a stream is live and :data:`QUIET_SLOWEST_S` otherwise."""

    def __init__(self, fastest_s: float = FASTEST_S, live_slowest_s: float = LIVE_SLOWEST_S,
                 quiet_slowest_s: float = QUIET_SLOWEST_S) -> None:
        self.fastest_s, self.live_slowest_s, self.quiet_slowest_s = fastest_s, live_slowest_s, quiet_slowest_s
        self.pause_s = fastest_s

    def after(self, changed: bool, live: bool) -> float:
        """The pause after an answer (``changed``: the list differs from the last; ``live``: a stream is active)."""
        if changed:
            self.pause_s = self.fastest_s
        else:
            self.pause_s = min(self.pause_s * 2, self.live_slowest_s if live else self.quiet_slowest_s)
        return self.pause_s

    def reset(self) -> None:
        self.pause_s = self.fastest_s
