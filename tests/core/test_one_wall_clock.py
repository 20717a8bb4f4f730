"""One rule for "where in the recording → which moment was broadcast": the window's wall clock (RecordingClock) and
the program times an instant-clip URL is asked for (program_time) give the same answer for every position, gaps
between sessions, the edge between two sessions and the live edge included."""

from __future__ import annotations

from muxclipper.core.models import RecordingTime
from muxclipper.core.program_time import program_ms, program_range_ms
from muxclipper.core.recording_clock import RecordingClock

#: Back to back as wire.py builds them: 10 s of content, 5 s of slate, 8 s of content (a recording still going).
BACK_TO_BACK = (RecordingTime(1_000_000, 10_000, "content", 0), RecordingTime(1_030_000, 5_000, "slate", 10_000),
                RecordingTime(1_040_000, 8_000, "content", 15_000))
#: With a hole in the recording between the first session's end (10 s) and the second's start (12 s).
WITH_A_GAP = (RecordingTime(1_000_000, 10_000, "content", 0), RecordingTime(1_040_000, 8_000, "content", 12_000))


def test_the_wall_clock_and_program_times_agree_everywhere() -> None:
    for sessions in (BACK_TO_BACK, WITH_A_GAP):
        clock = RecordingClock(sessions)
        for position in range(-1_000, 40_000, 250):
            assert clock.wall_ms(position) == program_ms(sessions, position), (sessions, position)


def test_where_no_session_holds_a_position_there_is_no_wall_clock() -> None:
    clock = RecordingClock(WITH_A_GAP)
    assert clock.wall_ms(11_000) is None  # in the hole: the window shows no time, and no program-time URL is made
    assert program_range_ms(WITH_A_GAP, 5_000, 11_000) is None
    assert clock.wall_ms(-1) is None
    assert clock.wall_ms(10_000) == 1_010_000  # the first session's last moment
    assert clock.wall_ms(12_000) == 1_040_000


def test_the_edge_between_two_sessions_and_the_live_edge() -> None:
    clock = RecordingClock(BACK_TO_BACK)
    assert clock.wall_ms(10_000) == 1_030_000  # the edge belongs to the later session, where it is shown
    assert clock.wall_ms(30_000) == 1_055_000  # past the last reported duration: a recording still going
    assert RecordingClock([]).wall_ms(0) is None
