"""Where the clip's watermark will land, drawn over the editor's picture: a dashed outline the size the watermark
will have, with its opacity written in it, placed by the same rules as Mux (core/watermark.py) on the picture as
shown (letterboxed within the video area). Without both a width and a height, the image's proportions are not known
here: the box then assumes a 16:9 image and says so. It lets the mouse through to the picture.

QVideoWidget draws the picture in a native window of its own, above any ordinary sibling widget, and a native child
window beside it stops the picture being drawn at all (seen under X11): the preview is therefore a small frameless
tool window of the main window, kept over the picture as the window moves, taking no input or focus, and shaped (a
mask) to the outline and its label, so the picture shows through everywhere else without needing a compositor.

Being a top-level window, it is never hidden and shown again within moments: typing a value changes the watermark at
every key, often invalid then valid within one keystroke, and a window unmapped and mapped again before the window
manager has handled the first is left mapped but unmanaged, off the screen (seen under openbox). A hide waits
HIDE_DELAY_MS and is forgotten if the preview is wanted again meanwhile; until then the last valid watermark stays
drawn."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap, QRegion
from PySide6.QtWidgets import QWidget

from muxclipper.core.watermark import Watermark, place

HIDE_DELAY_MS = 150


class WatermarkPreview(QWidget):
    def __init__(self, video: QWidget, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowTransparentForInput | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAccessibleName("Watermark preview")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self._video = video
        self.watermark: Watermark | None = None
        self.source_size: tuple[int, int] | None = None
        self.image: QPixmap | None = None
        self.note: str | None = None  # why the image is not shown (it cannot be fetched or read)
        self._wanted = False
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(HIDE_DELAY_MS)
        self._hide_timer.timeout.connect(self._hide_unwanted)
        video.installEventFilter(self)
        video.window().installEventFilter(self)
        self.hide()

    def show_watermark(self, watermark: Watermark | None, source_size: tuple[int, int] | None,
                       image: QPixmap | None = None, note: str | None = None) -> None:
        self._wanted = watermark is not None and source_size is not None
        if self._wanted:  # else the last one stays drawn until the window is hidden
            self.watermark, self.source_size, self.image, self.note = watermark, source_size, image, note
        self._follow()
        self.update()

    LINE = 3

    def label_rect(self) -> QRect:
        box = self.watermark_rect().toAlignedRect()
        height = self.fontMetrics().height() + 4
        width = self.fontMetrics().horizontalAdvance(self._label()) + 8
        top = box.top() - height if box.top() - height >= 0 else box.bottom() + 1
        return QRect(max(0, min(box.left(), self.width() - width)), top, width, height)

    def _image_size(self) -> tuple[int, int] | None:
        return (self.image.width(), self.image.height()) if self.image is not None and not self.image.isNull() \
            else None

    def _label(self) -> str:
        assert self.watermark is not None and self.source_size is not None
        opacity = place(self.watermark, self.source_size, None).opacity
        sized = self.watermark.width is not None and self.watermark.height is not None
        if self.note:
            return f"watermark: {self.note}"
        return f"watermark {opacity:.0%}" + ("" if sized or self.image is not None else " (16:9 assumed)")

    def _shape(self) -> None:
        """Only the outline and the label are this window: the picture shows through the rest."""
        if self.watermark is None or self.source_size is None or self.width() == 0:
            return
        box = self.watermark_rect().toAlignedRect()
        inner = box.adjusted(self.LINE, self.LINE, -self.LINE, -self.LINE)
        # With its image, the whole box is shown (the image in it); without, only the outline.
        shape = QRegion(box) if self.image is not None else QRegion(box).subtracted(QRegion(inner))
        self.setMask(shape.united(QRegion(self.label_rect())))

    def picture_rect(self) -> QRectF:
        """The picture inside the video area, its aspect kept (as QVideoWidget shows it), in this widget."""
        assert self.source_size is not None
        sw, sh = self.source_size
        scale = min(self.width() / sw, self.height() / sh)
        w, h = sw * scale, sh * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def watermark_rect(self) -> QRectF:
        """Where the watermark lands, in this widget's pixels."""
        assert self.watermark is not None and self.source_size is not None
        picture = self.picture_rect()
        spot = place(self.watermark, self.source_size, self._image_size())
        scale = picture.width() / self.source_size[0]
        return QRectF(picture.x() + spot.x * scale, picture.y() + spot.y * scale, spot.width * scale,
                      spot.height * scale)

    def _on_picture(self) -> bool:
        return self._wanted and self._video.isVisible() and not self._video.window().isMinimized()

    def _follow(self) -> None:
        """Over the picture, where it is on the screen now; shown only while the picture is, and hidden a moment
        after the watermark is no longer wanted (see above)."""
        if self._on_picture():
            self._hide_timer.stop()
            top_left = self._video.mapToGlobal(self._video.rect().topLeft())
            self.setGeometry(top_left.x(), top_left.y(), self._video.width(), self._video.height())
            self._shape()
            self.show()
            # Over the main window, which the window manager may have raised above its tool window since.
            self.raise_()
        elif self._wanted or not self.isVisible():
            self.hide()  # the picture went: nothing to be over
        elif not self._hide_timer.isActive():
            self._hide_timer.start()

    def _hide_unwanted(self) -> None:
        if not self._on_picture():
            self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show, QEvent.Type.Hide,
                            QEvent.Type.WindowStateChange, QEvent.Type.WindowActivate):
            self._follow()
        return False

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if self.watermark is None or self.source_size is None:
            return
        self._shape()
        painter = QPainter(self)
        box = self.watermark_rect().toAlignedRect()
        painter.fillRect(box, QColor(20, 20, 20))
        if self.image is not None:  # drawn opaque: a window without a compositor cannot blend (the label says how)
            painter.drawPixmap(box, self.image)
        pen = QPen(QColor(255, 200, 0), self.LINE, Qt.PenStyle.DashLine)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.drawRect(box.adjusted(1, 1, -2, -2))
        label = self.label_rect()
        painter.fillRect(label, QColor(255, 200, 0))
        painter.setPen(QColor(0, 0, 0))
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, self._label())
        painter.end()
