"""The editor's pictures, asked of the session's picture service: the storyboard under the timeline, the captions
and the four frames around the cut. The editor only shows them."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QPixmap

from muxclipper.core.caption_choice import shown_track
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.editor.editor_widget import EditorWidget
from muxclipper.qt.editor.timeline import tiles_from_storyboard

if TYPE_CHECKING:
    from muxclipper.core.captions import CaptionCue
    from muxclipper.core.models import Asset
    from muxclipper.mux.storyboard import Storyboard
    from muxclipper.services.pictures import PictureService


class EditorPictures(QObject):
    def __init__(self, editor: EditorWidget, bridge: Bridge) -> None:
        super().__init__(editor)
        self.editor = editor
        self.bridge = bridge
        self._pictures: PictureService | None = None
        self._asset: Asset | None = None
        editor.stills_requested.connect(self._on_editor_stills_requested)

    def attach(self, pictures: PictureService) -> None:
        self._pictures = pictures

    def detach(self) -> None:
        self._pictures, self._asset = None, None

    def show(self, asset: Asset) -> None:
        """A source was opened: its storyboard and captions (the stills follow the range)."""
        self._asset = asset
        self.editor.clear_stills()
        if self._pictures is None:
            return
        if asset.text_tracks:
            self.bridge.run(self._pictures.captions(asset), functools.partial(self._show_captions, asset.id))
        self.bridge.run(self._pictures.storyboard(asset), functools.partial(self._show_storyboard, asset.id))

    def follow(self, asset: Asset) -> None:
        """The open source changed in Mux (a recording grew): stills are asked for within its new length; when the
        caption track to show changed (the final live captions became ready), its cues replace the shown ones."""
        if self._asset is not None and asset.id == self._asset.id:
            before = shown_track(self._asset.text_tracks)
            self._asset = asset
            now = shown_track(asset.text_tracks)
            if self._pictures is not None and now is not None and (before is None or now.id != before.id):
                self.bridge.run(self._pictures.captions(asset), functools.partial(self._show_captions, asset.id))

    def _is_open(self, asset_id: str) -> bool:
        return self._asset is not None and self._asset.id == asset_id  # else another source came meanwhile

    def _show_captions(self, asset_id: str, cues: list[CaptionCue] | None) -> None:
        if self._is_open(asset_id):
            self.editor.set_captions(cues)

    def _show_storyboard(self, asset_id: str, loaded: tuple[Storyboard, bytes] | None) -> None:
        if loaded is not None and self._is_open(asset_id):
            self.editor.set_storyboard(*tiles_from_storyboard(*loaded))

    def _on_editor_stills_requested(self, stills: list[tuple[str, int]]) -> None:
        """The frames around the cut, from the image host's exact-time thumbnails; one past the end is blank."""
        if self._pictures is None or self._asset is None:
            return
        for name, ms in stills:
            self.bridge.run(self._pictures.still(self._asset, ms),
                            functools.partial(self._show_still, self._asset.id, name))

    def _show_still(self, asset_id: str, name: str, data: bytes | None) -> None:
        if not self._is_open(asset_id):
            return
        pixmap = QPixmap()
        if data is not None and pixmap.loadFromData(data):
            self.editor.set_still(name, pixmap)
        else:
            self.editor.clear_still(name)
