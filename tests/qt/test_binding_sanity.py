"""Guards against a broken Qt binding: PySide6 6.12.0 drops a reference to None on every void
QPainter call (Python 3.11), so a long paint session crashes the interpreter."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap


def test_void_painter_calls_keep_none_alive(qapp: object) -> None:
    image = QImage(64, 64, QImage.Format.Format_ARGB32_Premultiplied)
    pixmap = QPixmap(8, 8)
    pixmap.fill(QColor("red"))
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(200):
        painter.drawLine(0, 0, 10, 10)
        painter.drawPixmap(QRectF(0, 0, 8, 8), pixmap, QRectF(0, 0, 8, 8))
    after = sys.getrefcount(None)
    painter.end()
    assert after >= before - 50, "this PySide6 leaks references to None; install a fixed version"
