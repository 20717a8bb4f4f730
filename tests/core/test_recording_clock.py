"""Wall clock on a live recording: positions to times of day and back, with fixed zones (no DST surprises)."""

from __future__ import annotations

import time
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from muxclipper.core.edit_points import EditPointKind, SlateEdge, edit_points, next_edit_point
from muxclipper.core.models import RecordingTime
from muxclipper.core.recording_clock import (
    RecordingClock,
    WallClockError,
    format_wall,
    looks_like_wall_clock,
    parse_wall_time,
)

BERLIN_WINTER = ZoneInfo("Etc/GMT-1")  # UTC+1 all year: the zone "local" is in these tests


def _epoch_ms(text: str) -> int:
    return round(datetime.fromisoformat(text).timestamp() * 1000)


#: 18:00:00 UTC: 10 min of content, 30 s of slate, then content again for 20 min (a recording 30:30 long).
SESSIONS = (
    RecordingTime(_epoch_ms("2026-11-30T18:00:00+00:00"), 600_000, "content", 0),
    RecordingTime(_epoch_ms("2026-11-30T18:10:00+00:00"), 30_000, "slate", 600_000),
    RecordingTime(_epoch_ms("2026-11-30T18:10:30+00:00"), 1_200_000, "content", 630_000),
)


@pytest.fixture
def clock() -> RecordingClock:
    return RecordingClock(SESSIONS)


def test_positions_show_the_time_of_day(clock: RecordingClock) -> None:
    wall = clock.wall_ms(615_120)
    assert wall is not None
    assert format_wall(wall, tz=BERLIN_WINTER) == "19:10:15.120 local"
    assert format_wall(wall, utc=True) == "18:10:15.120 UTC"
    assert clock.session_at(615_120) == SESSIONS[1]


def test_times_of_day_give_positions(clock: RecordingClock) -> None:
    assert clock.resolve("19:04:05 local", BERLIN_WINTER) == 245_000
    assert clock.resolve("19:04:05.5 local", BERLIN_WINTER) == 245_500
    assert clock.resolve("18:04:05.120Z") == 245_120
    assert clock.resolve("18:20:00 utc") == 1_200_000
    assert clock.resolve("18:30:30 UTC") == 1_830_000  # the very end


def test_a_time_outside_the_recording_says_its_span(clock: RecordingClock) -> None:
    with pytest.raises(WallClockError, match=r"outside the recording, which runs from 19:00:00 local to "
                                             r"19:30:30 local on 2026-11-30"):
        clock.resolve("20:00:00 local", BERLIN_WINTER)


def test_local_follows_the_computers_zone(clock: RecordingClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Etc/GMT+5")  # UTC-5
    time.tzset()
    try:
        assert clock.resolve("13:04:05 local") == 245_000
        assert format_wall(SESSIONS[0].started_at_ms) == "13:00:00.000 local"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_recording_over_midnight() -> None:
    late = RecordingClock([RecordingTime(_epoch_ms("2026-11-30T23:50:00+00:00"), 1_200_000, "content", 0)])
    assert late.resolve("00:05:00Z") == 900_000
    assert late.resolve("23:55:00Z") == 300_000


def test_an_outage_without_slate_was_not_recorded() -> None:
    gap = RecordingClock([RecordingTime(_epoch_ms("2026-11-30T18:00:00+00:00"), 60_000, "content", 0),
                          RecordingTime(_epoch_ms("2026-11-30T18:05:00+00:00"), 60_000, "content", 60_000)])
    assert gap.resolve("18:05:30Z") == 90_000
    with pytest.raises(WallClockError, match="was not recorded"):
        gap.resolve("18:02:00Z")


def test_typed_forms() -> None:
    assert looks_like_wall_clock("19:04:05 local") and looks_like_wall_clock("19:04:05Z")
    assert not looks_like_wall_clock("00:01:05.000") and not looks_like_wall_clock("#120")
    assert parse_wall_time("7:04:05,5 LOCAL").ms_of_day == 25_445_500
    for bad in ("25:00:00 local", "19:04 local", "19:61:00Z"):
        with pytest.raises(WallClockError):
            parse_wall_time(bad)
    with pytest.raises(WallClockError, match="not a live recording"):
        RecordingClock([]).resolve("19:04:05 local")


def test_edit_points_name_their_kind() -> None:
    rate = Fraction(25)
    points = edit_points(rate, duration_ms=1_830_000, in_ms=20_000, out_ms=1_800_000, segment_edges_ms=[300_000],
                         sessions=SESSIONS, slate_edges=[SlateEdge(1_790_000, "Closing slate starts")])
    assert [(p.frame, p.kind, p.label) for p in points] == [
        (500, EditPointKind.IN, "In point"),
        (7_500, EditPointKind.SEGMENT, "Segment edge"),
        (15_000, EditPointKind.SESSION, "Slate session starts"),
        (15_750, EditPointKind.SESSION, "Content session starts"),
        (44_750, EditPointKind.SLATE, "Closing slate starts"),
        (44_999, EditPointKind.OUT, "Out point (last frame inside)"),
        (45_749, EditPointKind.SESSION, "Content session ends"),
    ]
    assert points[2].wall_ms == SESSIONS[1].started_at_ms
    assert next_edit_point(points, 15_000, 1) == points[3]  # one point per session boundary
    assert next_edit_point(points, 15_000, -1) == points[1]
    assert next_edit_point(points, 45_749, 1) is None



def test_a_session_edge_inside_a_frame_goes_to_the_sessions_first_frame() -> None:
    # Seen in the window: a slate starting at 30.093 s was reached on frame 752 (30.080 s), still programme.
    rate = Fraction(25)
    sessions = [RecordingTime(0, 30_093, "content", 0), RecordingTime(30_093, 12_015, "slate", 30_093),
                RecordingTime(42_108, 47_892, "content", 42_108)]
    points = edit_points(rate, duration_ms=90_000, sessions=sessions)
    assert [(p.frame, p.label) for p in points] == [(753, "Slate session starts"), (1053, "Content session starts"),
                                                   (2249, "Content session ends")]
