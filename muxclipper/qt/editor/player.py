"""A player facade over ``QMediaPlayer``, in milliseconds and source frames, that shows exactly the frame asked for.

What Qt gives and what producers need differ in these ways this class bridges:

- Qt's clock starts at the earliest packet, often audio (AAC priming puts video ~21 ms later), so
  frame *n* appears at ``offset + n/fps``: the offset is read from frame 0 when a source loads.
- Seeks aim at mid-frame, and **a seek cannot reach the last frames before an HLS segment boundary, nor the
  last frames of the stream, when the video has B-frames**: those frames are reached by a *run-up* (a seek to a
  frame safely before them, then playing fast, silent and unseen up to the frame). How, and how the boundaries
  are learnt, is :mod:`muxclipper.qt.editor.frame_seeker`'s (:class:`FrameSeeking`, mixed into this class).
- The decoder's frames do not go to the screen directly: they arrive in a sink of this class's own, which puts
  on the screen's sink only the frame asked for (or, playing, each frame as it comes). So a run-up's frames
  never flash by, and the frame number reported is always that of the picture shown (both come from the
  frame's own timestamp).
- The frames around the playhead are kept (:class:`FrameCache`): ← and J show them at once (see
  ``frame_seeker``).
- Qt reports no error for an untrusted TLS certificate (it buffers forever): a load timeout turns
  that silence into a message.
- Setting the source Qt already has does not reload it: the next frame would be taken for frame 0 and every
  number after it would be off by where the player was. Loading the same address unloads it first, and a first
  frame that starts far from the stream's start is not believed: the source is loaded again, and said so.

Positions in and out are integer milliseconds of the *source* (frame 0 at 0 ms).

An audio-only source (``load(…, audio_only=True)``) has no frames: it is loaded at a rate of 1000, so that a "frame"
is a millisecond, and the position is Qt's own (:mod:`muxclipper.qt.editor.audio_position`).
"""

from __future__ import annotations

import logging
from fractions import Fraction

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer, QVideoFrame, QVideoSink

from muxclipper.core.timecode import frame_to_ms, ms_to_frame
from muxclipper.qt import qt_messages
from muxclipper.qt.editor.audio_position import AUDIO_REVERSE_STEP_MS, AudioPosition
from muxclipper.qt.editor.frame_cache import FrameCache
from muxclipper.qt.editor.frame_seeker import GOAL_PATIENCE_MS, FrameSeeking

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


