"""Live streams: created, read, listed, deleted, completed; and a broadcast starting (control API: its source,
its default, a loop, an autostart), which makes the recording asset that grows with the clock."""

from __future__ import annotations

import copy
from typing import Any

from muxclipper.emulator import validation as v
from muxclipper.emulator.errors import MuxApiError, invalid
from muxclipper.emulator.ids import new_id
from muxclipper.emulator.recording_sessions import CONTENT, recording_times
from muxclipper.emulator.records import AssetRecord, LiveStreamRecord
from muxclipper.emulator.state.core import ASSET, LIVE_STREAM, RECENT_ASSET_IDS, StateCore, created_at_text
from muxclipper.emulator.state.paging import paginate_params

#: How long a started live stream broadcasts before its source runs out, unless told otherwise.
DEFAULT_LIVE_LENGTH = 600.0


class LiveStreamsState(StateCore):
    """``/video/v1/live-streams``, and starting a broadcast."""

    def create_live_stream(self, spec: v.CreateLiveStreamSpec) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            now = self.clock.now()
            stream_id = new_id()
            doc: dict[str, Any] = {
                "id": stream_id,
                "created_at": created_at_text(now),
                "stream_key": new_id(36),
                "status": "idle",
                "latency_mode": spec.latency_mode,
                "reconnect_window": spec.reconnect_window,
                "max_continuous_duration": 43200,
                "recent_asset_ids": [],
            }
            if spec.use_slate_for_standard_latency:
                doc["use_slate_for_standard_latency"] = True
            if spec.playback_policies:
                doc["playback_ids"] = self._new_playback_ids(LIVE_STREAM, stream_id, spec.playback_policies)
            if spec.new_asset_policies:
                doc["new_asset_settings"] = {"playback_policies": list(spec.new_asset_policies)}
            if spec.passthrough is not None:
                doc["passthrough"] = spec.passthrough
            if spec.title is not None:
                doc["meta"] = {"title": spec.title}
            if spec.test:
                doc["test"] = True
            if spec.generated_subtitles:
                doc["generated_subtitles"] = [dict(item) for item in spec.generated_subtitles]
            rec = LiveStreamRecord(doc, self._next_seq(), list(spec.new_asset_policies),
                                   generated_subtitles=[dict(item) for item in spec.generated_subtitles])
            self._streams[stream_id] = rec
            self._save_stream(rec)
            return copy.deepcopy(doc)

        return self._locked(run)

    def get_live_stream(self, stream_id: str) -> dict[str, Any]:
        return self._locked(lambda: copy.deepcopy(self._stream(stream_id).doc))

    def list_live_streams(self, limit: int | None = None, page: int | None = None,
                          status: str | None = None, stream_key: str | None = None,
                          ) -> list[dict[str, Any]]:
        limit, page = paginate_params(limit, page)
        if status is not None and status not in v.LIVE_STREAM_STATUSES:
            raise invalid(f"status must be one of {', '.join(v.LIVE_STREAM_STATUSES)}.")

        def run() -> list[dict[str, Any]]:
            rows = sorted(self._streams.values(), key=lambda r: r.seq, reverse=True)
            rows = [r for r in rows if (status is None or r.doc["status"] == status)
                    and (stream_key is None or r.doc["stream_key"] == stream_key)]
            return [copy.deepcopy(r.doc) for r in rows[(page - 1) * limit:][:limit]]

        return self._locked(run)

    def delete_live_stream(self, stream_id: str) -> None:
        def run() -> None:
            rec = self._stream(stream_id)
            active = rec.doc.get("active_asset_id")
            if active and active in self._assets:
                self._finish_recording(self._assets[active], self.clock.now())
            for pid in rec.doc.get("playback_ids", []):
                self._playback.pop(pid["id"], None)
            del self._streams[stream_id]
            self._db.delete(LIVE_STREAM, stream_id)

        self._locked(run)

    def complete_live_stream(self, stream_id: str) -> None:
        """``PUT …/complete``: end the broadcast now; a stream that is not active is left alone."""
        def run() -> None:
            rec = self._stream(stream_id)
            active = rec.doc.get("active_asset_id")
            if active and active in self._assets:
                self._finish_recording(self._assets[active], self.clock.now())

        self._locked(run)

    def start_live_stream(self, stream_id: str, length: float | None = None,
                          source_asset_id: str | None = None) -> dict[str, Any]:
        """Control API: a broadcast begins; its recording grows with the clock for ``length`` s.

        With ``source_asset_id`` (a ready asset with media) the broadcast is that asset's media, cut
        into its real segments; without, the recording is metadata only.
        """
        def run() -> dict[str, Any]:
            stream = self._stream(stream_id)
            source = source_asset_id or stream.default_source
            if source is not None and source not in self._assets:
                source = None  # the default source was deleted: broadcast without media
            return self._start_live(stream, length, source)

        return self._locked(run)

    def set_default_source(self, stream_id: str, source_asset_id: str) -> None:
        def run() -> None:
            stream = self._stream(stream_id)
            stream.default_source = source_asset_id
            self._save_stream(stream)

        self._locked(run)

    def link_recording(self, stream_id: str, asset_id: str) -> None:
        """Make an asset one of a stream's past recordings (demo content)."""
        def run() -> None:
            stream, rec = self._stream(stream_id), self._asset(asset_id)
            rec.doc["live_stream_id"] = stream_id
            rec.doc["ingest_type"] = "live_rtmp"
            # (An asset deleted since, such as a demo source made again, is no longer one of them.)
            recent = [a for a in stream.doc.get("recent_asset_ids", []) if a in self._assets]
            stream.doc["recent_asset_ids"] = [*recent, asset_id][-RECENT_ASSET_IDS:]
            self._save_asset(rec)
            self._save_stream(stream)

        self._locked(run)

    def set_loop(self, stream_id: str, source_asset_id: str) -> None:
        """The stream broadcasts the asset's media over and over, each time as a new recording, a few seconds apart
        (starting as soon as the asset is ready): the demo's "live now" stream is live whenever the demo runs."""
        def run() -> None:
            stream = self._stream(stream_id)
            stream.loop_source = source_asset_id
            if stream.doc["status"] == "idle":
                stream.next_broadcast_at = self.clock.now()
            self._save_stream(stream)

        self._locked(run)

    def set_autostart(self, stream_id: str, source_asset_id: str) -> None:
        def run() -> None:
            stream = self._stream(stream_id)
            source = self._asset(source_asset_id)
            if source.status == "ready":
                self._start_live(stream, None, source_asset_id)
            else:
                stream.autostart_source = source_asset_id
                self._save_stream(stream)

        self._locked(run)

    def _start_live(self, stream: LiveStreamRecord, length: float | None,
                    source_asset_id: str | None) -> dict[str, Any]:
        if stream.doc["status"] == "active":
            raise MuxApiError(409, "The live stream is already active.", "conflict")
        if stream.doc["status"] == "disabled":
            raise MuxApiError(409, "The live stream is disabled.", "conflict")
        source = self._asset(source_asset_id) if source_asset_id else None
        if source is not None and (source.status != "ready" or source.media_name is None):
            raise invalid(f"Asset {source.id} has no media to broadcast; use a ready asset made with media.")
        now = self.clock.now()
        asset_id = new_id()
        doc: dict[str, Any] = {
            "id": asset_id,
            "created_at": created_at_text(now),
            "status": "preparing",
            "progress": {"state": "live", "progress": -1},
            "duration": 0.0,
            "is_live": True,
            "live_stream_id": stream.id,
            "ingest_type": "live_rtmp",
            "video_quality": "plus",
            "encoding_tier": "smart",
            "max_resolution_tier": "1080p",
            "master_access": "none",
            "mp4_support": "none",
        }
        if stream.new_asset_policies:
            doc["playback_ids"] = self._new_playback_ids(ASSET, asset_id, stream.new_asset_policies)
        rec = AssetRecord(doc=doc, seq=self._next_seq(), live_started_at=now,
                          live_length=DEFAULT_LIVE_LENGTH if length is None else length,
                          frame_rate=30.0, width=1280, height=720, processing="seeded",
                          sessions=[{"type": CONTENT, "started_at": now, "offset": 0.0}])
        doc["recording_times"] = recording_times(rec.sessions, 0.0)
        if source is not None:
            assert self.media is not None and source.media_name is not None
            manifest = self.media.manifest(source.media_name)
            assert manifest is not None
            rec.media_name, rec.processing, rec.media_state = source.media_name, "media", "done"
            rec.broadcast_media = source.media_name
            rec.live_length = min(rec.live_length or manifest.duration, manifest.duration)
            rec.live_segment_ends = [end for _, end in manifest.segment_bounds()]
            rec.frame_rate, rec.width, rec.height = source.frame_rate, source.width, source.height
            rec.has_audio, rec.text_tracks = source.has_audio, [dict(t) for t in source.text_tracks]
            rec.audio_only = source.audio_only  # a show's sound alone: its recording is audio-only too
        self._media_fields(rec)
        if source is not None:
            self._add_live_captions(rec, stream)
        self._assets[asset_id] = rec
        self._pending.add(asset_id)
        stream.doc["status"] = "active"
        stream.doc["active_asset_id"] = asset_id
        self._save_asset(rec)
        self._save_stream(stream)
        return copy.deepcopy(doc)

    def _add_live_captions(self, rec: AssetRecord, stream: LiveStreamRecord) -> None:
        """A stream with ``generated_subtitles``: its recording gets a ``generated_live`` track, ready while live,
        and a ``generated_live_final`` one, preparing until a while after the stream ends. The emulator's "speech
        recognition" is the broadcast media's own captions (the interim track served as a live recogniser writes
        them); without captions in the media there is nothing to recognise and no track."""
        assert self.media is not None and rec.media_name is not None
        manifest = self.media.manifest(rec.media_name)
        if not stream.generated_subtitles or manifest is None or not manifest.text_tracks:
            return
        asked, served = stream.generated_subtitles[0], manifest.text_tracks[0].id
        rec.text_tracks = []  # a live recording carries what the encoder sent, not the source's uploaded tracks
        tracks = [t for t in rec.doc["tracks"] if t.get("type") != "text"]
        for source, status in (("generated_live", "ready"), ("generated_live_final", "preparing")):
            track_id = new_id()
            rec.text_files[track_id] = served
            if source == "generated_live":
                rec.interim_tracks.append(track_id)
            track = {"type": "text", "id": track_id, "text_type": "subtitles", "text_source": source,
                     "language_code": asked["language_code"], "name": asked["name"], "closed_captions": False,
                     "status": status}
            if "passthrough" in asked:
                track["passthrough"] = asked["passthrough"]
            tracks.append(track)
        rec.doc["tracks"] = tracks
