"""The emulated Mux environment: assets, live streams and their recordings, playback ids, signing keys, and their
life cycles; one module per resource around a small core (``core.py``: the objects, one lock, persistence).

Time-driven changes (an asset turning ready, a live recording growing) are applied lazily: every
public method first brings the state up to the emulator clock (:meth:`EmulatorState._advance`, the one place where
time moves every resource). Nothing ticks in the background, so tests can move the clock instead of sleeping, and a
restart resumes exactly where the clock says.
"""

from __future__ import annotations

from muxclipper.emulator.state.assets import AssetsState
from muxclipper.emulator.state.control import ControlState
from muxclipper.emulator.state.live_streams import LiveStreamsState
from muxclipper.emulator.state.media import MediaState
from muxclipper.emulator.state.playback_ids import PlaybackIdsState
from muxclipper.emulator.state.recordings import RecordingsState
from muxclipper.emulator.state.signing_keys import SigningKeysState


class EmulatorState(AssetsState, LiveStreamsState, RecordingsState, MediaState, PlaybackIdsState, SigningKeysState,
                    ControlState):
    """All objects of one emulated environment, guarded by one lock and persisted on every change."""

    def _advance(self, now: float) -> None:
        for asset_id in list(self._pending):
            rec = self._assets.get(asset_id)
            if rec is None or rec.status != "preparing":
                self._pending.discard(asset_id)
                continue
            if rec.is_recording:
                assert rec.live_started_at is not None
                if rec.disconnected_at is not None and now >= rec.disconnected_at + rec.reconnect_window:
                    # The encoder did not come back in time: Mux completes the recording.
                    self._finish_recording(rec, rec.disconnected_at + rec.reconnect_window)
                    continue
                elapsed = self._live_elapsed(rec, now)
                if rec.live_length is not None and elapsed >= rec.live_length:
                    self._finish_recording(rec, rec.live_started_at + rec.live_paused + rec.live_length)
                else:
                    rec.doc["duration"] = self._recorded(rec, elapsed)
                    self._update_recording_times(rec)
            elif rec.processing == "media":
                if rec.media_state == "done" and not rec.hold:
                    self._make_ready(rec)
            elif rec.hold or rec.ready_at is None:
                continue
            elif now >= rec.ready_at:
                self._make_ready(rec)
            else:
                self._update_progress(rec, now)
        for asset_id in list(self._captions_due):
            self._finish_final_captions(asset_id, now)
        for stream in self._streams.values():
            due = stream.next_broadcast_at
            if (stream.loop_source and due is not None and now >= due and stream.doc["status"] == "idle"
                    and stream.loop_source in self._assets and self._assets[stream.loop_source].status == "ready"):
                stream.next_broadcast_at = None
                self._start_live(stream, None, stream.loop_source)
