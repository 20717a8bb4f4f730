"""The emulated Mux environment: assets, live streams, playback ids, signing keys, and their life cycles.

Time-driven changes (an asset turning ready, a live recording growing) are applied lazily: every
public method first brings the state up to the emulator clock. Nothing ticks in the background, so
tests can move the clock instead of sleeping, and a restart resumes exactly where the clock says.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from muxclipper.emulator import validation as v
from muxclipper.emulator.clock import Clock
from muxclipper.emulator.config import EmulatorConfig
from muxclipper.emulator.errors import MuxApiError, invalid, not_found
from muxclipper.emulator.ids import new_id
from muxclipper.emulator.media.picture_size import TIER_SIDES, capped, scaled, short_side, tier_of
from muxclipper.emulator.persistence import Persistence
from muxclipper.emulator.recording_sessions import (
    CONTENT,
    SLATE,
    recording_elapsed,
    recording_times,
    slate_inserted,
    slate_spans,
)
from muxclipper.emulator.records import AssetRecord, LiveStreamRecord, SigningKeyRecord

if TYPE_CHECKING:
    from muxclipper.emulator.media.pipeline import MediaFacts, MediaProcessor
    from muxclipper.emulator.media.store import MediaStore

ASSET, LIVE_STREAM, SIGNING_KEY = "asset", "live_stream", "signing_key"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
#: How long a started live stream broadcasts before its source runs out, unless told otherwise.
DEFAULT_LIVE_LENGTH = 600.0
#: How many recent asset ids a live stream lists (Mux keeps a short history; the number is a guess).
RECENT_ASSET_IDS = 10
#: Between the end of a looping broadcast and the next (a reconnecting encoder takes about this long).
LOOP_GAP_S = 5.0
#: How long after a live stream ends its generated_live_final captions turn ready (a guess: Mux says only "until
#: the live stream ends"; docs/emulator.md).
FINAL_CAPTIONS_DELAY_S = 60.0
#: In a media name: a live recording's slated version, ``{asset id}.live{n}``.
LIVE_MEDIA = ".live"

T = TypeVar("T")


def _created_at(now: float) -> str:
    return str(int(now))


def _aspect_ratio(width: int, height: int) -> str:
    g = math.gcd(width, height) or 1
    return f"{width // g}:{height // g}"


def _resolution_tier(width: int, height: int) -> str:
    return tier_of(width, height)  # by the shorter side: emulator/media/picture_size.py


def capped_size(width: int, height: int, tier: str) -> tuple[int, int]:
    """``width``x``height`` brought down to ``tier`` on its shorter side, proportions kept, even sizes (H.264's
    4:2:0); a portrait picture too (emulator/media/picture_size.py, docs/emulator.md)."""
    return capped(width, height, tier)


def _stored_resolution(width: int, height: int) -> str:
    side = short_side(width, height)  # like the tier: a portrait picture by its width
    for name, limit in (("SD", 576), ("HD", 720), ("FHD", 1080)):
        if side <= limit:
            return name
    return "UHD"


def _encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"before": seq}).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))["before"]
        if not isinstance(value, int):
            raise ValueError(cursor)
        return value
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError) as exc:
        raise invalid("cursor is not valid; pass the next_cursor of a previous response.") from exc


def paginate_params(limit: int | None, page: int | None) -> tuple[int, int]:
    """Mux's ``limit``/``page`` with defaults; a limit over 100 is clamped (docs/emulator.md)."""
    limit = DEFAULT_PAGE_SIZE if limit is None else limit
    page = 1 if page is None else page
    if limit < 1:
        raise invalid("limit must be at least 1.")
    if page < 1:
        raise invalid("page must be at least 1.")
    return min(limit, MAX_PAGE_SIZE), page


