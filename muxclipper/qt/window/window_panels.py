"""The window's panels, built together once the frame is on screen, and what reaches all of them at once: a
session attached or let go, a source opened or grown, the saved layout and choices.

Start-up loads this module (and through it the panels, QtMultimedia's widgets aside, asyncio and the core's types)
only after the window's first paint: lazy loading by module, in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QHBoxLayout, QMainWindow, QScrollArea, QWidget

from muxclipper.core.models import Asset
from muxclipper.core.source_facts import source_label
from muxclipper.core.timecode import exact_rate
from muxclipper.mux.urls import asset_input
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.clip_options.clip_options_panel import ClipOptionsPanel
from muxclipper.qt.clip_options.clip_presets_controller import PresetController
from muxclipper.qt.clips.clip_creator import ClipCreator
from muxclipper.qt.clips.clip_notices import ClipNotices
from muxclipper.qt.clips.clips_panel import ClipsPanel
from muxclipper.qt.editor.audio_position import AUDIO_RATE
from muxclipper.qt.editor.editor_pictures import EditorPictures
from muxclipper.qt.editor.editor_widget import EditorWidget
from muxclipper.qt.editor.live_edge_follower import LiveEdgeFollower
from muxclipper.qt.editor.recording_watcher import RecordingWatcher
from muxclipper.qt.editor.slate_proposals import SlateProposals
from muxclipper.qt.editor.watermark_image import WatermarkImages
from muxclipper.qt.segments.segments_panel import SegmentsPanel
from muxclipper.qt.sources.sources_panel import SourcesPanel
from muxclipper.qt.window.replay_controller import ReplayController
from muxclipper.qt.window.work_memory import WorkMemory

if TYPE_CHECKING:
    from muxclipper.services.session import Session


def _scrolling(panel: QWidget) -> QScrollArea:
    """``panel`` in a scroll area: on a short screen it scrolls rather than squash its rows or grow the window."""
    area = QScrollArea()
    area.setAccessibleName(panel.accessibleName() or "Scrolling panel")  # focusable: a screen reader names it
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(panel)
    return area


@dataclass
class WindowPanels:
    editor: EditorWidget
    bridge: Bridge
    sources: SourcesPanel
    clip_options: ClipOptionsPanel
    creator: ClipCreator
    segments: SegmentsPanel
    clips: ClipsPanel
    notices: ClipNotices
    recording: RecordingWatcher
    pictures: EditorPictures
    memory: WorkMemory
    _stop_notices: Callable[[], None] | None = None
    slates: SlateProposals | None = None
    presets: PresetController | None = None
    watermark_images: WatermarkImages | None = None
    replay: ReplayController | None = None
    follower: LiveEdgeFollower | None = None
    replay_button: QWidget | None = None
    live_tools: QWidget | None = None  # Follow live and Replay, in the transport while a recording in progress is open

    @classmethod
    def build(cls, window: QMainWindow, editor: EditorWidget, settings: QSettings,
              environment_names: dict[str, str]) -> WindowPanels:
        bridge = Bridge(window)
        clip_options = ClipOptionsPanel(window)
        sources = SourcesPanel(bridge, settings, window)
        creator = ClipCreator(clip_options, window)

        def source_facts(asset_id: str) -> tuple[str | None, Fraction | None]:
            """What the clips table shows of a clip's source: the open one, or one listed."""
            asset = creator.source if creator.source is not None and creator.source.id == asset_id else \
                sources.model.find(asset_id) or sources.live.recording(asset_id)
            if asset is None:
                return None, None
            return (source_label(asset, sources.model.stream_titles),
                    exact_rate(asset.frame_rate) if asset.frame_rate else None)

        clips = ClipsPanel(bridge, environment_names, window, source_facts)

        def source_playback_id(asset_id: str) -> str | None:
            """A clip's source's public playback id, for its instant clip: the open source, or one listed."""
            asset = creator.source if creator.source is not None and creator.source.id == asset_id else \
                sources.model.find(asset_id)
            public = asset.playback_id("public") if asset is not None else None
            return public.id if public is not None else None

        clips.delivery.source_playback_id = source_playback_id
        sources.model.modelReset.connect(clips.jobs_model.sources_known)
        sources.model.rowsInserted.connect(lambda *_: clips.jobs_model.sources_known())
        editor.format_box.currentIndexChanged.connect(
            lambda _: clips.jobs_model.set_display(str(editor.format_box.currentData())))
        # Finding the slates: its words go to the status line with the editor's; Enter stays with the fields.
        slates = SlateProposals(editor, bridge,
                                lambda plans: creator.top_and_tail_at_slates(plans, sources.model.stream_titles))
        slates.message.connect(editor.message)
        slates.name_of = lambda asset: source_label(asset, sources.model.stream_titles)
        sources.slate_trim_requested.connect(slates.trim)
        slates.watch(window)
        panels = cls(editor=editor, bridge=bridge, sources=sources, clip_options=clip_options, creator=creator,
                     segments=SegmentsPanel(window, bridge), clips=clips, notices=ClipNotices(window.windowIcon(), window),
                     recording=RecordingWatcher(bridge, window), pictures=EditorPictures(editor, bridge),
                     memory=WorkMemory(settings, window), slates=slates)
        panels.presets = PresetController(clip_options, parent=window, bridge=bridge)
        # The watermark's preview on the picture, with its image fetched through the session.
        panels.watermark_images = WatermarkImages(editor, bridge, clip_options.extras.source_size)
        clip_options.extras.preview_changed.connect(panels.watermark_images.show_preview)
        # The live replay (R) and following the live edge (F): their buttons in the editor while a recording in
        # progress is open, Undo replay beside the clips.
        panels.replay = ReplayController(sources.live, clips.delivery, bridge, settings, lambda: creator.source,
                                         clip_options.options, window)
        panels.follower = LiveEdgeFollower(editor, window)
        # Both beside the playhead's time, short: the transport and the marks rows have little room left on a
        # 1280-pixel screen (with wider buttons the window grew past its edge).
        live_tools = QWidget(editor.transport)
        row = QHBoxLayout(live_tools)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        panels.replay_button = panels.replay.editor_button(live_tools)
        for tool in (panels.follower.button, panels.replay_button):
            tool.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # clicked, the keys go on working where they were
            row.addWidget(tool)
        editor.transport.add_tool(live_tools)
        live_tools.hide()
        panels.live_tools = live_tools

        clips.add_tool(panels.replay.undo_button)
        return panels

    def dock_into(self, window: QMainWindow) -> None:
        """The window's layout: sources left, clip options right, the clips, segments and watermark as tabs below the
        editor (movable, floatable). The side columns take the window's whole height: with the clips spanning the
        width under them, the right column's options and segments needed more than a 1280×720 screen has, and the
        window grew past the bottom of the screen, its status line with it."""
        window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        for title, widget, area in (("Sources", self.sources, Qt.DockWidgetArea.LeftDockWidgetArea),
                                    ("Clip", self.clip_options, Qt.DockWidgetArea.RightDockWidgetArea),
                                    ("Segments", self.segments, Qt.DockWidgetArea.BottomDockWidgetArea),
                                    ("Watermark", _scrolling(self.clip_options.extras.watermark_panel),
                                     Qt.DockWidgetArea.BottomDockWidgetArea),
                                    ("Clips", self.clips, Qt.DockWidgetArea.BottomDockWidgetArea)):
            dock = QDockWidget(title, window)
            dock.setObjectName(f"dock-{title.lower()}")
            dock.setWidget(widget)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            window.addDockWidget(area, dock)
        # The watermark's fields are a tab beside the clips, under the picture they are previewed on (the right-hand
        # column has no room left at 720p, and a tab bar there would push the window past such a screen).
        # The segments are a tab there too: in the right-hand column, under the clip options, their table showed one
        # row at 1280×720; here, as wide as the editor, it shows four and more.
        clips_dock = window.findChild(QDockWidget, "dock-clips")
        watermark_dock = window.findChild(QDockWidget, "dock-watermark")
        segments_dock = window.findChild(QDockWidget, "dock-segments")
        if clips_dock is not None and watermark_dock is not None and segments_dock is not None:
            window.tabifyDockWidget(clips_dock, segments_dock)
            window.tabifyDockWidget(segments_dock, watermark_dock)
            self.segments.attention_wanted.connect(segments_dock.raise_)
            self.segments.add_requested.connect(segments_dock.raise_)
            clips_dock.raise_()
            # A raise before the window is first shown is lost (the last tab added was in front at start: seen on the
            # real window); once more when the event loop runs, after show().
            QTimer.singleShot(0, clips_dock.raise_)
            self.clip_options.extras.watermark_box.toggled.connect(
                lambda on: watermark_dock.raise_() if on else None)
            # A clip created shows in the clips table at once, whichever tab was in front.
            self.clips.jobs_model.rowsInserted.connect(lambda *_: clips_dock.raise_())

    def attach(self, session: Session, confirm_create: bool) -> None:
        self.sources.show_environment(session.environment.key)
        self.sources.attach(session)
        self.clips.attach(session)
        self.pictures.attach(session.pictures)
        if self.slates is not None:
            self.slates.attach(session.slates)
        self.creator.attach(session, confirm_create)
        if self.presets is not None:
            self.presets.attach(session.environment.key, session.environment.name)
        if self.watermark_images is not None:
            self.watermark_images.attach(session.pictures)
        if self.replay is not None:
            self.replay.attach(session, confirm_create)
        self._stop_notices = self.notices.follow(session)

    async def detach(self) -> None:
        """A deletion waiting for its undo time is carried out, what was in flight is cancelled, and the source, its
        marks and segments, the lists and the clips table are cleared."""
        self.memory.close()
        await self.clips.detach()
        if self._stop_notices is not None:
            self._stop_notices()
            self._stop_notices = None
        self.recording.stop()
        await self.bridge.cancel_and_wait()  # before the session's HTTP client closes
        self.creator.attach(None, False)
        if self.replay is not None:
            self.replay.attach(None)
        self._show_live(None)
        if self.presets is not None:
            self.presets.attach(None)
        if self.watermark_images is not None:
            self.watermark_images.attach(None)
        self.editor.close_source()
        self.pictures.detach()
        if self.slates is not None:
            self.slates.show(None)
            self.slates.attach(None)
        self.segments.set_segments([])
        self.clip_options.show_source(None)
        self.clip_options.show_drafts("", "")  # the closed source's title names nothing in the next environment
        self.sources.detach()

    def show_source(self, asset: Asset, session: Session, stream_url: str) -> None:
        """``asset`` (playable: a public playback id, or a signed one the session can sign; a frame rate and a
        duration) into every panel: the editor plays it, the options show its facts, the segments and the clips filter
        follow it, a recording is watched."""
        assert session.urls.playable(asset) is not None
        assert (asset.frame_rate is not None or asset.audio_only) and asset.duration_ms is not None
        rate = AUDIO_RATE if asset.audio_only or asset.frame_rate is None else exact_rate(asset.frame_rate)
        # First: what was open is saved before opening this one resets the marks.
        in_ms, out_ms, segments = self.memory.open(session.environment.key, asset.id)
        name = source_label(asset, self.sources.model.stream_titles)  # as the sources list names it
        self.clip_options.show_source(asset, name)
        # The title and passthrough typed for this source (none: empty), never the previous source's.
        self.clip_options.show_drafts(self.memory.draft("title"), self.memory.draft("passthrough"))
        if self.slates is not None:
            self.slates.show(asset)  # a search on the previous source is cancelled
        self.segments.set_source(asset.duration_ms, rate, name, asset_input(asset.id), audio_only=asset.audio_only)
        self.segments.playback_ids = tuple(p.id for p in asset.playback_ids)
        # Where its segments start, as the relay read them from the playlist: the player reaches the frames before each
        # boundary without first missing them (qt/editor/frame_seeker.py).
        relay = session.recordings
        self.editor.player.segment_starts = relay.segment_starts if relay is not None else None
        self.editor.open_source(stream_url, asset.duration_ms, rate, growing=asset.is_live, audio_only=asset.audio_only)
        self.pictures.show(asset)
        self.recording.watch(asset, session.client)
        self.creator.look_up_live_stream(asset, self.bridge)
        self.clips.set_source(asset.id)
        self._show_live(asset)
        self.sources.remember(asset)
        # The marks and segments kept for this source (a restart, or opening it again) come back.
        marked = self.editor.timeline.marked
        if in_ms is not None and in_ms < asset.duration_ms:
            marked = marked.with_in(in_ms)
        if out_ms is not None and out_ms <= asset.duration_ms:
            marked = marked.with_out(out_ms)
        self.editor.show_range(marked)
        self.segments.set_segments(segments)

    def _show_live(self, asset: Asset | None) -> None:
        """The live tools (Replay, Follow live) are shown while the open source is a recording in progress."""
        if self.follower is not None:
            self.follower.set_source(asset)
        live = asset is not None and asset.is_live
        # The volume gives up some width to the live tools (the transport row has no other room at 1280 pixels):
        # narrowed before they show, widened after they hide. The other way round the row was, for a moment, wider
        # than the window's room, and the window grew past the right edge of a 1280-pixel screen for good.
        if live:
            self.editor.transport.volume.setFixedWidth(32)
        if self.live_tools is not None:
            self.live_tools.setVisible(live)
        if not live:
            self.editor.transport.volume.setFixedWidth(90)

    def follow_source(self, asset: Asset) -> None:
        """The open source as Mux has it now (a recording grew or ended)."""
        if self.follower is not None:
            self.follower.grown(asset)
        if not asset.is_live:
            self._show_live(asset)  # the broadcast ended: the live tools go
        self.clip_options.show_source(asset, source_label(asset, self.sources.model.stream_titles))
        self.pictures.follow(asset)
        if self.slates is not None:
            self.slates.follow(asset)
        if asset.duration_ms is not None:
            self.editor.set_duration(asset.duration_ms)
            self.segments.duration_ms = asset.duration_ms
        self.creator.check(self.editor.timeline.marked)

    def restore(self, settings: QSettings) -> None:
        self.clip_options.restore(settings)
        self.editor.format_box.setCurrentIndex(
            max(self.editor.format_box.findData(settings.value("editor/display", "hms")), 0))

    def save(self, settings: QSettings) -> None:
        self.clip_options.save(settings)
        settings.setValue("editor/display", self.editor.format_box.currentData())

    async def aclose(self, settle: bool) -> None:
        """The window closes: the work on the open source is saved, a deletion in its undo time is carried out
        (``settle``: a session is attached), playback and polling stop, tasks are cancelled."""
        self.memory.save()
        if settle:
            await self.clips.settle_pending_delete()
        self.notices.close()
        self.sources.stop()
        self.recording.stop()
        self.editor.player.unload()
        if self.watermark_images is not None:
            self.watermark_images.attach(None)  # its fetch, waiting for the address to settle, is not started after
        await self.bridge.cancel_and_wait()  # before the session's HTTP client closes
