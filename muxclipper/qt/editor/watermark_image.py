"""The watermark's image for its preview on the picture: fetched (through the session's picture service) once the
address has been still for a moment, so the preview shows the real image at its real proportions — or says that
the image cannot be had, which Mux would then not manage either."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QPixmap

from muxclipper.core.watermark import MAX_IMAGE_PIXELS, Watermark
from muxclipper.mux.errors import ApiConnectionError
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.editor.editor_widget import EditorWidget

if TYPE_CHECKING:
    from muxclipper.services.pictures import PictureService

FETCH_DELAY_MS = 400  # typing an address changes it at every key: fetched once it settles


class WatermarkImages(QObject):
    def __init__(self, editor: EditorWidget, bridge: Bridge, source_size: Callable[[], tuple[int, int] | None]) -> None:
        """``source_size`` is the clip options' (what the watermark is placed on); the window connects their
        ``preview_changed`` to :meth:`show_preview`: the editor's pieces never import another panel."""
        super().__init__(editor)
        self.editor, self.bridge, self._source_size = editor, bridge, source_size
        self._pictures: PictureService | None = None
        self._watermark: Watermark | None = None
        self._images: dict[str, QPixmap | str] = {}  # url: the image, or why there is none
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FETCH_DELAY_MS)
        self._timer.timeout.connect(self._fetch)

    def attach(self, pictures: PictureService | None) -> None:
        self._pictures = pictures
        self._images.clear()
        self._timer.stop()  # a fetch due for the last session's pictures (or none: the window is closing)
        if pictures is not None and self._watermark is not None:
            self._timer.start()  # typed before the connection was made

    def show_preview(self, watermark: Watermark | None) -> None:
        self._watermark = watermark
        self._show()
        if watermark is not None and watermark.url not in self._images:
            self._timer.start()

    def _show(self) -> None:
        mark = self._watermark
        found = self._images.get(mark.url) if mark is not None else None
        self.editor.show_watermark_preview(mark, self._source_size(),
                                           found if isinstance(found, QPixmap) else None,
                                           found if isinstance(found, str) else None)

    def _fetch(self) -> None:
        mark = self._watermark
        if mark is None or self._pictures is None or mark.url in self._images:
            return
        self.bridge.run(self._image_or_reason(self._pictures, mark.url), functools.partial(self._loaded, mark.url),
                        what="the watermark image")

    @staticmethod
    async def _image_or_reason(pictures: PictureService, url: str) -> bytes | str:
        try:
            return await pictures.watermark_image(url)
        except ApiConnectionError as exc:
            return str(exc)

    def _loaded(self, url: str, data: bytes | str) -> None:
        pixmap = QPixmap()
        if isinstance(data, str):
            self._images[url] = data
        elif not pixmap.loadFromData(data):
            self._images[url] = "not a PNG or JPEG"
        elif pixmap.width() > MAX_IMAGE_PIXELS or pixmap.height() > MAX_IMAGE_PIXELS:
            self._images[url] = f"{pixmap.width()}x{pixmap.height()}: Mux takes up to 4096x4096"
        else:
            self._images[url] = pixmap
        self._show()
