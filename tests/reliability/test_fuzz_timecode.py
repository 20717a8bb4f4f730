"""Fuzzing: the timecode parser (every time field and ``--start``/``--end``) answers a time from 0 to
MAX_TIME_MS, or a TimecodeError with a message — never another exception, whatever is typed or pasted."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from muxclipper.core.timecode import MAX_TIME_MS, TimecodeError, check_time_text, parse_ms
from tests.reliability.fuzzing import FUZZ, FUZZ_TIMEOUT_S, TIME_CHARS, TRICKY
from tests.support.reliability_counts import record

RATES = st.sampled_from([None, Fraction(24000, 1001), Fraction(25), Fraction(30000, 1001), Fraction(60000, 1001),
                         Fraction(50), Fraction(1, 3), Fraction(1000)])
#: Near-valid times (made of the characters times are made of) as often as any text at all.
TYPED = st.one_of(st.text(TIME_CHARS, max_size=16), st.text(TIME_CHARS, max_size=16), st.text(TRICKY, max_size=24),
                  st.text(max_size=24), st.integers(40, 6000).map(lambda n: "9" * n))


@pytest.mark.slow  # thousands of cases: the whole suite runs them, the quick loop (-m "not slow") not
@pytest.mark.timeout(FUZZ_TIMEOUT_S)
@FUZZ
@given(TYPED, RATES)
def test_parse_ms_answers_a_time_or_says_why(text: str, rate: Fraction | None) -> None:
    record("fuzz cases: timecode parser")
    try:
        check_time_text(text)
        ms = parse_ms(text, rate)
    except TimecodeError as exc:
        message = str(exc)
        assert message and len(message) < 400
        assert not any(ch in message for ch in "\x1b\x07\x00\u202e")  # shown escaped, never raw
        return
    assert isinstance(ms, int) and 0 <= ms <= MAX_TIME_MS
    assert text.strip().isascii()  # only ASCII digits are read
