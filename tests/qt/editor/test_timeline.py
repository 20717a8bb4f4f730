"""The timeline driven with synthetic mouse and key events; ranges checked in ms and in frames."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from muxclipper.core.marking import MarkedRange
from muxclipper.qt.editor.marker_history import MarkerHistory
from muxclipper.qt.editor.timeline import RULER_HEIGHT, TimelineWidget

WIDTH = 1000
DURATION = 60_000  # at 1000 px: 60 ms per pixel


@pytest.fixture
def timeline(qtbot: Any) -> TimelineWidget:
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, 80)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_source(DURATION, Fraction(25))
    return widget


def _mouse(widget: TimelineWidget, kind: QMouseEvent.Type, x: float, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.LeftButton if kind != QMouseEvent.Type.MouseMove else Qt.MouseButton.NoButton
    pos = QPointF(x, RULER_HEIGHT + 20)
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget: TimelineWidget, start_x: float, *xs: float) -> None:
    held = Qt.MouseButton.LeftButton
    _mouse(widget, QMouseEvent.Type.MouseButtonPress, start_x, held)
    for x in xs:
        _mouse(widget, QMouseEvent.Type.MouseMove, x, held)
    _mouse(widget, QMouseEvent.Type.MouseButtonRelease, xs[-1] if xs else start_x, Qt.MouseButton.NoButton)


def wheel(widget: TimelineWidget, x: float, notches: int, modifiers: Qt.KeyboardModifier) -> None:
    pos = QPointF(x, 30)
    event = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(), QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _marked(widget: TimelineWidget, in_ms: int, out_ms: int) -> None:
    widget.set_range(MarkedRange(None, None, DURATION, Fraction(25)).with_in(in_ms).with_out(out_ms))


def test_dragging_the_in_marker_snaps_to_frames(qtbot: Any, timeline: TimelineWidget) -> None:
    _marked(timeline, 6_000, 30_000)  # in at x=100, out at x=500
    during: list[MarkedRange] = []
    timeline.range_changed.connect(during.append)
    with qtbot.waitSignal(timeline.range_change_finished) as finished:
        drag(timeline, 103, 150, 200.4)  # grabbed 3 px off the marker
    assert timeline.marked.in_ms == 12_040  # 200.4 px → 12 024 ms → the nearest frame start
    assert timeline.marked.first_frame == 301
    assert len(during) >= 2 and during[-1] == timeline.marked
    before, after = finished.args[0]
    assert (before.in_ms, after.in_ms) == (6_000, 12_040)


def test_markers_snap_to_the_playhead_when_near(timeline: TimelineWidget) -> None:
    _marked(timeline, 6_000, 30_000)
    timeline.set_playhead(20_000)  # x = 333.3
    drag(timeline, 500, 338)
    assert timeline.marked.out_ms == 20_000


def test_crossing_stops_one_frame_short_and_clamps_to_the_media(timeline: TimelineWidget) -> None:
    _marked(timeline, 6_000, 30_000)
    drag(timeline, 100, 700)  # in dragged past out
    assert timeline.marked.in_ms == 29_960 and timeline.marked.out_ms == 30_000
    drag(timeline, 500, 1_200)  # out dragged past the end
    assert timeline.marked.out_ms == DURATION
    drag(timeline, 499, -50)  # in to before the start
    assert timeline.marked.in_ms == 0


def test_short_range_is_flagged(timeline: TimelineWidget) -> None:
    _marked(timeline, 6_000, 6_400)
    assert timeline.marked.too_short and "too short" in timeline.accessibleDescription()


def test_click_and_drag_on_the_ruler_scrubs(qtbot: Any, timeline: TimelineWidget) -> None:
    seeks: list[int] = []
    timeline.seek_requested.connect(seeks.append)
    drag(timeline, 250, 260, 270)
    assert seeks == [15_000, 15_600, 16_200] and timeline.playhead_ms == 16_200


def test_ctrl_wheel_zooms_around_the_cursor_down_to_frames_and_back(timeline: TimelineWidget) -> None:
    under_cursor = timeline.ms_for_x(700)
    wheel(timeline, 700, 3, Qt.KeyboardModifier.ControlModifier)
    start, span = timeline.view
    assert span == round(DURATION / 1.25 ** 3)
    assert abs(timeline.ms_for_x(700) - under_cursor) <= 60  # the same moment stays under the cursor
    wheel(timeline, 700, 60, Qt.KeyboardModifier.ControlModifier)
    assert timeline.view[1] == 400  # ten frames at 25 fps: single frames are 100 px wide
    assert timeline.tick_step_ms() <= 50
    wheel(timeline, 700, -80, Qt.KeyboardModifier.ControlModifier)
    assert timeline.view == (0, DURATION)


def test_shift_wheel_pans_within_the_media(timeline: TimelineWidget) -> None:
    timeline.zoom(4, 0)
    wheel(timeline, 500, -2, Qt.KeyboardModifier.ShiftModifier)
    assert timeline.view == (3_000, 15_000)  # 2 × 10 % of the visible span
    wheel(timeline, 500, -100, Qt.KeyboardModifier.ShiftModifier)
    assert timeline.view == (45_000, 15_000)  # stops at the end


def test_keyboard_zoom_keeps_the_playhead_visible(qtbot: Any, timeline: TimelineWidget) -> None:
    timeline.set_playhead(55_000)
    timeline.setFocus()
    for _ in range(10):
        qtbot.keyClick(timeline, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    start, span = timeline.view
    assert start <= 55_000 <= start + span and span < 10_000
    qtbot.keyClick(timeline, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert timeline.view[1] > span


def test_zoomed_in_a_playing_playhead_stays_in_view_unless_the_user_panned_away(timeline: TimelineWidget) -> None:
    timeline.zoom(10, anchor_ms=0)  # 6 s in view
    start, span = timeline.view
    assert (start, span) == (0, 6_000)
    for ms in range(0, 20_000, 40):  # playing: a frame every 40 ms
        timeline.set_playhead(ms)
        start, span = timeline.view
        assert start <= ms <= start + span, ms
    assert timeline.view[0] > 6_000  # the page turned, more than once
    timeline.pan(-12_000)  # the user looks back: the view is theirs while the playhead plays on
    panned = timeline.view
    for ms in range(20_000, 22_000, 40):
        timeline.set_playhead(ms)
    assert timeline.view == panned


def test_three_hour_source_zooms_to_frames(timeline: TimelineWidget) -> None:
    timeline.set_source(3 * 3600 * 1000, Fraction(30000, 1001))
    assert timeline.tick_step_ms() >= 600_000
    for _ in range(60):
        timeline.zoom(1.25, 5_400_000)
    assert timeline.view[1] == 334  # ten frames of 29.97


def test_live_growth_follows_the_edge_when_asked(timeline: TimelineWidget) -> None:
    timeline.zoom(3, DURATION)
    timeline.follow_live_edge = True
    timeline.set_duration(90_000)
    start, span = timeline.view
    assert start + span == 90_000
    timeline.follow_live_edge = False
    timeline.set_duration(120_000)
    assert timeline.view == (start, span)


def test_a_drag_is_one_undo_step(timeline: TimelineWidget) -> None:
    history = MarkerHistory(timeline.set_range)
    timeline.range_change_finished.connect(lambda change: history.record(*change))
    _marked(timeline, 6_000, 30_000)
    drag(timeline, 100, 120, 140, 160)
    drag(timeline, 500, 520)
    assert (timeline.marked.in_ms, timeline.marked.out_ms) == (9_600, 31_200)
    assert history.count() == 2
    history.undo()
    assert timeline.marked.out_ms == 30_000 and timeline.marked.in_ms == 9_600
    history.undo()
    assert timeline.marked.in_ms == 6_000
    history.redo()
    assert timeline.marked.in_ms == 9_600


def test_hover_changes_the_cursor(timeline: TimelineWidget) -> None:
    _marked(timeline, 6_000, 30_000)
    _mouse(timeline, QMouseEvent.Type.MouseMove, 102, Qt.MouseButton.NoButton)
    assert timeline.cursor().shape() == Qt.CursorShape.SizeHorCursor
    _mouse(timeline, QMouseEvent.Type.MouseMove, 300, Qt.MouseButton.NoButton)
    assert timeline.cursor().shape() == Qt.CursorShape.ArrowCursor


def test_paints_with_a_filmstrip_without_warnings(qtbot: Any, timeline: TimelineWidget) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QPixmap

    from muxclipper.qt.editor.timeline import StoryboardTile

    sprite = QPixmap(2560, 720)
    sprite.fill(QColor("green"))
    timeline.set_storyboard(sprite, [StoryboardTile(i * 1_200, QRect((i % 10) * 256, (i // 10) * 144, 256, 144))
                                     for i in range(50)])
    _marked(timeline, 6_000, 30_000)
    image = timeline.grab().toImage()
    assert image.pixelColor(300, RULER_HEIGHT + 30).green() > 100  # the strip is drawn
    for _ in range(40):  # down to single frames: the strip still fills the view
        timeline.zoom(1.25, 30_000)
    assert timeline.grab().toImage().pixelColor(500, RULER_HEIGHT + 30).green() > 100


def test_on_sound_alone_a_dragged_marker_lands_on_the_millisecond_and_the_waveform_is_drawn(
        qtbot: Any, timeline: TimelineWidget) -> None:
    """An audio-only source is marked at its millisecond grid (no frames to snap to), under its waveform."""
    from muxclipper.core.waveform import Waveform
    from muxclipper.qt.editor.audio_position import AUDIO_RATE

    timeline.set_source(DURATION, AUDIO_RATE)
    timeline.set_range(MarkedRange(None, None, DURATION, AUDIO_RATE).with_in(6_000).with_out(30_000))
    with qtbot.waitSignal(timeline.range_change_finished):
        drag(timeline, 103, 150, 200.4)
    assert timeline.marked.in_ms == 12_024  # 200.4 px → 12 024 ms, kept as it is
    wave = Waveform(DURATION)
    wave.add([0, 30_000, -30_000, 0] * 400, 8_000, 12_000)  # 200 ms of loud sound at 12 s (x = 200)
    timeline.waveform = wave
    image = timeline.grab().toImage()
    top = RULER_HEIGHT + 8  # above the middle: only loud sound reaches it (silence is a line along the middle)
    green = [x for x in range(WIDTH) if (c := image.pixelColor(x, top)).green() > 100 and c.red() < 100 and
             c.blue() < 100]  # the waveform's green (the playhead's highlight is blue)
    assert green and min(green) >= 195 and max(green) <= 206, green  # drawn where the sound is, nowhere else
