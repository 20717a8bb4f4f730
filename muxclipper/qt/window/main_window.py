"""The main window: a frame that lays out the panels and wires them. Sources on the left, the editor in the middle,
the clip options and segments on the right, the clips below, the environment bar on top. Routine events never open
a dialog: results and problems go to the status line.

Each panel is its own module and speaks through signals; the window holds no feature of its own beyond deciding
what a user's request means across panels (opening a source, creating clips, switching environments).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeGuard, cast

# Start-up paints this window's frame before the panels exist, so this module imports only what the frame
# needs; build_editor() and build_panels() import the panels (QtMultimedia, asyncio, the services' types: each
# costs tens of milliseconds) once the frame is on screen.
from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDockWidget, QLabel, QMainWindow, QSizePolicy

from muxclipper.core.sources import SourceRefError, parse_source
from muxclipper.core.timecode import format_ms
from muxclipper.qt.environments.environment_bar import NO_ENVIRONMENT_COLOUR, EnvironmentBar, open_work_words
from muxclipper.qt.window.history_watcher import HistoryWatcher
from muxclipper.qt.window.menu_bar import MenuBar
from muxclipper.qt.window.window_geometry import first_size, fit_to_screen
from muxclipper.services import paths
from muxclipper.services.environment import EnvironmentFace

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    from muxclipper.core.marking import MarkedRange
    from muxclipper.core.models import Asset
    from muxclipper.core.segments import Segment
    from muxclipper.qt.bridge import Bridge
    from muxclipper.qt.clip_options.clip_options_panel import ClipOptionsPanel
    from muxclipper.qt.clips.clip_creator import ClipCreator
    from muxclipper.qt.clips.clip_notices import ClipNotices
    from muxclipper.qt.clips.clips_panel import ClipsPanel
    from muxclipper.qt.editor.editor_widget import EditorWidget
    from muxclipper.qt.editor.recording_watcher import RecordingWatcher
    from muxclipper.qt.segments.segments_panel import SegmentsPanel
    from muxclipper.qt.sources.sources_panel import SourcesPanel
    from muxclipper.qt.window.window_panels import WindowPanels
    from muxclipper.services.session import Session

__all__ = ["NO_ENVIRONMENT_COLOUR", "MainWindow"]
log = logging.getLogger(__name__)


def _is_session(given: object) -> TypeGuard[Session]:
    return hasattr(given, "jobs")  # a Session; not imported here (it brings httpx)


#: The docks' layout version: 1 moved the segments from under the clip options to a tab beside the clips (their table
#: showed one row at 1280×720). A layout saved with another version is not restored; the new default shows instead.
LAYOUT_VERSION = 1

class MainWindow(QMainWindow):
    """The window of one environment at a time. Given a :class:`Session` it is ready at once; given just the
    :class:`Environment` (or None: none is usable yet) it can be shown first and the session attached when
    open. The environment selector asks for another with ``environment_chosen``; the owner :meth:`detach`es the
    session, :meth:`switch_to`s the new environment and attaches its session.

    Start-up goes further: ``panels=False`` makes only the frame (the environment bar, the status line, the
    saved size), which paints in a fraction of the time; :meth:`build_panels` then imports and adds the
    editor, the sources, the clip options, the segments and the clips, and restores their saved layout.

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
    clip_options: ClipOptionsPanel
    segments: SegmentsPanel
    clips: ClipsPanel
    creator: ClipCreator
    notices: ClipNotices
    recording: RecordingWatcher
    panels: WindowPanels

    def __init__(self, session: Session | EnvironmentFace | None, colour: str = "#1565c0", *,
                 confirm_create: bool = False, settings: QSettings | None = None, panels: bool = True) -> None:
        super().__init__()
        attached = session if _is_session(session) else None
        # Before a session: what to show (a stored environment's secret may still be in the keyring).
        self.environment: EnvironmentFace | None = (
            attached.environment if attached is not None else cast("EnvironmentFace | None", session))
        self._painted = False
        self.panels_built = False
        self._editor_built = False
        self._attached = False
        self._confirm_create = confirm_create
        self.settings = settings or QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)
        self._asset: Asset | None = None
        self._about: QDialog | None = None
        self._history_watcher: HistoryWatcher | None = None
        self._build_frame()
        self._show_environment(colour)
        if attached is None and self.environment is not None:
            self.show_message(f"Connecting to {self.environment.name}…")
        if panels:
            self.build_panels()
        if attached is not None:
            self.attach(attached)

    # ------------------------------------------------------------------ the frame
    def _build_frame(self) -> None:
        """What the first paint shows: the environment (so nobody mistakes production for staging) with its
        selector, the status line, the window at its saved size."""
        self.environment_bar = EnvironmentBar(self, losing=self.open_work)
        self.environment_bar.environment_chosen.connect(self.environment_chosen)
        self.environment_bar.manage_requested.connect(self.manage_environments_requested)
        self.environment_bar.message.connect(self.show_message)
        self.addToolBar(self.environment_bar)
        self.menus = MenuBar(self, open_environments=self.environment_bar.open_selector, about=self.show_about)
        self.setMenuBar(self.menus)
        self.status = QLabel(self)
        self.status.setAccessibleName("Messages")
        # A long message is cut at the window's edge (the whole of it is the tooltip): it must not widen the window.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.statusBar().addWidget(self.status, 1)
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            first_size(self)
        fit_to_screen(self)

    def _show_environment(self, colour: str) -> None:
        name = self.environment.name if self.environment is not None else None
        self.setWindowTitle(f"muxclipper — {name or 'No environment'}")
        self.environment_bar.show_environment(name, colour)

    def show_about(self) -> None:
        """Help → About (versions, licences), beside the window."""
        from muxclipper.qt.window.about_dialog import AboutDialog

        if self._about is None:
            self._about = AboutDialog(self)
        self._about.show()
        self._about.raise_()

    def show_message(self, text: str) -> None:
        self.status.setText(text)
        self.status.setToolTip(text)
        log.info("message: %s", text)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.painted.emit()

    # ------------------------------------------------------------------ the panels
    def build_editor(self, preview: str | None = None) -> bool:
        """The player and its timeline, before the rest: ``preview``, a source named at start-up, starts loading
        at once if it is a stream URL (see :meth:`preview_text`), while the rest is imported and built.
        Answers whether it did. (:meth:`build_panels` builds the editor too, if this was not called.)"""
        from muxclipper.qt.editor.editor_widget import EditorWidget

        self.editor = EditorWidget(self)
        self.editor.setEnabled(self._attached)
        self.setCentralWidget(self.editor)
        self._editor_built = True
        return preview is not None and self.preview_text(preview)

    def build_panels(self) -> None:
        """The sources, the clip options, the segments and the clips around the editor (``qt/window/window_panels.py``),
        with their saved layout and choices, wired. Disabled until a session is attached."""
        if not self._editor_built:
            self.build_editor()
        from muxclipper.qt.window.window_panels import WindowPanels

        names = {self.environment.key: self.environment.name} if self.environment else {}
        self.panels = panels = WindowPanels.build(self, self.editor, self.settings, names)
        self.bridge, self.sources, self.clip_options, self.creator = (panels.bridge, panels.sources,
                                                                       panels.clip_options, panels.creator)
        self.segments, self.clips, self.notices, self.recording = (panels.segments, panels.clips, panels.notices,
                                                                   panels.recording)
        panels.dock_into(self)
        self._wire()
        self.sources.open_field.setAcceptDrops(False)  # a drop anywhere opens the source (see dropEvent)
        self.setAcceptDrops(True)
        self.panels_built = True
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state, LAYOUT_VERSION)  # a layout saved by an older muxclipper is not restored
        panels.restore(self.settings)
        self.editor.local_keys.watch(self)  # the lists, tables and drop-downs of every panel keep up and down
        self._set_working(self._attached)

    def _wire(self) -> None:
        for speaker in (self.bridge.failed, self.editor.message, self.segments.message, self.clips.message,
                        self.clip_options.message, self.notices.said, self.creator.message):
            speaker.connect(self.show_message)
        self.sources.open_text.connect(self.open_text)
        self.sources.asset_activated.connect(self.open_asset_id)
        self.sources.trim_requested.connect(
            lambda assets, head, tail: self.creator.top_and_tail(assets, head, tail, self.sources.model.stream_titles))
        self.editor.create_requested.connect(self.create_clip)
        self.editor.range_changed.connect(self.creator.check)
        self.editor.player.frame_shown.connect(lambda frame, ms: self.frame_on_screen.emit(frame))
        self.clip_options.create_requested.connect(lambda: self.create_clip(self.editor.timeline.marked))
        for field in (self.clip_options.title_field, self.clip_options.passthrough_field):
            field.textChanged.connect(lambda _: self.creator.check(self.editor.timeline.marked))
        self.segments.add_requested.connect(self._on_segments_add_requested)
        self.segments.create_all_requested.connect(self.creator.create_segments)
        self.segments.segment_activated.connect(self._on_segment_activated)
        self.segments.segments_changed.connect(
            lambda segments: self.editor.set_edit_points([ms for s in segments for ms in (s.start_ms, s.end_ms)]))
        self.segments.segments_changed.connect(self.panels.memory.segments_changed)
        self.editor.range_changed.connect(self.panels.memory.marks_changed)
        self.clip_options.title_field.textChanged.connect(lambda text: self.panels.memory.draft_changed("title", text))
        self.clip_options.passthrough_field.textChanged.connect(
            lambda text: self.panels.memory.draft_changed("passthrough", text))
        self.menus.add_panels(self.editor, self.sources, self.segments, self.clips, self.creator, self.clip_options)
        self._wire_live()
        self.clips.play_requested.connect(self.open_asset_id)
        self.clips.source_requested.connect(self.open_asset_id)
        self.recording.grown.connect(self._on_recording_grown)
        self.recording.ended.connect(
            lambda _: self.show_message("The recording has ended; its full length is on the timeline."))

    def _wire_live(self) -> None:
        """The replay (R, Shift+R) and following the live edge (F): window keys, in the Clip and Playback menus."""
        from muxclipper.qt.editor.keymap import install

        replay, follower = self.panels.replay, self.panels.follower
        assert replay is not None and follower is not None
        replay.message.connect(self.show_message)
        follower.message.connect(self.show_message)
        actions = install(self, self.editor.keymap, {"replay": lambda: replay.replay(), "undo_replay": replay.undo,
                                                     "follow_live": follower.toggle})
        actions["follow_live"].setCheckable(True)
        follower.following_changed.connect(actions["follow_live"].setChecked)
        actions["follow_live"].triggered.connect(lambda: actions["follow_live"].setChecked(follower.following))
        self.menus.add_live(actions, follower.delays)
        self.live_actions = actions

    def _set_working(self, enabled: bool) -> None:
        """Nothing can be clicked before there is a session to act through."""
        for widget in (self.editor, *(dock.widget() for dock in self.findChildren(QDockWidget))):
            widget.setEnabled(enabled)

    # ------------------------------------------------------------------ environments and sessions
    def set_environment_choices(self, choices: list[tuple[str, str, str]], current: str | None,
                                manageable: bool = True) -> None:
        """What the selector offers: (key, name, colour) each, ``current`` the one shown."""
        self.environment_bar.set_choices(choices, current, manageable)

    def choose_environment(self, key: str) -> None:
        """Ask the owner to switch to ``key`` (see :meth:`EnvironmentBar.choose`: open work is named first)."""
        self.environment_bar.choose(key)

    def open_work(self) -> str:
        """What switching environments would close, in words ('' if nothing worth keeping is open)."""
        if not self.panels_built or self.asset is None:
            return ""
        marked, count = self.editor.timeline.marked, len(self.segments.segments())
        marks = "its in and out marks" if marked.in_ms is not None or marked.out_ms is not None else ""
        return open_work_words(self.source_name(self.asset), marks, count)

    @property
    def environment_key(self) -> str | None:
        """The selector's key of the environment shown (None: none yet)."""
        return self.environment_bar.current_key

    @property
    def asset(self) -> Asset | None:
        """The source open in the editor (None: none)."""
        return self._asset

    @asset.setter
    def asset(self, asset: Asset | None) -> None:
        self._asset = asset
        if self.panels_built:
            self.creator.source = asset  # what the marks are checked against and clipped from
            self.editor.set_recording_times(asset.recording_times if asset is not None else ())

    @property
    def confirm_create(self) -> bool:
        """Whether creating asks twice (an environment that looks like production)."""
        return self._confirm_create

    @confirm_create.setter
    def confirm_create(self, value: bool) -> None:
        self._confirm_create = value
        if self.panels_built:
            self.creator.confirm_create = value
            if self.panels.replay is not None:
                self.panels.replay.confirm_create = value

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
            self.clips.set_environment_names({face.key: face.name})

    def switch_to(self, environment: EnvironmentFace, colour: str, confirm_create: bool,
                  key: str | None = None) -> None:
        """Show ``environment`` (its session is attached next). Call after :meth:`detach`."""
        if self._attached:
            raise RuntimeError("detach() the current session first")
        self.environment = environment
        self.confirm_create = confirm_create
        self.environment_bar.forget_choice()
        if self.panels_built:
            self.creator.attach(None, confirm_create)
        self._show_environment(colour)
        if key is not None:
            self.environment_bar.set_current(key)
        if self.panels_built:
            self.clips.set_environment_names({environment.key: environment.name})
            self.sources.show_environment(environment.key)
        self.show_message(f"Connecting to {environment.name}…")

    def attach(self, session: Session) -> None:
        if not self.panels_built:
            raise RuntimeError("build_panels() first: the panels are what the session drives")
        self.session = session
        self.environment = session.environment
        self._attached = True
        self._set_working(True)
        self.show_message("")
        self.panels.attach(session, self.confirm_create)

    def start(self) -> None:
        """The session's work begins: its clips listed (unfinished ones resumed) and its sources loaded."""
        self.clips.show_history()
        self.session.jobs.resume()
        self._hear_history()
        self.sources.load()

    def _hear_history(self) -> None:
        """Another muxclipper's writes to the job history reach this window: a duplicate watch a command left is
        taken up, and its jobs are followed (taken up if it dies)."""
        self._stop_hearing_history()
        self._history_watcher = HistoryWatcher(self.session.jobs.history_path, self)
        self._history_watcher.changed.connect(self.session.jobs.rescan)

    def _stop_hearing_history(self) -> None:
        watcher = self._history_watcher
        if watcher is not None:
            watcher.stop()
            watcher.deleteLater()
            self._history_watcher = None

    def open_last_source(self) -> bool:
        """The source open when this environment was last left, with its marks and segments (False: none)."""
        asset_id = self.panels.memory.last_source(self.session.environment.key)
        if asset_id is None:
            return False
        self.bridge.run(self.session.client.get_asset(asset_id), self.open_asset, "Opening the source you had open")
        return True

    async def detach(self) -> None:
        """Let go of the session (the user switches environments): a clip deletion waiting for its undo time is
        carried out now, what was in flight is cancelled, and the source, its marks and segments, the lists and
        the clips table are cleared. The session may stay open to follow its clips (:meth:`follow_in_background`)."""
        if not self._attached:
            return
        self._attached = False
        self._set_working(False)
        self._stop_hearing_history()
        await self.panels.detach()
        self.asset = None

    def follow_in_background(self, session: Session) -> Callable[[], None]:
        """An environment the window has left goes on making its clips: their endings are still told (status line,
        tray), under the environment's name. Returns what stops it (on coming back to that environment)."""
        return self.notices.follow(session, where=session.environment.name)

    # ------------------------------------------------------------------ opening a source
    def open_asset_id(self, asset_id: str) -> None:
        self.bridge.run(self.session.client.get_asset(asset_id), self.open_asset, "Opening the source")

    def open_text(self, text: str) -> asyncio.Task[Asset] | None:
        """An asset id, playback id or stream URL, typed, pasted, dropped or given on the command line.
        Returns the task that resolves it (None if the text names no source: the status line says why)."""
        try:
            ref = parse_source(text, self.session.environment.endpoints.stream)
        except SourceRefError as exc:
            self.show_message(str(exc))
            return None
        self.sources.open_field.setText(text.strip())
        return self.bridge.run(self.session.client.resolve_source(ref), self.open_asset, "Opening the source")

    def preview_text(self, text: str) -> bool:
        """Start the picture of a stream URL named at start-up before the session is open (its asset arrives later
        through :meth:`open_text`). True if a preview started (``editor.player.preview_settled`` follows)."""
        return self.environment is not None and self.editor.preview_text(text, self.environment.endpoints)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        data = event.mimeData()
        text = data.urls()[0].toString() if data.hasUrls() else data.text()
        event.acceptProposedAction()
        self.open_text((text.strip().splitlines() or [""])[0])  # a cell dragged out of a sheet ends in a newline

    def open_asset(self, asset: Asset) -> None:
        """``asset`` into every panel: the editor plays it, the options show its facts, the segments and the clips
        filter follow it, a recording is watched as it grows."""
        playback = self.session.urls.playable(asset)  # public, else signed with the environment's signing key
        if asset.audio_only and playback is not None and asset.duration_ms is not None:
            # Sound alone: no frame rate to make segment times exact by. A recording in progress goes through the
            # relay (what is recorded so far, as a finished playlist, loaded again as it grows); else the stream.
            stream = self.session.urls.hls(playback.id, playback.policy)
            if asset.is_live and self.session.recordings is not None:
                self.bridge.run(self.session.recordings.url_for(stream), lambda url: self._show_source(asset, url),
                                "Opening the recording")
            else:
                self._show_source(asset, stream)
            return
        if asset.audio_only:
            self.show_message(f"{self.source_name(asset)} is audio only (sound, no picture): it can be opened once it "
                              "is ready (or recording) and has a public playback id (or a signed one and a signing "
                              "key in the environment).")
            return
        if playback is None or asset.frame_rate is None or asset.duration_ms is None:
            self.show_message(f"{asset.id} cannot be played here yet: it needs a public playback id (or a signed one "
                              "and a signing key in the environment) and to be ready (or recording).")
            return
        stream = self.session.urls.hls(playback.id, playback.policy)
        if self.session.recordings is not None:
            # Through the relay (services/recording_relay.py): a recording in progress plays from its first frame,
            # and every source's segment times are made exact, so that each frame near a boundary can be reached.
            self.bridge.run(self.session.recordings.url_for(stream, asset.frame_rate),
                            lambda url: self._show_source(asset, url),
                            "Opening the recording" if asset.is_live else "Opening the source")
        else:
            self._show_source(asset, stream)

    def source_name(self, asset: Asset) -> str:
        """What the window calls ``asset``, as the sources list does: its title, else its live stream's name ("Saturday
        match recording"), else its id."""
        from muxclipper.core.source_facts import source_label  # (here: the window's frame comes first, light)

        return source_label(asset, self.sources.model.stream_titles)

    def _show_source(self, asset: Asset, stream_url: str) -> None:

        self.asset = asset
        self.sources.learn(asset)  # the list says what the options say: ready, the length recorded so far
        self.panels.show_source(asset, self.session, stream_url)
        self.editor.focus_timeline()  # opened to be marked: the keys act on it at once
        # Whatever a source shows (a recording's live tools and program time, long facts), the window stays inside
        # the screen: pulled back in once the new layout has settled, the status line with it.
        QTimer.singleShot(0, self, lambda: fit_to_screen(self))
        self.show_message(f"Opened {self.source_name(asset)} ({format_ms(asset.duration_ms or 0)}"
                          f"{', recording' if asset.is_live else ''}{', audio only' if asset.audio_only else ''}).")
        self.source_opened.emit(asset)

    def _on_recording_grown(self, asset: Asset) -> None:
        if self.asset is None or asset.id != self.asset.id:
            return
        self.asset = asset
        self.sources.learn(asset)
        self.panels.follow_source(asset)

    # ------------------------------------------------------------------ creating clips (qt/clips/clip_creator.py)
    def create_clip(self, marked: MarkedRange) -> None:
        self.creator.create_clip(marked)

    def _on_segments_add_requested(self) -> None:
        label = self.clip_options.title_field.text().strip() or f"Segment {self.segments.table.rowCount() + 1}"
        segment = self.creator.segment(self.editor.timeline.marked, label)
        if segment is not None:
            self.segments.add(segment)

    def _on_segment_activated(self, segment: Segment) -> None:
        self.editor.edit_range(self.editor.timeline.marked.with_in(segment.start_ms).with_out(segment.end_ms))
        self.editor.player.seek_ms(segment.start_ms)

    # ------------------------------------------------------------------ settings and closing
    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        if not self.panels_built:  # closed while starting: the saved layout and choices stay as they were
            self.settings.sync()
            return
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.panels.save(self.settings)
        self.settings.sync()

    async def aclose(self) -> None:
        self.save_settings()
        self._stop_hearing_history()
        if not self.panels_built:
            return
        await self.panels.aclose(settle=self._attached)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.save_settings()
        if self.panels_built:
            self.recording.stop()
            self.sources.stop()
        if self._editor_built:  # also closed while a preview was loading: its threads stop
            self.editor.player.unload()
        super().closeEvent(event)
