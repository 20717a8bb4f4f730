"""Following the live edge, as a DVR does: while a recording is in progress, the player plays a set delay behind what
is recorded (the delay leaves room for Mux to have the newest seconds ready), and comes back to that delay each time
the recording grows. The user leaves the edge by taking the picture in hand (pause, shuttle, a step, a click on the
timeline) and comes back to it with F or Follow live."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton

from muxclipper.core.models import Asset

if TYPE_CHECKING:
    from muxclipper.qt.editor.editor_widget import EditorWidget

DEFAULT_DELAY_S = 10
#: The delays offered: a few seconds (Mux's newest segments need a moment) to a minute.
DELAYS_S = (5, 10, 20, 30, 60)
#: Closer than this to the delay, playback carries on as it is (a seek costs a moment of picture).
TOLERANCE_MS = 1500
#: The keys that take the picture in hand: each stops following.
TAKING_OVER = ("play_pause", "pause", "shuttle_back", "shuttle_forward", "frame_back", "frame_forward",
               "second_back", "second_forward", "ten_back", "ten_forward", "go_in", "go_out", "go_first", "go_last", "goto", "prev_edit",
               "next_edit")


class LiveEdgeFollower(QObject):
    """Signals:
        message(str): following started or stopped, and why.
        following_changed(bool): whether the player follows the live edge now.
    """

    message = Signal(str)
    following_changed = Signal(bool)

    def __init__(self, editor: EditorWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor, self.player = editor, editor.player
        self._following = False
        self._live = False
        self._duration_ms = 0
        self._delay_s = DEFAULT_DELAY_S
        self.button = QToolButton()
        self.button.setCheckable(True)
        self.button.setAccessibleName("Follow the live edge")
        self.button.setToolTip("Follow live: play the recording in progress a set delay behind its live edge, as a DVR "
                               "does (F); Playback › Live delay sets the delay")
        self.button.toggled.connect(self._on_button_toggled)
        #: Playback › Live delay: the delays offered (the transport has no room for a chooser at 1280 pixels).
        self.delays = QMenu("Live &delay")
        group = QActionGroup(self.delays)
        for seconds in DELAYS_S:
            choice = self.delays.addAction(f"{seconds} s behind the live edge")
            choice.setCheckable(True)
            choice.setChecked(seconds == self._delay_s)
            group.addAction(choice)
            choice.triggered.connect(lambda _=False, s=seconds: self.set_delay_s(s))
        self._label()
        for action_id in TAKING_OVER:
            action = editor.actions_by_id.get(action_id)
            if action is not None:
                action.triggered.connect(self._on_taken_over)
        editor.timeline.seek_requested.connect(lambda _ms: self._on_taken_over())
        self.set_source(None)

    def set_delay_s(self, seconds: int) -> None:
        self._delay_s = seconds
        self._label()
        if self._following:
            self._hold(force=True)

    def _label(self) -> None:
        self.button.setText(f"Live −{self._delay_s}s")

    @property
    def following(self) -> bool:
        return self._following

    @property
    def delay_ms(self) -> int:
        return self._delay_s * 1000

    def set_source(self, asset: Asset | None) -> None:
        """The source opened (or grown, or ended): following is offered on a recording in progress only."""
        live = asset is not None and asset.is_live
        if asset is not None and asset.duration_ms is not None:
            self._duration_ms = asset.duration_ms
        if self._following and not live:
            self._set_following(False)
            if asset is not None:
                self.message.emit("The broadcast has ended: the player no longer follows the live edge.")
        self._live = live

    def grown(self, asset: Asset) -> None:
        """The recording as Mux has it now: a followed player comes back to its delay behind the new edge."""
        self.set_source(asset)
        if self._following:
            self._hold()

    def toggle(self) -> None:
        """F: follow the live edge, or stop following it."""
        if not self._live and not self._following:
            self.message.emit("Follow live plays a recording in progress a set delay behind its live edge: open a "
                              "live stream's recording first (the Live streams tab).")
            return
        self._set_following(not self._following)
        if self._following:
            self.message.emit(f"Following the live edge {self._delay_s} s behind; pause, step or click the "
                              "timeline to take over, F to follow again.")

    def _on_button_toggled(self, on: bool) -> None:
        if on != self._following:
            self.toggle()
            self.button.setChecked(self._following)

    def _set_following(self, on: bool) -> None:
        self._following = on
        self.button.setChecked(on)
        if on:
            self._hold(force=True)
        self.following_changed.emit(on)

    def _hold(self, force: bool = False) -> None:
        target = max(self._duration_ms - self.delay_ms, 0)
        if force or abs(self.player.current_ms - target) > TOLERANCE_MS:
            self.player.seek_ms(target)
        if not self.player.is_playing:
            self.player.play()

    def _on_taken_over(self) -> None:
        if self._following:
            self._set_following(False)
            self.message.emit("Stopped following the live edge; F follows it again.")
