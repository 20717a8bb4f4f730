"""Wall-clock time of day on a live recording, from its ``recording_times``: a position in the recording is a
moment of the broadcast (the session's ``started_at`` plus how far into that session it is), and a time of day
typed by a producer ("19:04:05 local", "17:04:05.5Z") is a position, when the recording holds that moment.

Times are integer milliseconds: positions from the recording's start, moments as Unix epoch milliseconds.
``tz`` is where "local" is (``None``: this computer's zone, as the user sees it on the wall).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from fractions import Fraction

from muxclipper.core.models import RecordingTime

#: "19:04:05", "19:04:05.5", "7:04:05.120" followed by "local", "Z" or "UTC" (any case, a space or not).
_WALL = re.compile(r"(\d{1,2}):(\d{2}):(\d{2}(?:\.\d{1,3})?)\s*(local|z|utc)", re.IGNORECASE)
WALL_FORMS = 'a time of day on the recording: "19:04:05 local", "19:04:05.5 local", "17:04:05Z" or "17:04:05 UTC"'


class WallClockError(ValueError):
    """A wall-clock time that is not on the recording, or not a wall-clock time; the message says which."""


@dataclass(frozen=True)
class WallTime:
    """A time of day as typed: which zone it is in (``utc`` or local) and milliseconds since midnight."""

    ms_of_day: int
    utc: bool


def looks_like_wall_clock(text: str) -> bool:
    """Whether ``text`` is meant as a time of day ("… local", "…Z", "… UTC") rather than a position."""
    return bool(re.search(r"(local|z|utc)\s*$", text.strip(), re.IGNORECASE))


def parse_wall_time(text: str) -> WallTime:
    match = _WALL.fullmatch(text.strip().replace(",", "."))
    if match is None:
        raise WallClockError(f"{text.strip()!r} is not a wall-clock time: type {WALL_FORMS}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    seconds = Fraction(match.group(3))
    if hours > 23 or minutes > 59 or seconds >= 60:
        raise WallClockError(f"{text.strip()!r}: hours go up to 23, minutes and seconds to 59")
    ms = round((hours * 3600 + minutes * 60 + seconds) * 1000)
    return WallTime(ms, match.group(4).lower() != "local")


def _zone(utc: bool, tz: tzinfo | None) -> tzinfo | None:
    return UTC if utc else tz


def _moment(epoch_ms: int, utc: bool, tz: tzinfo | None) -> datetime:
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    zone = _zone(utc, tz)
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


def format_wall(epoch_ms: int, *, utc: bool = False, tz: tzinfo | None = None, millis: bool = True) -> str:
    """``19:04:05.120 local`` (or ``17:04:05.120 UTC``)."""
    moment = _moment(epoch_ms, utc, tz)
    text = moment.strftime("%H:%M:%S")
    if millis:
        text += f".{moment.microsecond // 1000:03d}"
    return f"{text} {'UTC' if utc else 'local'}"


class RecordingClock:
    """The wall clock of one recording, from its sessions (in recording order)."""

    def __init__(self, sessions: Sequence[RecordingTime]) -> None:
        self.sessions = tuple(sorted(sessions, key=lambda s: s.offset_ms))

    def __bool__(self) -> bool:
        return bool(self.sessions)

    @property
    def span_ms(self) -> tuple[int, int]:
        """The first and last moments recorded (epoch ms)."""
        last = self.sessions[-1]
        return self.sessions[0].started_at_ms, last.started_at_ms + last.duration_ms

    def session_at(self, position_ms: int) -> RecordingTime | None:
        """The session holding ``position_ms`` (the last one for a position past the end)."""
        found = None
        for session in self.sessions:
            if session.offset_ms <= position_ms:
                found = session
        return found if found is not None else (self.sessions[0] if self.sessions else None)

    def wall_ms(self, position_ms: int) -> int | None:
        """The moment (epoch ms) broadcast at ``position_ms``: the window's wall clock and the program times of an
        instant-clip URL (core/program_time.py) both come from here. ``None`` where no session holds the position
        (before the first, in a hole between two) or without sessions. A position on the edge between two sessions
        belongs to the later one (where it is shown). Past the last session's end its clock goes on: a recording
        still going is longer by now than the duration Mux last reported (the live edge)."""
        session = self.session_at(position_ms)
        if session is None or position_ms < session.offset_ms:
            return None
        if session is not self.sessions[-1] and position_ms > session.end_offset_ms:
            return None
        return session.started_at_ms + position_ms - session.offset_ms

    def position_ms(self, epoch_ms: int) -> int | None:
        """Where the moment ``epoch_ms`` is in the recording; ``None`` when it was not recorded."""
        for session in self.sessions:
            if session.started_at_ms <= epoch_ms < session.started_at_ms + max(session.duration_ms, 1):
                return session.offset_ms + epoch_ms - session.started_at_ms
        last = self.sessions[-1] if self.sessions else None
        if last is not None and epoch_ms == last.started_at_ms + last.duration_ms:
            return last.end_offset_ms  # the very end: an out point there takes the last frame
        return None

    def describe_span(self, *, utc: bool = False, tz: tzinfo | None = None) -> str:
        first, last = self.span_ms
        start, end = _moment(first, utc, tz), _moment(last, utc, tz)
        text = f"{format_wall(first, utc=utc, tz=tz, millis=False)} to {format_wall(last, utc=utc, tz=tz, millis=False)}"
        if start.date() != end.date():
            return f"{text} ({start.date().isoformat()} to {end.date().isoformat()})"
        return f"{text} on {start.date().isoformat()}"

    def resolve(self, text: str, tz: tzinfo | None = None) -> int:
        """The recording position of a typed time of day; raises :class:`WallClockError` saying why not."""
        if not self.sessions:
            raise WallClockError(f"{text.strip()!r} is a time of day, but this source is not a live recording with "
                                 "recording times: type a position (HH:MM:SS.mmm, seconds or #frame)")
        wall = parse_wall_time(text)
        first, last = self.span_ms
        start_day = _moment(first, wall.utc, tz).date()
        end_day = _moment(last, wall.utc, tz).date()
        day: date = start_day - timedelta(days=1)
        gap = False
        skipped: date | None = None
        while day <= end_day + timedelta(days=1):
            moments = _moments_of(day, wall, tz)
            if not moments and first <= _epoch_ms_of(_local(day, wall, tz)) <= last:
                skipped = day  # the recording ran through the time the clocks skipped
            recorded: list[tuple[int, int]] = []  # (moment, position) the recording holds, in time order
            for epoch_ms in moments:
                if first <= epoch_ms <= last:
                    position = self.position_ms(epoch_ms)
                    if position is not None:
                        recorded.append((epoch_ms, position))
                    else:
                        gap = True
            if len(recorded) > 1:
                millis = wall.ms_of_day % 1000 != 0
                first_utc, second_utc = (format_wall(m, utc=True, millis=millis) for m, _ in recorded[:2])
                raise WallClockError(f"{text.strip()} happened twice on {day.isoformat()} (the clocks went back), and "
                                     f'the recording holds both: type it in UTC, "{first_utc}" for the first or '
                                     f'"{second_utc}" for the second')
            if recorded:
                return recorded[0][1]
            day += timedelta(days=1)
        span = self.describe_span(utc=wall.utc, tz=tz)
        if gap:
            raise WallClockError(f"{text.strip()} was not recorded (the encoder was away then); the recording runs "
                                 f"from {span}")
        if skipped is not None:
            raise WallClockError(f"{text.strip()} did not happen on {skipped.isoformat()} (the clocks went forward); "
                                 f"the recording runs from {span}")
        raise WallClockError(f"{text.strip()} is outside the recording, which runs from {span}")


def _epoch_ms_of(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def _local(day: date, wall: WallTime, tz: tzinfo | None, fold: int = 0) -> datetime:
    """``wall`` on ``day`` in ``tz`` (this computer's zone for None), aware; ``fold`` 1 is the second of a time
    shown twice."""
    naive = (datetime.combine(day, time()) + timedelta(milliseconds=wall.ms_of_day)).replace(fold=fold)
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()


def _moments_of(day: date, wall: WallTime, tz: tzinfo | None) -> list[int]:
    """The moments (epoch ms) the clocks showed ``wall`` on ``day``: one on most days, two in the hour the clocks go
    back (before and after, in that order: ``fold`` 0 and 1), none in the hour they skip going forward."""
    if wall.utc:
        return [_epoch_ms_of(_local(day, wall, UTC))]
    naive = datetime.combine(day, time()) + timedelta(milliseconds=wall.ms_of_day)
    found: list[int] = []
    for fold in (0, 1):
        epoch_ms = _epoch_ms_of(_local(day, wall, tz, fold))
        # A time the clocks skipped comes back as another time of day: it was never on the wall.
        shown = datetime.fromtimestamp(epoch_ms // 1000, UTC) + timedelta(milliseconds=epoch_ms % 1000)
        shown = shown.astimezone(tz) if tz is not None else shown.astimezone()
        if shown.replace(tzinfo=None) == naive and epoch_ms not in found:
            found.append(epoch_ms)
    return sorted(found)
