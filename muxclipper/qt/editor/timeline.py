"""The timeline: a ruler, a storyboard filmstrip, the playhead, and in/out markers dragged to the frame.

Positions are integer milliseconds; all marker rules (snapping to frames, clamping, no crossing)
come from :class:`muxclipper.core.marking.MarkedRange`. The widget adds only what belongs to the
screen: hit-testing with a few pixels of slack, snapping to the playhead when near it, zoom and pan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygon,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from muxclipper.core.marking import MarkedRange
from muxclipper.core.timecode import format_length, format_ms, frame_to_ms
from muxclipper.core.waveform import Waveform
from muxclipper.mux.storyboard import Storyboard
from muxclipper.qt.editor.timeline_regions import TimelineRegion, paint_regions, region_tooltip
from muxclipper.qt.editor.waveform_view import paint_waveform

MARKER_SLACK_PX = 6
SNAP_TO_PLAYHEAD_PX = 6
ZOOM_STEP = 1.25
PAN_FRACTION = 0.1
MIN_VISIBLE_FRAMES = 10
RULER_HEIGHT = 22
STRIP_HEIGHT = 48
TICK_STEPS_MS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000,
                 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000)


@dataclass(frozen=True)
class StoryboardTile:
    start_ms: int
    source: QRect  # where the tile sits in the sprite


def tiles_from_storyboard(board: Storyboard, sprite_bytes: bytes) -> tuple[QPixmap, list[StoryboardTile]]:
    """The sprite as a pixmap and each tile's place in it, for :meth:`TimelineWidget.set_storyboard`."""
    sprite = QPixmap()
    sprite.loadFromData(sprite_bytes)
    return sprite, [StoryboardTile(t.start_ms, QRect(t.x, t.y, board.tile_width, board.tile_height))
                    for t in board.tiles]


