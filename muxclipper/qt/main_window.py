"""The main window: sources on the left, the editor in the middle, the clip panel on the right, the
clips table below. Routine events never open a dialog: results and problems go to the status line.
"""

from __future__ import annotations

import csv
import functools
import html
import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, cast

# Start-up paints this window's frame before the panels exist, so this module imports only what the frame
# needs. Everything else (the panels with QtMultimedia, asyncio, Qt's enum namespaces, the core's dataclasses:
# each costs tens of milliseconds) is imported by build_panels() or by the method that uses it, once the frame
# is on screen.
from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QPushButton, QToolBar, QWidget

from muxclipper.core.captions import parse_vtt
from muxclipper.core.clip_rules import check_range
from muxclipper.core.segments import Segment
from muxclipper.core.sources import SourceRefError, parse_source
from muxclipper.core.timecode import exact_rate, format_ms
from muxclipper.services import paths
from muxclipper.services.environment import EnvironmentFace

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QCheckBox, QLineEdit, QMenu, QSystemTrayIcon, QTableView

    from muxclipper.core.jobs import ClipJob
    from muxclipper.core.marking import MarkedRange
    from muxclipper.core.models import Asset, AssetPage, ClipOptions, LiveStream
    from muxclipper.qt.bridge import Bridge
    from muxclipper.qt.editor import EditorWidget
    from muxclipper.qt.jobs_model import ClipJobsModel
    from muxclipper.qt.segments_panel import SegmentsPanel
    from muxclipper.qt.sources_panel import SourcesPanel
    from muxclipper.services.session import Session

log = logging.getLogger(__name__)
NO_ENVIRONMENT_COLOUR = "#616161"
LIVE_POLL_MS = 2000
THUMBNAIL_WIDTH = 96
THUMBNAIL_FETCHES = 4  # at once: a fast scroll through thousands of rows must not flood the image host


def _is_session(given: object) -> TypeGuard[Session]:
    return hasattr(given, "jobs")  # a Session; not imported here (it brings httpx)


def _trimmed_title(typed: str | None, source: str) -> str:
    """Several recordings trimmed at once: a typed title names the batch, each clip keeps its source's name."""
    return f"{typed} — {source}" if typed else source


