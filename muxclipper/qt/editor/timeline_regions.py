"""Marked regions and edge ticks on the timeline: a live recording's slate sessions (hatched amber, named, with
their wall-clock times in a tooltip) and its session edges (ticks through the ruler).

Kept apart from the in/out range (blue) and the segments so other features can mark the timeline the same way;
:class:`~muxclipper.qt.editor.timeline.TimelineWidget` calls :func:`paint_regions` and :func:`region_tooltip`, handing
itself in as a :class:`TimelineScale` (so this module does not import the timeline back).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPen, QPolygonF

from muxclipper.core.models import RecordingTime
from muxclipper.core.recording_clock import format_wall
from muxclipper.core.timecode import format_ms

#: Amber: apart from the range's blue, the too-short red and the playhead's highlight.
REGION_COLOUR = QColor(239, 140, 0)
TICK_COLOUR = QColor(142, 36, 170)
BAND_HEIGHT = 14


class TimelineScale(Protocol):
    """Where a time falls on the timeline, in pixels: what painting a region needs of the timeline widget."""

    def width(self) -> int: ...

    def x_for_ms(self, ms: int) -> float: ...


@dataclass(frozen=True)
class TimelineRegion:
    start_ms: int
    end_ms: int
    label: str  # drawn inside when it fits: "SLATE"
    tooltip: str


def slate_regions(sessions: Sequence[RecordingTime], tz: tzinfo | None = None) -> list[TimelineRegion]:
    """A region per slate session, its tooltip with the wall-clock times (local and UTC) and its place."""
    regions = []
    for session in sessions:
        if session.type != "slate" or session.duration_ms <= 0:
            continue
        end_wall = session.started_at_ms + session.duration_ms
        tooltip = (f"Slate inserted by Mux while the encoder was away\n"
                   f"{format_wall(session.started_at_ms, tz=tz)} – {format_wall(end_wall, tz=tz)}\n"
                   f"{format_wall(session.started_at_ms, utc=True)} – {format_wall(end_wall, utc=True)}\n"
                   f"At {format_ms(session.offset_ms)} – {format_ms(session.end_offset_ms)} "
                   f"({session.duration_ms / 1000:.1f} s)")
        regions.append(TimelineRegion(session.offset_ms, session.end_offset_ms, "SLATE", tooltip))
    return regions


def session_ticks(sessions: Sequence[RecordingTime]) -> list[int]:
    """Where one session gives way to the next (the recording's start is no edge)."""
    return sorted({s.offset_ms for s in sessions if s.offset_ms > 0})


def paint_regions(painter: QPainter, timeline: TimelineScale, regions: Sequence[TimelineRegion],
                  ticks_ms: Sequence[int], top: int, height: int) -> None:
    """Regions over the filmstrip (from ``top`` down), and ticks through the ruler above it."""
    width = timeline.width()
    painter.save()
    for region in regions:
        left, right = timeline.x_for_ms(region.start_ms), timeline.x_for_ms(region.end_ms)
        if right < 0 or left > width:
            continue
        left, right = max(left, -1.0), min(right, width + 1.0)
        area = QRectF(left, top, max(right - left, 2.0), height - top)
        shade = QColor(REGION_COLOUR)
        shade.setAlpha(60)
        painter.fillRect(area, shade)
        painter.fillRect(area, QBrush(REGION_COLOUR, Qt.BrushStyle.BDiagPattern))
        band = QRectF(left, height - BAND_HEIGHT, max(right - left, 2.0), BAND_HEIGHT)
        painter.fillRect(band, REGION_COLOUR)
        metrics = QFontMetrics(painter.font())
        if metrics.horizontalAdvance(region.label) + 6 <= band.width():
            painter.setPen(QPen(QColor(0, 0, 0)))
            painter.drawText(band, Qt.AlignmentFlag.AlignCenter, region.label)
    painter.setBrush(TICK_COLOUR)
    for ms in ticks_ms:
        x = timeline.x_for_ms(ms)
        if -4 <= x <= width + 4:
            painter.setPen(QPen(TICK_COLOUR, 2))
            painter.drawLine(QPointF(x, 0), QPointF(x, height))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawPolygon(QPolygonF([QPointF(x - 5, 0), QPointF(x + 5, 0), QPointF(x, 7)]))
    painter.restore()


def region_tooltip(timeline: TimelineScale, regions: Sequence[TimelineRegion], x: float) -> str | None:
    for region in regions:
        if timeline.x_for_ms(region.start_ms) - 2 <= x <= timeline.x_for_ms(region.end_ms) + 2:
            return region.tooltip
    return None
