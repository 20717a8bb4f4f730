"""The waveform drawn: on the timeline, where a video's storyboard strip is, and in the close-ups around the cut that
stand in for the four pictures of a video (sound has none). Qt draws; the levels come from core/waveform.py."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLineF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from muxclipper.core.timecode import format_ms
from muxclipper.core.waveform import Waveform

WAVE_COLOUR = QColor(0x2e, 0x7d, 0x32)
#: A close-up shows this long either side of its cut.
CLOSE_UP_MS = 1_000


def paint_waveform(painter: QPainter, wave: Waveform, start_ms: int, end_ms: int, area: QRectF) -> None:
    """``wave`` from ``start_ms`` to ``end_ms`` across ``area``, one line per pixel column, mirrored about the middle;
    what is not decoded yet is a thin line."""
    columns = max(int(area.width()), 1)
    levels = wave.columns(start_ms, end_ms, columns)
    middle, half = area.center().y(), area.height() / 2 - 1
    per = (end_ms - start_ms) / columns
    painter.save()
    painter.setPen(QPen(WAVE_COLOUR, 1))
    lines = []
    for column, level in enumerate(levels):
        at = start_ms + column * per
        if at + per <= 0:
            continue  # before the source's start (a close-up of an in point near it): nothing there
        if at > wave.decoded_ms:
            break
        x = area.left() + column + 0.5
        reach = max(level * half, 0.5)
        lines.append(QLineF(x, middle - reach, x, middle + reach))
    painter.drawLines(lines)
    painter.restore()


class WaveformCloseUp(QWidget):
    """The sound either side of a cut (``CLOSE_UP_MS``), the cut a red line: what a producer listens for at an in or
    out point (a breath, a word's end), shown where a video shows the frames around the cut."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setAccessibleName(f"Sound {name}")
        self.wave: Waveform | None = None
        self.cut_ms: int | None = None
        self.setMinimumSize(160, 45)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(320, 90)

    def show_cut(self, wave: Waveform | None, cut_ms: int | None) -> None:
        self.wave, self.cut_ms = wave, cut_ms
        self.setToolTip("" if cut_ms is None else f"The sound a second either side of {self.name}, "
                        f"{format_ms(cut_ms)}")
        self.update()

    def paintEvent(self, event: Any) -> None:  # noqa: N802
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        area = QRectF(self.rect().adjusted(0, 14, 0, 0))
        if self.wave is not None and self.cut_ms is not None:
            paint_waveform(painter, self.wave, self.cut_ms - CLOSE_UP_MS, self.cut_ms + CLOSE_UP_MS, area)
            painter.setPen(QPen(QColor(0xc6, 0x28, 0x28), 2))
            x = area.center().x()
            painter.drawLine(QLineF(x, area.top(), x, area.bottom()))
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        text = self.name if self.cut_ms is None else f"{self.name} {format_ms(self.cut_ms)}"
        painter.drawText(QRectF(2, 0, self.width() - 4, 14), Qt.AlignmentFlag.AlignLeft, text)
        painter.end()
