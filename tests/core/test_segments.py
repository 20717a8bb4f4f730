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


def test_edl_lists_each_segment_on_frames_end_to_end_from_one_hour() -> None:
    from muxclipper.core.segments import to_edl

    segments = [Segment("Keynote", 20_000, 185_000), Segment("Q&A\nlive", 190_000, 200_020)]
    edl = to_edl(segments, Fraction(30), "Launch day", "mux://assets/abc").splitlines()
    assert edl[:2] == ["TITLE: Launch day", "FCM: NON-DROP FRAME"]
    assert edl[3] == "001  AX       AA/V  C        00:00:20:00 00:03:05:00 01:00:00:00 01:02:45:00"
    assert edl[4:6] == ["* FROM CLIP NAME: Keynote", "* SOURCE FILE: mux://assets/abc"]
    # 200.020 s is 0.6 of a frame past 200 s at 30 fps: the cut rounds to the nearest frame, as clips do.
    assert edl[7] == "002  AX       AA/V  C        00:03:10:00 00:03:20:01 01:02:45:00 01:02:55:01"
    assert edl[8] == "* FROM CLIP NAME: Q&A live"  # one line per field, always
    ntsc = to_edl([Segment("Open", 10_010, 20_020)], Fraction(30000, 1001), "x", "y").splitlines()
    assert ntsc[1] == "FCM: DROP FRAME"
    assert ntsc[3].endswith("00:00:10;00 00:00:20;00 01:00:00;00 01:00:10;00")
