"""Reaching a frame: the run-up state machine of :class:`~muxclipper.qt.editor.player.PlayerController`.

- A seek to a frame's exact start can still show the frame before; seeks aim at mid-frame.
- **A seek cannot reach the last frames before an HLS segment boundary, nor the last frames of the stream,
  when the video has B-frames** (x264's defaults, most cameras and editing suites). FFmpeg's HLS demuxer counts
  the playlist's times from the first packet's *decoding* time, which B-frames put a frame or two before its
  first *presentation* time, from which Qt counts positions. A seek to the last ``d`` frames of a segment so
  picks the next segment, and shows its first frame; a seek to the last ``d`` frames of the stream fails
  ("Failed to seek: Operation not permitted") and left the picture black. Those frames are reached by a
  *run-up*: a seek to a frame safely before them, then playing (fast, silent, unseen) up to the frame.
  Boundaries are known from the playlist before any seek when the player is told where segments start
  (:attr:`FrameSeeking.segment_starts`: the app's playlist relay read them), so a frame before one is run up to at
  once; otherwise, and for any the playlist did not say, they are learnt from the seeks that land late. The end is
  known from the duration.
- The frames around the playhead are kept (:class:`FrameCache`): ← and J show them at once instead of
  decoding the GOP again; a step back to a frame not kept runs up from a little earlier, so the next steps
  back are kept too.
- A goal that does not come is tried again from farther back, slower each time. On a busy machine (a producer's
  laptop encoding beside the app; two busy cores with 4K B-frames here) Qt drops frames that come late to its
  clock, so a run-up at 8× can pass the goal without showing it: the next run-ups go at 1×, ½× and ¼×. A seek whose
  first frame is slow (the decoder works through the GOP from its keyframe: seconds for 4K on busy cores) is waited
  for, not sent again: sending it again starts that work over (which, every 1.5 s, never ended). Only a seek that
  brings nothing for :data:`SEEK_PATIENCE_MS` is taken for lost. In the end, if the goal never came, the nearest
  frame decoded is shown under its own number: the player never names a frame it does not show.

The run-up's frames never reach the screen: the player's own sink shows only the frame asked for (see the
player's docstring). This mixin holds the seeking state and its transitions; the player owns the Qt objects
(``player``, ``cache``, the patience timer) and says what a frame reached does (:meth:`_reached`).
"""

from __future__ import annotations

import logging
import time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from fractions import Fraction

from PySide6.QtCore import QTimer
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame

from muxclipper.qt.editor.frame_cache import FrameCache

log = logging.getLogger(__name__)

#: Frames before a segment boundary (and before the end) that a seek is assumed unable to reach until a seek shows
#: more: x264's defaults (3 B-frames, pyramid) delay by 2 frames.
DEFAULT_LEAD = 3
#: A seek landing up to this many frames after the frame asked for landed on a segment boundary (B-frames delay
#: by at most a few frames); landing farther is a frame from an earlier seek.
MAX_LEAD = 16
#: How fast a run-up plays (muted, unseen): every frame still arrives at this speed (checked by the matrix test)
#: unless the machine is busy; a run-up that passed its goal goes again slower (see :data:`RETRY_RATES`).
RUN_UP_RATE = 8.0
#: The run-up's speed by attempt: a frame dropped at 8× is shown at 1×, else at ½×, ¼× (Qt drops a frame decoded too
#: late for its clock; a slower clock leaves the decoder more time for each).
RETRY_RATES = (RUN_UP_RATE, 1.0, 0.5, 0.25)
#: A step forward within this many frames of the decoder's position plays on to it rather than seeking.
PLAY_ON_FRAMES = 12
#: A step back to a frame not kept runs up from this many frames earlier (bounded by the cache's room).
BACK_PREFETCH = 24
#: After this long without a frame from a decoder that was giving frames, while one is asked for, try again from
#: farther back (a run-up that stalled).
GOAL_PATIENCE_MS = 1_500
#: A seek that has brought no frame at all is waited for this long before it is taken for lost and sent again: its
#: first frame comes only once the decoder has worked through the GOP up to it (measured: ~6 s for 40 frames of 4K
#: B-frames on two cores busy with ``stress-ng --cpu 2``).
SEEK_PATIENCE_MS = 15_000
MAX_ATTEMPTS = len(RETRY_RATES) - 1


