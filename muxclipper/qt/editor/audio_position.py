"""Playing an audio-only source: the player's position is Qt's own, in milliseconds.

Sound has no frames to number, so :class:`~muxclipper.qt.editor.player.PlayerController` loads such a source at a
rate of 1000 (a "frame" is a millisecond, the precision of every time in the app) and this mixin stands in for the
frame-by-frame machinery: a seek is ``setPosition`` and is reported at once (there is no picture that could show
another moment), playing reports Qt's position as it moves (``positionChanged``, every few tens of ms), and the end
of the media leaves the playhead on the last millisecond, paused, ready to play again. A recording still in progress
is loaded as what was recorded so far, as a video's is: a seek past it, or playing up to it, loads it again (where it
is now) and goes on from the same millisecond.
"""

from __future__ import annotations

from fractions import Fraction
from typing import cast

from PySide6.QtCore import QObject, QTimer, SignalInstance
from PySide6.QtMultimedia import QMediaPlayer

#: A J (reverse shuttle) tick on sound: the playhead goes back this many ms (times the shuttle's speed) this often.
AUDIO_REVERSE_STEP_MS = 40
#: The rate an audio-only source is loaded at: a frame is a millisecond.
AUDIO_RATE = Fraction(1000)


class AudioPosition:
    """Mixed into the player; what it needs of it is set in its ``__init__``."""

    player: QMediaPlayer
    rate: Fraction
    audio_only: bool
    _frame: int
    _goal: int | None
    _loading: bool
    _playing: bool
    _growing: bool
    _available_ms: int
    _reload_to: int | None
    _resume_playing: bool
    _load_timer: QTimer
    loaded: SignalInstance
    frame_shown: SignalInstance

    def _set_playing(self, playing: bool) -> None:
        raise NotImplementedError

    def _reload(self, frame: int, play: bool) -> None:
        raise NotImplementedError

    def _start_playing(self, rate: float) -> None:
        raise NotImplementedError

    def _recorded_since(self, ms: int) -> bool:
        """A recording in progress has more than what was loaded (by over half a second: Qt's duration is cut short
        by a millisecond or so, and loading again for that would never end), and ``ms`` is past it: load again."""
        loaded = int(self.player.duration())
        return self._growing and loaded > 0 and ms > loaded - 1 and self._available_ms > loaded + 500

    _length_ms: int | None

    def _last_ms(self) -> int | None:
        """The last millisecond: of the asset's length when known (Qt's duration is cut short: 23999 for 24 s)."""
        length = self._length_ms or int(self.player.duration())
        return length - 1 if length > 0 else None

    def _audio_show(self, ms: int) -> None:
        self._frame = ms
        self.frame_shown.emit(ms, ms)

    def _audio_seek(self, ms: int) -> None:
        if self._recorded_since(ms):
            self._reload(min(ms, self._available_ms - 1), play=self._playing)
            return
        last = self._last_ms()
        ms = max(ms, 0) if last is None else min(max(ms, 0), last)
        if self._loading:
            self._goal = ms  # shown once loaded
            return
        self._goal = None
        self.player.setPosition(ms)
        self._audio_show(ms)

    def _audio_play(self, speed: float) -> None:
        last = self._last_ms()
        if last is not None and self._frame >= last:  # at the end: play from the start, as players do
            self._audio_seek(0)
        self.player.setPlaybackRate(speed)
        self.player.play()
        self._set_playing(True)

    def _audio_pause(self) -> None:
        if self._playing:
            self.player.pause()
            self.player.setPlaybackRate(1.0)
            self._set_playing(False)
            self._audio_show(self._frame)  # where it stopped, as the last report said

    def _on_audio_position(self, position: int) -> None:
        if self.audio_only and self._playing and not self._loading:
            last = self._last_ms()
            loaded = int(self.player.duration())
            if self._growing and self._available_ms > loaded + 500 and position > loaded - 1500:
                self._reload(position, play=True)  # near the end of what was loaded, with more recorded since
                return
            if last is not None and position >= last:
                self._audio_end(last)
                return
            self._audio_show(position)

    def _audio_end(self, last: int) -> None:
        """Played to the end. Qt's FFmpeg backend, on an HLS stream of sound alone, stays "playing" at the end
        without a word (no EndOfMedia): the player stops itself there, on the last millisecond."""
        self.player.pause()
        self.player.setPlaybackRate(1.0)
        self._set_playing(False)
        self._audio_show(last)

    def _on_audio_status(self, status: QMediaPlayer.MediaStatus) -> None:
        loaded = (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia,
                  QMediaPlayer.MediaStatus.BufferingMedia)
        if status in loaded and self._loading and self.player.duration() > 0:
            self._loading = False
            self._load_timer.stop()
            reloaded, play = self._reload_to, self._resume_playing
            if reloaded is None:  # loading again is not news
                self.loaded.emit(int(self.player.duration()))
            goal = reloaded if reloaded is not None else self._goal or 0
            self._goal, self._reload_to, self._resume_playing = None, None, False
            self._audio_seek(goal)
            if reloaded is not None and play:
                # After Qt is done telling this status: play() from inside it left the player buffering for good.
                QTimer.singleShot(0, cast(QObject, self), lambda: self._start_playing(1.0))
        elif status == QMediaPlayer.MediaStatus.EndOfMedia:
            last = self._last_ms()
            if last is not None:
                self._audio_end(last)
