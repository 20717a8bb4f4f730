"""The clips panel: every clip job of the environment with Mux's progress, its menu (play, copy URLs, open, the
instant clip while the clip is made and the downloads once ready — qt/clips/clip_delivery.py —, retry, show the source,
delete in Mux with a few seconds to undo), the filter to the open source and the export."""

from __future__ import annotations

import asyncio
import csv
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, QSortFilterProxyModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import StaticRendition
from muxclipper.core.timecode import format_ms
from muxclipper.core.wording import counted
from muxclipper.mux.errors import MuxError
from muxclipper.mux.urls import rendition_label, url_key
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.clips.clip_delivery import ClipDelivery
from muxclipper.qt.clips.jobs_model import COLUMNS, ClipJobsModel, JobRole, SourceFacts
from muxclipper.qt.clips.progress_delegate import ProgressDelegate
from muxclipper.services.clip_media import made_renditions
from muxclipper.services.cut_lists import (
    CutListError,
    chosen_path,
    clip_entries,
    clip_filters,
    is_timeline,
    write_clips,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from muxclipper.services.session import Session

log = logging.getLogger(__name__)
HISTORY_SHOWN = 500


class ClipsPanel(QWidget):
    """The clips of the attached session. Updates arrive in bursts (a batch submitted, a poll that saw 100 clips
    change): the table takes each burst at once, after the code that caused it has finished.

    Signals:
        play_requested(str): play this clip asset in the editor (its id).
        source_requested(str): open this source asset (its id).
        message(str): something to tell the user.
    """

    play_requested = Signal(str)
    source_requested = Signal(str)
    message = Signal(str)
    DELETE_GRACE_MS = 8000

    def __init__(self, bridge: Bridge, environment_names: dict[str, str], parent: QWidget | None = None,
                 source_facts: SourceFacts | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.session: Session | None = None
        self._stop_listening: Callable[[], None] | None = None
        self._updates: dict[int | None, ClipJob] = {}
        self._pending_delete: tuple[ClipJob, QTimer] | None = None
        self._source_filter = ""
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self._flush_updates)

        self.jobs_model = ClipJobsModel(environment_names, source_facts)
        self._source_facts = source_facts  # the sources' frame rates, for a timeline export
        self.delivery = ClipDelivery(bridge, self)
        self.delivery.message.connect(self.message)
        self.jobs_model.instant_stage = self.delivery.instant_stage
        self.jobs_filter = QSortFilterProxyModel(self)
        self.jobs_filter.setSourceModel(self.jobs_model)
        self.jobs_filter.setFilterKeyColumn(0)
        self.jobs_filter.setFilterRole(JobRole.SOURCE_ID)
        # A job's source never changes: updates need no re-filtering (each would call back into Python per row).
        self.jobs_filter.setDynamicSortFilter(False)
        self.jobs_view = QTableView(self)
        self.jobs_view.setAccessibleName("Clips")
        self.jobs_view.setModel(self.jobs_filter)
        self.jobs_view.setItemDelegateForColumn(COLUMNS.index("Progress"), ProgressDelegate(self.jobs_view))
        self.jobs_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.jobs_view.doubleClicked.connect(self._on_jobs_view_double_clicked)
        self.jobs_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.jobs_view.customContextMenuRequested.connect(self._on_jobs_view_menu)
        # The title takes the room there is, and never less than a readable share; the other columns are as wide as
        # what they show, never wrapped (the table scrolls sideways when they do not fit).
        header = self.jobs_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Title"), QHeaderView.ResizeMode.Fixed)
        header.sectionResized.connect(self._on_section_resized)
        self.jobs_view.setWordWrap(False)
        self.jobs_view.verticalHeader().hide()
        self.only_this_source = QCheckBox("Only clips of the open &source", self)
        self.only_this_source.setAccessibleName("Only clips of the open source")
        self.only_this_source.toggled.connect(lambda _: self._apply_filter())
        export = QPushButton("Ex&port clips…", self)
        export.setAccessibleName("Export the clips list")
        export.clicked.connect(self.ask_export)
        self.undo_delete_button = QPushButton("&Undo delete", self)
        self.undo_delete_button.hide()
        self.undo_delete_button.clicked.connect(self._on_undo_delete)
        row = QHBoxLayout()
        row.addWidget(self.only_this_source)
        row.addStretch(1)
        row.addWidget(self.undo_delete_button)
        row.addWidget(export)
        self._tools_row, self._export_button = row, export
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(self.jobs_view)

    def add_tool(self, widget: QWidget) -> None:
        """A button of a feature that makes clips (Undo replay), beside Undo delete."""
        self._tools_row.insertWidget(self._tools_row.indexOf(self._export_button), widget)

    # ------------------------------------------------------------------ the session
    def attach(self, session: Session) -> None:
        """Show ``session``'s clips and follow their changes."""
        self.session = session
        self.delivery.attach(session)
        self._stop_listening = session.jobs.updates.add(self._on_job_update)

    def show_history(self) -> None:
        assert self.session is not None
        self.jobs_model.set_jobs(self.session.jobs.history(limit=HISTORY_SHOWN))

    async def detach(self) -> None:
        """Let go of the session: a deletion waiting for its undo time is carried out now, the table is cleared."""
        await self.settle_pending_delete()
        if self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None
        self._updates.clear()
        self.jobs_model.set_jobs([])
        self.session = None
        self.delivery.attach(None)

    def set_environment_names(self, names: dict[str, str]) -> None:
        self.jobs_model.set_environment_names(names)

    def set_source(self, asset_id: str | None) -> None:
        """The open source, for "Only clips of the open source"."""
        self._source_filter = asset_id or ""
        self._apply_filter()

    def _apply_filter(self) -> None:
        self.jobs_filter.setFilterFixedString(self._source_filter if self.only_this_source.isChecked() else "")

    def _on_job_update(self, job: ClipJob) -> None:
        self._updates[job.id] = job
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush_updates(self) -> None:
        jobs, self._updates = list(self._updates.values()), {}
        if jobs:
            self.jobs_model.upsert_many(jobs)

    # ------------------------------------------------------------------ a row's actions
    def job_urls(self, job: ClipJob) -> dict[str, str]:
        """What a ready clip can be copied or opened as."""
        return self.session.urls.for_clip(job) if self.session is not None else {}

    def _on_jobs_view_double_clicked(self, index: QModelIndex) -> None:
        job: ClipJob = index.data(JobRole.JOB)  # the index knows its model (the view's proxy)
        if job.state is JobState.READY and job.asset_id:
            self.play_requested.emit(job.asset_id)
        else:
            self.message.emit(f"Clip #{job.id} is {job.state.value}; it can be played once ready.")

    def _on_jobs_view_menu(self, pos: QPoint) -> None:
        index = self.jobs_view.indexAt(pos)
        if index.isValid():
            self.job_menu(index.data(JobRole.JOB)).exec(self.jobs_view.viewport().mapToGlobal(pos))

    def job_menu(self, job: ClipJob) -> QMenu:
        menu = QMenu(self)
        ready = job.state is JobState.READY
        play = menu.addAction("&Play in the player")
        play.setEnabled(ready)
        play.triggered.connect(lambda: self.play_requested.emit(str(job.asset_id)))
        self.delivery.add_to_menu(menu, job)
        urls = self.job_urls(job)
        downloads = {rendition_label(r) for r in job.options.renditions}  # in the Downloads submenu instead
        for label, url in urls.items():
            if label in downloads or (label == "Instant clip URL" and not ready):
                continue  # while it is made, the instant clip is the source's (the delivery's entries above)
            action = menu.addAction(f"Copy {label}")
            action.setEnabled(ready)
            action.triggered.connect(lambda checked=False, u=url: self._copy(u))
        if ready and "HLS URL" in urls:
            opener = menu.addAction("Open in the &browser")
            opener.triggered.connect(lambda: QDesktopServices.openUrl(QUrl(urls["HLS URL"])))
        retry = menu.addAction("&Retry")
        retry.setEnabled(job.state is JobState.FAILED)
        retry.triggered.connect(lambda: self._retry(job))
        source = menu.addAction("Show the &source")
        source.triggered.connect(lambda: self.source_requested.emit(job.source_asset_id))
        delete = menu.addAction("&Delete the clip in Mux…")
        delete.setEnabled(job.asset_id is not None and job.state in (JobState.READY, JobState.ERRORED))
        delete.triggered.connect(lambda: self.delete_clip(job))
        return menu

    def _copy(self, url: str) -> None:
        QGuiApplication.clipboard().setText(url)
        self.message.emit(f"Copied {url}")

    def _retry(self, job: ClipJob) -> None:
        assert job.id is not None and self.session is not None
        try:
            self.session.jobs.retry(job.id)
        except ValueError as exc:
            self.message.emit(str(exc))

    # ------------------------------------------------------------------ delete, with time to undo
    def delete_clip(self, job: ClipJob) -> None:
        """Deleting a clip asset cannot be undone in Mux, so it waits a few seconds, with Undo offered."""
        self._commit_delete()  # one waiting already goes now
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(self.DELETE_GRACE_MS)
        timer.timeout.connect(self._commit_delete)
        self._pending_delete = (job, timer)
        timer.start()
        self.undo_delete_button.show()
        self.message.emit(f"Deleting clip #{job.id} ({job.options.title or job.asset_id}) in "
                          f"{self.DELETE_GRACE_MS // 1000} s — Undo delete keeps it.")

    def _on_undo_delete(self) -> None:
        job = self._take_pending_delete()
        if job is not None:
            self.message.emit(f"Clip #{job.id} kept.")

    def _take_pending_delete(self) -> ClipJob | None:
        if self._pending_delete is None:
            return None
        job, timer = self._pending_delete
        timer.stop()
        self._pending_delete = None
        self.undo_delete_button.hide()
        return job

    def _commit_delete(self) -> None:
        job = self._take_pending_delete()
        if job is not None and self.session is not None:
            self.bridge.run(self.session.jobs.delete_in_mux(job), self._deleted, "Deleting the clip")

    async def settle_pending_delete(self) -> None:
        """The window closes or switches environments within a deletion's undo time: the user asked for it and
        did not undo, so it is carried out now rather than forgotten."""
        job = self._take_pending_delete()
        if job is None or self.session is None:
            return
        try:
            self._deleted(await self.session.jobs.delete_in_mux(job))
        except MuxError as exc:
            log.warning("deleting clip #%s on the way out failed: %s", job.id, exc)
            self.message.emit(f"Deleting clip #{job.id} failed: {exc}")

    def _deleted(self, job: ClipJob) -> None:
        self.message.emit(f"Clip #{job.id} deleted in Mux.")

    # ------------------------------------------------------------------ export
    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_title()

    def _on_section_resized(self, index: int, _old: int, _new: int) -> None:
        if index != COLUMNS.index("Title"):
            self._fit_title()

    def _fit_title(self) -> None:
        """The title column: what the other columns leave, but at least 40% of the table (up to 240 px). A stretched
        title was given what was left, which under the editor was nothing: seen on the real window as "Fri…"."""
        title = COLUMNS.index("Title")
        header = self.jobs_view.horizontalHeader()
        room = self.jobs_view.viewport().width()
        others = sum(header.sectionSize(i) for i in range(header.count()) if i != title and not header.isSectionHidden(i))
        width = max(room - others, min(240, room * 2 // 5))
        if header.sectionSize(title) != width:
            header.resizeSection(title, width)

    def export_clips(self, path: Path) -> asyncio.Task[Any]:
        """The clips shown, as CSV or JSON (by the file's extension), with their playback URLs; or as a timeline for
        an editing suite (.edl, .xml, .fcpxml, .otio), each ready clip referencing its MP4 or HLS. What is shown is
        gathered here; the file is made and written off the UI thread (the task ends once the outcome is said)."""
        if is_timeline(path):
            return self._export_timeline(path)
        rows = []
        for row in range(self.jobs_filter.rowCount()):
            job: ClipJob = self.jobs_filter.data(self.jobs_filter.index(row, 0), JobRole.JOB)
            rows.append({"id": job.id, "title": job.options.title or "", "source_asset_id": job.source_asset_id,
                         "start": format_ms(job.start_ms), "end": format_ms(job.end_ms), "state": job.state.value,
                         "clip_asset_id": job.asset_id or "",
                         **{url_key(label): url for label, url in self.job_urls(job).items()}})
        return self.bridge.run_in_thread(lambda: _write_rows(path, rows), self.message.emit, "Exporting the clips")

    def _export_timeline(self, path: Path) -> asyncio.Task[Any]:
        jobs = [self.jobs_filter.data(self.jobs_filter.index(row, 0), JobRole.JOB)
                for row in range(self.jobs_filter.rowCount())]
        jobs.reverse()  # the table is newest first; a timeline reads in the order the clips were made
        facts = self._source_facts
        session = self.session

        async def export() -> str:
            # Which downloads Mux has made, asked first: the timeline links only a file that exists.
            made: dict[str, tuple[StaticRendition, ...]] = (
                await made_renditions(session.client, jobs) if session is not None else {})
            entries, left_out = clip_entries(jobs, self.job_urls, lambda source: facts(source)[1] if facts else None,
                                             lambda job: made.get(job.asset_id or ""))

            def write() -> str:
                try:
                    return write_clips(path, entries, "muxclipper clips", left_out)
                except CutListError as exc:
                    return str(exc)

            # The file is made and written off the UI thread.
            return await asyncio.get_running_loop().run_in_executor(None, write)

        return self.bridge.run(export(), self.message.emit, "Exporting the clips")

    def ask_export(self) -> None:
        name, chosen = QFileDialog.getSaveFileName(self, "Export clips", "clips.csv", clip_filters())
        if name:
            self.export_clips(chosen_path(name, chosen))


def _write_rows(path: Path, rows: list[dict[str, Any]]) -> str:
    """The clips' rows as JSON or CSV at ``path``; answers what to tell the user (written, or why not)."""
    try:
        if path.suffix.lower() == ".json":
            path.write_text(json.dumps(rows, indent=2), encoding="utf-8")
        else:
            fields = list(dict.fromkeys(k for r in rows for k in r)) or ["id"]
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)
    except OSError as exc:
        return f"Could not write {path}: {exc.strerror or exc}. Choose another folder or free space."
    return f"Exported {counted(len(rows), 'clip')} to {path}."
