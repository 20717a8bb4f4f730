"""The state's core: the objects of one emulated environment, one lock, persistence on every change, and the
names each resource's module may use of another's."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from muxclipper.emulator.clock import Clock
from muxclipper.emulator.config import EmulatorConfig
from muxclipper.emulator.errors import not_found
from muxclipper.emulator.ids import new_id
from muxclipper.emulator.persistence import Persistence
from muxclipper.emulator.records import AssetRecord, LiveStreamRecord, SigningKeyRecord

if TYPE_CHECKING:
    from muxclipper.emulator.media.pipeline import MediaProcessor
    from muxclipper.emulator.media.store import MediaStore

ASSET, LIVE_STREAM, SIGNING_KEY = "asset", "live_stream", "signing_key"
#: How many recent asset ids a live stream lists (Mux keeps a short history; the number is a guess).
RECENT_ASSET_IDS = 10
#: In a media name: a live recording's slated version, ``{asset id}.live{n}``.
LIVE_MEDIA = ".live"

T = TypeVar("T")


def created_at_text(now: float) -> str:
    return str(int(now))


class StateCore(ABC):
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

    def _asset(self, asset_id: str) -> AssetRecord:
        rec = self._assets.get(asset_id)
        if rec is None:
            raise not_found()
        return rec

    def _stream(self, stream_id: str) -> LiveStreamRecord:
        rec = self._streams.get(stream_id)
        if rec is None:
            raise not_found()
        return rec

    # ------------------------------------------------------------- what one resource's rules ask of another's
    # Each is implemented in the resource's own module; declared here so every module can call it.
    @abstractmethod
    def _advance(self, now: float) -> None:
        """Bring every time-driven change up to ``now`` (EmulatorState)."""

    @abstractmethod
    def _make_ready(self, rec: AssetRecord) -> None:
        """The asset turns ready (assets.py)."""

    @abstractmethod
    def _make_errored(self, rec: AssetRecord, error_type: str, messages: list[str]) -> None:
        """The asset turns errored (assets.py)."""

    @abstractmethod
    def _media_fields(self, rec: AssetRecord) -> None:
        """The asset's fields that come from its media: tiers, aspect ratio, tracks (assets.py)."""

    @abstractmethod
    def _submit(self, asset_id: str, job: dict[str, Any]) -> None:
        """Hand a media job to the processor (media.py)."""

    @abstractmethod
    def _start_live(self, stream: LiveStreamRecord, length: float | None,
                    source_asset_id: str | None) -> dict[str, Any]:
        """A broadcast begins (live_streams.py)."""

    @abstractmethod
    def _finish_recording(self, rec: AssetRecord, ended_at: float) -> None:
        """A live recording ends at ``ended_at`` (recordings.py)."""
