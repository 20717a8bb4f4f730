"""Fuzzing: the cut-list parsers (CSV and YouTube chapters, as dropped on the segments panel) answer segments
or a SegmentListError naming the line — never another exception; chapters never end before they start."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from muxclipper.core.segments import MAX_LABEL, SegmentListError, from_csv, from_youtube_chapters
from tests.reliability.fuzzing import FUZZ, FUZZ_TIMEOUT_S, TIME_CHARS, TRICKY
from tests.support.reliability_counts import record

CSV_CHARS = TRICKY + ",,,\n\nabel"
#: Three rows of cells near a time, joined by one separator and line ending: near-valid lists come up often.
ROWS = st.builds(lambda cells, sep, end, bom: ("\ufeff" if bom else "") + end.join(
                     sep.join(cells[i:i + 3]) for i in range(0, len(cells), 3)),
                 st.tuples(*[st.text(TIME_CHARS if i % 3 else TRICKY, max_size=9) for i in range(9)]),
                 st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
CSV_TEXT = st.one_of(st.text(CSV_CHARS, max_size=150), ROWS, ROWS, st.text(max_size=100))
CHAPTER_LINES = st.builds(lambda times, titles, gap: "\n".join(
                              f"{t}{gap}{title}" for t, title in zip(times, titles, strict=False)),
                          st.tuples(*[st.text(TIME_CHARS, min_size=3, max_size=8) for _ in range(4)]),
                          st.tuples(*[st.text(TRICKY, max_size=6) for _ in range(4)]),
                          st.sampled_from([" ", " - ", "\t", "", " – "]))
CHAPTERS = st.one_of(st.text(CSV_CHARS + "–", max_size=150), CHAPTER_LINES, CHAPTER_LINES)


@pytest.mark.slow  # thousands of cases: the whole suite runs them, the quick loop (-m "not slow") not
@pytest.mark.timeout(FUZZ_TIMEOUT_S)
@FUZZ
@given(CSV_TEXT)
def test_csv_answers_segments_or_names_the_line(text: str) -> None:
    record("fuzz cases: cut-list parsers (CSV)")
    try:
        segments = from_csv(text)
    except SegmentListError as exc:
        assert str(exc).startswith("Line ")
        return
    for segment in segments:
        assert len(segment.label) <= MAX_LABEL and segment.label.isprintable()
        assert segment.start_ms >= 0 and segment.end_ms >= 0


@pytest.mark.slow  # thousands of cases: the whole suite runs them, the quick loop (-m "not slow") not
@pytest.mark.timeout(FUZZ_TIMEOUT_S)
@FUZZ
@given(CHAPTERS, st.integers(min_value=1, max_value=48 * 3_600_000))
def test_chapters_answer_segments_that_end_after_they_start(text: str, duration_ms: int) -> None:
    record("fuzz cases: cut-list parsers (chapters)")
    try:
        segments = from_youtube_chapters(text, duration_ms)
    except SegmentListError as exc:
        assert str(exc).startswith("Line ")
        return
    for segment in segments:
        assert 0 <= segment.start_ms < segment.end_ms <= duration_ms
        assert segment.label.isprintable()
