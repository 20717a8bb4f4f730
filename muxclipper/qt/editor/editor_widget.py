"""The editor: the player, its captions, the timeline, in/out fields, undo, and the keyboard map.

Everything a producer does to find and mark a range happens here; what the range becomes (a clip,
a batch segment) is the owner's business, told through ``create_requested``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from fractions import Fraction
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from muxclipper.core.captions import CaptionCue, CaptionTrack
from muxclipper.core.edit_points import SlateEdge, edit_points, next_edit_point
from muxclipper.core.marking import MarkedRange
from muxclipper.core.models import RecordingTime
from muxclipper.core.recording_clock import RecordingClock, format_wall
from muxclipper.core.sources import SourceRefError, parse_source
from muxclipper.core.timecode import DISPLAY_FORMATS, format_length, frame_to_ms
from muxclipper.core.watermark import Watermark
from muxclipper.core.waveform import Waveform
from muxclipper.mux.endpoints import Endpoints
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.qt.accessible_names import name_combo_box
from muxclipper.qt.editor.audio_position import AUDIO_RATE
from muxclipper.qt.editor.keymap import DEFAULT_KEYMAP, CheatSheet, KeyAction, LocalNavigationKeys, for_sound, install
from muxclipper.qt.editor.marker_history import MarkerHistory
from muxclipper.qt.editor.player import PlayerController
from muxclipper.qt.editor.timecode_edit import TimecodeEdit
from muxclipper.qt.editor.timeline import StoryboardTile, TimelineWidget
from muxclipper.qt.editor.timeline_regions import session_ticks, slate_regions
from muxclipper.qt.editor.transport_bar import TransportBar
from muxclipper.qt.editor.watermark_preview import WatermarkPreview
from muxclipper.qt.editor.waveform_view import WaveformCloseUp

STILLS = ("before in", "in", "last", "after out")
#: ← and → on an audio-only source: a hundredth of a second (a millisecond is too little to hear).
AUDIO_STEP_MS = 10
AUDIO_CARD = ("Audio only: sound, no picture.\nMark In and Out by ear and on the waveform below; times are in "
              "milliseconds (there are no frames).")


class StillView(QLabel):
    """A frame beside the cut, scaled to the room it has (down to a quarter of its full 160×90), or its name."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent)
        self.name = name
        self._picture: QPixmap | None = None
        self.setAccessibleName(f"Frame {name}")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(80, 45)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(160, 90)

    def show_picture(self, picture: QPixmap | None) -> None:
        self._picture = picture
        self._fit()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._picture is None:
            self.clear()
            self.setText(self.name)
            return
        self.setPixmap(self._picture.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
FORMAT_LABELS = {"hms": "HH:MM:SS.mmm", "smpte": "SMPTE", "frames": "Frames", "seconds": "Seconds"}


class EditorWidget(QWidget):
    """Signals:
        range_changed(MarkedRange): the in/out range changed.
        create_requested(MarkedRange): Ctrl+Enter.
        stills_requested(list): ``[(name, ms), …]`` for the frames around the cut, to check before
            submitting; the owner fetches them (thumbnail endpoint) and calls :meth:`set_still`.
        message(str): something to tell the user (a time that could not be read, a load failure).
    """

    range_changed = Signal(object)
    create_requested = Signal(object)
    stills_requested = Signal(list)
    message = Signal(str)

    watermark_preview: WatermarkPreview | None = None

    def __init__(self, parent: QWidget | None = None, keymap: tuple[KeyAction, ...] = DEFAULT_KEYMAP) -> None:
        super().__init__(parent)
        self.setAccessibleName("Editor")
        self.keymap = keymap
        self.video = QVideoWidget(self)
        self.video.setAccessibleName("Video")
        self.video.setMinimumSize(320, 180)
        self.player = PlayerController(self.video.videoSink(), self)
        self.caption_label = QLabel(self)
        self.caption_label.setAccessibleName("Captions")
        self.caption_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption_label.setWordWrap(True)
        self.timeline = TimelineWidget(self)
        self.position_field = TimecodeEdit("Playhead", self)
        self.in_field = TimecodeEdit("In point", self)
        self.out_field = TimecodeEdit("Out point", self, last_frame=True)
        self.length_label = QLabel(self)
        self.length_label.setAccessibleName("Clip length")
        self.format_box = QComboBox(self)
        name_combo_box(self.format_box, "Time display")
        for key in DISPLAY_FORMATS:
            self.format_box.addItem(FORMAT_LABELS[key], key)
        self.stills = {name: StillView(name, self) for name in STILLS}
        # An audio-only source: a card where the picture would be, the sound around the cut instead of its frames.
        self.audio_card = QLabel(AUDIO_CARD, self)
        self.audio_card.setAccessibleName("Audio only")
        self.audio_card.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.audio_card.setWordWrap(True)
        self.audio_card.setMinimumSize(320, 180)
        self.audio_card.setStyleSheet("background: #1b2a1c; color: #e8f5e9; font-size: 15px;")
        self.audio_card.hide()
        self.close_ups = {name: WaveformCloseUp(name, self) for name in ("In", "Out")}
        self.audio_only = False
        self._wave: Waveform | None = None
        self.history = MarkerHistory(self._apply_range, self)
        self._captions: CaptionTrack | None = None
        self.captions_visible = True
        self.follow_live = False
        self._cheat_sheet: CheatSheet | None = None
        self._said_problem = False  # a typed time was refused: the next good edit clears the message
        self._edit_points: list[int] = []
        self._recording = RecordingClock([])  # a live recording's sessions: wall clock, session edges
        self._slate_edges: list[SlateEdge] = []  # found by slate detection
        #: Where "local" is for wall-clock times; None: this computer's zone.
        self.wall_tz: tzinfo | None = None
        self.actions_by_id = install(self, keymap, self._handlers())
        self.actions_by_id["wall_clock"].setCheckable(True)
        self.actions_by_id["wall_clock"].setEnabled(False)  # until a live recording with sessions is open
        self.local_keys = LocalNavigationKeys(self)
        self.transport = TransportBar(self.player, self.actions_by_id, self.position_field, self)
        self._layout()
        self._connect()
        self.local_keys.watch(self)
        # Clicking the picture plays or pauses, as in every player; the keys then act on the editor.
        self.video.installEventFilter(self)

    def _layout(self) -> None:
        """Picture, captions, transport (with the playhead's time), timeline, in/out with the length and the time
        display, the frames around the cut. Each row fits the centre of a 1280-pixel-wide window."""
        marks = QHBoxLayout()
        for label, widget in (("In", self.in_field), ("Out", self.out_field)):
            text = QLabel(label, self)
            text.setBuddy(widget)
            marks.addWidget(text)
            marks.addWidget(widget)
        marks.addWidget(self.length_label)
        self.tools_row = marks  # add_tool puts buttons after the length
        marks.addStretch(1)
        marks.addWidget(self.format_box)
        stills = QHBoxLayout()
        for name in STILLS:
            stills.addWidget(self.stills[name], 1)
        for close_up in self.close_ups.values():
            stills.addWidget(close_up, 2)
            close_up.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.audio_card, 1)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.transport)
        layout.addWidget(self.timeline)
        layout.addLayout(marks)
        layout.addLayout(stills)

    def _connect(self) -> None:
        self.player.frame_shown.connect(self._on_player_frame_shown)
        self.player.failed.connect(self.message)
        self.player.duration_changed.connect(self._on_player_duration_changed)
        self.timeline.seek_requested.connect(self.player.seek_ms)
        self.timeline.range_changed.connect(self._on_timeline_range_changed)
        self.timeline.range_change_finished.connect(self._on_timeline_range_change_finished)
        self.in_field.committed.connect(self._on_in_field_committed)
        self.out_field.committed.connect(self._on_out_field_committed)
        self.position_field.committed.connect(self._on_position_field_committed)
        for field in (self.in_field, self.out_field, self.position_field):
            field.rejected.connect(self._say_problem)
            field.finished.connect(self._on_field_finished)
        self.format_box.currentIndexChanged.connect(self._on_format_changed)

    def _second(self) -> int:
        """Frames in a second at this source's rate."""
        return round(self.player.rate)

    def _handlers(self) -> dict[str, Callable[[], None]]:
        second = self._second
        return {
            "play_pause": self.player.toggle,
            "pause": self.player.pause,  # also ends a J/L shuttle
            "shuttle_back": self.player.shuttle_backward,
            "shuttle_forward": self.player.shuttle_forward,
            "frame_back": lambda: self.player.step(-self._step()),
            "frame_forward": lambda: self.player.step(self._step()),
            "second_back": lambda: self.player.step(-second()),
            "second_forward": lambda: self.player.step(second()),
            "ten_back": lambda: self.player.step(-10 * second()),
            "ten_forward": lambda: self.player.step(10 * second()),
            "mark_in": self.mark_in,
            "mark_out": self.mark_out,
            "go_in": self.go_in,
            "go_out": self.go_out,
            "go_first": lambda: self._go_to_frame(0),
            "go_last": lambda: self._go_to_frame(self.timeline.marked.cleared().last_frame),
            "clear": lambda: self.edit_range(self.timeline.marked.cleared()),
            "zoom_in": lambda: self.timeline.zoom(1.25),
            "zoom_out": lambda: self.timeline.zoom(1 / 1.25),
            "goto": self._on_goto,
            "create": lambda: self.create_requested.emit(self.timeline.marked),
            "undo": self.history.undo,
            "redo": self.history.redo,
            "captions": self.toggle_captions,
            "cheat_sheet": self.show_cheat_sheet,
            "leave_field": self.focus_timeline,
            "prev_edit": lambda: self.go_to_edit_point(-1),
            "next_edit": lambda: self.go_to_edit_point(1),
            "wall_clock": lambda: self._show_wall_clock(self.actions_by_id["wall_clock"].isChecked()),
        }

    def _step(self) -> int:
        """What ← and → move: a frame, or on sound alone :data:`AUDIO_STEP_MS`."""
        return AUDIO_STEP_MS if self.audio_only else 1

    # ------------------------------------------------------------------ the owner's calls
    def open_source(self, url: str, duration_ms: int, rate: Fraction, growing: bool = False,
                    audio_only: bool = False) -> None:
        """Play ``url`` (``growing``: a recording in progress, through the recording relay). ``audio_only``: sound
        and no picture, played and marked in milliseconds (``rate`` is then not used)."""
        if audio_only:
            rate = AUDIO_RATE
            if not self.player.audio_only:
                self.player.unload()  # a preview of it, if any, was loaded as a video
        self._set_audio_mode(audio_only)
        self.history.clear()
        self.timeline.set_source(duration_ms, rate)
        for field in (self.in_field, self.out_field, self.position_field):
            field.set_rate(rate)
        self.set_captions(None)
        if audio_only or not self.player.adopt(url, rate):  # the picture of a preview stays where it is
            self.player.load(url, rate, growing=growing, length_ms=None if growing else duration_ms,
                             audio_only=audio_only)
            self.player.set_available(duration_ms)

    def _set_audio_mode(self, audio_only: bool) -> None:
        """Sound alone: the card instead of the picture, the close-ups instead of the four frames, times in HH:MM:SS.mmm
        only (SMPTE and frame numbers name frames there are none of), no frame number beside the playhead."""
        self.audio_only = audio_only
        self.video.setVisible(not audio_only)
        self.audio_card.setVisible(audio_only)
        for still in self.stills.values():
            still.setVisible(not audio_only)
        for close_up in self.close_ups.values():
            close_up.setVisible(audio_only)
        if audio_only:
            self.format_box.setCurrentIndex(self.format_box.findData("hms"))
        self.format_box.setEnabled(not audio_only)
        self.format_box.setToolTip("Audio only: times are hours, minutes, seconds and milliseconds (no frames)"
                                   if audio_only else "")
        for field in (self.in_field, self.out_field, self.position_field):
            field.set_audio_only(audio_only)
        self.transport.frame_label.setVisible(not audio_only)
        for entry in self._keymap_named:  # ← → name no frames on sound
            action = self.actions_by_id.get(entry.id)
            if action is not None and action.text() != entry.label:
                action.setText(entry.label)
                self.transport.named(action)
        self.set_waveform(None)

    def set_waveform(self, wave: Waveform | None, note: str = "") -> None:
        """An audio-only source's sound (None: none, ``note`` says why), drawn on the timeline and around the cut;
        call :meth:`waveform_grown` as it fills in."""
        self._wave = wave
        self.timeline.waveform = wave
        self.timeline.setToolTip(note)
        self.waveform_grown()

    def waveform_grown(self) -> None:
        self.timeline.update()
        marked = self.timeline.marked
        self.close_ups["In"].show_cut(self._wave, marked.start_ms if self.audio_only else None)
        self.close_ups["Out"].show_cut(self._wave, marked.end_ms if self.audio_only else None)

    def close_source(self) -> None:
        """Nothing open: the player stops, and the timeline, marks, captions and stills are cleared (the
        window switched to another environment, where the source does not exist)."""
        self.player.unload()
        self.history.clear()
        self.timeline.set_source(0, self.player.rate)
        self.timeline.set_storyboard(QPixmap(), [])
        self.set_captions(None)
        self.clear_stills()
        self._set_audio_mode(False)  # nothing open: no card saying "audio only"
        self.player.audio_only = False

    def preview_text(self, text: str, endpoints: Endpoints) -> bool:
        """The picture of a stream URL (or playback id) named at start-up, before the session is open: its asset
        arrives later and :meth:`open_source` takes the picture over. (An asset id alone names no stream: only Mux
        knows its playback id.) True if a preview started (``player.preview_settled`` follows)."""
        try:
            ref = parse_source(text, endpoints.stream)
        except SourceRefError:
            return False  # opening it says why
        if ref.kind != "playback_id":
            return False
        self.preview(PlaybackUrls(endpoints).hls(ref.value))
        return True

    def preview(self, url: str) -> None:
        """The picture of a stream whose asset is still being asked for; :meth:`open_source` takes it over."""
        self.player.preview(url)

    def set_duration(self, duration_ms: int) -> None:
        """A live recording grew: the owner polls the asset's ``duration`` and passes it on (the player loads what
        was recorded since when it is asked for it). With ``follow_live`` the view
        and a paused playhead move to the newest frame; without, they stay where the user is."""
        self.timeline.follow_live_edge = self.follow_live
        self.timeline.set_duration(duration_ms)
        self.player.set_available(duration_ms)
        if self.follow_live and not self.player.is_playing:
            self.player.seek_frame(max(self.timeline.marked.with_duration(duration_ms).last_frame, 0))

    def set_captions(self, cues: list[CaptionCue] | None) -> None:
        self._captions = CaptionTrack(cues) if cues else None
        self._show_caption(self.player.current_ms)

    def set_storyboard(self, sprite: QPixmap, tiles: list[StoryboardTile]) -> None:
        self.timeline.set_storyboard(sprite, tiles)

    def show_watermark_preview(self, watermark: Watermark | None, source_size: tuple[int, int] | None,
                               image: QPixmap | None = None, note: str | None = None) -> None:
        """Draw where the clip's watermark will land over the picture (None: draw none), with its image when it has
        been fetched, or ``note`` saying why not; see watermark_preview.py."""
        if self.watermark_preview is None:
            self.watermark_preview = WatermarkPreview(self.video, self)
        self.watermark_preview.show_watermark(watermark, source_size, image, note)

    def set_still(self, name: str, pixmap: QPixmap) -> None:
        self.stills[name].show_picture(pixmap)

    def clear_still(self, name: str) -> None:
        """No picture for this one (past the end, or not on the image host yet): its name, not an old frame."""
        self.stills[name].show_picture(None)

    def clear_stills(self) -> None:
        for name in self.stills:
            self.clear_still(name)

    # ------------------------------------------------------------------ marking
    def mark_in(self) -> None:
        # The frame stepped to, even if a quick key press comes before it is painted.
        self.edit_range(self.timeline.marked.with_in(frame_to_ms(self.player.target_frame, self.player.rate)))

    def mark_out(self) -> None:
        # The frame on screen is the last one inside: the out point is where the next frame starts. Sound has no
        # frames: the out point is the playhead's instant.
        after = 0 if self.audio_only else 1
        self.edit_range(self.timeline.marked.with_out(frame_to_ms(self.player.target_frame + after, self.player.rate)))

    def set_edit_points(self, points_ms: list[int]) -> None:
        """Segment edges, as edit points besides in and out (see :meth:`go_to_edit_point` for the others)."""
        self._edit_points = sorted(set(points_ms))

    def set_slate_edges(self, edges: Sequence[SlateEdge]) -> None:
        """Slate edges found in the picture, as edit points."""
        self._slate_edges = list(edges)

    @property
    def slate_edges(self) -> list[SlateEdge]:
        return list(self._slate_edges)

    def set_recording_times(self, sessions: Sequence[RecordingTime]) -> None:
        """A live recording's sessions (none: not a recording): slate regions and session edges on the timeline,
        session edges as edit points, the wall clock beside the timecode, and times of day in the time fields."""
        self._recording = RecordingClock(sessions)
        self.timeline.set_regions(slate_regions(sessions, self.wall_tz), session_ticks(sessions))
        resolver = (lambda text: self._recording.resolve(text, self.wall_tz)) if sessions else None
        for field in (self.in_field, self.out_field, self.position_field):
            field.wall_clock = resolver
        self.actions_by_id["wall_clock"].setEnabled(bool(sessions))
        self._show_wall_clock(self.actions_by_id["wall_clock"].isChecked())

    def _show_wall_clock(self, shown: bool) -> None:
        label = self.transport.wall_label
        label.setVisible(shown and bool(self._recording))
        self._update_wall_clock(self.player.current_ms)

    def _update_wall_clock(self, ms: int) -> None:
        label = self.transport.wall_label
        if label.isVisibleTo(self.transport):
            wall = self._recording.wall_ms(ms)
            label.setText("" if wall is None else format_wall(wall, tz=self.wall_tz))

    def go_to_edit_point(self, direction: int) -> None:
        """↑ / ↓: the nearest edit point before or after the playhead (in, out, segment edges, a recording's session
        edges, slate edges), as in editing suites; the status line says which. An out point (or the end of a session)
        is where the next frame starts: going to it shows the last frame inside."""
        marked, rate = self.timeline.marked, self.player.rate
        points = edit_points(rate, duration_ms=marked.duration_ms, in_ms=marked.in_ms, out_ms=marked.out_ms,
                             segment_edges_ms=self._edit_points, sessions=self._recording.sessions,
                             slate_edges=self._slate_edges)
        point = next_edit_point(points, self.player.target_frame, direction)
        if point is None:
            self.message.emit("No edit point after the playhead." if direction > 0 else
                              "No edit point before the playhead.")
            return
        self.player.step(0)
        self.player.seek_frame(point.frame)
        wall = f" ({format_wall(point.wall_ms, tz=self.wall_tz, millis=False)})" if point.wall_ms is not None else ""
        self.message.emit(f"{point.label}{wall}.")

    def add_tool(self, widget: QWidget) -> None:
        """A button of a feature that marks (find the slates), in the in/out row after the clip's length."""
        self.tools_row.insertWidget(self.tools_row.indexOf(self.length_label) + 1, widget)

    def go_in(self) -> None:
        self._go_to_frame(self.timeline.marked.first_frame)

    def go_out(self) -> None:
        marked = self.timeline.marked  # sound: the out point's instant (a video: the last frame inside)
        self._go_to_frame(min(marked.end_ms, marked.duration_ms - 1) if self.audio_only else marked.last_frame)

    def _go_to_frame(self, frame: int) -> None:
        """Paused on ``frame`` (Home, End, Shift+I, Shift+O), as the NLEs' keys do."""
        self.player.step(0)
        self.player.seek_frame(frame)

    def edit_range(self, marked: MarkedRange) -> None:
        """Change the range as one undoable step (keys, typed times, segments)."""
        before = self.timeline.marked
        self.timeline.set_range(marked)
        self.history.record(before, self.timeline.marked)
        self._request_stills()

    def show_range(self, marked: MarkedRange) -> None:
        """A range put back (a source reopened with its kept marks): not an undoable step, and the four pictures
        around the cut are fetched for it (reopened, they stayed empty)."""
        self._apply_range(marked)

    def _apply_range(self, marked: MarkedRange) -> None:
        self.timeline.set_range(marked)
        self._request_stills()

    def _request_stills(self) -> None:
        if self.audio_only:  # no pictures: the sound around the cut
            self.waveform_grown()
            return
        marked = self.timeline.marked
        first, last = marked.first_frame, marked.last_frame
        # Mid-frame times: a thumbnail asked for at a frame's exact start may come from its neighbour.
        self.stills_requested.emit([(name, self._mid_frame_ms(frame)) for name, frame in (
            ("before in", max(first - 1, 0)), ("in", first), ("last", last), ("after out", last + 1))])

    def _mid_frame_ms(self, frame: int) -> int:
        return (frame_to_ms(frame, self.player.rate) + frame_to_ms(frame + 1, self.player.rate)) // 2

    def toggle_captions(self) -> None:
        self.captions_visible = not self.captions_visible
        self._show_caption(self.player.current_ms)

    @property
    def _keymap_named(self) -> tuple[KeyAction, ...]:
        """The keys as this source names them (a source of sound alone has no frames: keymap.AUDIO_LABELS)."""
        return for_sound(self.keymap) if self.audio_only else self.keymap

    def show_cheat_sheet(self) -> None:
        keymap = self._keymap_named
        if self._cheat_sheet is not None and self._cheat_sheet.keymap != keymap:  # a source of the other kind
            self._cheat_sheet.deleteLater()
            self._cheat_sheet = None
        if self._cheat_sheet is None:
            self._cheat_sheet = CheatSheet(keymap, self)
        self._cheat_sheet.show()
        self._cheat_sheet.raise_()

    # ------------------------------------------------------------------ slots
    def _on_player_frame_shown(self, frame: int, ms: int) -> None:
        self.timeline.set_playhead(ms)
        self.position_field.set_ms(ms)
        self._update_wall_clock(ms)
        self._show_caption(ms)

    def _show_caption(self, ms: int) -> None:
        cue = self._captions.at(ms) if self._captions and self.captions_visible else None
        self.caption_label.setText(cue.text if cue else "")

    def _on_player_duration_changed(self, duration_ms: int) -> None:
        if duration_ms > self.timeline.marked.duration_ms:
            self.timeline.set_duration(duration_ms)

    def _on_timeline_range_changed(self, marked: MarkedRange) -> None:
        self.in_field.show_ms(marked.in_ms)
        self.out_field.show_ms(marked.out_ms)
        # The warning is the colour and the tooltip: a longer text would squeeze the time fields beside it.
        self.length_label.setText(f"Length {format_length(marked.length_ms, marked.rate, self.in_field.display)}")
        self.length_label.setStyleSheet("color: #c62828; font-weight: bold;" if marked.too_short else "")
        self.length_label.setToolTip("Under 0.5 s: too short for Mux" if marked.too_short else "")
        self.range_changed.emit(marked)

    def _on_timeline_range_change_finished(self, change: tuple[MarkedRange, MarkedRange]) -> None:
        self.history.record(*change)
        self._request_stills()

    def _on_format_changed(self, index: int) -> None:
        display = str(self.format_box.itemData(index))
        for field in (self.in_field, self.out_field, self.position_field):
            field.set_display(display)
        self.timeline.display = display  # the length it shows while a marker is dragged
        self._on_timeline_range_changed(self.timeline.marked)

    def _on_goto(self) -> None:
        self.position_field.setFocus()
        self.position_field.selectAll()

    def focus_timeline(self) -> None:
        """Keys act on the editor again (Escape or Enter in a time field, a click on the picture)."""
        self.timeline.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.video and event.type() == QEvent.Type.MouseButtonPress:
            self.player.toggle()
            self.focus_timeline()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ typed times: refused, never changed
    def _on_field_finished(self) -> None:
        """Enter on a time taken, or Escape: the keys are the editor's again, and a refusal is no longer news."""
        self._done_editing()
        self.focus_timeline()

    def _say_problem(self, text: str) -> None:
        self._said_problem = True
        self.message.emit(text)

    def _done_editing(self) -> None:
        if self._said_problem:
            self._said_problem = False
            self.message.emit("")  # the refusal is answered: it does not stay in the status line

    def _on_position_field_committed(self, ms: int) -> None:
        duration = self.timeline.marked.duration_ms
        if not 0 <= ms < max(duration, 1):
            field = self.position_field
            field.refuse(f"{field.shown(ms)} is outside the video ({field.shown(0)} – {field.shown(duration)}).")
            return
        self.player.seek_ms(ms)
        self._done_editing()

    def _on_in_field_committed(self, ms: int) -> None:
        marked = self.timeline.marked
        # Refusals speak the display's unit (SMPTE, frames…), each time as its field shows it.
        shown, out_shown = self.in_field.shown, self.out_field.shown
        if ms < 0 or ms >= marked.duration_ms:
            self.in_field.refuse(f"In {shown(ms)} is outside the video ({shown(0)} – {out_shown(marked.duration_ms)}).")
        elif marked.out_ms is not None and ms >= marked.out_ms:
            self.in_field.refuse(f"In {shown(ms)} is not before Out ({out_shown(marked.out_ms)}): set an in "
                                 "point before the out point, or clear Out first (Alt+X clears both).")
        else:
            self.edit_range(marked.with_in(ms))
            self._done_editing()

    def _on_out_field_committed(self, ms: int) -> None:
        marked = self.timeline.marked
        shown, in_shown = self.out_field.shown, self.in_field.shown
        if ms <= 0 or ms > marked.duration_ms:
            self.out_field.refuse(f"Out {shown(ms)} is outside the video (up to {shown(marked.duration_ms)}).")
        elif marked.in_ms is not None and ms <= marked.in_ms:
            self.out_field.refuse(f"Out {shown(ms)} is not after In ({in_shown(marked.in_ms)}): set an out "
                                  "point after the in point.")
        else:
            self.edit_range(marked.with_out(ms))
            self._done_editing()
