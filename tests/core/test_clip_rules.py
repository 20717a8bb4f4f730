"""The checks a range passes before anything is sent, each with words a producer acts on."""

from __future__ import annotations

from muxclipper.core.clip_rules import check_range


def test_a_range_inside_the_source_passes() -> None:
    assert check_range(1_000, 3_000, 60_000) is None


def test_each_problem_is_named() -> None:
    cases = {(-1, 3_000, 60_000): "before the start", (3_000, 3_000, 60_000): "after the in point",
             (1_000, 1_400, 60_000): "at least 0.5 s", (1_000, 61_000, 60_000): "past the end of what is in the source"}
    for (start, end, duration), words in cases.items():
        problem = check_range(start, end, duration)
        assert problem is not None and words in problem.message, (start, end)


def test_a_recording_still_growing_needs_an_out_point() -> None:
    problem = check_range(1_000, 20_000, 20_000, live=True, open_end=True)
    assert problem is not None and "set an out point" in problem.message
    assert check_range(1_000, 19_000, 20_000, live=True) is None  # an out point set: fine
    assert check_range(1_000, 20_000, 20_000, open_end=True) is None  # a finished source ends where it ends
    problem = check_range(1_000, 21_000, 20_000, live=True)
    assert problem is not None and "recorded so far" in problem.message
