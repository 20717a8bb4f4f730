"""A live stream's recording as it grows: its sessions, the encoder dropping out and coming back (slate burnt into
its media), its end, and its final live captions turning ready after it."""

from __future__ import annotations

import copy
from typing import Any

from muxclipper.emulator.errors import MuxApiError
from muxclipper.emulator.recording_sessions import (
    CONTENT,
    SLATE,
    recording_elapsed,
    recording_times,
    slate_inserted,
    slate_spans,
)
from muxclipper.emulator.records import AssetRecord, LiveStreamRecord
from muxclipper.emulator.state.core import LIVE_MEDIA, RECENT_ASSET_IDS, StateCore

#: Between the end of a looping broadcast and the next (a reconnecting encoder takes about this long).
LOOP_GAP_S = 5.0
#: How long after a live stream ends its generated_live_final captions turn ready (a guess: Mux says only "until
#: the live stream ends"; docs/emulator.md).
FINAL_CAPTIONS_DELAY_S = 60.0


class RecordingsState(StateCore):
    """A recording's life while its stream is live, and its end."""

    def _live_elapsed(self, rec: AssetRecord, now: float) -> float:
        assert rec.live_started_at is not None
        return recording_elapsed(rec.live_started_at, rec.live_paused, rec.disconnected_at,
                                 rec.slate_on_disconnect, now)

    @staticmethod
    def _recorded(rec: AssetRecord, elapsed: float) -> float:
        """How much of a live recording is playable after ``elapsed`` s: whole segments, if real."""
        elapsed = max(elapsed, 0.0)
        if rec.live_length is not None:
            elapsed = min(elapsed, rec.live_length)
        if rec.live_segment_ends:
            done = [end for end in rec.live_segment_ends if end <= elapsed + 1e-6]
            return round(done[-1], 6) if done else 0.0
        return round(elapsed, 3)

    def _update_recording_times(self, rec: AssetRecord) -> None:
        if rec.sessions:
            rec.doc["recording_times"] = recording_times(rec.sessions, float(rec.doc.get("duration") or 0.0))

    def _active_recording(self, stream_id: str) -> tuple[LiveStreamRecord, AssetRecord]:
        stream = self._stream(stream_id)
        active = stream.doc.get("active_asset_id")
        if stream.doc["status"] != "active" or not active or active not in self._assets:
            raise MuxApiError(409, "The live stream is not active; start it first.", "conflict")
        return stream, self._assets[active]

    def disconnect_encoder(self, stream_id: str) -> dict[str, Any]:
        """Control API: the encoder drops out. Mux fills the gap with slate (when the stream has slate: see
        recording_sessions.slate_inserted) and completes the recording if it is not back within
        ``reconnect_window`` seconds (at once when that is 0)."""
        def run() -> dict[str, Any]:
            stream, rec = self._active_recording(stream_id)
            if rec.disconnected_at is not None:
                raise MuxApiError(409, "The encoder is already disconnected; reconnect it first.", "conflict")
            now = self.clock.now()
            offset = self._live_elapsed(rec, now)
            rec.disconnected_at = now
            rec.reconnect_window = float(stream.doc.get("reconnect_window", 0))
            rec.slate_on_disconnect = slate_inserted(stream.doc)
            if rec.slate_on_disconnect:
                rec.sessions.append({"type": SLATE, "started_at": now, "offset": offset})
            if rec.reconnect_window <= 0:
                self._finish_recording(rec, now)
            else:
                if rec.slate_on_disconnect:
                    self._refresh_live_slate(rec)
                self._save_asset(rec)
            return copy.deepcopy(rec.doc)

        return self._locked(run)

    def reconnect_encoder(self, stream_id: str) -> dict[str, Any]:
        """Control API: the encoder is back within the reconnect window: a new content session begins."""
        def run() -> dict[str, Any]:
            _stream, rec = self._active_recording(stream_id)
            if rec.disconnected_at is None:
                raise MuxApiError(409, "The encoder is connected; disconnect it first.", "conflict")
            now = self.clock.now()
            if not rec.slate_on_disconnect:
                rec.live_paused += now - rec.disconnected_at
            rec.disconnected_at = None
            rec.sessions.append({"type": CONTENT, "started_at": now, "offset": self._live_elapsed(rec, now)})
            if rec.slate_on_disconnect:
                self._refresh_live_slate(rec)  # the slate ends here now, not at the end of the broadcast
            self._update_recording_times(rec)
            self._save_asset(rec)
            return copy.deepcopy(rec.doc)

        return self._locked(run)

    def _make_slate_media(self, rec: AssetRecord) -> bool:
        """A finished media-backed recording with slate sessions gets its own media, slate burnt in; it turns
        ready when that is made. Answers whether a job was started."""
        spans = slate_spans(rec.sessions, rec.media_duration)
        if not spans or self._processor is None or rec.processing != "media" or rec.media_name is None:
            return False
        frames = round(rec.media_duration * rec.frame_rate)
        rec.job = {"type": "slate", "source_media": rec.broadcast_media or rec.media_name, "frames": frames,
                   "spans": [list(span) for span in spans]}
        rec.media_state = "queued"
        rec.doc["progress"] = {"state": "transcoding", "progress": 0}
        self._save_asset(rec)
        self._submit(rec.id, rec.job)
        return True

    def _refresh_live_slate(self, rec: AssetRecord) -> None:
        """While a recording is live, its slate is burnt into a new version of its media (the whole broadcast, an
        open slate running to its end), which the recording switches to when made: its DVR, thumbnails and
        storyboards show the slate. Versions are numbered so a late one never replaces a newer one."""
        if self._processor is None or self.media is None or rec.broadcast_media is None:
            return
        manifest = self.media.manifest(rec.broadcast_media)
        spans = slate_spans(rec.sessions, rec.live_length or 0.0)
        if manifest is None or not spans:
            return
        from muxclipper.emulator.media.slate import SlateJob

        rec.live_media_version += 1
        name = f"{rec.id}{LIVE_MEDIA}{rec.live_media_version}"
        self._processor.submit(SlateJob(name, rec.broadcast_media, manifest.frames, tuple(spans)))

    def _finish_recording(self, rec: AssetRecord, ended_at: float) -> None:
        assert rec.live_started_at is not None
        rec.media_duration = self._recorded(rec, self._live_elapsed(rec, ended_at))
        rec.live_length = rec.media_duration
        rec.doc["is_live"] = False
        rec.disconnected_at = None
        rec.doc["duration"] = rec.media_duration
        self._update_recording_times(rec)
        if rec.text_files:  # the final live captions are made after the event: ready a while after it ends
            rec.final_captions_at = ended_at + FINAL_CAPTIONS_DELAY_S
            self._captions_due.add(rec.id)
        if not self._make_slate_media(rec):
            self._make_ready(rec)
        stream = self._streams.get(str(rec.doc.get("live_stream_id")))
        if stream is not None and stream.doc.get("active_asset_id") == rec.id:
            stream.doc.pop("active_asset_id", None)
            stream.doc["status"] = "idle"
            recent = [a for a in stream.doc.get("recent_asset_ids", []) if a != rec.id] + [rec.id]
            stream.doc["recent_asset_ids"] = recent[-RECENT_ASSET_IDS:]
            if stream.loop_source:
                stream.next_broadcast_at = max(ended_at, self.clock.now()) + LOOP_GAP_S
            self._save_stream(stream)

    def _finish_final_captions(self, asset_id: str, now: float) -> None:
        rec = self._assets.get(asset_id)
        if rec is None or rec.final_captions_at is None:
            self._captions_due.discard(asset_id)
            return
        if now < rec.final_captions_at:
            return
        for track in rec.doc.get("tracks", []):
            if track.get("text_source") == "generated_live_final":
                track["status"] = "ready"
        rec.final_captions_at = None
        self._captions_due.discard(asset_id)
        self._save_asset(rec)
        self._finish_clips_final_captions(asset_id)

    def _finish_clips_final_captions(self, source_id: str) -> None:
        """The final live captions of ``source_id`` are ready: so are its clips' copies (and their clips')."""
        for clip in self._assets.values():
            if clip.doc.get("source_asset_id") != source_id or not clip.text_files:
                continue
            changed = False
            for track in (*clip.text_tracks, *clip.doc.get("tracks", [])):
                if track.get("text_source") == "generated_live_final" and track.get("status") != "ready":
                    track["status"] = "ready"
                    changed = True
            if changed:
                self._save_asset(clip)
                self._finish_clips_final_captions(clip.id)
