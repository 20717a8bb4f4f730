"""The rules a clip request must meet before anything is sent to Mux, in one place: the window (a single clip,
segments, top and tail), the command line and the job service all ask :func:`check_request`, and all say the
same words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from muxclipper.core.jobs import PASSTHROUGH_TAG, TOKEN_LENGTH
from muxclipper.core.visible_text import hidden_character

if TYPE_CHECKING:
    from muxclipper.core.models import Asset, ClipRequest

MIN_CLIP_MS = 500
MAX_PASSTHROUGH = 255
MAX_TITLE = 512
#: A job's token and its tag ride in the clip's passthrough beside the user's own, a space apart (core/jobs.py).
JOB_TAG_LENGTH = len(PASSTHROUGH_TAG) + TOKEN_LENGTH + 1
MAX_USER_PASSTHROUGH = MAX_PASSTHROUGH - JOB_TAG_LENGTH


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


def check_text_fields(title: str | None, passthrough: str | None) -> RangeProblem | None:
    """What Mux limits besides the range: the title's and the passthrough's length (the job's tag included); and
    what every list of clips would show raw: a control or direction character (core/visible_text.py), refused
    whichever way the text came (``clip --title``, the window's field, a preset)."""
    for what, text in (("title", title), ("passthrough", passthrough)):
        hidden = hidden_character(text or "")
        if hidden is not None:
            return RangeProblem(f"The {what} contains a control or formatting character ({hidden}); type it with "
                                "letters, digits, spaces and punctuation only.")
    if title and len(title) > MAX_TITLE:
        return RangeProblem(f"The title is {len(title)} characters; Mux takes at most {MAX_TITLE}.")
    if passthrough and len(passthrough) > MAX_USER_PASSTHROUGH:
        return RangeProblem(f"The passthrough is {len(passthrough)} characters; with muxclipper's job tag "
                            f"it may be at most {MAX_USER_PASSTHROUGH}.")
    return None


def check_request(request: ClipRequest, source: Asset | None = None, *,
                  open_end: bool = False) -> RangeProblem | None:
    """Everything about ``request`` that can be known before sending it: the range against ``source`` (its
    duration so far, whether it is still recording; without it, the range alone), then the title and the
    passthrough. ``open_end`` as in :func:`check_range`."""
    duration = source.duration_ms if source is not None else None
    live = source.is_live if source is not None else False
    return (check_range(request.start_ms, request.end_ms, duration, live=live, open_end=open_end)
            or check_text_fields(request.options.title, request.options.passthrough))
