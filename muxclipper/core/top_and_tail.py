""""Top and tail": cut a fixed number of seconds off the start and the end of several recordings at once, or each at
its own slates.

The cut points are snapped to frames with the same rules as markers set by hand (half-way rounds up), so
a top-and-tailed clip starts and ends exactly where the same marks in the editor would.
"""

from __future__ import annotations

from dataclasses import dataclass

from muxclipper.core.clip_rules import MIN_CLIP_MS
from muxclipper.core.marking import MarkedRange
from muxclipper.core.models import Asset, AssetStatus
from muxclipper.core.slate_detect import SlateEdges
from muxclipper.core.timecode import exact_rate, format_ms


@dataclass(frozen=True)
class TrimPlan:
    """What top and tail makes of one source: a range to clip, or the reason it cannot."""

    asset: Asset
    start_ms: int = 0
    end_ms: int = 0
    problem: str | None = None


def top_and_tail(asset: Asset, head_ms: int, tail_ms: int) -> TrimPlan:
    name = asset.title or asset.id
    if head_ms < 0 or tail_ms < 0:
        return TrimPlan(asset, problem="The seconds to cut cannot be negative.")
    if asset.is_live:
        return TrimPlan(asset, problem=f"{name} is still recording: its end is not known yet.")
    if asset.status is not AssetStatus.READY or asset.duration_ms is None or asset.frame_rate is None:
        return TrimPlan(asset, problem=f"{name} is {asset.status.value}, not ready.")
    marked = MarkedRange(None, None, asset.duration_ms, exact_rate(asset.frame_rate))
    start = marked.with_in(head_ms).start_ms
    end = marked.with_out(max(asset.duration_ms - tail_ms, 0)).end_ms
    if head_ms + tail_ms > asset.duration_ms or end - start < MIN_CLIP_MS:
        return TrimPlan(asset, problem=f"{name} is {format_ms(asset.duration_ms)} long: cutting "
                                       f"{head_ms / 1000:g} s and {tail_ms / 1000:g} s leaves less than 0.5 s.")
    return TrimPlan(asset, start, end)


def trim_at_slates(asset: Asset, edges: SlateEdges | None, problem: str | None = None) -> TrimPlan:
    """"Cut the slates": the recording between its own detected slate edges (:mod:`muxclipper.core.slate_detect`).
    A recording whose slates could not be decided (``edges`` None with the search's ``problem``, or no slate found)
    gets a problem, never a guessed cut."""
    name = asset.title or asset.id
    if problem is not None or edges is None:
        return TrimPlan(asset, problem=f"{name}: {problem or 'not searched'}")
    if asset.is_live:
        return TrimPlan(asset, problem=f"{name} is still recording: its closing slate is not there yet.")
    if not edges.found or asset.duration_ms is None:
        return TrimPlan(asset, problem=f"{name}: no slate found ({edges.note or 'nothing to cut'}); mark it by hand.")
    start = edges.start_ms or 0
    end = edges.end_ms if edges.end_ms is not None else asset.duration_ms
    if end - start < MIN_CLIP_MS:
        return TrimPlan(asset, problem=f"{name}: less than 0.5 s between the slates.")
    return TrimPlan(asset, start, end)
