"""In and out markers on a source: frame snapping, clamping, and what happens when they would cross.

Rules (the timeline, the keyboard and typed timecodes all go through them):

- positions are integer milliseconds, always snapped to the start of a frame of the source;
- both markers stay within ``[0, duration]`` (the out point may sit at the very end);
- markers never cross: a marker moved past the other stops one frame short of it, so the range
  always holds at least one frame (a range under Mux's 0.5 s minimum is *flagged*, not changed);
- ``None`` means "not set": the range then runs from the start / to the end of the source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from muxclipper.core.clip_rules import MIN_CLIP_MS
from muxclipper.core.timecode import frame_to_ms, ms_to_frame


@dataclass(frozen=True)
class MarkedRange:
    in_ms: int | None
    out_ms: int | None
    duration_ms: int
    rate: Fraction

    @property
    def start_ms(self) -> int:
        return self.in_ms if self.in_ms is not None else 0

    @property
    def end_ms(self) -> int:
        return self.out_ms if self.out_ms is not None else self.duration_ms

    @property
    def length_ms(self) -> int:
        return self.end_ms - self.start_ms

    @property
    def too_short(self) -> bool:
        return self.length_ms < MIN_CLIP_MS

    @property
    def first_frame(self) -> int:
        return ms_to_frame(self.start_ms, self.rate)

    @property
    def last_frame(self) -> int:
        """The last frame inside the range (the out point is exclusive)."""
        return ms_to_frame(self.end_ms, self.rate) - 1

    def _frames(self) -> int:
        """Whole frames in the media (a live recording's end may fall between frames)."""
        return ms_to_frame(self.duration_ms, self.rate)

    def _frame_of(self, ms: int) -> int:
        """The nearest frame start; half-way rounds up, as the emulator cuts clips."""
        return math.floor(Fraction(ms) * self.rate / 1000 + Fraction(1, 2))

    def with_in(self, ms: int | None) -> MarkedRange:
        if ms is None:
            return replace(self, in_ms=None)
        frame = min(max(self._frame_of(ms), 0), max(self._frames() - 1, 0))
        if self.out_ms is not None:
            frame = min(frame, ms_to_frame(self.out_ms, self.rate) - 1)
        return replace(self, in_ms=frame_to_ms(max(frame, 0), self.rate))

    def with_out(self, ms: int | None) -> MarkedRange:
        if ms is None:
            return replace(self, out_ms=None)
        frame = min(max(self._frame_of(ms), 1), max(self._frames(), 1))
        if self.in_ms is not None:
            frame = max(frame, ms_to_frame(self.in_ms, self.rate) + 1)
        return replace(self, out_ms=frame_to_ms(frame, self.rate))

    def with_duration(self, duration_ms: int) -> MarkedRange:
        """A live recording grows: the markers stay where they are."""
        return replace(self, duration_ms=duration_ms)

    def cleared(self) -> MarkedRange:
        return replace(self, in_ms=None, out_ms=None)
