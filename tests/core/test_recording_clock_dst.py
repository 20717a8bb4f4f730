"""Times of day on a recording made the night the clocks change: the hour that happens twice when they go back, and
the hour that never happens when they go forward, in a named zone and in this computer's own zone (TZ)."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from muxclipper.core.models import RecordingTime
from muxclipper.core.recording_clock import RecordingClock, WallClockError

NEW_YORK = ZoneInfo("America/New_York")  # 2026-11-01 02:00 EDT -> 01:00 EST; 2026-03-08 02:00 EST -> 03:00 EDT


def _epoch_ms(text: str) -> int:
    return round(datetime.fromisoformat(text).timestamp() * 1000)


#: 01:10 to 02:10 EST on 2026-11-01: the second 01:xx hour of the night, and ten minutes after it.
SECOND_HOUR = RecordingClock([RecordingTime(_epoch_ms("2026-11-01T01:10:00-05:00"), 3_600_000, "content", 0)])
#: 00:30 EDT to 01:30 EST: the whole first 01:xx hour and half of the second.
BOTH_HOURS = RecordingClock([RecordingTime(_epoch_ms("2026-11-01T00:30:00-04:00"), 2 * 3_600_000, "content", 0)])


def test_a_time_in_the_repeated_hour_is_found_in_the_second_one() -> None:
    assert SECOND_HOUR.resolve("01:30:00 local", NEW_YORK) == 20 * 60_000
    assert SECOND_HOUR.resolve("02:05:00 local", NEW_YORK) == 55 * 60_000  # after the repeated hour: unchanged
    assert SECOND_HOUR.resolve("06:30:00Z") == 20 * 60_000


def test_the_computers_own_zone_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # What the CLI and the window use: "local" is this computer's zone.
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert SECOND_HOUR.resolve("01:30:00 local") == 20 * 60_000
        with pytest.raises(WallClockError, match="happened twice"):
            BOTH_HOURS.resolve("01:15:00 local")
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_time_held_twice_by_the_recording_asks_for_utc() -> None:
    # 01:15 EDT is 45 min in, 01:15 EST 1 h 45 min in: which one the user meant, only they know.
    with pytest.raises(WallClockError) as raised:
        BOTH_HOURS.resolve("01:15:00 local", NEW_YORK)
    message = str(raised.value)
    assert "01:15:00 local happened twice on 2026-11-01 (the clocks went back)" in message
    assert '"05:15:00 UTC" for the first' in message and '"06:15:00 UTC" for the second' in message
    assert BOTH_HOURS.resolve("05:15:00 UTC") == 45 * 60_000
    assert BOTH_HOURS.resolve("06:15:00 UTC") == 105 * 60_000
    assert BOTH_HOURS.resolve("01:45:00 local", NEW_YORK) == 75 * 60_000  # only the first 01:45 was recorded


def test_a_time_the_clocks_skipped_says_so() -> None:
    spring = RecordingClock([RecordingTime(_epoch_ms("2026-03-08T01:00:00-05:00"), 2 * 3_600_000, "content", 0)])
    assert spring.resolve("03:10:00 local", NEW_YORK) == 70 * 60_000
    with pytest.raises(WallClockError, match=r"02:30:00 local did not happen on 2026-03-08 \(the clocks went "
                                             r"forward\)"):
        spring.resolve("02:30:00 local", NEW_YORK)