class FrameSeeking:
    """Mixed into the player: puts a frame asked for on screen, from the frames kept or through the decoder."""

    # What it needs of the player (set in its ``__init__``).
    player: QMediaPlayer
    cache: FrameCache
    rate: Fraction
    _audio: QAudioOutput | None
    _user_muted: bool
    _offset_us: int | None
    _frame: int  # on screen
    _patience: QTimer  # single shot, GOAL_PATIENCE_MS
    # The seeking state.
    _goal: int | None  # a frame asked for that is not on screen yet
    _attempts: int
    _decoder_at: int | None  # the last frame the decoder gave
    _seeking: bool  # a plain seek to the goal is under way
    _running_up: bool  # the decoder plays, unseen, up to the goal
    _armed: bool  # the run-up's own frames are arriving (not an earlier seek's)
    _boundaries: set[int]  # segment starts learnt from seeks that landed there
    #: Where the segments of the stream at an address start, in frames (sorted), as its playlist says; set by whoever
    #: serves the playlists (the app's relay), None: boundaries are only learnt.
    segment_starts: Callable[[str], Sequence[int]] | None
    _url: str | None  # the stream loaded
    _lead: int
    _sent_at: float  # time.monotonic() when the decoder was last sent somewhere (a seek)

    def _show(self, index: int, frame: QVideoFrame) -> None:
        raise NotImplementedError

    def _reached(self, index: int, frame: QVideoFrame) -> None:
        raise NotImplementedError

    def _loaded_last_frame(self) -> int | None:
        raise NotImplementedError

    def _forget_seeking(self) -> None:
        """A new source: nothing asked for, no boundary known."""
        self._goal, self._attempts, self._decoder_at = None, 0, None
        self._seeking = self._running_up = self._armed = False
        self._boundaries = set()
        self._lead = DEFAULT_LEAD
        self._sent_at = time.monotonic()

    def _request(self, frame: int) -> None:
        """Put ``frame`` on screen: from the frames kept, else through the decoder (paused)."""
        kept = self.cache.get(frame)
        if kept is not None:
            self._halt_decoder()
            self._goal = None
            self._patience.stop()
            self._show(frame, kept)
            return
        if frame == self._goal and (self._seeking or self._running_up):
            return  # on its way (J asks again on each tick)
        self._goal, self._attempts = frame, 0
        self._go()

    def _go(self) -> None:
        goal = self._goal
        assert goal is not None
        self._patience.start()
        at = self._decoder_at
        playing_on = self._running_up or self.player.playbackState() == QMediaPlayer.PlaybackState.PausedState
        if at is not None and at < goal <= at + PLAY_ON_FRAMES and not self._seeking and playing_on \
                and self._attempts == 0:
            self._run_up(None)  # just after the decoder's position: play on, no seek
            return
        start = self._safe_start(goal)
        if start == goal:
            self._halt_decoder()
            self._seeking = True
            self._position_at(goal)
        else:
            self._run_up(start)

    def _safe_start(self, frame: int) -> int:
        """A frame at or before ``frame`` that a seek reaches, from which the decoder plays on to ``frame``."""
        start = frame
        if 0 < self._frame - frame <= 2 and frame not in self.cache:  # ← or J: keep the frames before it too
            room = self.cache.capacity(self.cache.get(self._frame) or QVideoFrame()) - PLAY_ON_FRAMES
            start = frame - max(min(BACK_PREFETCH, room), 0)
        margin = self._lead + 2 * self._attempts
        for boundary in self._boundaries_after(frame, margin):
            start = min(start, boundary - margin - 1)
        last = self._loaded_last_frame()
        if last is not None and frame > last - margin:
            start = min(start, last - margin - 1)
        if self._attempts and start == frame:
            start = frame - margin  # a plain seek did not bring it: come from before
        return max(start, 0)

    def _boundaries_after(self, frame: int, margin: int) -> list[int]:
        """Segment starts within ``margin`` frames after ``frame``: those the playlist says, and those learnt."""
        near = [boundary for boundary in self._boundaries if boundary - margin <= frame < boundary]
        said = self.segment_starts(self._url) if self.segment_starts is not None and self._url else ()
        at = bisect_right(said, frame)
        return near + [boundary for boundary in said[at:at + margin] if boundary - margin <= frame]

    def _run_up(self, start: int | None) -> None:
        """Play, muted and unseen, from ``start`` (None: from where the decoder is) until the goal arrives."""
        self._seeking = False
        self._running_up = True
        self._armed = start is None
        if self._audio is not None:
            self._audio.setMuted(True)
        self.player.setPlaybackRate(RETRY_RATES[min(self._attempts, MAX_ATTEMPTS)])
        if start is None:
            self.player.play()
            return
        # Paused, the seek shows its frame; playing starts from there (playing at once could start from where the
        # decoder was before the seek).
        self.player.pause()
        self._position_at(start)

    def _position_at(self, frame: int) -> None:
        """Send the decoder to ``frame`` (it shows the frame when paused, and goes on from there when playing)."""
        offset_ms = (self._offset_us or 0) / 1000
        # Aim at the middle of the frame: at its exact start Qt may still show the frame before.
        self.player.setPosition(round(offset_ms + float((Fraction(frame) + Fraction(1, 2)) * 1000 / self.rate)))
        self._decoder_at = None
        self._sent_at = time.monotonic()
        if self.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState:
            self.player.pause()  # after the end of the media, a position alone shows nothing

    def _halt_decoder(self) -> None:
        """Stop a run-up (the decoder pauses where it is)."""
        if self._running_up:
            self._running_up = False
            self.player.pause()
            self.player.setPlaybackRate(1.0)
            if self._audio is not None:
                self._audio.setMuted(self._user_muted)
        self._seeking = False

    def _escalate(self, why: str) -> None:
        """The goal did not come: try again from farther back, slower; in the end show what there is."""
        goal = self._goal
        if goal is None:
            return
        self._attempts += 1
        log.debug("frame %s not reached (%s): attempt %s", goal, why, self._attempts)
        if self._attempts <= MAX_ATTEMPTS:
            self._go()
            return
        log.warning("frame %s could not be reached; showing the nearest frame decoded", goal)
        self._halt_decoder()
        self._goal = None
        self._patience.stop()
        near = min((i for i in range(goal - MAX_LEAD, goal + MAX_LEAD + 1) if i in self.cache),
                   key=lambda i: abs(i - goal), default=None)
        if near is not None:
            kept = self.cache.get(near)
            assert kept is not None
            self._show(near, kept)

    def _on_patience_timeout(self) -> None:
        if self._decoder_at is None and time.monotonic() - self._sent_at < SEEK_PATIENCE_MS / 1000:
            self._patience.start()  # nothing since the seek: the decoder is still working through the GOP
            return
        self._escalate("no frame in time")

    def _toward_goal(self, index: int, frame: QVideoFrame) -> None:
        """The decoder gave frame ``index`` while paused: the goal reached, a run-up on its way, or a seek that
        landed on a segment boundary (learnt, and the goal run up to)."""
        goal = self._goal
        if goal is None:
            return  # a frame decoded after pausing, or after the goal was met: the screen keeps the one asked for
        self._patience.start()  # the decoder is working (a 4K GOP takes a while): patience runs from its last frame
        if index == goal:
            self._reached(index, frame)
        elif self._running_up:
            if index < goal:
                if not self._armed:
                    self._armed = True
                    self.player.play()
            elif self._armed:  # frames before a run-up's first one are an earlier seek's, on their way out
                self._escalate(f"the run-up went past it to {index}")
        elif self._seeking and goal < index <= goal + MAX_LEAD:
            # Landed on the next segment's first frame: the goal is in the frames before a boundary.
            self._boundaries.add(index)
            self._lead = max(self._lead, index - goal)
            log.debug("seek to %s landed on %s: a segment boundary", goal, index)
            self._go()

    def _seek_failed(self, detail: str) -> None:
        """A seek past what the demuxer thinks the end is (B-frames): come from farther back."""
        log.debug("seek failed (%s): running up instead", detail)
        self._lead += 2
        self._escalate(detail)
