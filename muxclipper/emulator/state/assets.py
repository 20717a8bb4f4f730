"""Assets: created from a URL or as a clip of another asset, read, listed, updated, deleted; and how an asset turns
ready or errored (its tracks, its renditions, its media facts)."""

from __future__ import annotations

import copy
import math
from typing import Any

from muxclipper.emulator import validation as v
from muxclipper.emulator.errors import invalid
from muxclipper.emulator.ids import new_id
from muxclipper.emulator.media.picture_size import capped, scaled, short_side, tier_of
from muxclipper.emulator.records import AssetRecord
from muxclipper.emulator.state.core import ASSET, StateCore, created_at_text
from muxclipper.emulator.state.paging import decode_cursor, encode_cursor, paginate_params


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


class AssetsState(StateCore):
    """``/video/v1/assets``, and an asset's way to ready or errored."""

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
            rec.audio_only = source.audio_only
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
            "created_at": created_at_text(now),
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

    def get_asset(self, asset_id: str) -> dict[str, Any]:
        return self._locked(lambda: copy.deepcopy(self._asset(asset_id).doc))

    def asset_record(self, asset_id: str) -> AssetRecord:
        """The record itself, for the media and control layers."""
        return self._locked(lambda: self._asset(asset_id))

    def list_assets(self, limit: int | None = None, page: int | None = None, cursor: str | None = None,
                    live_stream_id: str | None = None, upload_id: str | None = None,
                    ) -> tuple[list[dict[str, Any]], str | None]:
        limit, page = paginate_params(limit, page)
        before = decode_cursor(cursor) if cursor else None

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
            next_cursor = encode_cursor(chosen[-1].seq) if more and chosen else None
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
        tracks: list[dict[str, Any]] = [] if rec.audio_only else [{
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
        if rec.audio_only:  # Mux's enums: resolution_tier "audio-only", max_stored_resolution "Audio only"
            doc["resolution_tier"] = "audio-only"
            doc["max_stored_resolution"] = "Audio only"
            if "tracks" not in doc:
                doc["tracks"] = self._tracks(rec)
            return
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
        if rec.audio_only:
            item["status"] = "skipped"  # no picture to make an MP4 of (a guess: docs/emulator.md)
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