class PlayerController(QObject, FrameSeeking, AudioPosition):
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
        #: What is on screen (the video widget's sink); the decoder's frames arrive in ``_decoded`` first.
        self.sink = sink or QVideoSink(self)
        self._decoded = QVideoSink(self)
        self.player.setVideoSink(self._decoded)
        self._audio: QAudioOutput | None = None
        self._length_ms: int | None = None
        self._user_muted = False
        self.rate = Fraction(30)
        self._offset_us: int | None = None
        self._last_start_us: int | None = None
        self._frame = -1  # on screen
        self.cache = FrameCache()
        self.segment_starts = None  # see FrameSeeking: the window gives its relay's
        self._forget_seeking()  # the state of reaching a frame: see FrameSeeking
        self._playing = False  # the user's playback (Space, L), as the transport shows it
        self._floor: int | None = None  # playing: frames up to this one are not shown (the decoder catching up)
        self._preview: str | None = None  # a stream loading before its asset, and so its frame rate, is known
        self._url: str | None = None
        self._reloads = 0  # of this source, because its first frame could not be frame 0
        # A recording still in progress is played as finished up to where it was when loaded: seeking or playing
        # past that loads it again (where it is now) and goes on from the same frame.
        self._growing = False
        self._available_ms = 0
        self._reload_to: int | None = None  # the frame to show once the source is loaded again
        self._resume_playing = False
        self._loading = False
        self._abandoned = False  # a load we gave up on: its late errors are not news
        self._shuttle = 0  # >0 forward speed index, <0 reverse
        self._reverse_step = 1  # frames (an audio-only source: ms) a J tick goes back
        self._load_timer = QTimer(self)
        self._load_timer.setSingleShot(True)
        self._load_timer.setInterval(load_timeout_ms)
        self._load_timer.timeout.connect(self._on_load_timer_timeout)
        self._reverse_timer = QTimer(self)
        self._reverse_timer.timeout.connect(self._on_reverse_timer_timeout)
        self._patience = QTimer(self)
        self._patience.setSingleShot(True)
        self._patience.setInterval(GOAL_PATIENCE_MS)
        self._patience.timeout.connect(self._on_patience_timeout)
        self.audio_only = False  # sound alone: see AudioPosition
        self._switching = False  # inside load(): the statuses Qt reports are the old source's
        self.player.positionChanged.connect(self._on_audio_position)
        self._decoded.videoFrameChanged.connect(self._on_decoded_frame)
        self.player.errorOccurred.connect(self._on_player_error)
        self.player.durationChanged.connect(self._on_player_duration)
        self.player.mediaStatusChanged.connect(self._on_media_status)

    # ------------------------------------------------------------------ state
    @property
    def current_frame(self) -> int:
        return max(self._frame, 0)

    @property
    def frame_on_screen(self) -> int | None:
        """The frame of the loaded source on screen; None while none has been shown yet (loading)."""
        return self._frame if self._frame >= 0 else None

    @property
    def current_ms(self) -> int:
        return frame_to_ms(self.current_frame, self.rate)

    @property
    def target_frame(self) -> int:
        """The frame the player is going to (the last one asked for), or the one on screen. Steps and marks count
        from here: three quick → presses land three frames on, not one (each frame takes a few tens of ms)."""
        return self._goal if self._goal is not None else self.current_frame

    @property
    def duration_ms(self) -> int:
        return int(self.player.duration())

    @property
    def url(self) -> str | None:
        """The address of the stream loaded (or loading)."""
        return self._url

    @property
    def previewing(self) -> str | None:
        """The address of a preview waiting for its asset (see :meth:`preview`)."""
        return self._preview

    @property
    def is_playing(self) -> bool:
        return self._playing

    # ------------------------------------------------------------------ commands
    def load(self, url: str, rate: Fraction, growing: bool = False, length_ms: int | None = None,
             audio_only: bool = False) -> None:
        """Open an HLS URL (signed URLs carry their token); the first frame is shown, paused. ``growing``: a
        recording still in progress, given as a finished playlist of what is recorded so far (see
        :meth:`set_available`). ``length_ms``: the video's length as Mux says, when known: the stream's can be
        longer (sound starting before the picture or ending after it), and there are no frames there."""
        self._length_ms = length_ms
        self.audio_only = audio_only
        self.stop_shuttle()
        self._set_playing(False)
        self._growing = growing
        self._reload_to = None
        self.rate = rate
        self._preview = None
        self._offset_us = None
        self._last_start_us = None
        self._frame = -1
        self.cache.clear()
        self._forget_seeking()
        self._goal = 0
        self._floor = None
        self._patience.stop()
        self._loading = True
        self._abandoned = False
        # Qt tells the old source's state from inside these calls (a playing one "loaded" as it stops): not news of
        # the new one (sound alone took it for the new source loaded, and lost where a reload was going).
        self._switching = True
        if self.player.source() == QUrl(url):
            self.player.setSource(QUrl())  # else Qt keeps the pipeline, and where it was in it
        self._url, self._reloads = url, 0
        self.player.setPlaybackRate(1.0)
        self.player.setSource(QUrl(url))
        self.player.pause()
        self._switching = False
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
        if rate != self.rate:
            self.cache.clear()  # kept by numbers counted at another rate
            self._boundaries = set()
        self.rate = rate
        if self._offset_us is not None and self._last_start_us is not None:
            self._frame = self._index_of(self._last_start_us)
            self._decoder_at = self._frame
            self.frame_shown.emit(self._frame, frame_to_ms(self._frame, rate))
        return True

    def unload(self) -> None:
        self._load_timer.stop()
        self._patience.stop()
        self.stop_shuttle()
        self._set_playing(False)
        self._goal = None
        self._running_up = self._seeking = False
        self.cache.clear()
        self.player.stop()
        self.player.setSource(QUrl())

    def play(self) -> None:
        self.stop_shuttle()
        self._start_playing(1.0)

    def pause(self) -> None:
        self.stop_shuttle()
        self._stop_playing()

    def toggle(self) -> None:
        self.pause() if self.is_playing else self.play()

    def set_available(self, duration_ms: int) -> None:
        """A recording in progress now has ``duration_ms`` recorded: seeking or playing there loads it again."""
        self._available_ms = max(self._available_ms, duration_ms)

    def _loaded_last_frame(self) -> int | None:
        if self.duration_ms <= 0:
            return None
        # Rounded: Qt's duration is whole milliseconds cut short (23.990967 s is 23990 ms, 718.98 frames of 29.97).
        ms = self.duration_ms if self._length_ms is None else min(self.duration_ms, self._length_ms)
        return max(round(Fraction(ms) * self.rate / 1000) - 1, 0)

    def _reload(self, frame: int, play: bool) -> None:
        """Load the growing recording again (what is recorded now) and show ``frame``; playing on if ``play``."""
        url = self._url
        if url is None:
            return
        log.debug("loading the recording again to reach frame %s", frame)
        self.load(url, self.rate, growing=True, audio_only=self.audio_only)
        self._reload_to, self._resume_playing = frame, play

    def seek_frame(self, frame: int) -> None:
        """Show ``frame`` (clamped to the media), paused where it was paused."""
        if self.audio_only:
            self._audio_seek(frame)
            return
        last = self._loaded_last_frame()
        if last is not None and self._growing and frame > last:
            available = max(ms_to_frame(self._available_ms, self.rate) - 1, 0)
            if available > last:  # recorded since it was loaded
                self._reload(min(frame, available), play=self._playing)
                return
        last = last if last is not None else frame
        frame = min(max(frame, 0), last)
        if self._offset_us is None:  # still loading: shown once the first frame has numbered the others
            if self._loading:
                self._goal = frame
            return
        if self._playing:
            self._play_from(frame)
            return
        self._request(frame)

    def seek_ms(self, ms: int) -> None:
        self.seek_frame(ms_to_frame(ms, self.rate))

    def step(self, frames: int) -> None:
        """Frame step (arrow keys): lands paused on the frame."""
        target = self.target_frame
        self.stop_shuttle()
        self._stop_playing()
        self.seek_frame(target + frames)

    def shuttle_forward(self) -> None:
        """L: play; pressed again, faster (1×, 2×, 4×, 8×)."""
        if self._shuttle < 0:
            self.stop_shuttle()
        self._shuttle = min(self._shuttle + 1, len(SHUTTLE_RATES))
        self._reverse_timer.stop()
        self._start_playing(SHUTTLE_RATES[self._shuttle - 1])
        self.shuttle_changed.emit(SHUTTLE_RATES[self._shuttle - 1])

    def shuttle_backward(self) -> None:
        """J: play backwards by stepping frames on a timer (QMediaPlayer cannot run in reverse); the frames kept
        around the playhead make each step cheap."""
        if self._shuttle > 0:
            self.stop_shuttle()
        self._stop_playing()
        self._shuttle = max(self._shuttle - 1, -len(SHUTTLE_RATES))
        speed = SHUTTLE_RATES[-self._shuttle - 1]
        self._reverse_step = round(AUDIO_REVERSE_STEP_MS * speed) if self.audio_only else 1
        self._reverse_timer.setInterval(AUDIO_REVERSE_STEP_MS if self.audio_only else
                                        max(round(1000 / float(self.rate) / speed), 1))
        self._reverse_timer.start()
        self.shuttle_changed.emit(-speed)

    def stop_shuttle(self) -> None:
        """K."""
        if self._shuttle:
            self._shuttle = 0
            self._reverse_timer.stop()
            self._stop_playing()
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
        self._user_muted = muted
        output = self._audio_output()
        if output is not None:
            output.setMuted(muted or self._running_up)

    @property
    def muted(self) -> bool:
        return self._user_muted

    def _audio_output(self) -> QAudioOutput | None:
        # Made on demand, and only where there is a device: with none (no sound server), stopping a player that
        # has an audio output could hang Qt's playback threads (seen once in a few dozen closes on a headless run).
        if self._audio is None and self.has_sound:
            self._audio = QAudioOutput(self)
            self.player.setAudioOutput(self._audio)
        return self._audio

    # ------------------------------------------------------------------ reaching a frame (see FrameSeeking)
    def _reached(self, index: int, frame: QVideoFrame) -> None:
        self._halt_decoder()
        self._goal = None
        self._patience.stop()
        self._show(index, frame)
        if self._reload_to is not None and self._reload_to == index:
            self._reload_to = None
            if self._resume_playing:
                self._resume_playing = False
                self._start_playing(1.0)

    # ------------------------------------------------------------------ playing
    def _start_playing(self, rate: float) -> None:
        self._goal = None
        self._patience.stop()
        if self.audio_only:
            self._audio_play(rate)
            return
        if not self._playing:
            self._play_from(self.current_frame + 1 if self._frame >= 0 else 0)
        self._running_up = self._seeking = False
        if self._audio is not None:
            self._audio.setMuted(self.muted)
        self.player.setPlaybackRate(rate)
        self.player.play()
        self._set_playing(True)

    def _play_from(self, frame: int) -> None:
        """Playing goes on from ``frame``: the decoder is sent to a frame it can reach at or before it, and the
        frames before ``frame`` are not shown."""
        if self._decoder_at is not None and self._decoder_at == frame - 1 and \
                self.player.playbackState() != QMediaPlayer.PlaybackState.StoppedState:
            self._floor = None
            return  # the decoder is there
        self._floor = frame - 1
        self._position_at(self._safe_start(frame))

    def _stop_playing(self) -> None:
        if self.audio_only:
            self._audio_pause()
            return
        self._halt_decoder()
        if self._playing:
            self.player.pause()
            self.player.setPlaybackRate(1.0)
            self._floor = None
            self._set_playing(False)

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.playing_changed.emit(playing)

    # ------------------------------------------------------------------ Qt's side
    def _index_of(self, start_us: int) -> int:
        assert self._offset_us is not None
        return round(Fraction(start_us - self._offset_us) * self.rate / 1_000_000)

    def frame_index(self, frame: QVideoFrame) -> int:
        if self._offset_us is None:
            self._offset_us = frame.startTime()
        return self._index_of(frame.startTime())

    def _show(self, index: int, frame: QVideoFrame) -> None:
        """Put the decoded ``frame`` (source frame ``index``) on screen, and say so."""
        self._frame = index
        self._last_start_us = frame.startTime()
        self.sink.setVideoFrame(frame)
        if self._preview is None:
            self.frame_shown.emit(index, frame_to_ms(index, self.rate))
        elif self._last_start_us == self._offset_us:  # a preview's numbers wait for its rate (adopt)
            self.preview_settled.emit(True)

    def _on_decoded_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid() or frame.startTime() < 0:
            return
        if self._offset_us is None and frame.startTime() > FIRST_FRAME_LIMIT_US and self._loading:
            self._distrust_first_frame(frame.startTime())
            return
        # A frame is decoded: the stream loads (a growing recording never reports a duration, so "loaded" may wait
        # for one, but the load timeout must not cry "did not load" over a picture that is there).
        self._load_timer.stop()
        first = self._offset_us is None
        index = self.frame_index(frame)
        self._decoder_at = index
        self.cache.put(index, frame, self._goal if self._goal is not None else max(self._frame, index))
        if self._loading and self.player.duration() > 0:
            self._loading = False
            if self._reload_to is None:  # loading again is not news either
                self.loaded.emit(int(self.player.duration()))
        target = self._reload_to if self._reload_to is not None else self._goal
        if first and target is not None and target != index:
            self._goal = None
            self._request(target)  # back to where the user was (or asked meanwhile): frame 0 is not shown
            return
        if self._playing:
            if self._floor is not None and index <= self._floor:
                return  # the decoder catching up with where playing goes on from
            self._floor = None
            self._show(index, frame)
            if self._growing and self._near_the_loaded_end(index):
                self._reload(index, play=True)
            return
        self._toward_goal(index, frame)

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
        self.load(url, self.rate, length_ms=self._length_ms)
        self._reloads = reloads + 1

    def _on_player_error(self, error: QMediaPlayer.Error, detail: str) -> None:
        if self._abandoned:
            return
        if self._goal is not None and not self._loading and "seek" in detail.lower():
            self._seek_failed(detail)
            return
        self._load_timer.stop()
        self._loading = False
        self._halt_decoder()
        self._goal = None
        self._patience.stop()
        self._set_playing(False)
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

    def _on_media_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if self.audio_only and not self._switching:
            self._on_audio_status(status)
        if status != QMediaPlayer.MediaStatus.EndOfMedia:
            return
        at_speed = self._running_up and self._attempts == 0
        self._running_up = False
        if self._shuttle:
            self._shuttle = 0
            self._reverse_timer.stop()
            self.shuttle_changed.emit(0.0)
        self.player.setPlaybackRate(1.0)
        self._set_playing(False)
        if self._goal is not None and self._decoder_at is not None and self._decoder_at < self._goal:
            if at_speed:  # the last frames may have been dropped at 8× on a busy machine: once more at 1×
                self._escalate("the end came first")
                return
            # The goal lies past the last frame there is (a duration rounded up): the last frame is the answer.
            kept = self.cache.get(self._decoder_at)
            if kept is not None:
                self._reached(self._decoder_at, kept)

    def _on_reverse_timer_timeout(self) -> None:
        if self.current_frame <= 0:
            self.stop_shuttle()
            return
        self.seek_frame(self.current_frame - self._reverse_step)
