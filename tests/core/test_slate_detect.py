"""The slate detector's rules, on pictures made here: what counts as the same picture, how an edge is searched,
and what counts as a slate."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Generator
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muxclipper.core.slate_detect import Edge, Picture, decide, find_edge, same_picture, to_grid


def solid(color: tuple[int, int, int], w: int = 128, h: int = 72) -> bytearray:
    return bytearray(bytes(color) * (w * h))


def paint(image: bytearray, w: int, box: tuple[int, int, int, int], value: int) -> None:
    """Fill rows ``top:bottom`` and columns ``left:right`` of an RGB image ``w`` pixels wide with a grey."""
    top, bottom, left, right = box
    for y in range(top, bottom):
        image[(y * w + left) * 3:(y * w + right) * 3] = bytes([value]) * ((right - left) * 3)


def grid(image: bytes, w: int = 128, h: int = 72) -> Picture:
    return to_grid(bytes(image), w, h)


def test_a_clock_a_stamp_and_noise_do_not_change_the_picture() -> None:
    slate = solid((28, 36, 68))
    later = bytearray(slate)
    paint(later, 128, (0, 6, 0, 110), 255)       # a burnt-in frame counter along the top
    paint(later, 128, (40, 50, 80, 120), 240)    # a running clock
    rng = random.Random(1)
    later = bytearray(max(0, min(255, b + rng.randint(-12, 12))) for b in later)  # JPEG noise
    assert same_picture(grid(slate), grid(later))


def test_another_picture_or_another_colour_of_the_same_brightness_is_a_change() -> None:
    red, blue = solid((200, 30, 30)), solid((30, 30, 200))
    assert not same_picture(grid(red), grid(blue))
    colours = [(192, 192, 192), (192, 192, 0), (0, 192, 192), (0, 192, 0), (192, 0, 192), (192, 0, 0), (0, 0, 192),
               (16, 16, 16)]
    bars = b"".join(b"".join(bytes(c) * 16 for c in colours) for _ in range(72))  # eight bars, 16 pixels each
    assert not same_picture(grid(solid((0, 0, 0))), grid(bars))


def test_a_picture_smaller_than_the_grid_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        to_grid(bytes(solid((0, 0, 0), 20, 10)), 20, 10)


def drive(search: Generator[int, bool, Edge | None], holds: Callable[[int], bool]) -> tuple[Edge | None, list[int]]:
    looked: list[int] = []
    try:
        frame = next(search)
        while True:
            looked.append(frame)
            frame = search.send(holds(frame))
    except StopIteration as done:
        return done.value, looked


@pytest.mark.parametrize("end", [1, 37, 119, 120, 121, 599, 5999])
def test_the_edge_is_found_to_the_frame_in_about_log2_of_the_tile_interval(end: int) -> None:
    frames, tile = 6000, 120
    tiles = list(range(tile, frames, tile))
    edge, looked = drive(find_edge(0, tiles, [f < end for f in tiles], frames - 1), lambda f: f < end)
    assert edge == Edge(end - 1, end)
    assert len(looked) <= math.ceil(math.log2(tile)) + 2
    assert len(set(looked)) == len(looked)  # never the same frame twice


def test_misleading_tiles_are_corrected_by_the_exact_pictures() -> None:
    """A storyboard tile may come from a neighbouring frame: the search widens instead of trusting it."""
    tiles = [100, 200, 300, 400]
    end = 305
    for told in ([True, True, False, False], [True, False, False, False], [True, True, True, True]):
        edge, _ = drive(find_edge(0, tiles, told, 499), lambda f: f < end)
        assert edge == Edge(304, 305), told


def test_searching_backward_finds_where_a_closing_picture_begins() -> None:
    start = 5550  # the closing slate's first frame
    tiles = list(range(5880, 0, -120))
    edge, _ = drive(find_edge(5999, tiles, [f >= start for f in tiles], 0), lambda f: f >= start)
    assert edge == Edge(5550, 5549)


def test_a_picture_that_holds_to_the_end_has_no_edge() -> None:
    edge, looked = drive(find_edge(10, [120, 240], [True, True], 299), lambda f: True)
    assert edge is None and looked == [299]


RATE = Fraction(30)


def test_decide_proposes_the_programme_between_the_slates() -> None:
    edges = decide(Edge(599, 600), Edge(5550, 5549), 6000, RATE)
    assert (edges.programme_start, edges.programme_end, edges.note) == (600, 5550, None)
    assert (edges.start_ms, edges.end_ms) == (20000, 185000)


def test_decide_says_there_is_no_slate_rather_than_guessing() -> None:
    held = decide(None, None, 6000, RATE)
    assert not held.found and "no slate" in (held.note or "")
    short = decide(Edge(9, 10), Edge(5990, 5989), 6000, RATE)  # a third of a second each: not slates
    assert not short.found and "under a second" in (short.note or "")


def test_of_two_pictures_the_shorter_is_the_slate() -> None:
    opening_only = decide(Edge(599, 600), Edge(600, 599), 6000, RATE)
    assert (opening_only.programme_start, opening_only.programme_end) == (600, None)
    assert opening_only.note == "no closing slate"
    closing_only = decide(Edge(5549, 5550), Edge(5550, 5549), 6000, RATE)
    assert (closing_only.programme_start, closing_only.programme_end) == (None, 5550)
    assert closing_only.note == "no opening slate"


def test_cut_the_slates_plans_each_recording_at_its_own_edges_and_never_guesses() -> None:
    from muxclipper.core.models import Asset, AssetStatus
    from muxclipper.core.top_and_tail import trim_at_slates

    keynote = Asset("k", AssetStatus.READY, 0, 200_000, Fraction(30), title="Keynote")
    plan = trim_at_slates(keynote, decide(Edge(599, 600), Edge(5550, 5549), 6000, RATE))
    assert (plan.start_ms, plan.end_ms, plan.problem) == (20_000, 185_000, None)
    opening_only = trim_at_slates(keynote, decide(Edge(599, 600), Edge(600, 599), 6000, RATE))
    assert (opening_only.start_ms, opening_only.end_ms) == (20_000, 200_000)
    none = trim_at_slates(keynote, decide(None, None, 6000, RATE))
    assert none.problem is not None and "no slate found" in none.problem and "by hand" in none.problem
    failed = trim_at_slates(keynote, None, "Keynote has no public playback id")
    assert failed.problem == "Keynote: Keynote has no public playback id"
    live = trim_at_slates(Asset("l", AssetStatus.READY, 0, 200_000, Fraction(30), title="Live", is_live=True),
                          decide(Edge(599, 600), Edge(5550, 5549), 6000, RATE))
    assert live.problem is not None and "still recording" in live.problem


@given(st.integers(2, 3000), st.data())
@settings(max_examples=150, deadline=None)
def test_any_tiles_even_lying_ones_lead_to_the_exact_edge(frames: int, data: st.DataObject) -> None:
    """Whatever the storyboard says (tiles anywhere, duplicated, each one right or wrong), the exact pictures decide:
    forward and backward, the edge found is the true one, or None when the picture holds to the end."""
    end = data.draw(st.integers(1, frames), label="first frame of the next picture (frames: none)")
    tiles = sorted(data.draw(st.lists(st.integers(1, max(frames - 2, 1)), max_size=60), label="tiles"))
    tiles = [t for t in tiles if 0 < t < frames - 1]
    told = data.draw(st.lists(st.booleans(), min_size=len(tiles), max_size=len(tiles)), label="tiles' answers")
    forward, looked = drive(find_edge(0, tiles, told, frames - 1), lambda f: f < end)
    assert forward == (None if end == frames else Edge(end - 1, end))
    assert len(looked) <= len(tiles) + math.ceil(math.log2(frames)) + 2
    # Backward: a closing picture from ``end`` on.
    backward, _ = drive(find_edge(frames - 1, tiles[::-1], told[::-1], 0), lambda f: f >= min(end, frames - 1))
    start = min(end, frames - 1)
    assert backward == (None if start == 0 else Edge(start, start - 1))


def _judged(**changes: object) -> str | None:
    """What judge() says of an opening at 25 fps held 3 s, clear unless ``changes`` say otherwise."""
    from muxclipper.core.slate_detect import judge

    facts: dict[str, object] = {"still": 0.9, "held_frames": 75, "cut": 0.98, "drift": 0.0, "after": 0.97,
                                "inside_holds": True, "samples": 6, **changes}
    edge = facts.pop("edge", Edge(74, 75))
    return judge("opening", Fraction(25), edge, **facts).problem  # type: ignore[arg-type]


def test_judge_proposes_only_a_clear_slate_and_says_what_it_saw_otherwise() -> None:
    assert _judged() is None
    assert "does not hold: only 12% of it stays the same" in (_judged(still=0.12) or "")
    assert _judged(edge=None) == "the picture holds from the first frame to the last"
    assert "holds for 0.80 s only" in (_judged(held_frames=20) or "")
    assert "changes and comes back before #75" in (_judged(inside_holds=False) or "")
    gradual = _judged(cut=0.08) or ""
    assert "changes gradually at #75 (00:00:03.000)" in gradual and "only 8% of it changes" in gradual
    assert "is back 500 ms later (a flash" in (_judged(after=0.1) or "")
    wobble = _judged(drift=0.06) or ""
    assert "6% of it keeps changing a little" in wobble and "it cuts at #75" in wobble


def test_the_still_part_leaves_out_what_moves_in_place() -> None:
    """A clock's corner changes between the first second's pictures: it is left out of the still part, and the
    picture holds while only it changes; a new picture over the still part does not hold."""
    from muxclipper.core.slate_detect import holds, masked_share, share_of, still_mask

    card = solid((30, 40, 90))
    ticking = bytearray(card)
    paint(ticking, 128, (60, 72, 100, 128), 250)  # the clock's digits, bottom right
    mask = still_mask(grid(card), [grid(ticking)])
    assert 0.9 < share_of(mask) < 1.0
    assert holds(grid(card), grid(ticking), mask)
    programme = solid((200, 180, 20))
    assert masked_share(grid(card), grid(programme), mask) == 1.0
    assert not holds(grid(card), grid(programme), mask)


def test_decide_sides_on_a_recording_still_growing() -> None:
    from muxclipper.core.slate_detect import CLOSING_NOT_YET, EdgeEvidence, decide_sides

    opening = EdgeEvidence("opening", RATE, Edge(599, 600), held_frames=600, still_share=1.0, cut_share=1.0,
                           after_share=1.0)
    edges = decide_sides(opening, None, 3000, RATE)
    assert (edges.programme_start, edges.programme_end, edges.note) == (600, None, CLOSING_NOT_YET)
    still_on = EdgeEvidence("opening", RATE, None, held_frames=300, still_share=1.0,
                            problem="the picture holds from the first frame to the last")
    waiting = decide_sides(still_on, None, 300, RATE)
    assert not waiting.found and "holds up to the live edge" in (waiting.note or "")
