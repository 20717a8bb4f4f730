"""Edit points: the places ↑ / ↓ jump between, each with its kind, so the window can say where the playhead
landed ("Slate session starts (19:04:05 local)").

Each kind comes from its own feature and is passed in by name: in and out (the marks), segment edges (the batch),
recording session edges (a live recording's ``recording_times``) and slate edges (found in the picture by slate
detection). A feature that is absent passes nothing. Positions are frames, since a jump lands on a frame: an
out point is where the next frame starts, so its edit point is the last frame inside.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from muxclipper.core.models import RecordingTime
from muxclipper.core.timecode import ms_to_frame


class EditPointKind(Enum):
    IN = "in"
    OUT = "out"
    SEGMENT = "segment"
    SESSION = "session"
    SLATE = "slate"


#: When two kinds fall on the same frame, the one named first is told (the marks are what the user set).
PRIORITY = (EditPointKind.IN, EditPointKind.OUT, EditPointKind.SLATE, EditPointKind.SESSION, EditPointKind.SEGMENT)


@dataclass(frozen=True)
class EditPoint:
    frame: int
    kind: EditPointKind
    #: What the status line says on landing here, without the wall-clock time ("Slate session starts").
    label: str
    #: For session edges: the wall-clock moment (Unix epoch ms) the edge was broadcast.
    wall_ms: int | None = None


@dataclass(frozen=True)
class SlateEdge:
    """A slate boundary found in the picture (by slate detection): ``label`` says which ("Opening slate ends")."""

    ms: int
    label: str


def first_frame_from(ms: int, rate: Fraction) -> int:
    """The first frame that starts at or after ``ms``: a session's edges fall anywhere inside a frame (they are
    wall-clock moments), and the frame that straddles one still belongs to the session before."""
    return math.ceil(Fraction(ms) * rate / 1000)


def session_edges(sessions: Sequence[RecordingTime], rate: Fraction, duration_ms: int) -> list[EditPoint]:
    """Where each recording session starts (the first at 0 is no edge) and where the last one ends."""
    points = []
    ordered = sorted(sessions, key=lambda s: s.offset_ms)
    for index, session in enumerate(ordered):
        kind = "Slate session" if session.type == "slate" else "Content session" if session.type == "content" \
            else f"{session.type.capitalize()} session"
        if index > 0 and 0 < session.offset_ms < duration_ms:
            points.append(EditPoint(first_frame_from(session.offset_ms, rate), EditPointKind.SESSION,
                                    f"{kind} starts", session.started_at_ms))
        previous_end = session.end_offset_ms
        follows = ordered[index + 1].offset_ms if index + 1 < len(ordered) else None
        if previous_end != follows and 0 < previous_end <= duration_ms:
            # The last frame of the session (an end is where the next frame starts, like an out point).
            points.append(EditPoint(max(first_frame_from(previous_end, rate) - 1, 0), EditPointKind.SESSION,
                                    f"{kind} ends", session.started_at_ms + session.duration_ms))
    return points


def edit_points(rate: Fraction, *, duration_ms: int, in_ms: int | None = None, out_ms: int | None = None,
                segment_edges_ms: Iterable[int] = (), sessions: Sequence[RecordingTime] = (),
                slate_edges: Iterable[SlateEdge] = ()) -> list[EditPoint]:
    """Every edit point, one per frame (the most telling kind wins), in order."""
    candidates: list[EditPoint] = []
    if in_ms is not None:
        candidates.append(EditPoint(ms_to_frame(in_ms, rate), EditPointKind.IN, "In point"))
    if out_ms is not None:
        candidates.append(EditPoint(max(ms_to_frame(out_ms, rate) - 1, 0), EditPointKind.OUT,
                                    "Out point (last frame inside)"))
    for edge in slate_edges:
        candidates.append(EditPoint(ms_to_frame(edge.ms, rate), EditPointKind.SLATE, edge.label))
    candidates += session_edges(sessions, rate, duration_ms)
    for ms in segment_edges_ms:
        # A segment's end is where its next frame starts, as the segment list has always jumped to it.
        candidates.append(EditPoint(ms_to_frame(ms, rate), EditPointKind.SEGMENT, "Segment edge"))
    best: dict[int, EditPoint] = {}
    for point in candidates:
        held = best.get(point.frame)
        if held is None or PRIORITY.index(point.kind) < PRIORITY.index(held.kind):
            best[point.frame] = point
    return [best[frame] for frame in sorted(best)]


def next_edit_point(points: Sequence[EditPoint], frame: int, direction: int) -> EditPoint | None:
    """The nearest point after (``direction`` > 0) or before ``frame``."""
    if direction > 0:
        return next((p for p in points if p.frame > frame), None)
    return next((p for p in reversed(points) if p.frame < frame), None)
