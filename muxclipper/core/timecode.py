"""Time and timecode maths: integer milliseconds inside the app, frames from the asset's frame rate.

Accepted input forms (all to milliseconds): plain seconds (``12``, ``12.5``), ``[HH:]MM:SS[.mmm]``,
SMPTE ``HH:MM:SS:FF`` and drop-frame ``HH:MM:SS;FF`` (29.97 and 59.94 only), and ``#123`` or ``123f``
frame numbers. Frame maths uses exact rationals (29.97 is 30000/1001).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache

_COMMON_RATES = (Fraction(24000, 1001), Fraction(30000, 1001), Fraction(60000, 1001))


class TimecodeError(ValueError):
    """Text that is not a time; the message says which forms are accepted."""


def exact_rate(fps: float | Fraction) -> Fraction:
    """The rational rate behind a reported one: 29.97 → 30000/1001, 25.0 → 25."""
    if isinstance(fps, Fraction):
        return fps
    if fps <= 0:
        raise ValueError("frame rate must be positive")
    return _rate_of(fps)


@lru_cache(maxsize=256)
def _rate_of(fps: float) -> Fraction:
    """Cached: a page of assets has a handful of rates, and one shared Fraction each (it is immutable) is one
    object for the garbage collector instead of one per listed asset."""
    for rate in _COMMON_RATES:
        if abs(float(rate) - fps) < 0.006:
            return rate
    return Fraction(fps).limit_denominator(1001)


def is_drop_frame(rate: Fraction) -> bool:
    return rate in (Fraction(30000, 1001), Fraction(60000, 1001))


def frame_to_ms(frame: int, rate: Fraction) -> int:
    """The first whole millisecond at which ``frame`` is on screen (its start, rounded up).

    Rounding up keeps the position inside the frame, so ``ms_to_frame`` gives the frame back.
    """
    return math.ceil(Fraction(frame * 1000) / rate)


def ms_to_frame(ms: int, rate: Fraction) -> int:
    """The frame on screen at ``ms``: the last frame starting at or before it."""
    return math.floor(Fraction(ms) * rate / 1000)


def snap_ms(ms: int, rate: Fraction) -> int:
    """``ms`` moved to the start of the nearest frame."""
    return frame_to_ms(round(Fraction(ms) * rate / 1000), rate)


def format_ms(ms: int) -> str:
    """``HH:MM:SS.mmm``."""
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _nominal(rate: Fraction) -> int:
    return round(rate)


def frame_to_smpte(frame: int, rate: Fraction) -> str:
    """SMPTE timecode of a frame number; drop-frame (``;``) at 29.97 and 59.94."""
    nominal = _nominal(rate)
    if is_drop_frame(rate):
        drop = nominal // 15  # 2 at 29.97, 4 at 59.94
        per_10min = nominal * 600 - drop * 9
        per_min = nominal * 60 - drop
        tens, rest = divmod(frame, per_10min)
        extra = 0 if rest < drop else drop * ((rest - drop) // per_min)
        frame = frame + drop * 9 * tens + extra
        sep = ";"
    else:
        sep = ":"
    ff = frame % nominal
    total_seconds = frame // nominal
    return (f"{total_seconds // 3600:02d}:{total_seconds // 60 % 60:02d}:{total_seconds % 60:02d}"
            f"{sep}{ff:02d}")


def smpte_to_frame(hours: int, minutes: int, seconds: int, frames: int, rate: Fraction,
                   drop: bool) -> int:
    nominal = _nominal(rate)
    if frames >= nominal:
        raise TimecodeError(f"frame {frames} does not exist at {float(rate):g} fps (0–{nominal - 1})")
    total_minutes = hours * 60 + minutes
    frame = (total_minutes * 60 + seconds) * nominal + frames
    if drop:
        if not is_drop_frame(rate):
            raise TimecodeError("drop-frame timecode (;) exists only at 29.97 and 59.94 fps")
        dropped = nominal // 15
        if seconds == 0 and minutes % 10 != 0 and frames < dropped:
            raise TimecodeError(f"{hours:02d}:{minutes:02d}:00;{frames:02d} is dropped in drop-frame timecode")
        frame -= dropped * (total_minutes - total_minutes // 10)
    return frame


# ASCII digits only: Python's \d also matches Arabic-Indic, Devanagari and other digits, which int() and
# Fraction() then read ("٣" would be 3 s) although no timecode tool writes them.
_HMS = re.compile(r"(?:([0-9]+):)?([0-9]{1,2}):([0-9]{1,2}(?:\.[0-9]+)?)", re.ASCII)
_SMPTE = re.compile(r"([0-9]+):([0-9]{1,2}):([0-9]{1,2})([:;])([0-9]{1,2})", re.ASCII)
_FRAME = re.compile(r"#([0-9]+)|([0-9]+)f", re.ASCII)
_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
#: Longer text is no time anyone types ("999:59:59.999999" is 16); refusing it early keeps 5,000-digit
#: pastes from reaching int(), which refuses over 4,300 digits with a ValueError of its own.
MAX_TIME_TEXT = 40
#: A bound far beyond any Mux asset (12 h at most) that keeps every time inside SQLite's 64-bit integers.
MAX_TIME_MS = 1000 * 3600 * 1000
FORMS = "type seconds (12.5), HH:MM:SS.mmm, HH:MM:SS:FF (SMPTE) or #frame"


def _shown(text: str) -> str:
    """``text`` quoted for a message: control characters escaped, and long text cut."""
    return repr(text[:MAX_TIME_TEXT]) + ("…" if len(text) > MAX_TIME_TEXT else "")


def parse_ms(text: str, rate: Fraction | None = None) -> int:
    """Milliseconds from any accepted form; frame forms need the frame ``rate``.

    Raises :class:`TimecodeError` (and nothing else) for any text that is not a time from 0 to
    :data:`MAX_TIME_MS`.
    """
    value = text.strip().replace(",", ".")
    if not value:
        raise TimecodeError(f"empty time: {FORMS}")
    if len(value) > MAX_TIME_TEXT:
        raise TimecodeError(f"{_shown(text)} is {len(value):,} characters long, too long for a time: {FORMS}")
    ms = _parse(text, value, rate)
    if ms > MAX_TIME_MS:
        raise TimecodeError(f"{_shown(text)} is beyond {MAX_TIME_MS // 3_600_000} hours; no video is that long")
    return ms


def names_a_frame(text: str) -> bool:
    """Whether ``text`` names a frame (``#610``, ``610f``, SMPTE ``HH:MM:SS:FF``) rather than an instant: as an out
    point, a named frame is the last one in the clip (as O on that frame makes it)."""
    value = text.strip()
    return bool(_FRAME.fullmatch(value) or _SMPTE.fullmatch(value))


FRAME_DISPLAYS = ("smpte", "frames")  # displays that name frames


def check_time_text(text: str) -> None:
    """Raise :class:`TimecodeError` unless ``text`` is in an accepted form, before the frame rate is known (a
    command checks what was typed before asking Mux anything). Frame numbers that need the rate are checked
    again by :func:`parse_ms` once it is known."""
    value = text.strip().replace(",", ".")
    if _FRAME.fullmatch(value) or _SMPTE.fullmatch(value):
        if len(value) > MAX_TIME_TEXT:
            raise TimecodeError(f"{_shown(text)} is {len(value):,} characters long, too long for a time: {FORMS}")
        return
    parse_ms(text)


def _parse(text: str, value: str, rate: Fraction | None) -> int:
    if _SECONDS.fullmatch(value):
        return round(Fraction(value) * 1000)
    frame_match = _FRAME.fullmatch(value)
    if frame_match:
        if rate is None:
            raise TimecodeError(f"{_shown(text)} is a frame number; the frame rate is not known yet")
        return frame_to_ms(int(frame_match.group(1) or frame_match.group(2)), rate)
    smpte = _SMPTE.fullmatch(value)
    if smpte:
        if rate is None:
            raise TimecodeError(f"{_shown(text)} is SMPTE timecode; the frame rate is not known yet")
        frame = smpte_to_frame(int(smpte.group(1)), int(smpte.group(2)), int(smpte.group(3)),
                               int(smpte.group(5)), rate, smpte.group(4) == ";")
        return frame_to_ms(frame, rate)
    hms = _HMS.fullmatch(value)
    if hms:
        hours = int(hms.group(1) or 0)
        minutes = int(hms.group(2))
        seconds = Fraction(hms.group(3))
        if minutes >= 60 or seconds >= 60:
            raise TimecodeError(f"{_shown(text)}: minutes and seconds go up to 59")
        return round((hours * 3600 + minutes * 60 + seconds) * 1000)
    if any(ch.isdigit() and not ch.isascii() for ch in value):
        raise TimecodeError(f"{_shown(text)} has digits other than 0–9; type the time with 0–9: {FORMS}")
    raise TimecodeError(f"{_shown(text)} is not a time: {FORMS}")


DISPLAY_FORMATS = ("hms", "smpte", "frames", "seconds")


def format_as(ms: int, rate: Fraction, display: str) -> str:
    """``ms`` in one of the display formats the fields offer."""
    if display == "smpte":
        return frame_to_smpte(ms_to_frame(ms, rate), rate)
    if display == "frames":
        return f"#{ms_to_frame(ms, rate)}"
    if display == "seconds":
        return f"{ms / 1000:.3f}"
    return format_ms(ms)


def format_length(ms: int, rate: Fraction, display: str) -> str:
    """A length in the display's unit: ``10 frames`` when the display counts frames (not "0.334 s"), SMPTE
    ``00:00:00:10``, ``0.400 s``, or ``00:00:00.400``."""
    if display == "frames":
        frames = ms_to_frame(ms + 1, rate)  # a length of whole frames in rounded-up ms: never one short
        return f"{frames} frame" if frames == 1 else f"{frames:,} frames"
    if display == "seconds":
        return f"{ms / 1000:.3f} s"
    return format_as(ms, rate, display)
