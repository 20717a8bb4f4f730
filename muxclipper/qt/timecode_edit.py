"""A field for a time: shows the chosen format, accepts every form producers type or paste."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from muxclipper.core.timecode import TimecodeError, format_as, parse_ms


class TimecodeEdit(QLineEdit):
    """Accepts seconds, ``HH:MM:SS.mmm``, SMPTE ``HH:MM:SS:FF`` (``;`` drop-frame) or ``#frame``.

    Signals:
        committed(int): a valid time was entered (Enter or leaving the field), in milliseconds.
        rejected(str): the text is not a time; why, in words (the field keeps the text to fix).
    """

    committed = Signal(int)
    rejected = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setPlaceholderText("HH:MM:SS.mmm, HH:MM:SS:FF, seconds or #frame")
        self.rate = Fraction(30)
        self.display = "hms"
        self._ms: int | None = None
        self.editingFinished.connect(self._on_editing_finished)

    def set_rate(self, rate: Fraction) -> None:
        self.rate = rate
        self.set_ms(self._ms)

    def set_display(self, display: str) -> None:
        self.display = display
        self.set_ms(self._ms)

    def set_ms(self, ms: int | None) -> None:
        self._ms = ms
        self.setText("" if ms is None else format_as(ms, self.rate, self.display))
        self.setStyleSheet("")
        self.setToolTip("")

    def _on_editing_finished(self) -> None:
        text = self.text().strip()
        if not text or (self._ms is not None and text == format_as(self._ms, self.rate, self.display)):
            return
        try:
            ms = parse_ms(text, self.rate)
        except TimecodeError as exc:
            self.setStyleSheet("border: 1px solid #c62828;")
            self.setToolTip(str(exc))
            self.rejected.emit(str(exc))
            return
        self.committed.emit(ms)
