"""A live recording's program time: the wall clock at which each of its moments was broadcast, from its
``recording_times`` (sessions back to back in the recording, each with its wall-clock start). Instant clips on a
live stream's playback id are asked for by program time (``program_start_time``/``program_end_time``)."""

from __future__ import annotations

from collections.abc import Sequence

from muxclipper.core.models import RecordingTime
from muxclipper.core.recording_clock import RecordingClock

#: What the window says under the instant-clip URL (the whole note in its tooltip).
INSTANT_CLIP_SHORT_NOTE = "Segment-accurate (± a few s), no MP4."
INSTANT_CLIP_NOTE = ("Instant clips are segment-accurate (they may run a few seconds long), ready at once, and give "
                     "no MP4; the clip made with Create is frame-exact.")


def program_ms(sessions: Sequence[RecordingTime], offset_ms: int) -> int | None:
    """The wall clock (Unix epoch ms) of the moment ``offset_ms`` into the recording, or None when the sessions do
    not cover it: exactly what the window's wall clock shows there (one rule, :meth:`RecordingClock.wall_ms`)."""
    return RecordingClock(sessions).wall_ms(offset_ms)


def program_range_ms(sessions: Sequence[RecordingTime], start_ms: int, end_ms: int) -> tuple[int, int] | None:
    start, end = program_ms(sessions, start_ms), program_ms(sessions, end_ms)
    return None if start is None or end is None else (start, end)
