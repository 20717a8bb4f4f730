"""The transport bar under the picture: go to in, frame back, play/pause, frame forward, go to out, the J/K/L
shuttle's state, the current time and frame number, volume and mute. Its buttons are the editor's own actions, so
each does what its key does and its tooltip names the key."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from muxclipper.qt.editor.player import PlayerController

BUTTONS = (("go_in", QStyle.StandardPixmap.SP_MediaSkipBackward),
           ("frame_back", QStyle.StandardPixmap.SP_MediaSeekBackward),
           ("play_pause", QStyle.StandardPixmap.SP_MediaPlay),
           ("frame_forward", QStyle.StandardPixmap.SP_MediaSeekForward),
           ("go_out", QStyle.StandardPixmap.SP_MediaSkipForward))


def with_keys(action: QAction) -> str:
    """An action's name and its keys, as a tooltip says them: "Play / pause (Space)"."""
    keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
    return f"{action.text()} ({keys})" if keys else action.text()


class TransportBar(QWidget):
    """Shows and drives ``player`` through ``actions`` (the editor's keymap actions, by id); ``position`` is the
    playhead's time field, placed here beside the frame number."""

    def __init__(self, player: PlayerController, actions: Mapping[str, QAction], position: QWidget,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.buttons: dict[str, QToolButton] = {}
        self._speed = 0.0
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for action_id, icon in BUTTONS:
            action = actions[action_id]
            action.setIcon(self.style().standardIcon(icon))
            action.setToolTip(with_keys(action))
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setAccessibleName(action.text())
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go on working where they were
            self.buttons[action_id] = button
            row.addWidget(button)
        self.shuttle_label = QLabel(self)
        self.shuttle_label.setAccessibleName("Playback state")
        self.shuttle_label.setToolTip("J / L: play backward / forward, faster on repeat; K: stop")
        self.shuttle_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("◀◀ 8×") + 8)
        row.addWidget(self.shuttle_label)
        row.addSpacing(8)
        row.addWidget(position)
        self.frame_label = QLabel(self)
        self.frame_label.setAccessibleName("Frame number")
        self.frame_label.setToolTip("The frame on screen, counted from the source's first frame (0)")
        self.frame_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("#0000000") + 4)
        row.addWidget(self.frame_label)
        # The time of day on a live recording (View > Wall clock), beside the timecode; hidden otherwise.
        self.wall_label = QLabel(self)
        self.wall_label.setAccessibleName("Wall-clock time")
        self.wall_label.setToolTip("The moment this frame was broadcast (from the recording's sessions)")
        self.wall_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("88:88:88.888 local") + 8)
        self.wall_label.hide()
        row.addWidget(self.wall_label)
        self._tools_at = row.count()  # add_tool puts the live tools here, after the times
        row.addStretch(1)
        self.mute_button = QToolButton(self)
        self.mute_button.setCheckable(True)
        self.mute_button.setAutoRaise(True)
        self.mute_button.setAccessibleName("Mute")
        self.mute_button.setToolTip("Mute")
        self.mute_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.mute_button.toggled.connect(self._on_mute_toggled)
        row.addWidget(self.mute_button)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setAccessibleName("Volume")
        self.volume.setToolTip("Volume")
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(90)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.valueChanged.connect(lambda value: player.set_volume(value / 100))
        row.addWidget(self.volume)
        # Queued: QMediaPlayer tells its state from inside stop() and setSource(); updating icons there, with its
        # playback threads winding down, once hung the window's close.
        self._icons = {playing: self.style().standardIcon(icon) for playing, icon in (
            (True, QStyle.StandardPixmap.SP_MediaPause), (False, QStyle.StandardPixmap.SP_MediaPlay))}
        player.playing_changed.connect(self._on_player_playing_changed, Qt.ConnectionType.QueuedConnection)
        player.shuttle_changed.connect(self._on_player_shuttle_changed, Qt.ConnectionType.QueuedConnection)
        player.frame_shown.connect(lambda frame, _: self.frame_label.setText(f"#{frame}"))
        self._on_mute_toggled(False)
        self.set_volume(80)
        if not player.has_sound:
            for widget in (self.mute_button, self.volume):
                widget.setEnabled(False)
                widget.setToolTip("No sound device on this computer: the video plays without sound")
        self._on_player_shuttle_changed(0.0)

    def named(self, action: QAction) -> None:
        """``action`` was renamed (a source of sound alone steps by 10 ms, not a frame): its tooltip and its button's
        name say so."""
        action.setToolTip(with_keys(action))
        for button in self.buttons.values():
            if button.defaultAction() is action:
                button.setAccessibleName(action.text())

    def add_tool(self, widget: QWidget) -> None:
        """A button of a feature that plays or clips the live edge (Follow live, Replay), after the times."""
        layout = self.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.insertWidget(self._tools_at, widget)
        self._tools_at += 1

    def set_volume(self, percent: int) -> None:
        self.volume.setValue(percent)
        self.player.set_volume(percent / 100)

    def _on_mute_toggled(self, muted: bool) -> None:
        self.player.set_muted(muted)
        icon = QStyle.StandardPixmap.SP_MediaVolumeMuted if muted else QStyle.StandardPixmap.SP_MediaVolume
        self.mute_button.setIcon(self.style().standardIcon(icon))
        self.mute_button.setToolTip("Sound off: click to turn it on" if muted else "Mute")

    def _on_player_playing_changed(self, playing: bool) -> None:
        self.buttons["play_pause"].defaultAction().setIcon(self._icons[playing])
        self._show_state()

    def _on_player_shuttle_changed(self, speed: float) -> None:
        self._speed = speed
        self._show_state()

    def _show_state(self) -> None:
        if self._speed > 0:
            self.shuttle_label.setText(f"▶ {self._speed:g}×")
        elif self._speed < 0:
            self.shuttle_label.setText(f"◀ {-self._speed:g}×")
        else:
            self.shuttle_label.setText("▶ 1×" if self.player.is_playing else "Paused")
