"""Timecode maths, property-tested at every frame rate producers meet."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from muxclipper.core.timecode import (
    TimecodeError,
    exact_rate,
    format_ms,
    frame_to_ms,
    frame_to_smpte,
    ms_to_frame,
    parse_ms,
    snap_ms,
)

RATES = [Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30), Fraction(50),
         Fraction(60000, 1001), Fraction(60)]
rates = st.sampled_from(RATES)
frames = st.integers(min_value=0, max_value=12 * 3600 * 60)


@given(rates, frames)
def test_frame_to_ms_and_back(rate: Fraction, frame: int) -> None:
    assert ms_to_frame(frame_to_ms(frame, rate), rate) == frame


@given(rates, frames)
def test_smpte_round_trip(rate: Fraction, frame: int) -> None:
    assert parse_ms(frame_to_smpte(frame, rate), rate) == frame_to_ms(frame, rate)


@given(st.integers(min_value=0, max_value=48 * 3600 * 1000))
def test_hms_round_trip(ms: int) -> None:
    assert parse_ms(format_ms(ms)) == ms


@given(rates, st.integers(min_value=0, max_value=10 * 3600 * 1000))
def test_snap_lands_on_a_frame_start_within_half_a_frame(rate: Fraction, ms: int) -> None:
    snapped = snap_ms(ms, rate)
    assert snapped == frame_to_ms(ms_to_frame(snapped, rate), rate)
    assert abs(snapped - ms) <= 1000 / rate / 2 + 1


@pytest.mark.parametrize(("rate", "frame", "text"), [
    (Fraction(30000, 1001), 1800, "00:01:00;02"),    # frames 0 and 1 of each minute are skipped…
    (Fraction(30000, 1001), 17982, "00:10:00;00"),   # …except every tenth minute
    (Fraction(30000, 1001), 107892, "01:00:00;00"),  # an hour of 29.97 is exactly 01:00:00;00
    (Fraction(60000, 1001), 3600, "00:01:00;04"),
    (Fraction(25), 90_000, "01:00:00:00"),
])
def test_drop_frame_and_smpte(rate: Fraction, frame: int, text: str) -> None:
    assert frame_to_smpte(frame, rate) == text


@pytest.mark.parametrize(("text", "rate", "ms"), [
    ("12", None, 12_000), ("12.5", None, 12_500), ("1,25", None, 1_250), ("01:02.5", None, 62_500),
    ("1:00:00.001", None, 3_600_001), ("00:00:10:15", Fraction(25), 10_600), ("#250", Fraction(25), 10_000),
    ("250f", Fraction(25), 10_000),
])
def test_accepted_forms(text: str, rate: Fraction | None, ms: int) -> None:
    assert parse_ms(text, rate) == ms


@pytest.mark.parametrize(("text", "rate", "fragment"), [
    ("", None, "empty"), ("abc", None, "not a time"), ("00:00:10:15", None, "frame rate"),
    ("00:00:00:25", Fraction(25), "does not exist"), ("00:01:00;00", Fraction(30000, 1001), "dropped"),
    ("00:00:01;00", Fraction(25), "only at 29.97"), ("00:61:00", None, "up to 59"), ("#3", None, "frame rate"),
])
def test_refusals_say_what_is_wrong(text: str, rate: Fraction | None, fragment: str) -> None:
    with pytest.raises(TimecodeError, match=fragment):
        parse_ms(text, rate)


def test_exact_rate_recognises_ntsc() -> None:
    assert exact_rate(29.97) == Fraction(30000, 1001)
    assert exact_rate(59.94) == Fraction(60000, 1001)
    assert exact_rate(23.976) == Fraction(24000, 1001)
    assert exact_rate(25.0) == 25
