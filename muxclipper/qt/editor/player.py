"""A player facade over ``QMediaPlayer`` and a ``QVideoSink``, in milliseconds and source frames.

What Qt gives and what producers need differ in three ways this class bridges:

- Qt's clock starts at the earliest packet, often audio (AAC priming puts video ~21 ms later), so
  frame *n* appears at ``offset + n/fps``: the offset is read from frame 0 when a source loads.
- A seek to a frame's exact start can still show the frame before; seeks aim at mid-frame.
- Qt reports no error for an untrusted TLS certificate (it buffers forever): a load timeout turns
  that silence into a message.
- Setting the source Qt already has does not reload it: the next frame would be taken for frame 0 and every
  number after it would be off by where the player was. Loading the same address unloads it first, and a first
  frame that starts far from the stream's start is not believed: the source is loaded again, and said so.

Positions in and out are integer milliseconds of the *source* (frame 0 at 0 ms).
"""

from __future__ import annotations

import logging
from fractions import Fraction

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer, QVideoFrame, QVideoSink

from muxclipper.core.timecode import frame_to_ms, ms_to_frame
from muxclipper.qt import qt_messages

SHUTTLE_RATES = (1.0, 2.0, 4.0, 8.0)
log = logging.getLogger(__name__)
DEFAULT_LOAD_TIMEOUT_MS = 15_000
#: A freshly loaded stream's first frame starts at its clock's origin (audio priming puts it a few tens of ms
#: later): one that starts later than this is not frame 0, and numbering frames from it would be wrong.
FIRST_FRAME_LIMIT_US = 500_000

ERROR_MESSAGES = {
    QMediaPlayer.Error.ResourceError: "The video could not be loaded: the stream address answered with an "
                                      "error (not found, not ready yet, or a live stream that is not active).",
    QMediaPlayer.Error.FormatError: "The video's format cannot be played on this computer.",
    QMediaPlayer.Error.NetworkError: "The network failed while loading the video; check the connection.",
    QMediaPlayer.Error.AccessDeniedError: "Access to the video was refused: a signed playback id needs a valid "
                                          "token (check the environment's signing key).",
}


