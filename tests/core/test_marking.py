"""Marker rules: snapped to frames, inside the media, never crossing, short ranges flagged."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from muxclipper.core.marking import MarkedRange
from muxclipper.core.timecode import frame_to_ms, ms_to_frame

RATES = [Fraction(24000, 1001), Fraction(25), Fraction(30000, 1001), Fraction(30), Fraction(60)]


def _range(rate: Fraction = Fraction(25), duration_ms: int = 60_000) -> MarkedRange:
    return MarkedRange(None, None, duration_ms, rate)


@given(st.sampled_from(RATES), st.integers(10_000, 3 * 3600 * 1000),
       st.lists(st.tuples(st.booleans(), st.integers(-10_000, 4 * 3600 * 1000)), max_size=12))
def test_any_sequence_of_edits_keeps_the_rules(rate: Fraction, duration: int, edits: list[tuple[bool, int]]) -> None:
    marked = _range(rate, duration)
    for is_in, ms in edits:
        marked = marked.with_in(ms) if is_in else marked.with_out(ms)
        for value in (marked.in_ms, marked.out_ms):
            if value is not None:
                assert 0 <= value <= duration
                assert value == frame_to_ms(ms_to_frame(value, rate), rate)  # on a frame start
        assert marked.start_ms < marked.end_ms  # never crossed, at least one frame


def test_snapping_to_the_nearest_frame() -> None:
    marked = _range().with_in(1_019).with_out(2_021)
    assert (marked.in_ms, marked.out_ms) == (1_000, 2_040)
    assert (marked.first_frame, marked.last_frame) == (25, 50)


def test_clamping_to_the_media() -> None:
    marked = _range().with_in(-500).with_out(99_999)
    assert (marked.in_ms, marked.out_ms) == (0, 60_000)


def test_crossing_stops_one_frame_short() -> None:
    marked = _range().with_in(10_000).with_out(20_000)
    assert marked.with_in(30_000).in_ms == 19_960   # in dragged past out
    assert marked.with_out(5_000).out_ms == 10_040  # out dragged before in


def test_short_ranges_are_flagged_not_changed() -> None:
    marked = _range().with_in(10_000).with_out(10_400)
    assert marked.too_short and marked.length_ms == 400
    assert not marked.with_out(10_500).too_short


def test_unset_markers_mean_the_whole_source_and_live_growth_keeps_them() -> None:
    marked = _range(duration_ms=30_000)
    assert (marked.start_ms, marked.end_ms) == (0, 30_000)
    grown = marked.with_in(5_000).with_duration(45_000)
    assert (grown.in_ms, grown.end_ms) == (5_000, 45_000)
