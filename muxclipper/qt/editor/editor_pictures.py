"""The editor's pictures, asked of the session's picture service: the storyboard under the timeline, the captions
and the four frames around the cut; for an audio-only source, its waveform instead (made here from its stream, see
qt/editor/waveform_loader.py). The editor only shows them."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QPixmap

from muxclipper.core.caption_choice import shown_track
from muxclipper.mux.errors import ApiConnectionError
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.editor.editor_widget import EditorWidget
from muxclipper.qt.editor.timeline import tiles_from_storyboard
from muxclipper.qt.editor.waveform_loader import WaveformLoader

if TYPE_CHECKING:
    from muxclipper.core.captions import CaptionCue
    from muxclipper.core.models import Asset
    from muxclipper.mux.storyboard import Storyboard
    from muxclipper.services.pictures import PictureService


T = TypeVar("T")


async def _or_why(work: Callable[[], Coroutine[Any, Any, T]]) -> T | str:
    """A waveform that cannot be made is said on the timeline (its tooltip), not in a dialog or the status line.
    ``work`` is started here, so a task cancelled before it runs leaves no coroutine never awaited."""
    try:
        return await work()
    except ApiConnectionError as exc:
        return exc.user_message


#: A recording in progress gets a new storyboard each time it has grown by a quarter, at least 5 s and at most a
#: minute: the strip under the timeline covers what is recorded (opened early, it kept showing the first seconds over
#: the whole recording), at one picture request a minute once it is long (~70 in its first hour).
STORYBOARD_GROWTH_MS = (5_000, 60_000)


def storyboard_due(shown_at_ms: int, length_ms: int) -> bool:
    """Whether a recording shown with the storyboard of its first ``shown_at_ms`` has grown enough to ask again."""
    least, most = STORYBOARD_GROWTH_MS
    return length_ms - shown_at_ms >= max(least, min(most, shown_at_ms // 4))


class EditorPictures(QObject):
    def __init__(self, editor: EditorWidget, bridge: Bridge) -> None:
        super().__init__(editor)
        self.editor = editor
        self.bridge = bridge
        self._pictures: PictureService | None = None
        self._asset: Asset | None = None
        self._storyboard_ms: int | None = None  # the length the shown storyboard was asked for at (None: asking)
        editor.stills_requested.connect(self._on_editor_stills_requested)
        self.waveform = WaveformLoader(self)
        self.waveform.grown.connect(editor.waveform_grown)
        self.waveform.finished.connect(self._on_waveform_finished)

    def attach(self, pictures: PictureService) -> None:
        self._pictures = pictures

    def detach(self) -> None:
        self._pictures, self._asset = None, None

    def show(self, asset: Asset) -> None:
        """A source was opened: its storyboard and captions (the stills follow the range)."""
        self._asset = asset
        self.editor.clear_stills()
        self.waveform.stop()
        if self._pictures is None:
            return
        if asset.text_tracks:
            self.bridge.run(self._pictures.captions(asset), functools.partial(self._show_captions, asset.id))
        if asset.audio_only:  # no picture: no storyboard, the sound's waveform instead
            self.editor.set_waveform(None, "The waveform is being made…")
            self.bridge.run(_or_why(functools.partial(self._pictures.sound_pieces, asset)), functools.partial(self._make_waveform, asset))
            return
        self._ask_storyboard(asset)

    def _ask_storyboard(self, asset: Asset) -> None:
        if self._pictures is None:
            return
        self._storyboard_ms = None
        length = asset.duration_ms or 0
        self.bridge.run(self._pictures.storyboard(asset),
                        functools.partial(self._show_storyboard, asset.id, length))

    def _make_waveform(self, asset: Asset, pieces: list[tuple[int, str]] | str) -> None:
        if not self._is_open(asset.id) or self._pictures is None:
            return
        if isinstance(pieces, str):
            self.editor.set_waveform(None, pieces)
            return
        pictures = self._pictures

        async def joined(urls: list[str]) -> bytes:  # a batch fetched at once, in order
            return b"".join(await asyncio.gather(*(pictures.sound_piece(url) for url in urls)))

        def fetch(urls: list[str], then: Callable[[bytes | str], None]) -> None:
            self.bridge.run(_or_why(functools.partial(joined, urls)), then)

        self.editor.set_waveform(self.waveform.start(asset.duration_ms or 0, pieces, fetch),
                                 "The waveform is being made…")

    def _more_waveform(self, asset: Asset, pieces: list[tuple[int, str]] | str) -> None:
        """A recording of sound alone grew: its waveform goes on (a refusal leaves what is drawn, and says why)."""
        if not self._is_open(asset.id):
            return
        if isinstance(pieces, str):
            self.editor.timeline.setToolTip(pieces)
            return
        self.waveform.more(asset.duration_ms or 0, pieces)
        self.editor.waveform_grown()

    def _on_waveform_finished(self, why: str) -> None:
        self.editor.timeline.setToolTip(why or "The sound of the whole source (audio only: no pictures)")
        self.editor.waveform_grown()

    def follow(self, asset: Asset) -> None:
        """The open source changed in Mux (a recording grew): stills are asked for within its new length; when the
        caption track to show changed (the final live captions became ready), its cues replace the shown ones."""
        if self._asset is not None and asset.id == self._asset.id:
            was_live, shown_at = self._asset.is_live, self._storyboard_ms
            if not asset.audio_only and shown_at is not None and (
                    storyboard_due(shown_at, asset.duration_ms or 0) or (was_live and not asset.is_live)):
                self._ask_storyboard(asset)  # grown, or ended: the strip covers what is recorded
            grown = (asset.duration_ms or 0) > (self._asset.duration_ms or 0)
            if asset.audio_only and grown and self._pictures is not None and self.waveform.wave is not None:
                self.bridge.run(_or_why(functools.partial(self._pictures.sound_pieces, asset)),
                                functools.partial(self._more_waveform, asset))  # a recording of sound grew
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

    def _show_storyboard(self, asset_id: str, length_ms: int, loaded: tuple[Storyboard, bytes] | None) -> None:
        if self._is_open(asset_id):
            self._storyboard_ms = length_ms  # the next one once it has grown from here
            if loaded is not None:
                self.editor.set_storyboard(*tiles_from_storyboard(*loaded))

    def _on_editor_stills_requested(self, stills: list[tuple[str, int]]) -> None:
        """The frames around the cut, from the image host's exact-time thumbnails; one past the end is blank."""
        if self._pictures is None or self._asset is None or self._asset.audio_only:
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
