"""The control API's moves, for tests, benchmarks and the demo: hold, release, finish or fail an asset, and seed
assets that exist already."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from muxclipper.emulator.errors import MuxApiError, invalid
from muxclipper.emulator.ids import new_id
from muxclipper.emulator.records import AssetRecord
from muxclipper.emulator.state.core import ASSET, RECENT_ASSET_IDS, StateCore, created_at_text


class ControlState(StateCore):
    """What the control API does to the state (no Mux route does this)."""

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
                    processing_seconds: float | None = None, audio_only: bool = False) -> dict[str, Any]:
        if status not in ("ready", "preparing", "errored"):
            raise invalid("status must be ready, preparing or errored.")
        now = self.clock.now()
        asset_id = new_id()
        rec = AssetRecord(doc={}, seq=self._next_seq(), media_duration=float(duration),
                          frame_rate=frame_rate, width=width, height=height,
                          text_tracks=[{"language_code": t.get("language_code", "en"),
                                        "name": t.get("name", "English"),
                                        "closed_captions": bool(t.get("closed_captions", False))}
                                       for t in (text_tracks or [])], audio_only=audio_only)
        rec.doc = {
            "id": asset_id, "created_at": created_at_text(created_at if created_at is not None else now),
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