class MainWindow(QMainWindow):
    """The window of one environment at a time. Given a :class:`Session` it is ready at once; given just the
    :class:`Environment` (or None: none is usable yet) it can be shown first and the session attached when
    open. The environment selector asks for another with ``environment_chosen``; the owner :meth:`detach`es the
    session, :meth:`switch_to`s the new environment and attaches its session.

    Start-up goes further: ``panels=False`` makes only the frame (the environment badge, the status line, the
    saved size), which paints in a fraction of the time; :meth:`build_panels` then imports and adds the
    editor, the sources, the clip panel and the clips table, and restores their saved layout.

    Signals:
        source_opened(object): an :class:`Asset` is in the editor.
        frame_on_screen(int): the editor shows a frame (index in the source).
        painted(): the window was painted for the first time.
        environment_chosen(str): the user chose another environment in the selector (its key; see
            :meth:`set_environment_choices`).
        manage_environments_requested(): the user asked for the Environments dialog.
    """

    source_opened = Signal(object)
    frame_on_screen = Signal(int)
    painted = Signal()
    environment_chosen = Signal(str)
    manage_environments_requested = Signal()
    session: Session
    bridge: Bridge
    editor: EditorWidget
    sources: SourcesPanel
    segments: SegmentsPanel
    jobs_model: ClipJobsModel
    jobs_filter: QSortFilterProxyModel
    jobs_view: QTableView
    title_field: QLineEdit
    quality_box: QComboBox
    policy_box: QComboBox
    mp4_box: QCheckBox
    passthrough_field: QLineEdit
    range_problem: QLabel
    create_button: QPushButton
    instant_field: QLineEdit
    facts_label: QLabel
    only_this_source: QCheckBox
    undo_delete_button: QPushButton
    tray: QSystemTrayIcon | None

    def __init__(self, session: Session | EnvironmentFace | None, colour: str = "#1565c0", *,
                 confirm_create: bool = False, settings: QSettings | None = None, panels: bool = True) -> None:
        super().__init__()
        attached = session if _is_session(session) else None
        # Before a session: what to show (a stored environment's secret may still be in the keyring).
        self.environment: EnvironmentFace | None = (
            attached.environment if attached is not None else cast("EnvironmentFace | None", session))
        self._environment_key: str | None = None  # the selector's key of the environment shown
        self._painted = False
        self.panels_built = False
        self._editor_built = False
        self._attached = False
        self.confirm_create = confirm_create
        self.settings = settings or QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)
        self._armed: dict[str, object] = {}  # per action, what production was asked to confirm
        self._sources_generation = 0  # pages that arrive after the list was reset are dropped
        self._live_filter: str | None = None
        self._job_updates: dict[int | None, ClipJob] = {}
        self._background_done: dict[str, list[ClipJob]] = {}  # by environment name: clips ended in one left behind
        self._pending_delete: tuple[ClipJob, QTimer] | None = None
        self.asset: Asset | None = None
        self._build_frame()
        self._show_environment(colour)
        if attached is None and self.environment is not None:
            self.show_message(f"Connecting to {self.environment.name}…")
        if panels:
            self.build_panels()
        if attached is not None:
            self.attach(attached)

    def _build_frame(self) -> None:
        """What the first paint shows: the environment (so nobody mistakes production for staging) with its
        selector, the status line, the window at its saved size."""
        toolbar = QToolBar("Environment", self)
        toolbar.setObjectName("environment-toolbar")
        self.badge = QLabel(self)
        self.badge.setAccessibleName("Environment")
        toolbar.addWidget(self.badge)
        self.environment_box = QComboBox(self)
        self.environment_box.setAccessibleName("Switch environment")
        self.environment_box.setToolTip("Switch to another Mux environment (Ctrl+Shift+E)")
        self.environment_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.environment_box.activated.connect(self._on_environment_box_activated)
        # A tool bar shows a widget through its action: the action, not the widget, is shown or hidden.
        self._environment_box_action = toolbar.addWidget(self.environment_box)
        self._environment_box_action.setVisible(False)  # until there is more than one to choose from
        self.manage_button = QPushButton("En&vironments…", self)
        self.manage_button.setAccessibleName("Manage environments")
        self.manage_button.setToolTip("Add, edit or remove Mux environments")
        self.manage_button.clicked.connect(self.manage_environments_requested)
        self._manage_action = toolbar.addWidget(self.manage_button)
        self._manage_action.setVisible(False)  # shown by set_environment_choices(manageable=True)
        self.addToolBar(toolbar)
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(QKeySequence("Ctrl+Shift+E"), self, self._on_switch_shortcut)
        self.status = QLabel(self)
        self.status.setAccessibleName("Messages")
        self.statusBar().addWidget(self.status, 1)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)

    def _show_environment(self, colour: str) -> None:
        name = self.environment.name if self.environment is not None else "No environment"
        self.setWindowTitle(f"muxclipper — {name}")
        self.badge.setText(f"  {name}  ")
        colour = colour if self.environment is not None else NO_ENVIRONMENT_COLOUR
        self.badge.setStyleSheet(f"background: {colour}; color: white; border-radius: 3px; font-weight: bold;")

    # ------------------------------------------------------------------ environments
    def set_environment_choices(self, choices: list[tuple[str, str, str]], current: str | None,
                                manageable: bool = True) -> None:
        """What the selector offers: (key, name, colour) each, ``current`` the one shown. The selector appears once
        there is a choice; ``manageable`` shows the Environments… button (not in the self-contained demo)."""
        from PySide6.QtGui import QColor, QIcon

        self._environment_key = current
        self.environment_box.blockSignals(True)
        self.environment_box.clear()
        if current is None:
            self.environment_box.addItem("Choose an environment…", None)
        for key, name, colour in choices:
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(colour))
            self.environment_box.addItem(QIcon(swatch), name, key)
        self.environment_box.setCurrentIndex(max(self.environment_box.findData(current), 0))
        self.environment_box.blockSignals(False)
        self._environment_box_action.setVisible(len(choices) > 1 or (current is None and bool(choices)))
        self._manage_action.setVisible(manageable)

    def _on_switch_shortcut(self) -> None:
        if self._environment_box_action.isVisible():
            self.environment_box.setFocus()
            self.environment_box.showPopup()
        elif self._manage_action.isVisible():
            self.manage_environments_requested.emit()

    def _on_environment_box_activated(self, index: int) -> None:
        key = self.environment_box.itemData(index)
        # The selector shows where the window is until the owner has switched (or said why it cannot).
        self.environment_box.setCurrentIndex(max(self.environment_box.findData(self._environment_key), 0))
        if key is not None:
            self.choose_environment(str(key))

    def choose_environment(self, key: str) -> None:
        """Ask the owner to switch to ``key``. Work that would be closed with the source (marks, segments) is named
        first, and the same choice made again goes ahead: no dialog, nothing lost unawares."""
        if key == self._environment_key:
            return
        name = self.environment_box.itemText(self.environment_box.findData(key)) or key
        losing = self.open_work()
        if losing and self._armed.get("switch") != key:
            self._armed["switch"] = key
            self.show_message(f"Switching to {name} closes {losing}: choose {name} again to switch.")
            return
        self._armed.pop("switch", None)
        self.environment_chosen.emit(key)

    def open_work(self) -> str:
        """What switching environments would close, in words ('' if nothing worth keeping is open)."""
        if not self.panels_built or self.asset is None:
            return ""
        marked = self.editor.timeline.marked
        parts = [self.asset.title or self.asset.id]
        if marked.in_ms is not None or marked.out_ms is not None:
            parts.append("its in and out marks")
        count = len(self.segments.segments())
        if count:
            parts.append(f"{count} segment{'s' if count != 1 else ''}")
        if len(parts) == 1:
            return ""
        return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 2 else " with ".join(parts)

    @property
    def environment_key(self) -> str | None:
        """The selector's key of the environment shown (None: none yet)."""
        return self._environment_key

    @property
    def attached(self) -> bool:
        """Whether a session is attached (the window is connected and working)."""
        return self._attached

    def restyle_environment(self, face: EnvironmentFace, colour: str, confirm_create: bool) -> None:
        """The environment shown was renamed, recoloured or its confirmation changed in the Environments dialog."""
        if self._attached:
            self.session.environment = replace(self.session.environment, name=face.name)
            self.environment = self.session.environment
        else:
            self.environment = face
        self.confirm_create = confirm_create
        self._show_environment(colour)
        if self.panels_built:
            self.jobs_model.set_environment_names({face.key: face.name})

    def switch_to(self, environment: EnvironmentFace, colour: str, confirm_create: bool,
                  key: str | None = None) -> None:
        """Show ``environment`` (its session is attached next). Call after :meth:`detach`."""
        if self._attached:
            raise RuntimeError("detach() the current session first")
        self.environment = environment
        self.confirm_create = confirm_create
        self._armed.clear()
        self._show_environment(colour)
        if key is not None:
            self._environment_key = key
            self.environment_box.setCurrentIndex(max(self.environment_box.findData(key), 0))
        if self.panels_built:
            self.jobs_model.set_environment_names({environment.key: environment.name})
            self.sources.set_recent(self._recent())
        self.show_message(f"Connecting to {environment.name}…")

    def build_editor(self, preview: str | None = None) -> bool:
        """The player and its timeline, before the rest: ``preview``, a source named at start-up, starts loading
        at once if it is a stream URL (see :meth:`preview_text`), while the rest is imported and built.
        Answers whether it did. (:meth:`build_panels` builds the editor too, if this was not called.)"""
        from muxclipper.qt.editor import EditorWidget

        self.editor = EditorWidget(self)
        self.editor.setEnabled(self._attached)
        self.setCentralWidget(self.editor)
        self._editor_built = True
        return preview is not None and self.preview_text(preview)

    def build_panels(self) -> None:
        """The editor, the sources, the clip panel, the segments and the clips table, with their saved layout
        and choices. Disabled until a session is attached."""
        if not self._editor_built:
            self.build_editor()

        import asyncio

        from PySide6.QtCore import QSortFilterProxyModel, Qt
        from PySide6.QtGui import QKeySequence, QShortcut
        from PySide6.QtWidgets import (
            QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QSystemTrayIcon, QTableView, QVBoxLayout,
        )

        from muxclipper.qt.bridge import Bridge
        from muxclipper.qt.jobs_model import COLUMNS, ClipJobsModel
        from muxclipper.qt.progress_delegate import ProgressDelegate
        from muxclipper.qt.segments_panel import SegmentsPanel
        from muxclipper.qt.sources_panel import SourcesPanel

        self._thumbnail_slots = asyncio.Semaphore(THUMBNAIL_FETCHES)
        self._job_updates_timer = QTimer(self)
        self._job_updates_timer.setSingleShot(True)
        self._job_updates_timer.setInterval(0)
        self._job_updates_timer.timeout.connect(self._flush_job_updates)
        self.bridge = Bridge(self)

        self.sources = SourcesPanel(self)
        self.sources.open_text.connect(self.open_text)
        self.sources.asset_activated.connect(self.open_asset_id)
        self.sources.refresh_requested.connect(self.load_sources)
        self.sources.live_stream_chosen.connect(self._on_live_stream_chosen)
        self.sources.trim_requested.connect(self.top_and_tail)
        self.sources.model.more_wanted.connect(self._on_more_sources_wanted)
        self.sources.model.thumbnails_wanted.connect(self._on_thumbnails_wanted)
        self.sources.open_field.setAcceptDrops(False)  # a drop anywhere opens the source (see dropEvent)
        self.setAcceptDrops(True)
        self._dock("Sources", self.sources, Qt.DockWidgetArea.LeftDockWidgetArea)

        panel = QWidget(self)
        self.title_field = QLineEdit(panel)
        self.title_field.setAccessibleName("Clip title")
        self.quality_box = QComboBox(panel)
        self.quality_box.setAccessibleName("Video quality")
        for text, value in (("As the source", None), ("Basic", "basic"), ("Plus", "plus"), ("Premium", "premium")):
            self.quality_box.addItem(text, value)
        self.policy_box = QComboBox(panel)
        self.policy_box.setAccessibleName("Playback policy")
        self.policy_box.addItem("Public", "public")
        self.policy_box.addItem("Signed", "signed")
        self.mp4_box = QCheckBox("MP4 download", panel)
        self.mp4_box.setAccessibleName("MP4 download")
        self.passthrough_field = QLineEdit(panel)
        self.passthrough_field.setAccessibleName("Passthrough")
        self.range_problem = QLabel(panel)
        self.range_problem.setAccessibleName("Range check")
        self.range_problem.setWordWrap(True)
        self.create_button = QPushButton("&Create clip (Ctrl+Enter)", panel)
        self.create_button.clicked.connect(lambda: self._on_editor_create_requested(self.editor.timeline.marked))
        self.instant_field = QLineEdit(panel)
        self.instant_field.setReadOnly(True)
        self.instant_field.setAccessibleName("Instant clip URL")
        copy = QPushButton("Copy &instant URL", panel)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.instant_field.text()))
        self.facts_label = QLabel("Open a source to see its facts.", panel)
        self.facts_label.setAccessibleName("Source facts")
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout(panel)
        form.addRow(self.facts_label)
        form.addRow("Title", self.title_field)
        form.addRow("Quality", self.quality_box)
        form.addRow("Playback", self.policy_box)
        form.addRow("", self.mp4_box)
        form.addRow("Passthrough", self.passthrough_field)
        form.addRow(self.range_problem)
        form.addRow(self.create_button)
        form.addRow("Instant clip", self.instant_field)
        form.addRow(copy)
        self._dock("Clip", panel, Qt.DockWidgetArea.RightDockWidgetArea)

        self.segments = SegmentsPanel(self)
        self.segments.add_requested.connect(self._on_segments_add_requested)
        self.segments.create_all_requested.connect(self._on_segments_create_all)
        self.segments.segment_activated.connect(self._on_segment_activated)
        self.segments.message.connect(self.show_message)
        self._dock("Segments", self.segments, Qt.DockWidgetArea.RightDockWidgetArea)

        self.jobs_model = ClipJobsModel({self.environment.key: self.environment.name} if self.environment else {})
        self.jobs_filter = QSortFilterProxyModel(self)
        self.jobs_filter.setSourceModel(self.jobs_model)
        self.jobs_filter.setFilterKeyColumn(0)  # the source asset id
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
        clips = QWidget(self)
        self.only_this_source = QCheckBox("Only clips of the open &source", clips)
        self.only_this_source.setAccessibleName("Only clips of the open source")
        self.only_this_source.toggled.connect(lambda _: self._filter_jobs())
        export = QPushButton("E&xport clips…", clips)
        export.setAccessibleName("Export the clips list")
        export.clicked.connect(self._on_export_clicked)
        self.undo_delete_button = QPushButton("&Undo delete", clips)
        self.undo_delete_button.hide()
        self.undo_delete_button.clicked.connect(self._on_undo_delete)
        row = QHBoxLayout()
        row.addWidget(self.only_this_source)
        row.addStretch(1)
        row.addWidget(self.undo_delete_button)
        row.addWidget(export)
        column = QVBoxLayout(clips)
        column.addLayout(row)
        column.addWidget(self.jobs_view)
        self._dock("Clips", clips, Qt.DockWidgetArea.BottomDockWidgetArea)

        QShortcut(QKeySequence("Ctrl+L"), self, self.sources.open_field.setFocus)
        self._live_timer = QTimer(self)
        self._live_timer.setInterval(LIVE_POLL_MS)
        self._live_timer.timeout.connect(self._on_live_timer_timeout)
        self.bridge.failed.connect(self.show_message)
        self.editor.message.connect(self.show_message)
        self.editor.create_requested.connect(self._on_editor_create_requested)
        self.editor.range_changed.connect(self._on_editor_range_changed)
        self.editor.stills_requested.connect(self._on_editor_stills_requested)
        self.editor.player.frame_shown.connect(lambda frame, ms: self.frame_on_screen.emit(frame))
        self.tray = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.show()
        self.panels_built = True
        self._restore_settings()
        self._set_working(self._attached)

    def _set_working(self, enabled: bool) -> None:
        """Nothing can be clicked before there is a session to act through."""
        from PySide6.QtWidgets import QDockWidget

        for widget in (self.editor, *(dock.widget() for dock in self.findChildren(QDockWidget))):
            widget.setEnabled(enabled)

    def attach(self, session: Session) -> None:
        if not self.panels_built:
            raise RuntimeError("build_panels() first: the panels are what the session drives")
        self.session = session
        self.environment = session.environment
        self._attached = True
        self._set_working(True)
        self.show_message("")
        self._stop_listening = session.jobs.updates.add(self._on_job_update)

    async def detach(self) -> None:
        """Let go of the session (the user switches environments): a clip deletion waiting for its undo time is
        carried out now, what was in flight is cancelled, and the source, its marks and segments, the lists and
        the clips table are cleared. The session may stay open to follow its clips (:meth:`follow_in_background`)."""
        import asyncio

        if not self._attached:
            return
        await self._settle_pending_delete()
        self._stop_listening()
        self._attached = False
        self._set_working(False)
        self._live_timer.stop()
        self.bridge.cancel_all()
        await asyncio.sleep(0)  # let the cancelled tasks finish before the session's HTTP client closes
        self._job_updates.clear()  # (the timer still flushes other environments' endings, if any are due)
        self._sources_generation += 1  # a page still on its way belongs to the old environment
        self._live_filter = None
        self.asset = None
        self.editor.close_source()
        self.segments.set_segments([])
        self.facts_label.setText("Open a source to see its facts.")
        self.instant_field.clear()
        self.range_problem.clear()
        self.sources.model.reset([], None)
        self.sources.set_live_streams([], lambda _: None)
        self.jobs_model.set_jobs([])

    def follow_in_background(self, session: Session) -> Callable[[], None]:
        """An environment the window has left goes on making its clips: their endings are still told (status line,
        tray), under the environment's name. Returns what stops it (on coming back to that environment)."""

        def on_update(job: ClipJob) -> None:
            if job.state.finished:
                self._background_done.setdefault(session.environment.name, []).append(job)
                if not self._job_updates_timer.isActive():
                    self._job_updates_timer.start()

        return session.jobs.updates.add(on_update)

    def _on_job_update(self, job: ClipJob) -> None:
        """Updates arrive in bursts (a batch submitted, a poll that saw 100 clips change): the table and
        the notifications take each burst at once, after the code that caused it has finished."""
        self._job_updates[job.id] = job
        if not self._job_updates_timer.isActive():
            self._job_updates_timer.start()

    def _flush_job_updates(self) -> None:
        jobs, self._job_updates = list(self._job_updates.values()), {}
        if jobs:
            self.jobs_model.upsert_many(jobs)
            self._notify(jobs)
        elsewhere, self._background_done = self._background_done, {}
        for name, done in elsewhere.items():
            self._notify(done, where=name)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.painted.emit()

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        from PySide6.QtWidgets import QDockWidget

        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)

    def show_message(self, text: str) -> None:
        self.status.setText(text)
        log.info("message: %s", text)

    # ------------------------------------------------------------------ start
    def start(self) -> None:
        self.jobs_model.set_jobs(self.session.repo.all(self.session.environment.key, limit=500))
        self.session.jobs.resume()
        self.load_sources()

    # ------------------------------------------------------------------ sources
    SOURCES_PAGE = 100  # Mux's largest page

    def load_sources(self) -> None:
        """The first page of assets (of the chosen live stream, if one is) and the live streams."""
        self._sources_generation += 1
        generation, stream = self._sources_generation, self._live_filter

        async def fetch() -> tuple[AssetPage, list[LiveStream]]:
            import asyncio

            return await asyncio.gather(
                self.session.client.list_assets_page(limit=self.SOURCES_PAGE, live_stream_id=stream),
                self.session.client.list_live_streams())

        def show(found: tuple[AssetPage, list[LiveStream]]) -> None:
            if generation == self._sources_generation:
                page, streams = found
                self.sources.model.reset(page.assets, page.next_cursor)
                self.sources.set_live_streams(streams, self.sources.model.find)

        self.bridge.run(fetch(), show, "Loading sources")

    def _on_live_stream_chosen(self, stream_id: str | None) -> None:
        self._live_filter = stream_id
        self.load_sources()

    def _on_more_sources_wanted(self, cursor: str) -> None:
        generation, model = self._sources_generation, self.sources.model

        async def fetch() -> AssetPage:
            try:
                return await self.session.client.list_assets_page(limit=self.SOURCES_PAGE, cursor=cursor,
                                                                  live_stream_id=self._live_filter)
            except BaseException:
                model.page_failed()  # scrolling asks again
                raise

        def show(page: AssetPage) -> None:
            if generation == self._sources_generation:
                model.append_page(page.assets, page.next_cursor)

        self.bridge.run(fetch(), show, "Loading more sources")

    def _on_thumbnails_wanted(self, asset_ids: list[str]) -> None:
        for asset_id in asset_ids:
            asset = self.sources.model.find(asset_id)
            public = asset.playback_id("public") if asset else None
            if public is not None:
                url = self.session.urls.thumbnail(public.id, width=THUMBNAIL_WIDTH)
                self.bridge.run(self._fetch_thumbnail(url), functools.partial(self._show_thumbnail, asset_id))

    async def _fetch_thumbnail(self, url: str) -> bytes | None:
        """A list decoration: a missing one is not worth a message."""
        async with self._thumbnail_slots:
            return await self._fetch_picture(url)

    async def _fetch_picture(self, url: str) -> bytes | None:
        """A picture that only helps (a list thumbnail, a frame beside the cut): one the image host does not have
        (yet: a recording's newest frames) is left out without a message."""
        import httpx  # loaded with the session by now

        try:
            return await self._fetch_bytes(url)
        except httpx.HTTPError as exc:
            log.debug("no picture from %s: %s", url.split("?")[0], exc)
            return None

    def _show_thumbnail(self, asset_id: str, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.sources.model.set_thumbnail(asset_id, pixmap)

    RECENT_LIMIT = 10

    def _recent(self) -> list[list[str]]:
        if self.environment is None:
            return []
        value = self.settings.value(f"sources/recent/{self.environment.key}")
        return [list(pair) for pair in value] if isinstance(value, list) else []

    def _remember_source(self, asset: Asset) -> None:
        label = asset.title or asset.id
        recent = [[asset.id, label]] + [p for p in self._recent() if p[0] != asset.id]
        self.settings.setValue(f"sources/recent/{self.session.environment.key}", recent[: self.RECENT_LIMIT])
        self.sources.set_recent(self._recent())

    # ------------------------------------------------------------------ opening
    def open_asset_id(self, asset_id: str) -> None:
        self.bridge.run(self.session.client.get_asset(asset_id), self.open_asset, "Opening the source")

    def open_text(self, text: str) -> asyncio.Task[Asset] | None:
        """An asset id, playback id or stream URL, typed, pasted, dropped or given on the command line.
        Returns the task that resolves it (None if the text names no source: the status line says why)."""
        try:
            ref = parse_source(text)
        except SourceRefError as exc:
            self.show_message(str(exc))
            return None
        self.sources.open_field.setText(text.strip())
        return self.bridge.run(self.session.client.resolve_source(ref), self.open_asset, "Opening the source")

    def preview_text(self, text: str) -> bool:
        """Start the picture of a stream URL named at start-up before the session is open: its asset arrives
        later through :meth:`open_text`. (An id alone could be an asset's, whose stream only Mux knows.)
        True if a preview started (``editor.player.preview_settled`` follows)."""
        try:
            ref = parse_source(text)
        except SourceRefError:
            return False  # open_text says why
        if ref.kind != "playback_id" or self.environment is None:
            return False
        from muxclipper.mux.urls import PlaybackUrls

        self.editor.preview(PlaybackUrls(self.environment.endpoints).hls(ref.value))
        return True

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        data = event.mimeData()
        text = data.urls()[0].toString() if data.hasUrls() else data.text()
        event.acceptProposedAction()
        self.open_text((text.strip().splitlines() or [""])[0])  # a cell dragged out of a sheet ends in a newline

    def open_asset(self, asset: Asset) -> None:
        public = asset.playback_id("public")
        if public is None or asset.frame_rate is None or asset.duration_ms is None:
            self.show_message(f"{asset.id} cannot be played here yet: it needs a public playback id and to be "
                              "ready (or recording).")
            return
        self.asset = asset
        self._show_facts(asset)
        self.segments.set_source(asset.duration_ms, exact_rate(asset.frame_rate), asset.title or asset.id,
                                 f"mux://assets/{asset.id}")
        self.editor.open_source(self.session.urls.hls(public.id), asset.duration_ms, exact_rate(asset.frame_rate))
        self.show_message(f"Opened {asset.title or asset.id} ({format_ms(asset.duration_ms)}"
                          f"{', recording' if asset.is_live else ''}).")
        if asset.is_live:
            self._live_timer.start()
        else:
            self._live_timer.stop()
        if asset.text_tracks:
            track = asset.text_tracks[0]
            url = f"{self.session.urls.endpoints.stream}/{public.id}/text/{track.id}.vtt"
            self.bridge.run(self._fetch_bytes(url),
                            lambda data: self.editor.set_captions(parse_vtt(data.decode("utf-8", "replace"))))
        from muxclipper.mux.storyboard import fetch_storyboard  # with httpx: not before the first paint
        from muxclipper.qt.timeline import tiles_from_storyboard

        self.bridge.run(fetch_storyboard(self.session.http, self.session.urls.storyboard(public.id)),
                        lambda loaded: self.editor.set_storyboard(*tiles_from_storyboard(*loaded)))
        self._filter_jobs()
        self._remember_source(asset)
        self.source_opened.emit(asset)

    def _show_facts(self, asset: Asset) -> None:
        from muxclipper.core.source_facts import source_facts

        lines = [f"<b>{html.escape(asset.title or asset.id)}</b>"]
        lines += [f"{name}: {html.escape(value)}" for name, value in source_facts(asset)]
        self.facts_label.setText("<br>".join(lines))

    def _on_live_timer_timeout(self) -> None:
        if self.asset is None or not self.asset.is_live:
            self._live_timer.stop()
            return

        def grown(asset: Asset) -> None:
            if self.asset is not None and asset.id == self.asset.id:
                self.asset = asset
                self._show_facts(asset)
                if asset.duration_ms is not None:
                    self.editor.set_duration(asset.duration_ms)
                    self.segments.duration_ms = asset.duration_ms
                if not asset.is_live:
                    self._live_timer.stop()
                    self.show_message("The recording has ended; its full length is on the timeline.")

        self.bridge.run(self.session.client.get_asset(self.asset.id), grown)

    # ------------------------------------------------------------------ clips
    def _on_editor_range_changed(self, marked: MarkedRange) -> None:
        public = self.asset.playback_id("public") if self.asset else None
        if public is not None:
            self.instant_field.setText(self.session.urls.instant_clip(public.id, marked.start_ms, marked.end_ms))
        problem = check_range(marked.start_ms, marked.end_ms, marked.duration_ms,
                              live=bool(self.asset and self.asset.is_live), open_end=marked.out_ms is None)
        self.range_problem.setText(problem.message if problem else "")
        self.create_button.setEnabled(problem is None and self.asset is not None)

    def _on_editor_stills_requested(self, stills: list[tuple[str, int]]) -> None:
        """The frames around the cut, from the image host's exact-time thumbnails."""
        public = self.asset.playback_id("public") if self.asset else None
        if public is None or self.asset is None or self.asset.duration_ms is None:
            return
        for name, ms in stills:
            if 0 <= ms < self.asset.duration_ms:
                url = self.session.urls.thumbnail(public.id, ms, width=320)
                self.bridge.run(self._fetch_picture(url), functools.partial(self._show_still, name))

    async def _fetch_bytes(self, url: str) -> bytes:
        response = await self.session.http.get(url)  # the stream and image hosts: never credentials
        response.raise_for_status()
        return response.content

    def _show_still(self, name: str, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data is not None and pixmap.loadFromData(data):
            self.editor.set_still(name, pixmap)

    def _on_segments_add_requested(self) -> None:
        marked = self.editor.timeline.marked
        problem = check_range(marked.start_ms, marked.end_ms, marked.duration_ms,
                              live=bool(self.asset and self.asset.is_live), open_end=marked.out_ms is None)
        if problem:
            self.show_message(problem.message)
            return
        label = self.title_field.text().strip() or f"Segment {self.segments.table.rowCount() + 1}"
        self.segments.add(Segment(label, marked.start_ms, marked.end_ms))

    def _on_segment_activated(self, segment: Segment) -> None:
        self.editor.edit_range(self.editor.timeline.marked.with_in(segment.start_ms).with_out(segment.end_ms))
        self.editor.player.seek_ms(segment.start_ms)

    def _on_segments_create_all(self, segments: list[Segment]) -> None:
        """One batch: every clip is saved at once, then sent in order at the POST budget."""
        from muxclipper.core.models import ClipRequest

        if self.asset is None:
            self.show_message("Open a source first.")
            return
        duration = self.editor.timeline.marked.duration_ms
        for segment in segments:
            problem = check_range(segment.start_ms, segment.end_ms, duration, live=self.asset.is_live)
            if problem:
                self.show_message(f"{segment.label}: {problem.message}")
                return
        if self._asks_first("batch", segments, f"press Create all again to create {len(segments)} clips there."):
            return
        options = self._clip_options()
        requests = [ClipRequest(self.asset.id, s.start_ms, s.end_ms, replace(options, title=s.label))
                    for s in segments]
        try:
            jobs = self.session.jobs.submit(requests)
        except ValueError as exc:
            self.show_message(str(exc))
            return
        self.show_message(f"{len(jobs)} clips queued.")

    def top_and_tail(self, assets: list[Asset], head_ms: int, tail_ms: int) -> None:
        """One clip per selected recording without its first and last seconds; the rest say why not."""
        from muxclipper.core.models import ClipRequest
        from muxclipper.core.top_and_tail import top_and_tail
        from muxclipper.qt.sources_model import source_label

        plans = [top_and_tail(asset, head_ms, tail_ms) for asset in assets]
        good = [plan for plan in plans if plan.problem is None]
        skipped = [str(plan.problem) for plan in plans if plan.problem is not None]
        if not good:
            self.show_message(" ".join(skipped) or "Select the recordings to top and tail.")
            return
        armed = (tuple(plan.asset.id for plan in good), head_ms, tail_ms)
        if self._asks_first("trim", armed, f"press Top and tail again to create {len(good)} clips there."):
            return
        options = self._clip_options()
        titles = self.sources.model.stream_titles
        requests = [ClipRequest(plan.asset.id, plan.start_ms, plan.end_ms,
                                replace(options, title=_trimmed_title(options.title, source_label(plan.asset, titles))))
                    for plan in good]
        try:
            self.session.jobs.submit(requests)
        except ValueError as exc:
            self.show_message(str(exc))
            return
        note = f" Skipped: {' '.join(skipped)}" if skipped else ""
        self.show_message(f"{len(good)} top-and-tail clips queued.{note}")

    def _asks_first(self, action: str, what: object, then: str) -> bool:
        """Production asks twice, without a modal dialog: the first press of ``action`` for ``what`` only says
        which environment it is (True); the second, for the same ``what``, goes ahead (False)."""
        if self.confirm_create and self._armed.get(action) != what:
            self._armed[action] = what
            self.show_message(f"This is {self.session.environment.name}: {then}")
            return True
        self._armed.pop(action, None)
        return False

    def _clip_options(self) -> ClipOptions:
        from muxclipper.core.models import ClipOptions

        return ClipOptions(playback_policies=(str(self.policy_box.currentData()),),
                           video_quality=self.quality_box.currentData(), mp4=self.mp4_box.isChecked(),
                           title=self.title_field.text().strip() or None,
                           passthrough=self.passthrough_field.text().strip() or None)

    def _on_editor_create_requested(self, marked: MarkedRange) -> None:
        from muxclipper.core.models import ClipRequest

        if self.asset is None:
            self.show_message("Open a source first.")
            return
        problem = check_range(marked.start_ms, marked.end_ms, marked.duration_ms, live=self.asset.is_live,
                              open_end=marked.out_ms is None)
        if problem:
            self.show_message(problem.message)
            return
        if self._asks_first("clip", marked, "press Create (Ctrl+Enter) again to create the clip there."):
            return
        options = self._clip_options()
        try:
            [job] = self.session.jobs.submit([ClipRequest(self.asset.id, marked.start_ms, marked.end_ms, options)])
        except ValueError as exc:
            self.show_message(str(exc))
            return
        self.show_message(f"Clip #{job.id} queued: {format_ms(marked.start_ms)} – {format_ms(marked.end_ms)}.")

    def _on_jobs_view_double_clicked(self, index: Any) -> None:
        from muxclipper.core.jobs import JobState
        from muxclipper.qt.jobs_model import JobRole

        job: ClipJob = index.data(JobRole.JOB)  # the index knows its model (the view's proxy)
        if job.state is JobState.READY and job.asset_id:
            self.open_asset_id(job.asset_id)
        else:
            self.show_message(f"Clip #{job.id} is {job.state.value}; it can be played once ready.")

    # ------------------------------------------------------------------ clips table actions
    def job_urls(self, job: ClipJob) -> dict[str, str]:
        """What a ready clip can be copied or opened as."""
        public = next((pid for pid, policy in job.playback_ids if policy == "public"), None)
        if public is None:
            return {}
        urls = self.session.urls
        found = {"HLS URL": urls.hls(public), "Thumbnail URL": urls.thumbnail(public),
                 "Instant clip URL": urls.instant_clip(public, 0, job.duration_ms)}
        if job.options.mp4:
            found["MP4 URL"] = urls.mp4(public)
        return found

    def _on_jobs_view_menu(self, pos: Any) -> None:
        index = self.jobs_view.indexAt(pos)
        if not index.isValid():
            return
        from muxclipper.qt.jobs_model import JobRole

        menu = self.job_menu(index.data(JobRole.JOB))
        menu.exec(self.jobs_view.viewport().mapToGlobal(pos))

    def job_menu(self, job: ClipJob) -> QMenu:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QAction, QDesktopServices
        from PySide6.QtWidgets import QMenu

        from muxclipper.core.jobs import JobState

        menu = QMenu(self)
        play = menu.addAction("&Play in the player")
        play.setEnabled(job.state is JobState.READY)
        play.triggered.connect(lambda: self.open_asset_id(str(job.asset_id)))
        urls = self.job_urls(job)
        for label, url in urls.items():
            action: QAction = menu.addAction(f"Copy {label}")
            action.setEnabled(job.state is JobState.READY)
            action.triggered.connect(lambda checked=False, u=url: self._copy(u))
        if job.state is JobState.READY and "HLS URL" in urls:
            opener = menu.addAction("Open in the &browser")
            opener.triggered.connect(lambda: QDesktopServices.openUrl(QUrl(urls["HLS URL"])))
        retry = menu.addAction("&Retry")
        retry.setEnabled(job.state is JobState.FAILED)
        retry.triggered.connect(lambda: self._retry(job))
        source = menu.addAction("Show the &source")
        source.triggered.connect(lambda: self.open_asset_id(job.source_asset_id))
        delete = menu.addAction("&Delete the clip in Mux…")
        delete.setEnabled(job.asset_id is not None and job.state in (JobState.READY, JobState.ERRORED))
        delete.triggered.connect(lambda: self.delete_clip(job))
        return menu

    # ------------------------------------------------------------------ delete, with time to undo
    DELETE_GRACE_MS = 8000

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
        self.show_message(f"Deleting clip #{job.id} ({job.options.title or job.asset_id}) in "
                          f"{self.DELETE_GRACE_MS // 1000} s — Undo delete keeps it.")

    def _on_undo_delete(self) -> None:
        job = self._take_pending_delete()
        if job is not None:
            self.show_message(f"Clip #{job.id} kept.")

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
        if job is not None:
            assert job.asset_id is not None
            self.bridge.run(self.session.client.delete_asset(job.asset_id), functools.partial(self._deleted, job),
                            "Deleting the clip")

    async def _settle_pending_delete(self) -> None:
        """The window closes or switches environments within a deletion's undo time: the user asked for it and
        did not undo, so it is carried out now rather than forgotten."""
        job = self._take_pending_delete()
        if job is None:
            return
        assert job.asset_id is not None
        from muxclipper.mux.errors import MuxError

        try:
            await self.session.client.delete_asset(job.asset_id)
        except MuxError as exc:
            log.warning("deleting clip #%s on the way out failed: %s", job.id, exc)
            self.show_message(f"Deleting clip #{job.id} failed: {exc}")
            return
        self._deleted(job, None)

    def _deleted(self, job: ClipJob, _: None) -> None:
        from muxclipper.core.jobs import JobState

        gone = job.evolve(state=JobState.CANCELLED, error="Deleted in Mux.")
        self.session.repo.update(gone)
        self.jobs_model.upsert(gone)
        self.show_message(f"Clip #{job.id} deleted in Mux.")

    # ------------------------------------------------------------------ filter and export
    def _filter_jobs(self) -> None:
        source = self.asset.id if self.asset is not None and self.only_this_source.isChecked() else ""
        self.jobs_filter.setFilterFixedString(source)

    def export_clips(self, path: Path) -> None:
        """The clips list as CSV or JSON (by the file's extension), with their playback URLs."""
        from muxclipper.qt.jobs_model import JobRole

        rows = []
        for row in range(self.jobs_filter.rowCount()):
            job: ClipJob = self.jobs_filter.data(self.jobs_filter.index(row, 0), JobRole.JOB)
            rows.append({"id": job.id, "title": job.options.title or "", "source_asset_id": job.source_asset_id,
                         "start": format_ms(job.start_ms), "end": format_ms(job.end_ms), "state": job.state.value,
                         "clip_asset_id": job.asset_id or "", **{k.lower().replace(" ", "_"): v
                                                                 for k, v in self.job_urls(job).items()}})
        if path.suffix.lower() == ".json":
            path.write_text(json.dumps(rows, indent=2), encoding="utf-8")
        else:
            fields = list(dict.fromkeys(k for r in rows for k in r)) or ["id"]
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)
        self.show_message(f"Exported {len(rows)} clips to {path}.")

    def _on_export_clicked(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getSaveFileName(self, "Export clips", "clips.csv", "CSV (*.csv);;JSON (*.json)")
        if name:
            self.export_clips(Path(name))

    def _copy(self, url: str) -> None:
        QGuiApplication.clipboard().setText(url)
        self.show_message(f"Copied {url}")

    def _retry(self, job: ClipJob) -> None:
        assert job.id is not None
        try:
            self.session.jobs.retry(job.id)
        except ValueError as exc:
            self.show_message(str(exc))

    def _notify(self, jobs: list[ClipJob], where: str | None = None) -> None:
        """A tray message when clips are ready or failed (one for a burst): never a dialog for a routine
        event. ``where``: the environment they belong to, when it is not the one shown."""
        from muxclipper.core.jobs import JobState

        done = [job for job in jobs if job.state in (JobState.READY, JobState.ERRORED, JobState.FAILED)]
        if not done:
            return
        if len(done) == 1:
            [job] = done
            title = job.options.title or f"Clip #{job.id}"
            text = f"{title} is ready" if job.state is JobState.READY else f"{title} {job.state.value}: {job.error or ''}"
        else:
            ready = sum(job.state is JobState.READY for job in done)
            failed = len(done) - ready
            text = ", ".join(filter(None, (f"{ready} clips ready" if ready else "",
                                           f"{failed} failed (see the Clips table{' there' if where else ''})" if failed else "")))
        if where is not None:
            text = f"{where}: {text}"
        self.show_message(text)
        if self.tray is not None:
            from PySide6.QtWidgets import QSystemTrayIcon

            icon = QSystemTrayIcon.MessageIcon.Information if all(j.state is JobState.READY for j in done) \
                else QSystemTrayIcon.MessageIcon.Warning
            self.tray.showMessage("muxclipper", text, icon)

    # ------------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        """The docks' layout and the last choices (the window's size was restored with the frame)."""
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        self.quality_box.setCurrentIndex(max(self.quality_box.findData(self.settings.value("clip/quality")), 0))
        self.policy_box.setCurrentIndex(max(self.policy_box.findData(self.settings.value("clip/policy", "public")), 0))
        self.mp4_box.setChecked(bool(self.settings.value("clip/mp4", False, type=bool)))
        self.editor.format_box.setCurrentIndex(
            max(self.editor.format_box.findData(self.settings.value("editor/display", "hms")), 0))
        self.sources.set_recent(self._recent())

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        if not self.panels_built:  # closed while starting: the saved layout and choices stay as they were
            self.settings.sync()
            return
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("clip/quality", self.quality_box.currentData())
        self.settings.setValue("clip/policy", self.policy_box.currentData())
        self.settings.setValue("clip/mp4", self.mp4_box.isChecked())
        self.settings.setValue("editor/display", self.editor.format_box.currentData())
        self.settings.sync()

    async def aclose(self) -> None:
        self.save_settings()
        if not self.panels_built:
            return
        if self._attached:
            await self._settle_pending_delete()
        if self.tray is not None:
            self.tray.hide()
        self._live_timer.stop()
        self.editor.player.unload()
        self.bridge.cancel_all()
        import asyncio

        await asyncio.sleep(0)  # let the cancelled tasks finish before the session's HTTP client closes

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.save_settings()
        if self.panels_built:
            self._live_timer.stop()
        if self._editor_built:  # also closed while a preview was loading: its threads stop
            self.editor.player.unload()
        super().closeEvent(event)
