"""A field for a time: shows the chosen format, accepts every form producers type or paste."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionFrame, QWidget

from muxclipper.core.recording_clock import RecordingClock, WallClockError, looks_like_wall_clock
from muxclipper.core.timecode import (
    FRAME_DISPLAYS,
    TimecodeError,
    format_as,
    frame_to_ms,
    ms_to_frame,
    names_a_frame,
    parse_ms,
)


class TimecodeEdit(QLineEdit):
    """Accepts seconds, ``HH:MM:SS.mmm``, SMPTE ``HH:MM:SS:FF`` (``;`` drop-frame) or ``#frame``.

    The field is always wide enough for its longest time at the current display (at any scale): a squeezed field
    showed "500" for "00:00:00.500".

    Signals:
        committed(int): a valid time was entered (Enter or leaving the field), in milliseconds. The receiver may
            :meth:`refuse` it (a time outside the video, an out point before the in point): nothing is changed.
        rejected(str): the text is not a time, or was refused; why, in words (the field keeps the text to fix).
        finished(): the user is done here (Enter on a time taken, Escape): keys may go back to the editor.

    An out point's field (``last_frame``) follows O's rule: a frame it names (``#610``, SMPTE) is the last frame in
    the clip, and in a display of frames it shows the last frame in (the time held is the end of that frame).
    """

    committed = Signal(int)
    rejected = Signal(str)
    finished = Signal()
    #: The widest text of each display, for the field's minimum width.
    WIDEST = {"hms": "88:88:88.888", "smpte": "88:88:88:88", "frames": "#8888888", "seconds": "88888.888"}

    def __init__(self, name: str, parent: QWidget | None = None, *, last_frame: bool = False) -> None:
        super().__init__(parent)
        self.last_frame = last_frame
        self.setAccessibleName(name)
        self.setPlaceholderText("HH:MM:SS.mmm, HH:MM:SS:FF, seconds or #frame")
        self.rate = Fraction(30)
        self.display = "hms"
        self.audio_only = False  # sound alone: no frames to name (#N, SMPTE)
        self._ms: int | None = None
        self._refused = False
        #: On a live recording: a time of day typed ("19:04:05 local", "…Z", "… UTC") to a position, or raising
        #: WallClockError saying why not (see core/recording_clock.py). None: no recording times.
        self.wall_clock: Callable[[str], int] | None = None
        self.editingFinished.connect(self._on_editing_finished)
        self._fit_width()

    def set_rate(self, rate: Fraction) -> None:
        self.rate = rate
        self.set_ms(self._ms)

    def set_audio_only(self, audio_only: bool) -> None:
        self.audio_only = audio_only
        self.setPlaceholderText("HH:MM:SS.mmm or seconds" if audio_only else
                                "HH:MM:SS.mmm, HH:MM:SS:FF, seconds or #frame")

    def set_display(self, display: str) -> None:
        self.display = display
        self.set_ms(self._ms)
        self._fit_width()

    def _fit_width(self) -> None:
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        metrics = self.fontMetrics()
        text = metrics.horizontalAdvance(self.WIDEST.get(self.display, self.WIDEST["hms"]))
        margins = self.textMargins()
        # QLineEdit's own inner margin (2 px a side) and the cursor's width besides the frame the style adds.
        inner = QSize(text + margins.left() + margins.right() + 8, metrics.height())
        self.setMinimumWidth(self.style().sizeFromContents(QStyle.ContentsType.CT_LineEdit, option, inner, self).width())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_width()

    def refuse(self, reason: str) -> None:
        """The time typed cannot be taken as it is: the field keeps it, marked, and says why."""
        self._refused = True
        self.setStyleSheet("border: 1px solid #c62828;")
        self.setToolTip(reason)
        self.rejected.emit(reason)

    def event(self, event: QEvent) -> bool:
        # Escape belongs to the field (it gives up the edit), not to the window's shortcut that also leaves fields.
        if event.type() == QEvent.Type.ShortcutOverride and getattr(event, "key", lambda: None)() == Qt.Key.Key_Escape:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.set_ms(self._ms)  # what was typed is dropped; the field shows the time it had
            self.finished.emit()
            return
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self._refused:
            self.finished.emit()

    def show_ms(self, ms: int | None) -> None:
        """``ms`` shown, unless it is the value already there and the producer is typing in the field: the marks are
        re-shown whenever a recording in progress grows, and that wiped a typed time mid-word."""
        if ms != self._ms or not (self.hasFocus() and self.isModified()):
            self.set_ms(ms)

    def set_ms(self, ms: int | None) -> None:
        self._ms = ms
        self.setText("" if ms is None else self.shown(ms))
        self.setStyleSheet("")
        self.setToolTip("")

    def _on_editing_finished(self) -> None:
        self._refused = False
        text = self.text().strip()
        if not text or (self._ms is not None and text == self.shown(self._ms)):
            return
        if looks_like_wall_clock(text):
            try:
                ms = (self.wall_clock or RecordingClock([]).resolve)(text)
            except WallClockError as exc:
                self.refuse(str(exc))
                return
            self.committed.emit(ms)
            return
        if self.audio_only and names_a_frame(text):
            self.refuse(f"{text} names a frame, and this source is audio only: it has no frames. Type a time "
                        "(HH:MM:SS.mmm or seconds).")
            return
        try:
            ms = parse_ms(text, self.rate)
        except TimecodeError as exc:
            self.refuse(str(exc))
            return
        if self.last_frame and names_a_frame(text):
            ms = frame_to_ms(ms_to_frame(ms, self.rate) + 1, self.rate)  # the named frame is in: out at its end
        self.committed.emit(ms)

    def shown(self, ms: int) -> str:
        """``ms`` as this field shows it (an out point in frames: the last frame in)."""
        if self.last_frame and self.display in FRAME_DISPLAYS and ms > 0:
            ms = frame_to_ms(ms_to_frame(ms, self.rate) - 1, self.rate)  # the end of a frame: that frame is shown
        return format_as(ms, self.rate, self.display)
