"""The rules a clip range must meet before anything is sent to Mux."""

from __future__ import annotations

from dataclasses import dataclass

MIN_CLIP_MS = 500
MAX_PASSTHROUGH = 255
MAX_TITLE = 512


@dataclass(frozen=True)
class RangeProblem:
    """Why a range cannot be clipped, in words a producer understands."""

    message: str


def check_range(start_ms: int, end_ms: int, duration_ms: int | None = None, *,
                live: bool = False, open_end: bool = False) -> RangeProblem | None:
    """``open_end``: no out point was set, so ``end_ms`` is just the end so far. A recording still growing then has
    no end to clip to: the clip would stop wherever the recording is when Mux gets the request."""
    if live and open_end:
        return RangeProblem("The recording is still going: set an out point (O) where the clip should end.")
    if start_ms < 0:
        return RangeProblem("The in point is before the start of the video.")
    if end_ms <= start_ms:
        return RangeProblem("The out point must come after the in point.")
    if end_ms - start_ms < MIN_CLIP_MS:
        return RangeProblem(f"The clip is {(end_ms - start_ms) / 1000:.3f} s long; Mux needs at least 0.5 s.")
    if duration_ms is not None and end_ms > duration_ms:
        where = "recorded so far" if live else "in the source"
        return RangeProblem(f"The out point is past the end of what is {where} "
                            f"({duration_ms / 1000:.3f} s).")
    return None
