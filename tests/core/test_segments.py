from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from muxclipper.core.segments import (
    Segment,
    SegmentListError,
    from_csv,
    from_youtube_chapters,
    to_csv,
    to_youtube_chapters,
)

segments = st.lists(st.builds(Segment, st.text(alphabet="abc ,\"xyz", max_size=12).map(str.strip),
                              st.integers(0, 10_000_000), st.integers(0, 10_000_000)), max_size=8)


@given(segments)
def test_csv_round_trip(items: list[Segment]) -> None:
    assert from_csv(to_csv(items)) == items


def test_csv_accepts_every_time_form_and_names_bad_lines() -> None:
    text = "label,start,end\nIntro,00:00:20:00,185\n\nQ&A,#100,00:10:00.500\n"
    assert from_csv(text, Fraction(25)) == [Segment("Intro", 20_000, 185_000), Segment("Q&A", 4_000, 600_500)]
    with pytest.raises(SegmentListError, match="Line 3"):
        from_csv("label,start,end\nok,1,2\nbad,later,3\n")


def test_youtube_chapters_both_ways() -> None:
    items = [Segment("Welcome", 0, 20_000), Segment("Keynote", 20_000, 185_000), Segment("Q&A", 3_725_000, 3_800_000)]
    text = to_youtube_chapters(items)
    assert text == "00:00 Welcome\n00:20 Keynote\n1:02:05 Q&A\n"
    back = from_youtube_chapters(text, duration_ms=4_000_000)
    assert [(s.label, s.start_ms, s.end_ms) for s in back] == [
        ("Welcome", 0, 20_000), ("Keynote", 20_000, 3_725_000), ("Q&A", 3_725_000, 4_000_000)]
    with pytest.raises(SegmentListError, match="Line 2"):
        from_youtube_chapters("0:00 Start\nnot a chapter\n", 10_000)