class TimelineWidget(QWidget):
    """Signals:
        range_changed(MarkedRange): the range moved (while dragging, and after any edit).
        range_change_finished(object): a drag ended: the MarkedRange before it and after it, as a tuple.
        seek_requested(int): the user clicked or dragged on the timeline, milliseconds.
        view_changed(int, int): the visible window (start, span) in milliseconds changed.
    """

    range_changed = Signal(object)
    range_change_finished = Signal(object)
    seek_requested = Signal(int)
    view_changed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Timeline")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.display = "hms"  # the editor's time display: the length shown while a marker is dragged
        self.setMinimumHeight(RULER_HEIGHT + STRIP_HEIGHT + 8)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._range = MarkedRange(None, None, 0, Fraction(30))
        self._playhead_ms = 0
        self._view_start = 0
        self._view_span = 1
        self._drag: str | None = None       # "in", "out" or "playhead"
        self._drag_before: MarkedRange | None = None
        self._hover: str | None = None
        self.follow_live_edge = False
        self._sprite: QPixmap | None = None
        self._tiles: list[StoryboardTile] = []
        self._regions: list[TimelineRegion] = []  # a recording's slate sessions (qt/editor/timeline_regions.py)
        self._region_ticks: list[int] = []
        self._proposals: tuple[int | None, int | None] = (None, None)  # see set_proposals
        #: An audio-only source's sound, drawn where a video's storyboard is (qt/editor/waveform_view.py).
        self.waveform: Waveform | None = None

    # ------------------------------------------------------------------ model
    @property
    def marked(self) -> MarkedRange:
        return self._range

    @property
    def playhead_ms(self) -> int:
        return self._playhead_ms

    @property
    def view(self) -> tuple[int, int]:
        return self._view_start, self._view_span

    def set_source(self, duration_ms: int, rate: Fraction) -> None:
        self._range = MarkedRange(None, None, duration_ms, rate)
        self._playhead_ms = 0
        self._set_view(0, max(duration_ms, 1))
        self.range_changed.emit(self._range)
        self.update()

    def set_range(self, marked: MarkedRange) -> None:
        if marked != self._range:
            self._range = marked
            self._describe()
            self.range_changed.emit(marked)
            self.update()

    def set_playhead(self, ms: int) -> None:
        """The frame on screen moved. Zoomed in, a playhead that leaves the view as it plays (or steps) turns the
        page: the view moves on so that it is near the left edge again, as an editing suite scrolls. One the user
        had panned away from stays where it is: the view is theirs."""
        ms = min(max(ms, 0), self._range.duration_ms)
        if ms != self._playhead_ms:
            start, end = self._view_start, self._view_start + self._view_span
            was_in_view = start <= self._playhead_ms <= end
            self._playhead_ms = ms
            if was_in_view and not start <= ms <= end and self._view_span < self._range.duration_ms:
                page = self._view_span // 10 if ms > end else self._view_span // 2
                self._set_view(ms - page, self._view_span)
            self.update()

    def set_duration(self, duration_ms: int) -> None:
        """A live recording grew; with ``follow_live_edge`` the view keeps its end in sight."""
        old_end = self._range.duration_ms
        at_edge = self._view_start + self._view_span >= old_end
        self._range = self._range.with_duration(duration_ms)
        if self.follow_live_edge and at_edge:
            self._set_view(max(duration_ms - self._view_span, 0), self._view_span)
        elif self._view_span >= old_end:
            self._set_view(0, max(duration_ms, 1))
        self.range_changed.emit(self._range)
        self.update()

    @property
    def has_storyboard(self) -> bool:
        return self._sprite is not None

    def set_storyboard(self, sprite: QPixmap, tiles: list[StoryboardTile]) -> None:
        self._sprite, self._tiles = sprite, sorted(tiles, key=lambda t: t.start_ms)
        self.update()

    def set_regions(self, regions: list[TimelineRegion], ticks_ms: list[int] | None = None) -> None:
        """Marked regions (a recording's slate sessions) and edge ticks (its session edges); none to clear."""
        self._regions, self._region_ticks = list(regions), list(ticks_ms or [])
        self.update()

    @property
    def regions(self) -> list[TimelineRegion]:
        return list(self._regions)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = region_tooltip(self, self._regions, event.pos().x())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
                return True
        return super().event(event)

    # ------------------------------------------------------------------ geometry
    def x_for_ms(self, ms: int) -> float:
        return (ms - self._view_start) * self.width() / self._view_span

    def ms_for_x(self, x: float) -> int:
        return round(self._view_start + x * self._view_span / max(self.width(), 1))

    def _min_span(self) -> int:
        return max(frame_to_ms(MIN_VISIBLE_FRAMES, self._range.rate), 1)

    def _set_view(self, start: int, span: int) -> None:
        duration = max(self._range.duration_ms, 1)
        span = min(max(span, self._min_span()), duration)
        start = min(max(start, 0), max(duration - span, 0))
        if (start, span) != (self._view_start, self._view_span):
            self._view_start, self._view_span = start, span
            self.view_changed.emit(start, span)
            self.update()

    def zoom(self, factor: float, anchor_ms: int | None = None) -> None:
        """Zoom by ``factor`` (> 1 zooms in) keeping ``anchor_ms`` at the same place on screen."""
        anchor = self._playhead_ms if anchor_ms is None else anchor_ms
        fraction = (anchor - self._view_start) / self._view_span
        span = round(self._view_span / factor)
        span = min(max(span, self._min_span()), max(self._range.duration_ms, 1))
        self._set_view(round(anchor - fraction * span), span)

    def pan(self, delta_ms: int) -> None:
        self._set_view(self._view_start + delta_ms, self._view_span)

    def _keep_playhead_visible(self) -> None:
        if not self._view_start <= self._playhead_ms <= self._view_start + self._view_span:
            self._set_view(self._playhead_ms - self._view_span // 2, self._view_span)

    def _hit(self, x: float) -> str | None:
        candidates = []
        for name, ms in (("in", self._range.in_ms), ("out", self._range.out_ms)):
            if ms is not None and abs(self.x_for_ms(ms) - x) <= MARKER_SLACK_PX:
                candidates.append((abs(self.x_for_ms(ms) - x), name))
        return min(candidates)[1] if candidates else None

    # ------------------------------------------------------------------ input
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._range.duration_ms <= 0:
            return super().mousePressEvent(event)
        x = event.position().x()
        self._drag = self._hit(x) or "playhead"
        self._drag_before = self._range
        self._drag_to(x)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._drag is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self._drag_to(x)
            return
        hover = self._hit(x)
        if hover != self._hover:
            self._hover = hover
            self.setCursor(Qt.CursorShape.SizeHorCursor if hover else Qt.CursorShape.ArrowCursor)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drag is None:
            return super().mouseReleaseEvent(event)
        dragged, before = self._drag, self._drag_before
        self._drag = self._drag_before = None
        if dragged in ("in", "out") and before is not None and before != self._range:
            self.range_change_finished.emit((before, self._range))
        self.update()

    def _drag_to(self, x: float) -> None:
        ms = min(max(self.ms_for_x(x), 0), self._range.duration_ms)
        if self._drag == "playhead":
            self.set_playhead(ms)
            self.seek_requested.emit(ms)
            return
        if abs(self.x_for_ms(self._playhead_ms) - x) <= SNAP_TO_PLAYHEAD_PX:
            ms = self._playhead_ms
        self.set_range(self._range.with_in(ms) if self._drag == "in" else self._range.with_out(ms))

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if not steps:
            return
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(ZOOM_STEP ** steps, self.ms_for_x(event.position().x()))
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.pan(round(-steps * self._view_span * PAN_FRACTION))
        else:
            return super().wheelEvent(event)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() in (Qt.Key.Key_Equal, Qt.Key.Key_Plus):
            self.zoom(ZOOM_STEP)
            self._keep_playhead_visible()
        elif ctrl and event.key() == Qt.Key.Key_Minus:
            self.zoom(1 / ZOOM_STEP)
            self._keep_playhead_visible()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update()

    # ------------------------------------------------------------------ painting
    def _describe(self) -> None:
        r = self._range
        self.setAccessibleDescription(f"In {format_ms(r.start_ms)}, out {format_ms(r.end_ms)}, "
                                      f"length {format_ms(r.length_ms)}" + (" (too short)" if r.too_short else ""))

    def tick_step_ms(self) -> int:
        """The smallest step that leaves room for a label (about 90 px)."""
        per_px = self._view_span / max(self.width(), 1)
        for step in TICK_STEPS_MS:
            if step / per_px >= 90:
                return step
        return TICK_STEPS_MS[-1]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        width, height = self.width(), self.height()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        self._paint_strip(painter, width)
        if self.waveform is not None:
            paint_waveform(painter, self.waveform, self.ms_for_x(0), self.ms_for_x(width),
                           QRectF(0, RULER_HEIGHT, width, STRIP_HEIGHT))
        paint_regions(painter, self, self._regions, self._region_ticks, RULER_HEIGHT, height)
        self._paint_ruler(painter, palette, width)
        self._paint_range(painter, height)
        self._paint_proposals(painter, height)
        x = round(self.x_for_ms(self._playhead_ms))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
        painter.drawLine(x, 0, x, height)
        if self.hasFocus():
            # An outline only: a brush left set by the markers would fill the whole timeline with their colour.
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 1, Qt.PenStyle.DotLine))
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    def _paint_strip(self, painter: QPainter, width: int) -> None:
        if self._sprite is None or not self._tiles:
            return
        top = RULER_HEIGHT
        for index, tile in enumerate(self._tiles):
            end_ms = self._tiles[index + 1].start_ms if index + 1 < len(self._tiles) else self._range.duration_ms
            left, right = self.x_for_ms(tile.start_ms), self.x_for_ms(end_ms)
            if right < 0 or left > width:
                continue
            tile_w = tile.source.width() * STRIP_HEIGHT / max(tile.source.height(), 1)
            # Where the interval is wider than a tile, repeat it; where narrower, show it cropped.
            # Only the repeats on screen are drawn: zoomed in, one interval can span a million pixels.
            x = left + max(math.floor(-left / tile_w), 0) * tile_w if left < 0 else left
            right = min(right, width)
            while x < right:
                target = QRectF(x, top, min(tile_w, right - x), STRIP_HEIGHT)
                source = QRectF(tile.source.x(), tile.source.y(),
                                tile.source.width() * target.width() / tile_w, tile.source.height())
                painter.drawPixmap(target, self._sprite, source)
                x += tile_w

    def _paint_ruler(self, painter: QPainter, palette: QPalette, width: int) -> None:
        step = self.tick_step_ms()
        text = palette.color(QPalette.ColorRole.Text)
        painter.setPen(QPen(text, 1))
        first = math.floor(self._view_start / step) * step
        ms = first
        while ms <= self._view_start + self._view_span:
            x = round(self.x_for_ms(ms))
            painter.drawLine(x, RULER_HEIGHT - 6, x, RULER_HEIGHT)
            label = format_ms(ms)
            label = label[:-4] if step % 1000 == 0 else label
            painter.drawText(x + 3, RULER_HEIGHT - 8, label)
            minor = step / 5
            for i in range(1, 5):
                mx = round(self.x_for_ms(round(ms + i * minor)))
                painter.drawLine(mx, RULER_HEIGHT - 3, mx, RULER_HEIGHT)
            ms += step

    def _paint_range(self, painter: QPainter, height: int) -> None:
        r = self._range
        if r.in_ms is None and r.out_ms is None:
            return
        painter.save()  # the markers' pens and brushes stay here
        warn = QColor(198, 40, 40) if r.too_short else QColor(21, 101, 192)
        left, right = self.x_for_ms(r.start_ms), self.x_for_ms(r.end_ms)
        shade = QColor(warn)
        shade.setAlpha(50)
        painter.fillRect(QRectF(left, RULER_HEIGHT, right - left, height - RULER_HEIGHT), shade)
        for name, ms in (("in", r.in_ms), ("out", r.out_ms)):
            if ms is None:
                continue
            x = round(self.x_for_ms(ms))
            colour = warn.lighter(140) if self._hover == name or self._drag == name else warn
            painter.setPen(QPen(colour, 3 if self._hover == name or self._drag == name else 2))
            painter.drawLine(x, RULER_HEIGHT, x, height)
            painter.setBrush(colour)
            tip = -8 if name == "out" else 8
            painter.drawPolygon(QPolygon([QPoint(x, RULER_HEIGHT), QPoint(x + tip, RULER_HEIGHT),
                                          QPoint(x, RULER_HEIGHT + 10)]))
        if self._drag in ("in", "out"):
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Text)))
            painter.drawText(QRectF(left, height - 18, max(right - left, 120), 16),
                             Qt.AlignmentFlag.AlignLeft, format_length(r.length_ms, r.rate, self.display))
        painter.restore()

    # ------------------------------------------------------------------ proposals (found slates, not yet accepted)
    @property
    def proposals(self) -> tuple[int | None, int | None]:
        return self._proposals

    def set_proposals(self, in_ms: int | None, out_ms: int | None) -> None:
        """Proposed in and out points (milliseconds; None: none on that side), drawn as dashed ghost markers over
        a hatched slate until :meth:`set_proposals` is called with ``None, None``. They are not the range: the user
        accepts them (the owner then sets the range) or marks otherwise."""
        if (in_ms, out_ms) != self._proposals:
            self._proposals = (in_ms, out_ms)
            described = [f"{name} {format_ms(ms)}" for name, ms in (("in", in_ms), ("out", out_ms)) if ms is not None]
            self.setToolTip(f"Proposed {' and '.join(described)}: Enter accepts" if described else "")
            self.update()

    def _paint_proposals(self, painter: QPainter, height: int) -> None:
        in_ms, out_ms = self._proposals
        if in_ms is None and out_ms is None:
            return
        painter.save()
        amber = QColor(239, 108, 0)
        hatch = QColor(amber)
        hatch.setAlpha(90)
        for name, ms in (("in", in_ms), ("out", out_ms)):
            if ms is None:
                continue
            x = round(self.x_for_ms(ms))
            # The slate it cuts off, hatched: what would be left out of the clip.
            slate = QRectF(self.x_for_ms(0), RULER_HEIGHT, x - self.x_for_ms(0), STRIP_HEIGHT) if name == "in" else \
                QRectF(x, RULER_HEIGHT, self.x_for_ms(self._range.duration_ms) - x, STRIP_HEIGHT)
            painter.fillRect(slate, QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            painter.setPen(QPen(amber, 2, Qt.PenStyle.DashLine))
            painter.drawLine(x, RULER_HEIGHT, x, height)
            painter.setBrush(Qt.BrushStyle.NoBrush)  # a hollow flag: a proposal, not a marker
            tip = -10 if name == "out" else 10
            painter.setPen(QPen(amber, 2))
            painter.drawPolygon(QPolygon([QPoint(x, RULER_HEIGHT), QPoint(x + tip, RULER_HEIGHT),
                                          QPoint(x, RULER_HEIGHT + 12)]))
            label = "in?" if name == "in" else "out?"
            width = painter.fontMetrics().horizontalAdvance(label) + 6
            box = QRectF(x + 3 if name == "in" else x - 3 - width, RULER_HEIGHT + STRIP_HEIGHT - 16, width, 15)
            painter.fillRect(box, QColor(255, 255, 255, 210))
            painter.setPen(QPen(amber))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()
