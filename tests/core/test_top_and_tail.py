"""Top and tail: the same frame-exact cut points as marks set by hand, and plain reasons when it cannot."""

from __future__ import annotations

from fractions import Fraction

from muxclipper.core.models import Asset, AssetStatus
from muxclipper.core.top_and_tail import top_and_tail


def _asset(duration_ms: int = 60_000, rate: Fraction = Fraction(25), **kw: object) -> Asset:
    fields: dict[str, object] = {"status": AssetStatus.READY, "title": "Keynote"} | kw
    return Asset("a1", created_at_s=0, duration_ms=duration_ms, frame_rate=rate, **fields)  # type: ignore[arg-type]


def test_cuts_land_on_frame_starts() -> None:
    plan = top_and_tail(_asset(60_000), 5_000, 3_000)
    assert (plan.start_ms, plan.end_ms, plan.problem) == (5_000, 57_000, None)
    # 29.97: 10 s is frame 299.7 → 300 (10 010 ms); 60 s − 2.5 s = 57.5 s is frame 1723.3 → 1723.
    ntsc = top_and_tail(_asset(60_000, Fraction(30000, 1001)), 10_000, 2_500)
    assert (ntsc.start_ms, ntsc.end_ms) == (10_010, 57_491)


def test_nothing_to_cut_keeps_every_whole_frame() -> None:
    plan = top_and_tail(_asset(12_345), 0, 0)  # 308.6 frames: the partial last one is not a frame to show
    assert (plan.start_ms, plan.end_ms) == (0, 12_320) and plan.problem is None


def test_sources_that_cannot_be_trimmed_say_why() -> None:
    assert "leaves less than 0.5 s" in str(top_and_tail(_asset(10_000), 6_000, 4_000).problem)
    assert "leaves less than 0.5 s" in str(top_and_tail(_asset(10_000), 5_000, 4_700).problem)
    assert "still recording" in str(top_and_tail(_asset(is_live=True), 1_000, 1_000).problem)
    assert "preparing, not ready" in str(top_and_tail(_asset(status=AssetStatus.PREPARING), 1_000, 0).problem)
    assert "negative" in str(top_and_tail(_asset(), -1, 0).problem)
