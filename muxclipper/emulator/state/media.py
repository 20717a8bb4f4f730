"""Real media: jobs handed to the media processor (ingest, clip, slate) and its answers (progress, done, failed)
turned into the assets' state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from muxclipper.emulator.media.picture_size import TIER_SIDES
from muxclipper.emulator.state.core import LIVE_MEDIA, StateCore

if TYPE_CHECKING:
    from muxclipper.emulator.media.facts import MediaFacts
    from muxclipper.emulator.media.pipeline import MediaProcessor
    from muxclipper.emulator.media.store import MediaStore


class MediaState(StateCore):
    """The media processor's side of the state."""

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
            rec.audio_only = facts.audio_only
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
