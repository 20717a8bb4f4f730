"""Exact frame rates for OTIO's FCPXML adapter (otio-fcpx-xml-adapter 1.0).

FCPXML writes every time as rational seconds (``1001/30000s`` per frame at 29.97). The adapter turns them into
frames through ``int(fps)`` and truncating casts: at 29.97 a time is read at 29 fps, and at every rate a float a hair
under a whole frame loses that frame; written back, NTSC rates find no ``frameDuration`` and times are rounded to
the nearest fraction. A cut would land on the wrong frame. These replacements keep its parsing and its structure and
only do the arithmetic exactly: seconds times the rate of the format, rounded to the nearest frame, at the rate the
format says (30000/1001 as its double, as OTIO keeps rates).

Applied once, to the module OTIO's plug-in system loaded (the one it calls), before the adapter's first use. If a
later adapter release renames what is replaced, nothing is replaced and the log says so: the tests' round trips at
29.97 and 59.94 then fail, rather than the cuts quietly moving.
"""

from __future__ import annotations

import logging
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from muxclipper.core.timecode import exact_rate

log = logging.getLogger(__name__)
_applied = False


def _seconds(text: str | None) -> Fraction:
    if not text or text == "0s":
        return Fraction(0)
    return Fraction(text.strip().removesuffix("s"))


def _rate(fps: Any) -> Fraction:
    return exact_rate(float(fps))


def to_rational_time(rational_number: str | None, fps: Any) -> otio.opentime.RationalTime:
    rate = _rate(fps)
    return otio.opentime.RationalTime(round(_seconds(rational_number) * rate), float(rate))


def _format_frame_rate(self: Any, format_id: str) -> float:
    total, per = self._format_frame_duration(format_id)
    return float(exact_rate(Fraction(per) / Fraction(total)))


def _number_of_frames(self: Any, time_value: str | None, format_id: str) -> int:
    return round(_seconds(time_value) * _rate(self._format_frame_rate(format_id)))


def _framerate_to_frame_duration(framerate: Any) -> str:
    rate = _rate(framerate)
    return f"{rate.denominator}/{rate.numerator}s"


def _calculate_rational_number(duration: Any, rate: Any) -> str:
    seconds = Fraction(round(float(duration))) / _rate(rate)
    if seconds == 0:
        return "0s"
    return f"{seconds.numerator}s" if seconds.denominator == 1 else f"{seconds.numerator}/{seconds.denominator}s"


def from_rational_time(rational_time: otio.opentime.RationalTime) -> str:
    return _calculate_rational_number(rational_time.value, rational_time.rate)


def apply() -> None:
    """Replaces the adapter's time arithmetic (once)."""
    global _applied
    if _applied:
        return
    _applied = True
    module = otio.adapters.from_name("fcpx_xml").module()
    reader, writer = getattr(module, "FcpxXml", None), getattr(module, "FcpxOtio", None)
    wanted = (("to_rational_time", module), ("from_rational_time", module), ("_format_frame_rate", reader),
              ("_number_of_frames", reader), ("_framerate_to_frame_duration", writer),
              ("_calculate_rational_number", writer))
    missing = [name for name, owner in wanted if owner is None or not hasattr(owner, name)]
    if missing:
        log.warning("the FCPXML adapter has no %s: its frame rates are left as they are", ", ".join(missing))
        return
    module.to_rational_time = to_rational_time
    module.from_rational_time = from_rational_time
    assert reader is not None and writer is not None
    reader._format_frame_rate = _format_frame_rate
    reader._number_of_frames = _number_of_frames
    writer._framerate_to_frame_duration = staticmethod(_framerate_to_frame_duration)
    writer._calculate_rational_number = staticmethod(_calculate_rational_number)
