"""What a clip row offers to share, stage by stage: the instant clip (the source's playback id limited to the clip's
range: segment-accurate, playable the moment the clip is queued) until the frame-exact asset is ready, then the
asset's own URLs and, once each is made, its downloads (static renditions: ready, still preparing, or skipped by Mux
because the source is smaller). The clips panel builds its row menu from here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMenu

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import Asset, StaticRendition
from muxclipper.core.renditions import file_name, label
from muxclipper.mux.urls import rendition_label
from muxclipper.qt.bridge import Bridge

if TYPE_CHECKING:
    from muxclipper.services.session import Session

#: While a ready clip's downloads are still being made, Mux is asked again this often (one GET per clip).
RECHECK_MS = 3000
SKIPPED_WHY = "skipped: taller than the source"


class ClipDelivery(QObject):
    """Signals:
        message(str): something to tell the user (a URL copied).
        changed(str): what is known of a clip asset's downloads changed (its id).
    """

    message = Signal(str)
    changed = Signal(str)

    def __init__(self, bridge: Bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.session: Session | None = None
        #: The public playback id of a source asset, when the window knows it (the open source, a listed one).
        self.source_playback_id: Callable[[str], str | None] = lambda _asset_id: None
        self._renditions: dict[str, tuple[StaticRendition, ...]] = {}  # clip asset id -> what Mux says of them
        self._asking: set[str] = set()
        self._instant: dict[int, str] = {}  # job id -> the instant URL handed out for it (a replay's)

    def remember_instant(self, job_id: int, url: str) -> None:
        """The instant URL already handed out for a clip (a replay's, by program time on its live stream): its row
        offers that one, the same link the producer shared."""
        self._instant[job_id] = url

    def attach(self, session: Session | None) -> None:
        self.session = session
        self._renditions.clear()
        self._asking.clear()
        self._instant.clear()

    # ------------------------------------------------------------------ the first stage: the instant clip
    def instant_url(self, job: ClipJob) -> str | None:
        """The clip's range on its source's public playback id, or None (the source's id is not known here)."""
        if self.session is None:
            return None
        if job.id is not None and job.id in self._instant:
            return self._instant[job.id]
        playback_id = self.source_playback_id(job.source_asset_id)
        return self.session.urls.instant_for_job(job, playback_id) if playback_id else None

    def instant_stage(self, job: ClipJob) -> bool:
        """Whether the row offers its instant clip: queued or being made, with the source's playback id known."""
        return not job.state.finished and self.instant_url(job) is not None

    # ------------------------------------------------------------------ the second stage: downloads
    def renditions(self, job: ClipJob) -> tuple[StaticRendition, ...] | None:
        """What Mux said of the clip's downloads, or None when it has not been asked yet (it is asked now)."""
        if job.asset_id is None or not job.options.renditions or job.state is not JobState.READY:
            return None
        known = self._renditions.get(job.asset_id)
        if known is None or any(r.status == "preparing" for r in known):
            self.ask(job.asset_id, soon=known is not None)
        return known

    def ask(self, asset_id: str, soon: bool = False) -> None:
        if self.session is None or asset_id in self._asking:
            return
        self._asking.add(asset_id)
        session = self.session

        def run() -> None:
            if self.session is session:
                self.bridge.run(session.client.get_asset(asset_id), self._on_asset, "Reading the clip's downloads")

        if soon:
            QTimer.singleShot(RECHECK_MS, run)
        else:
            run()

    def _on_asset(self, asset: Asset) -> None:
        self._asking.discard(asset.id)
        if self._renditions.get(asset.id) != asset.static_renditions:
            self._renditions[asset.id] = asset.static_renditions
            self.changed.emit(asset.id)
        if any(r.status == "preparing" for r in asset.static_renditions):
            self.ask(asset.id, soon=True)

    # ------------------------------------------------------------------ the menu
    def add_to_menu(self, menu: QMenu, job: ClipJob) -> None:
        """The instant clip's entries while the clip is being made; the downloads' once it is ready."""
        instant = self.instant_url(job)
        if instant is not None and not job.state.finished:
            copy = menu.addAction("Copy the instant clip URL (now; segment-accurate)")
            copy.triggered.connect(lambda: self.copy(instant))
            play = menu.addAction("Play the instant clip in the browser (now)")
            play.triggered.connect(lambda: QDesktopServices.openUrl(QUrl(instant)))
        if job.options.renditions and job.state is JobState.READY:
            self._add_downloads(menu, job)

    def _add_downloads(self, menu: QMenu, job: ClipJob) -> None:
        downloads = menu.addMenu("Do&wnloads")
        known = self.renditions(job)
        by_name = {r.name: r for r in known or ()}
        public = next((pid for pid, policy in job.playback_ids if policy == "public"), None)
        for resolution in job.options.renditions:
            name = file_name(resolution)
            found = by_name.get(name)
            title = label(resolution)
            if found is None or found.status != "ready" or public is None or self.session is None:
                state = "checking with Mux…" if known is None else (
                    SKIPPED_WHY if found is not None and found.status == "skipped" else
                    found.status if found is not None else "not made")
                downloads.addAction(f"{title}: {state}").setEnabled(False)
                continue
            urls = self.session.urls
            entry = downloads.addMenu(f"{title}: ready")
            url = urls.rendition(public, resolution)
            entry.addAction(f"Copy {rendition_label(resolution)}").triggered.connect(lambda _=False, u=url: self.copy(u))
            entry.addAction("Open").triggered.connect(lambda _=False, u=url: QDesktopServices.openUrl(QUrl(u)))
            saved_as = f"{(job.options.title or f'clip-{job.id}')}-{name}".replace("/", "-")
            download = urls.rendition(public, resolution, download=saved_as)
            entry.addAction("Download (in the browser)").triggered.connect(
                lambda _=False, u=download: QDesktopServices.openUrl(QUrl(u)))

    def copy(self, url: str) -> None:
        QGuiApplication.clipboard().setText(url)
        self.message.emit(f"Copied {url}")