class PlayerController(QObject):
    """Signals:
        loaded(int): a source is ready; its duration in milliseconds.
        frame_shown(int, int): a frame is on screen: its index in the source and its time in ms.
        duration_changed(int): the duration changed (a live recording grows), ms.
        playing_changed(bool): playback started or stopped.
        failed(str): loading or playing failed; a message a producer can act on.
        preview_settled(bool): a preview shows its first picture (True), or could not (False).
        shuttle_changed(float): the J/L shuttle's speed: >0 forward, <0 backward, 0 stopped (1, 2, 4, 8×).
    """

    loaded = Signal(int)
    frame_shown = Signal(int, int)
    duration_changed = Signal(int)
    playing_changed = Signal(bool)
    failed = Signal(str)
    preview_settled = Signal(bool)
    shuttle_changed = Signal(float)

    def __init__(self, sink: QVideoSink | None = None, parent: QObject | None = None,
                 load_timeout_ms: int = DEFAULT_LOAD_TIMEOUT_MS) -> None:
        super().__init__(parent)
        self.player = QMediaPlayer(self)
        qt_messages.player_created()
        self.sink = sink or QVideoSink(self)
        self.player.setVideoSink(self.sink)
        self._audio: QAudioOutput | None = None
        self.rate = Fraction(30)
        self._offset_us: int | None = None
        self._last_start_us: int | None = None
        self._frame = -1
        self._pending: int | None = None  # a frame asked for that is not on screen yet
        self._preview: str | None = None  # a stream loading before its asset, and so its frame rate, is known
        self._url: str | None = None
        self._reloads = 0  # of this source, because its first frame could not be frame 0
        # A recording still in progress is played as finished up to where it was when loaded: seeking or playing
        # past that loads it again (where it is now) and goes on from the same frame.
        self._growing = False
        self._available_ms = 0
        self._reload_to: int | None = None  # the frame to show once the source is loaded again
        self._reload_seeking = False
        self._resume_playing = False
        self._loading = False
        self._abandoned = False  # a load we gave up on: its late errors are not news
        self._shuttle = 0  # >0 forward speed index, <0 reverse
        self._load_timer = QTimer(self)
        self._load_timer.setSingleShot(True)
        self._load_timer.setInterval(load_timeout_ms)
        self._load_timer.timeout.connect(self._on_load_timer_timeout)
        self._reverse_timer = QTimer(self)
        self._reverse_timer.timeout.connect(self._on_reverse_timer_timeout)
        self.sink.videoFrameChanged.connect(self._on_sink_frame)
        self.player.errorOccurred.connect(self._on_player_error)
        self.player.durationChanged.connect(self._on_player_duration)
        self.player.playbackStateChanged.connect(self._on_player_state)

    # ------------------------------------------------------------------ state
    @property
    def current_frame(self) -> int:
        return max(self._frame, 0)

    @property
    def current_ms(self) -> int:
        return frame_to_ms(self.current_frame, self.rate)

    @property
    def target_frame(self) -> int:
        """The frame the player is going to (the last one asked for), or the one on screen. Steps and marks count
        from here: three quick → presses land three frames on, not one (each frame takes a few tens of ms)."""
        return self._pending if self._pending is not None else self.current_frame

    @property
    def duration_ms(self) -> int:
        return int(self.player.duration())

    @property
    def previewing(self) -> str | None:
        """The address of a preview waiting for its asset (see :meth:`preview`)."""
        return self._preview

    @property
    def is_playing(self) -> bool:
        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    # ------------------------------------------------------------------ commands
    def load(self, url: str, rate: Fraction, growing: bool = False) -> None:
        """Open an HLS URL (signed URLs carry their token); the first frame is shown, paused. ``growing``: a
        recording still in progress, given as a finished playlist of what is recorded so far (see
        :meth:`set_available`)."""
        self.stop_shuttle()
        self._growing = growing
        self._reload_to = None
        self.rate = rate
        self._preview = None
        self._offset_us = None
        self._last_start_us = None
        self._frame = -1
        self._pending = None
        self._loading = True
        self._abandoned = False
        if self.player.source() == QUrl(url):
            self.player.setSource(QUrl())  # else Qt keeps the pipeline, and where it was in it
        self._url, self._reloads = url, 0
        self.player.setSource(QUrl(url))
        self.player.pause()
        self._load_timer.start()

    def preview(self, url: str) -> None:
        """Start loading a stream whose asset is not known yet (a playback URL named at start-up), so that its
        picture comes up while Mux is asked for the asset. Frames are reported once :meth:`adopt` brings the
        frame rate; a failure meanwhile is only logged (the asset, when it comes, says whether it can play)."""
        self.load(url, self.rate)
        self._preview = url

    def adopt(self, url: str, rate: Fraction) -> bool:
        """The asset of the stream being previewed: keep what is loaded, and report the frame on screen with
        the asset's rate. False, and nothing done, if ``url`` is not the preview."""
        if self._preview != url:
            return False
        self._preview = None
        self.rate = rate
        if self._offset_us is not None and self._last_start_us is not None:
            self._frame = round(Fraction(self._last_start_us - self._offset_us) * rate / 1_000_000)
            self.frame_shown.emit(self._frame, frame_to_ms(self._frame, rate))
        return True

    def unload(self) -> None:
        self._load_timer.stop()
        self.stop_shuttle()
        self.player.stop()
        self.player.setSource(QUrl())

    def play(self) -> None:
        self._pending = None
        self.stop_shuttle()
        self.player.setPlaybackRate(1.0)
        self.player.play()

    def pause(self) -> None:
        self.stop_shuttle()
        self.player.pause()

    def toggle(self) -> None:
        self.pause() if self.is_playing else self.play()

    def set_available(self, duration_ms: int) -> None:
        """A recording in progress now has ``duration_ms`` recorded: seeking or playing there loads it again."""
        self._available_ms = max(self._available_ms, duration_ms)

    def _loaded_last_frame(self) -> int | None:
        return max(ms_to_frame(self.duration_ms, self.rate) - 1, 0) if self.duration_ms > 0 else None

    def _reload(self, frame: int, play: bool) -> None:
        """Load the growing recording again (what is recorded now) and show ``frame``; playing on if ``play``."""
        url = self._url
        if url is None:
            return
        log.debug("loading the recording again to reach frame %s", frame)
        self.load(url, self.rate, growing=True)
        self._reload_to, self._reload_seeking, self._resume_playing = frame, False, play

    def seek_frame(self, frame: int) -> None:
        """Show ``frame`` (clamped to the media), paused where it was paused."""
        last = self._loaded_last_frame()
        if last is not None and self._growing and frame > last:
            available = max(ms_to_frame(self._available_ms, self.rate) - 1, 0)
            if available > last:  # recorded since it was loaded
                self._reload(min(frame, available), play=False)
                return
        last = last if last is not None else frame
        frame = min(max(frame, 0), last)
        self._pending = frame if frame != self._frame else None
        offset_ms = (self._offset_us or 0) / 1000
        # Aim at the middle of the frame: at its exact start Qt may still show the frame before.
        target = offset_ms + float((Fraction(frame) + Fraction(1, 2)) * 1000 / self.rate)
        self.player.setPosition(round(target))

    def seek_ms(self, ms: int) -> None:
        self.seek_frame(ms_to_frame(ms, self.rate))

    def step(self, frames: int) -> None:
        """Frame step (arrow keys): lands paused on the frame."""
        self.stop_shuttle()
        if self.is_playing:
            self.player.pause()
        self.seek_frame(self.target_frame + frames)

    def shuttle_forward(self) -> None:
        """L: play; pressed again, faster (1×, 2×, 4×, 8×)."""
        if self._shuttle < 0:
            self.stop_shuttle()
        self._shuttle = min(self._shuttle + 1, len(SHUTTLE_RATES))
        self._reverse_timer.stop()
        self.player.setPlaybackRate(SHUTTLE_RATES[self._shuttle - 1])
        self.player.play()
        self.shuttle_changed.emit(SHUTTLE_RATES[self._shuttle - 1])

    def shuttle_backward(self) -> None:
        """J: play backwards by stepping frames on a timer (QMediaPlayer cannot run in reverse)."""
        if self._shuttle > 0:
            self.stop_shuttle()
        self._shuttle = max(self._shuttle - 1, -len(SHUTTLE_RATES))
        self.player.pause()
        speed = SHUTTLE_RATES[-self._shuttle - 1]
        self._reverse_timer.setInterval(max(round(1000 / float(self.rate) / speed), 1))
        self._reverse_timer.start()
        self.shuttle_changed.emit(-speed)

    def stop_shuttle(self) -> None:
        """K."""
        if self._shuttle:
            self._shuttle = 0
            self._reverse_timer.stop()
            self.player.setPlaybackRate(1.0)
            self.player.pause()
            self.shuttle_changed.emit(0.0)

    @property
    def has_sound(self) -> bool:
        """Whether there is a sound device to play through (a server or a virtual screen often has none)."""
        return bool(QMediaDevices.audioOutputs())

    def set_volume(self, volume: float) -> None:
        """0.0–1.0 (linear). Without a sound device, nothing: the video plays on its own clock."""
        output = self._audio_output()
        if output is not None:
            output.setVolume(min(max(volume, 0.0), 1.0))

    def set_muted(self, muted: bool) -> None:
        output = self._audio_output()
        if output is not None:
            output.setMuted(muted)

    @property
    def muted(self) -> bool:
        return self._audio is not None and self._audio.isMuted()

    def _audio_output(self) -> QAudioOutput | None:
        # Made on demand, and only where there is a device: with none (no sound server), stopping a player that
        # has an audio output could hang Qt's playback threads (seen once in a few dozen closes on a headless run).
        if self._audio is None and self.has_sound:
            self._audio = QAudioOutput(self)
            self.player.setAudioOutput(self._audio)
        return self._audio

    # ------------------------------------------------------------------ Qt's side
    def frame_index(self, frame: QVideoFrame) -> int:
        start = frame.startTime()
        if self._offset_us is None:
            self._offset_us = start
        return round(Fraction(start - self._offset_us) * self.rate / 1_000_000)

    def _on_sink_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid() or frame.startTime() < 0:
            return
        if self._offset_us is None and frame.startTime() > FIRST_FRAME_LIMIT_US and self._loading:
            self._distrust_first_frame(frame.startTime())
            return
        # A frame is on screen: the stream loads (a growing recording never reports a duration, so "loaded" may wait
        # for one, but the load timeout must not cry "did not load" over a picture that is there).
        self._load_timer.stop()
        index = self.frame_index(frame)
        self._frame = index
        self._last_start_us = frame.startTime()
        if self._loading and self.player.duration() > 0:
            self._loading = False
            if self._reload_to is None:  # loading again is not news either
                self.loaded.emit(int(self.player.duration()))
        if self._reload_to is not None and self._reloaded(index):
            return  # the picture passes by on its way back to where the user was
        if index == self._pending or self.is_playing:
            self._pending = None
        if self._growing and self.is_playing and self._near_the_loaded_end(index):
            self._reload(index, play=True)
            return
        if self._preview is None:
            self.frame_shown.emit(index, frame_to_ms(index, self.rate))
        elif self._last_start_us == self._offset_us:  # a preview's numbers wait for its rate (adopt)
            self.preview_settled.emit(True)

    def _reloaded(self, index: int) -> bool:
        """On the way back after loading again: True while the frame shown is not the one to return to."""
        target = self._reload_to
        assert target is not None
        last = self._loaded_last_frame()
        if last is not None:
            target = min(target, last)  # what was recorded when it was loaded again
        if index != target:
            if not self._reload_seeking:
                self._reload_seeking = True
                self.seek_frame(target)
            return True
        self._reload_to = None
        if self._resume_playing:
            self._resume_playing = False
            self.player.play()
        return False

    def _near_the_loaded_end(self, index: int) -> bool:
        """Playing a recording in progress: close to the end of what was loaded, with more recorded since."""
        loaded_ms = self.duration_ms
        return loaded_ms > 0 and self._available_ms > loaded_ms + 500 and \
            frame_to_ms(index, self.rate) > loaded_ms - 1500

    def _distrust_first_frame(self, start_us: int) -> None:
        """The first frame after loading starts at ``start_us``, not at the stream's start: frame numbers counted
        from it would not match the picture. Load again, once; if that does not help, say so and show nothing
        numbered."""
        log.warning("first frame after loading starts at %.3f s, not at 0: reloading", start_us / 1e6)
        url, reloads = self._url, self._reloads
        if url is None or reloads >= 1:
            self._loading = False
            self._load_timer.stop()
            self.player.stop()
            self.failed.emit("The player could not tell which frame it shows, so it stopped rather than show wrong "
                             "times. Open the source again; if this repeats, the log file has details.")
            return
        self.failed.emit("The player lost track of which frame it shows; loading the video again…")
        self.player.setSource(QUrl())
        self.load(url, self.rate)
        self._reloads = reloads + 1

    def _on_player_error(self, error: QMediaPlayer.Error, detail: str) -> None:
        if self._abandoned:
            return
        self._load_timer.stop()
        self._loading = False
        if self._preview is not None:
            log.debug("preview of %s failed: %s %s", self._preview.split("?")[0], error, detail)
            self._drop_preview()
            return
        message = ERROR_MESSAGES.get(error, "The video could not be played.")
        self.failed.emit(f"{message} ({detail})" if detail else message)

    def _on_load_timer_timeout(self) -> None:
        if self._loading:
            self._loading = False
            self._abandoned = True
            self.player.stop()
            if self._preview is not None:
                log.debug("preview of %s did not load in time", self._preview.split("?")[0])
                self._drop_preview()
                return
            seconds = self._load_timer.interval() / 1000
            self.failed.emit(f"The video did not load in {seconds:g} s. Check the network and the stream address; "
                             "with https, the server's certificate may not be trusted by this computer.")

    def _drop_preview(self) -> None:
        """Cleared, so that loading the same address for its asset starts afresh."""
        self._preview = None
        self._abandoned = True
        self.player.setSource(QUrl())
        self.preview_settled.emit(False)

    def _on_player_duration(self, duration: int) -> None:
        self.duration_changed.emit(int(duration))

    def _on_player_state(self, state: QMediaPlayer.PlaybackState) -> None:
        self.playing_changed.emit(state == QMediaPlayer.PlaybackState.PlayingState)

    def _on_reverse_timer_timeout(self) -> None:
        if self.current_frame <= 0:
            self.stop_shuttle()
            return
        self.seek_frame(self.current_frame - 1)