class EmulatorState:
    """All objects of one emulated environment, guarded by one lock and persisted on every change."""

    def __init__(self, config: EmulatorConfig, clock: Clock | None = None) -> None:
        self.config = config
        self.clock = clock or Clock()
        self.processing_seconds = config.processing_seconds
        self._lock = threading.RLock()
        self._db = Persistence(config.data_dir)
        self._assets: dict[str, AssetRecord] = {}
        self._streams: dict[str, LiveStreamRecord] = {}
        self._keys: dict[str, SigningKeyRecord] = {}
        self._playback: dict[str, tuple[str, str]] = {}  # playback id -> (kind, owner id)
        self._pending: set[str] = set()  # assets whose life cycle still moves with the clock
        self._captions_due: set[str] = set()  # recordings whose final live captions are still being made
        self._seq = 0
        self.media: MediaStore | None = None
        self._processor: MediaProcessor | None = None
        self._load()

    # ----------------------------------------------------------------- plumbing
    def _load(self) -> None:
        for obj_id, seq, body in self._db.load(ASSET):
            rec = AssetRecord.from_json(body)
            self._assets[obj_id] = rec
            if rec.status == "preparing":
                self._pending.add(obj_id)
            if rec.final_captions_at is not None:
                self._captions_due.add(obj_id)
            self._seq = max(self._seq, seq)
        for obj_id, seq, body in self._db.load(LIVE_STREAM):
            self._streams[obj_id] = LiveStreamRecord.from_json(body)
            self._seq = max(self._seq, seq)
        for obj_id, seq, body in self._db.load(SIGNING_KEY):
            self._keys[obj_id] = SigningKeyRecord.from_json(body)
            self._seq = max(self._seq, seq)
        self._reindex_playback()

    def _reindex_playback(self) -> None:
        self._playback.clear()
        for kind, records in ((ASSET, self._assets), (LIVE_STREAM, self._streams)):
            for rec in records.values():
                for pid in rec.doc.get("playback_ids", []):
                    self._playback[pid["id"]] = (kind, rec.id)

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _save_asset(self, rec: AssetRecord) -> None:
        self._db.put(ASSET, rec.id, rec.seq, rec.to_json())

    def _save_stream(self, rec: LiveStreamRecord) -> None:
        self._db.put(LIVE_STREAM, rec.id, rec.seq, rec.to_json())

    def _locked(self, fn: Callable[[], T]) -> T:
        with self._lock, self._db.transaction():
            self._advance(self.clock.now())
            return fn()

    def close(self) -> None:
        self._db.close()

    def attach_media(self, store: MediaStore, processor: MediaProcessor) -> None:
        """Turn on real media; jobs a previous run left unfinished are run again."""
        with self._lock:
            self.media = store
            self._processor = processor
            processor.on_progress = self.media_progress
            processor.on_done = self.media_done
            processor.on_failed = self.media_failed
            store.clean_partials()
            for rec in sorted(self._assets.values(), key=lambda r: r.seq):
                if rec.processing == "media" and rec.media_state == "queued" and rec.job is not None:
                    self._submit(rec.id, rec.job)

    def _submit(self, asset_id: str, job: dict[str, Any]) -> None:
        from muxclipper.emulator.media.pipeline import ClipJob, IngestJob, TextInputJob

        assert self._processor is not None
        from muxclipper.emulator.media.overlay import jobs_from

        texts = tuple(TextInputJob(**t) for t in job.get("texts", []))
        overlays = jobs_from(job.get("overlays", []))
        max_side = TIER_SIDES.get(str(job.get("max_resolution_tier", "1080p")), 1080)
        sizes = tuple(job.get("sizes", ()))
        if job["type"] == "slate":
            from muxclipper.emulator.media.slate import SlateJob

            spans = tuple((float(a), float(b)) for a, b in job["spans"])
            self._processor.submit(SlateJob(asset_id, job["source_media"], int(job["frames"]), spans))
        elif job["type"] == "ingest":
            self._processor.submit(IngestJob(asset_id, job["url"], texts, job.get("audio", False), overlays,
                                             max_side, sizes))
        else:
            self._processor.submit(ClipJob(asset_id, job["source_media"], job["start"], job["end"], texts,
                                           job.get("audio", False), overlays, max_side, sizes))

    # ----------------------------------------------------------------- media callbacks
    def media_progress(self, asset_id: str, percent: float) -> None:
        with self._lock:
            rec = self._assets.get(asset_id)
            if rec is not None and rec.status == "preparing":
                state = "transcoding" if percent > 0 else "ingesting"
                rec.doc["progress"] = {"state": state, "progress": round(percent, 1) if percent > 0 else 0}

    def media_done(self, asset_id: str, facts: MediaFacts) -> None:
        if LIVE_MEDIA in asset_id:
            self._locked(lambda: self._live_media_done(asset_id))
            return

        def run() -> None:
            rec = self._assets.get(asset_id)
            if rec is None or rec.status != "preparing":
                return  # deleted or errored meanwhile
            if self.media is not None:
                for version in range(1, rec.live_media_version + 1):  # a recording's slated versions made live
                    self.media.remove(f"{asset_id}{LIVE_MEDIA}{version}")
            rec.media_duration = facts.duration
            rec.frame_rate, rec.width, rec.height = facts.frame_rate, facts.width, facts.height
            rec.has_audio = facts.has_audio
            # A clip of a recording with generated captions keeps them (the media's caption track is what they
            # serve, not a track of its own); text inputs given with the clip are added.
            generated = [t for t in rec.text_tracks if t["id"] in rec.text_files] if rec.text_files else []
            served = set(rec.text_files.values())
            rec.text_tracks = generated + [dict(t) for t in facts.text_tracks if not (generated and t["id"] in served)]
            rec.media_state = "done"
            rec.media_name = asset_id
            if rec.hold:
                self._save_asset(rec)
            else:
                self._make_ready(rec)

        self._locked(run)

    def media_failed(self, asset_id: str, messages: list[str]) -> None:
        if LIVE_MEDIA in asset_id:
            return  # a live recording's slated version: the recording plays on without it
        def run() -> None:
            rec = self._assets.get(asset_id)
            if rec is not None and rec.status == "preparing":
                rec.media_state = "failed"
                self._make_errored(rec, "invalid_input", messages)

        self._locked(run)

    def reset(self) -> None:
        with self._lock, self._db.transaction():
            self._db.clear()
            self._assets.clear()
            self._streams.clear()
            self._keys.clear()
            self._playback.clear()
            self._pending.clear()
            if self.media is not None:
                for path in list((self.media.root / "assets").iterdir()):
                    self.media.remove(path.name)

    def _new_playback_ids(self, kind: str, owner: str, policies: Iterable[str]) -> list[dict[str, str]]:
        result = []
        for policy in policies:
            pid = new_id()
            self._playback[pid] = (kind, owner)
            result.append({"id": pid, "policy": policy})
        return result

    # ----------------------------------------------------------------- life cycle
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

    def _update_progress(self, rec: AssetRecord, now: float) -> None:
        assert rec.ready_at is not None and rec.processing_started_at is not None
        span = max(rec.ready_at - rec.processing_started_at, 1e-6)
        fraction = min(max((now - rec.processing_started_at) / span, 0.0), 1.0)
        # Mux reports ingesting at 0 % first, then a transcoding percentage.
        if fraction < 0.2:
            rec.doc["progress"] = {"state": "ingesting", "progress": 0}
        else:
            rec.doc["progress"] = {"state": "transcoding", "progress": round((fraction - 0.2) / 0.8 * 100, 1)}

    def _tracks(self, rec: AssetRecord) -> list[dict[str, Any]]:
        tracks: list[dict[str, Any]] = [{
            "type": "video", "id": new_id(), "duration": rec.media_duration,
            "max_width": rec.width, "max_height": rec.height, "max_frame_rate": rec.frame_rate,
        }]
        if rec.has_audio:
            tracks.append({"type": "audio", "id": new_id(), "duration": rec.media_duration,
                           "max_channels": 2, "primary": True})
        for text in rec.text_tracks:
            track = {"type": "text", "id": str(text.get("id") or new_id()), "text_type": "subtitles",
                     "text_source": text.get("text_source", "uploaded"), "language_code": text["language_code"],
                     "name": text["name"], "closed_captions": text["closed_captions"],
                     "status": text.get("status", "ready")}
            if "passthrough" in text:
                track["passthrough"] = text["passthrough"]
            tracks.append(track)
        return tracks

    def _media_fields(self, rec: AssetRecord) -> None:
        doc = rec.doc
        doc["max_stored_frame_rate"] = rec.frame_rate
        doc["aspect_ratio"] = _aspect_ratio(rec.width, rec.height)
        doc["resolution_tier"] = _resolution_tier(rec.width, rec.height)
        doc["max_stored_resolution"] = _stored_resolution(rec.width, rec.height)
        if "tracks" not in doc:
            doc["tracks"] = self._tracks(rec)

    def _make_ready(self, rec: AssetRecord) -> None:
        doc = rec.doc
        doc["status"] = "ready"
        doc["duration"] = round(rec.media_duration, 6)
        doc["progress"] = {"state": "completed", "progress": 100}
        self._media_fields(rec)
        renditions = doc.get("static_renditions")
        if renditions is not None:
            for item in renditions.get("files", []):
                self._finish_rendition(rec, item)
            if doc.get("mp4_support", "none") != "none":
                renditions["status"] = "ready"
                renditions["files"] = self._legacy_mp4_files(rec, doc["mp4_support"])
        rec.hold = False
        self._pending.discard(rec.id)
        self._save_asset(rec)
        for stream in self._streams.values():
            if stream.autostart_source == rec.id and stream.doc["status"] == "idle":
                stream.autostart_source = None
                self._start_live(stream, None, rec.id)

    def _file_size(self, rec: AssetRecord, name: str, estimate: float) -> str:
        """The real size of a media file when there is one, else an estimate from the bit rate."""
        if self.media is not None and rec.media_name is not None:
            path = self.media.asset_dir(rec.media_name) / name
            if path.exists():
                return str(path.stat().st_size)
        return str(int(estimate))

    def _finish_rendition(self, rec: AssetRecord, item: dict[str, Any]) -> None:
        res = item["resolution"]
        if res == "audio-only" and not rec.has_audio:
            item["status"] = "skipped"  # nothing to make it from (a guess: docs/emulator.md)
            return
        if res == "audio-only":
            item.update(status="ready", bitrate=128_000,
                        filesize=self._file_size(rec, "audio.m4a", 16_000 * rec.media_duration))
            return
        # A fixed size is the picture's shorter side, as a tier is (a portrait 720p MP4 is 720 wide).
        side = short_side(rec.width, rec.height) if res == "highest" else int(res[:-1])
        if side > short_side(rec.width, rec.height):
            item["status"] = "skipped"  # Mux skips renditions larger than the source
            return
        width, height = scaled(rec.width, rec.height, side)
        bitrate = 2_000_000
        item.update(status="ready", height=height, width=width, bitrate=bitrate,
                    filesize=self._file_size(rec, "source.mp4" if res == "highest" else item["name"],
                                             bitrate / 8 * rec.media_duration),
                    resolution_tier=_resolution_tier(width, height))

    def _legacy_mp4_files(self, rec: AssetRecord, support: str) -> list[dict[str, Any]]:
        files: list[dict[str, Any]] = []
        bitrate = 2_000_000
        size = str(int(bitrate / 8 * rec.media_duration))
        if "capped-1080p" in support:
            width, height = capped(rec.width, rec.height, "1080p")
            files.append({"name": "capped-1080p.mp4", "ext": "mp4", "height": height, "width": width,
                          "bitrate": bitrate, "filesize": size})
        if support == "standard":
            for name, side in (("low.mp4", 270), ("medium.mp4", 480), ("high.mp4", 720)):
                if side <= short_side(rec.width, rec.height):
                    width, height = scaled(rec.width, rec.height, side)
                    files.append({"name": name, "ext": "mp4", "height": height, "width": width,
                                  "bitrate": bitrate, "filesize": size})
        if "audio-only" in support:
            files.append({"name": "audio.m4a", "ext": "m4a", "bitrate": 128_000,
                          "filesize": str(int(16_000 * rec.media_duration))})
        return files

    def _make_errored(self, rec: AssetRecord, error_type: str, messages: list[str]) -> None:
        rec.doc["status"] = "errored"
        rec.doc["progress"] = {"state": "errored", "progress": -1}
        rec.doc["errors"] = {"type": error_type, "messages": messages}
        rec.doc.pop("is_live", None)
        renditions = rec.doc.get("static_renditions")
        if renditions is not None:
            for item in renditions.get("files", []):
                item["status"] = "errored"
            if "status" in renditions:
                renditions["status"] = "errored"
        rec.hold = False
        self._pending.discard(rec.id)
        self._save_asset(rec)

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

    def _copy_generated_captions(self, source: AssetRecord, clip: AssetRecord) -> None:
        """A clip of a recording with generated live captions gets them, as Mux copies a source's text tracks into
        its clips (how Mux treats generated ones is a guess: docs/emulator.md): the same tracks (ids, source,
        status), served from the clip's own media, cut to the clip. A final track still being made on the recording
        turns ready on the clip when it does on the recording."""
        generated = [t for t in source.doc.get("tracks", []) if t.get("type") == "text" and t["id"] in source.text_files]
        if not generated:
            return
        clip.text_tracks = [{key: t[key] for key in ("id", "language_code", "name", "closed_captions", "text_source",
                                                     "status", "passthrough") if key in t} for t in generated]
        clip.text_files = {t["id"]: source.text_files[t["id"]] for t in generated}
        clip.interim_tracks = [i for i in source.interim_tracks if i in clip.text_files]

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

    # ----------------------------------------------------------------- assets
    def create_asset(self, spec: v.CreateAssetSpec) -> dict[str, Any]:
        return self._locked(lambda: self._create_asset(spec))

    def _create_asset(self, spec: v.CreateAssetSpec) -> dict[str, Any]:
        now = self.clock.now()
        rec = AssetRecord(doc={}, seq=self._next_seq(), processing_started_at=now,
                          ready_at=now + self.processing_seconds,
                          media_duration=self.config.default_input_duration)
        main = spec.main
        quality = spec.video_quality
        source_media: str | None = None
        if main.kind == "clip":
            assert main.source_asset_id is not None
            source = self._clip_source(main)
            start = main.start_time or 0.0
            end = main.end_time if main.end_time is not None else float(source.doc.get("duration") or 0.0)
            if end - start < v.MIN_CLIP_SECONDS:
                raise invalid(f"The clip would be {max(end - start, 0):g} s long; clips must be at "
                              f"least {v.MIN_CLIP_SECONDS:g} s.")
            rec.clip_start, rec.clip_end = start, end
            rec.media_duration = round(end - start, 6)
            rec.frame_rate = source.frame_rate
            # Renditions are capped at the tier asked for (1080p when none is: Mux's default).
            rec.width, rec.height = capped_size(source.width, source.height, spec.max_resolution_tier)
            rec.has_audio = source.has_audio
            if spec.copy_overlays:  # the source's watermarks are burnt into the clip again
                rec.overlays = [dict(o) for o in source.overlays]
            # Mux copies text tracks into the clip, trimmed; uploaded text inputs are added too.
            rec.text_tracks = list(source.text_tracks)
            self._copy_generated_captions(source, rec)
            quality = quality or source.doc.get("video_quality")
            source_media = source.media_name
        rec.overlays += [{"url": o.url, "settings": dict(o.settings)} for o in spec.overlays]
        rec.text_tracks += [{"language_code": t.language_code, "name": t.name,
                             "closed_captions": t.closed_captions, "url": t.url} for t in spec.text_inputs]
        quality = quality or "basic"
        asset_id = new_id()
        texts = [{"id": new_id(), "url": t.url, "language_code": t.language_code, "name": t.name,
                  "closed_captions": t.closed_captions} for t in spec.text_inputs]
        audio = "audio-only" in spec.static_resolutions or "audio-only" in (spec.mp4_support or "")
        sizes = [int(r[:-1]) for r in spec.static_resolutions if r[:-1].isdigit()]
        if self._processor is not None:
            if main.kind == "clip" and source_media is not None:
                rec.job = {"type": "clip", "source_media": source_media, "start": rec.clip_start,
                           "end": rec.clip_end, "texts": texts, "audio": audio, "sizes": sizes}
            elif main.kind != "clip":
                rec.job = {"type": "ingest", "url": main.url, "texts": texts, "audio": audio, "sizes": sizes}
            if rec.job is not None:
                rec.job.update(overlays=rec.overlays, max_resolution_tier=spec.max_resolution_tier)
        if rec.job is not None:
            rec.processing, rec.media_state, rec.ready_at = "media", "queued", None
        doc: dict[str, Any] = {
            "id": asset_id,
            "created_at": _created_at(now),
            "status": "preparing",
            "progress": {"state": "ingesting", "progress": 0},
            "video_quality": quality,
            "encoding_tier": v.ENCODING_TIER_FOR_QUALITY[quality],
            "max_resolution_tier": spec.max_resolution_tier,
            "master_access": spec.master_access,
            "mp4_support": spec.mp4_support or "none",
            "normalize_audio": spec.normalize_audio,
            "ingest_type": "on_demand_clip" if main.kind == "clip" else "on_demand_url",
        }
        if spec.playback_policies:
            doc["playback_ids"] = self._new_playback_ids(ASSET, asset_id, spec.playback_policies)
        if main.kind == "clip":
            doc["source_asset_id"] = main.source_asset_id
        if spec.passthrough is not None:
            doc["passthrough"] = spec.passthrough
        if spec.meta:
            doc["meta"] = dict(spec.meta)
        if spec.test:
            doc["test"] = True
        if spec.static_resolutions:
            doc["static_renditions"] = {"files": [self._new_rendition(r) for r in spec.static_resolutions]}
        elif spec.mp4_support not in (None, "none"):
            doc["static_renditions"] = {"status": "preparing"}
        rec.doc = doc
        self._assets[asset_id] = rec
        self._pending.add(asset_id)
        self._save_asset(rec)
        if rec.job is not None:
            self._submit(asset_id, rec.job)
        return copy.deepcopy(doc)

    @staticmethod
    def _new_rendition(resolution: str) -> dict[str, Any]:
        name, ext = ("audio.m4a", "m4a") if resolution == "audio-only" else (f"{resolution}.mp4", "mp4")
        return {"id": new_id(), "name": name, "ext": ext, "resolution": resolution,
                "status": "preparing", "type": "standard"}

    def _clip_source(self, main: v.MainInput) -> AssetRecord:
        source = self._assets.get(str(main.source_asset_id))
        if source is None:
            raise invalid(f"Asset {main.source_asset_id!r} named in {main.url!r} does not exist in this "
                          "environment; check the id and the environment.")
        if source.status == "errored":
            raise invalid(f"Asset {source.id} errored, so it cannot be clipped.")
        if source.status == "preparing" and not source.is_recording:
            raise invalid(f"Asset {source.id} is still preparing; clip it once its status is ready.")
        duration = float(source.doc.get("duration") or 0.0)
        if main.end_time is not None and main.end_time > duration + 1e-6:
            where = "recorded so far" if source.is_recording else "long"
            raise invalid(f"end_time ({main.end_time:g} s) is past the end of asset {source.id}, which is "
                          f"{duration:g} s {where}.")
        if main.start_time is not None and main.start_time >= duration:
            raise invalid(f"start_time ({main.start_time:g} s) is past the end of asset {source.id}, which "
                          f"is {duration:g} s long.")
        return source

    def _asset(self, asset_id: str) -> AssetRecord:
        rec = self._assets.get(asset_id)
        if rec is None:
            raise not_found()
        return rec

    def get_asset(self, asset_id: str) -> dict[str, Any]:
        return self._locked(lambda: copy.deepcopy(self._asset(asset_id).doc))

    def asset_record(self, asset_id: str) -> AssetRecord:
        """The record itself, for the media and control layers."""
        return self._locked(lambda: self._asset(asset_id))

    def list_assets(self, limit: int | None = None, page: int | None = None, cursor: str | None = None,
                    live_stream_id: str | None = None, upload_id: str | None = None,
                    ) -> tuple[list[dict[str, Any]], str | None]:
        limit, page = paginate_params(limit, page)
        before = _decode_cursor(cursor) if cursor else None

        def run() -> tuple[list[dict[str, Any]], str | None]:
            newest_first = sorted(self._assets.values(), key=lambda r: r.seq, reverse=True)
            rows = [r for r in newest_first
                    if (live_stream_id is None or r.doc.get("live_stream_id") == live_stream_id)
                    and (upload_id is None or r.doc.get("upload_id") == upload_id)]
            if before is not None:
                rows = [r for r in rows if r.seq < before]
            else:
                rows = rows[(page - 1) * limit:]
            chosen = rows[:limit]
            more = len(rows) > limit
            next_cursor = _encode_cursor(chosen[-1].seq) if more and chosen else None
            return [copy.deepcopy(r.doc) for r in chosen], next_cursor

        return self._locked(run)

    def update_asset(self, asset_id: str, spec: v.UpdateAssetSpec) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            rec = self._asset(asset_id)
            if spec.passthrough is not None:
                if spec.passthrough == "":  # Mux: an empty string clears it
                    rec.doc.pop("passthrough", None)
                else:
                    rec.doc["passthrough"] = spec.passthrough
            if spec.meta is not None:
                meta = {**rec.doc.get("meta", {}), **spec.meta}
                meta = {k: val for k, val in meta.items() if val != ""}
                if meta:
                    rec.doc["meta"] = meta
                else:
                    rec.doc.pop("meta", None)
            self._save_asset(rec)
            return copy.deepcopy(rec.doc)

        return self._locked(run)

    def delete_asset(self, asset_id: str) -> None:
        def run() -> None:
            rec = self._asset(asset_id)
            for pid in rec.doc.get("playback_ids", []):
                self._playback.pop(pid["id"], None)
            del self._assets[asset_id]
            self._pending.discard(asset_id)
            self._db.delete(ASSET, asset_id)
            if self.media is not None and rec.media_name == asset_id \
                    and not any(a.media_name == asset_id for a in self._assets.values()):
                self.media.remove(asset_id)

        self._locked(run)

    # ----------------------------------------------------------------- playback ids
    def _owner(self, kind: str, owner_id: str) -> AssetRecord | LiveStreamRecord:
        if kind == ASSET:
            return self._asset(owner_id)
        stream = self._streams.get(owner_id)
        if stream is None:
            raise not_found()
        return stream

    def add_playback_id(self, kind: str, owner_id: str, policy: str) -> dict[str, str]:
        def run() -> dict[str, str]:
            owner = self._owner(kind, owner_id)
            [pid] = self._new_playback_ids(kind, owner_id, [policy])
            owner.doc.setdefault("playback_ids", []).append(pid)
            self._save(kind, owner)
            return copy.deepcopy(pid)

        return self._locked(run)

    def _save(self, kind: str, owner: AssetRecord | LiveStreamRecord) -> None:
        if isinstance(owner, AssetRecord):
            self._save_asset(owner)
        else:
            self._save_stream(owner)

    def get_playback_id(self, kind: str, owner_id: str, playback_id: str) -> dict[str, str]:
        def run() -> dict[str, str]:
            for pid in self._owner(kind, owner_id).doc.get("playback_ids", []):
                if pid["id"] == playback_id:
                    return copy.deepcopy(pid)
            raise not_found()

        return self._locked(run)

    def delete_playback_id(self, kind: str, owner_id: str, playback_id: str) -> None:
        def run() -> None:
            owner = self._owner(kind, owner_id)
            ids = owner.doc.get("playback_ids", [])
            remaining = [p for p in ids if p["id"] != playback_id]
            if len(remaining) == len(ids):
                raise not_found()
            owner.doc["playback_ids"] = remaining
            self._playback.pop(playback_id, None)
            self._save(kind, owner)

        self._locked(run)

    def resolve_playback_id(self, playback_id: str) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            found = self._playback.get(playback_id)
            if found is None:
                raise not_found()
            kind, owner_id = found
            policy = self.get_playback_id(kind, owner_id, playback_id)["policy"]
            return {"id": playback_id, "policy": policy, "object": {"id": owner_id, "type": kind}}

        return self._locked(run)

    def playback_target(self, playback_id: str) -> tuple[str, str, str] | None:
        """``(kind, owner id, policy)`` for the stream and image hosts, or None."""
        with self._lock:
            found = self._playback.get(playback_id)
            if found is None:
                return None
            try:
                policy = self.get_playback_id(found[0], found[1], playback_id)["policy"]
            except MuxApiError:
                return None
            return found[0], found[1], policy

    # ----------------------------------------------------------------- live streams
    def create_live_stream(self, spec: v.CreateLiveStreamSpec) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            now = self.clock.now()
            stream_id = new_id()
            doc: dict[str, Any] = {
                "id": stream_id,
                "created_at": _created_at(now),
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

    def _stream(self, stream_id: str) -> LiveStreamRecord:
        rec = self._streams.get(stream_id)
        if rec is None:
            raise not_found()
        return rec

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
            "created_at": _created_at(now),
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

    # ----------------------------------------------------------------- encoder connections (slate)
    def _live_elapsed(self, rec: AssetRecord, now: float) -> float:
        assert rec.live_started_at is not None
        return recording_elapsed(rec.live_started_at, rec.live_paused, rec.disconnected_at,
                                 rec.slate_on_disconnect, now)

    def _update_recording_times(self, rec: AssetRecord) -> None:
        if rec.sessions:
            rec.doc["recording_times"] = recording_times(rec.sessions, float(rec.doc.get("duration") or 0.0))

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

    def _live_media_done(self, name: str) -> None:
        owner, _, version = name.partition(LIVE_MEDIA)
        rec = self._assets.get(owner)
        manifest = self.media.manifest(name) if self.media is not None else None
        if rec is None or not rec.is_recording or int(version) != rec.live_media_version or manifest is None:
            if self.media is not None:
                self.media.remove(name)  # superseded, or the recording is complete (its final media follows)
            return
        # Pictures are cached per media name, so none made from the version before is shown again; that version
        # stays until the recording's final media is made (a player may still be reading it).
        rec.media_name = name
        rec.live_segment_ends = [end for _, end in manifest.segment_bounds()]
        self._save_asset(rec)

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

    # ----------------------------------------------------------------- control
    def hold(self, asset_id: str) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            rec = self._asset(asset_id)
            if rec.status != "preparing":
                raise MuxApiError(409, f"Asset is {rec.status}; only a preparing asset can be held.", "conflict")
            rec.hold = True
            self._save_asset(rec)
            return copy.deepcopy(rec.doc)

        return self._locked(run)

    def release(self, asset_id: str) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            rec = self._asset(asset_id)
            rec.hold = False
            self._save_asset(rec)
            self._advance(self.clock.now())
            return copy.deepcopy(rec.doc)

        return self._locked(run)

    def finish(self, asset_id: str) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            rec = self._asset(asset_id)
            if rec.is_recording:
                self._finish_recording(rec, self.clock.now())
            elif rec.status == "preparing" and rec.processing == "media" and rec.media_state != "done":
                raise MuxApiError(409, "The asset's media is still being made; it turns ready when done "
                                       "(hold and release control when).", "conflict")
            elif rec.status == "preparing":
                self._make_ready(rec)
            return copy.deepcopy(rec.doc)

        return self._locked(run)

    def fail(self, asset_id: str, error_type: str, messages: list[str]) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            rec = self._asset(asset_id)
            self._make_errored(rec, error_type, messages)
            return copy.deepcopy(rec.doc)

        return self._locked(run)

    def seed_assets(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Control API: assets that exist already (no processing), for tests, benchmarks, the demo."""
        with self._lock, self._db.transaction():
            return [self._seed_asset(**item) for item in items]

    def _seed_asset(self, duration: float = 60.0, status: str = "ready", frame_rate: float = 30.0,
                    width: int = 1920, height: int = 1080, passthrough: str | None = None,
                    title: str | None = None, policies: Iterable[str] = ("public",),
                    live_stream_id: str | None = None, created_at: float | None = None,
                    text_tracks: list[dict[str, Any]] | None = None,
                    processing_seconds: float | None = None) -> dict[str, Any]:
        if status not in ("ready", "preparing", "errored"):
            raise invalid("status must be ready, preparing or errored.")
        now = self.clock.now()
        asset_id = new_id()
        rec = AssetRecord(doc={}, seq=self._next_seq(), media_duration=float(duration),
                          frame_rate=frame_rate, width=width, height=height,
                          text_tracks=[{"language_code": t.get("language_code", "en"),
                                        "name": t.get("name", "English"),
                                        "closed_captions": bool(t.get("closed_captions", False))}
                                       for t in (text_tracks or [])])
        rec.doc = {
            "id": asset_id, "created_at": _created_at(created_at if created_at is not None else now),
            "status": "preparing", "progress": {"state": "ingesting", "progress": 0},
            "video_quality": "plus", "encoding_tier": "smart", "max_resolution_tier": "1080p",
            "master_access": "none", "mp4_support": "none", "normalize_audio": False,
            "ingest_type": "live_rtmp" if live_stream_id else "on_demand_url",
        }
        if policies:
            rec.doc["playback_ids"] = self._new_playback_ids(ASSET, asset_id, policies)
        if passthrough is not None:
            rec.doc["passthrough"] = passthrough
        if title is not None:
            rec.doc["meta"] = {"title": title}
        if live_stream_id is not None:
            rec.doc["live_stream_id"] = live_stream_id
            stream = self._streams.get(live_stream_id)
            if stream is not None:  # a seeded recording is one of the stream's past broadcasts
                stream.doc["recent_asset_ids"] = [*stream.doc.get("recent_asset_ids", []),
                                                  asset_id][-RECENT_ASSET_IDS:]
                self._save_stream(stream)
        self._assets[asset_id] = rec
        if status == "ready":
            self._make_ready(rec)
        elif status == "errored":
            self._make_errored(rec, "invalid_input", ["The input file could not be processed."])
        elif processing_seconds is not None:
            # Preparing on a timer, with progress, like a clip Mux is working on.
            rec.processing_started_at, rec.ready_at = now, now + processing_seconds
            self._pending.add(asset_id)
            self._save_asset(rec)
        else:
            rec.hold = True  # a seeded preparing asset waits for the control API
            self._pending.add(asset_id)
            self._save_asset(rec)
        return copy.deepcopy(rec.doc)

    # ----------------------------------------------------------------- signing keys
    def add_signing_key(self, public_key_pem: str) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            key_id = new_id()
            rec = SigningKeyRecord({"id": key_id, "created_at": _created_at(self.clock.now())},
                                   self._next_seq(), public_key_pem)
            self._keys[key_id] = rec
            self._db.put(SIGNING_KEY, key_id, rec.seq, rec.to_json())
            return copy.deepcopy(rec.doc)

        return self._locked(run)

    def list_signing_keys(self, limit: int | None = None, page: int | None = None) -> list[dict[str, Any]]:
        limit, page = paginate_params(limit, page)

        def run() -> list[dict[str, Any]]:
            rows = sorted(self._keys.values(), key=lambda r: r.seq, reverse=True)
            return [copy.deepcopy(r.doc) for r in rows[(page - 1) * limit:][:limit]]

        return self._locked(run)

    def signing_key(self, key_id: str) -> SigningKeyRecord:
        def run() -> SigningKeyRecord:
            rec = self._keys.get(key_id)
            if rec is None:
                raise not_found()
            return rec

        return self._locked(run)

    def delete_signing_key(self, key_id: str) -> None:
        def run() -> None:
            if self._keys.pop(key_id, None) is None:
                raise not_found()
            self._db.delete(SIGNING_KEY, key_id)

        self._locked(run)
