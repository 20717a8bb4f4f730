"""A live recording open in the editor grows: Qt reports no duration for a growing (EVENT) playlist, so the asset
is asked for again every couple of seconds until it stops recording; and then, as any asset whose final live captions
are still being made (a clip of the recording too), more slowly until they are ready."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from muxclipper.core.caption_choice import final_captions_pending
from muxclipper.core.models import Asset
from muxclipper.qt.bridge import Bridge

if TYPE_CHECKING:
    from muxclipper.mux.client import MuxClient

LIVE_POLL_MS = 2000
FINAL_CAPTIONS_POLL_MS = 10_000


class RecordingWatcher(QObject):
    """Signals:
        grown(object): the recording's :class:`Asset` as Mux has it now (longer, perhaps no longer live).
        ended(object): the recording stopped; its full length is known (the :class:`Asset`).
    """

    grown = Signal(object)
    ended = Signal(object)

    def __init__(self, bridge: Bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._client: MuxClient | None = None
        self._asset_id: str | None = None
        self._ended = False
        self.final_captions_poll_ms = FINAL_CAPTIONS_POLL_MS
        self._timer = QTimer(self)
        self._timer.setInterval(LIVE_POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def watch(self, asset: Asset, client: MuxClient) -> None:
        """Follow ``asset`` if it is still recording, or while its final live captions are being made (a recording
        that ended a short while ago, or a clip of it, which gets them when the recording does); and stop following
        any other."""
        self._client, self._asset_id = client, asset.id
        self._ended = not asset.is_live
        self._timer.setInterval(LIVE_POLL_MS)
        if asset.is_live:
            self._timer.start()
        elif final_captions_pending(asset.text_tracks):
            self._timer.setInterval(self.final_captions_poll_ms)
            self._timer.start()
        else:
            self._timer.stop()

    def stop(self) -> None:
        self._timer.stop()
        self._asset_id = None

    @property
    def watching(self) -> bool:
        return self._timer.isActive()

    def _on_timer_timeout(self) -> None:
        if self._client is None or self._asset_id is None:
            self._timer.stop()
            return
        self.bridge.run(self._client.get_asset(self._asset_id), self._on_asset)

    def _on_asset(self, asset: Asset) -> None:
        if asset.id != self._asset_id:
            return  # another source was opened meanwhile
        self.grown.emit(asset)
        if not asset.is_live:
            # The better live captions are made after the event: followed until ready, so that the editor can
            # swap them in (more slowly: nothing else changes any more).
            if final_captions_pending(asset.text_tracks):
                self._timer.setInterval(self.final_captions_poll_ms)
            else:
                self._timer.stop()
                self._timer.setInterval(LIVE_POLL_MS)
            if not self._ended:
                self._ended = True
                self.ended.emit(asset)
