"""Playback ids of assets and live streams: added, read, deleted, and resolved for the stream and image hosts."""

from __future__ import annotations

import copy
from typing import Any

from muxclipper.emulator.errors import MuxApiError, not_found
from muxclipper.emulator.records import AssetRecord, LiveStreamRecord
from muxclipper.emulator.state.core import ASSET, StateCore


class PlaybackIdsState(StateCore):
    """``…/playback-ids`` and ``/video/v1/playback-ids/{id}``."""

    def _owner(self, kind: str, owner_id: str) -> AssetRecord | LiveStreamRecord:
        if kind == ASSET:
            return self._asset(owner_id)
        stream = self._streams.get(owner_id)
        if stream is None:
            raise not_found()
        return stream

    def _save(self, kind: str, owner: AssetRecord | LiveStreamRecord) -> None:
        if isinstance(owner, AssetRecord):
            self._save_asset(owner)
        else:
            self._save_stream(owner)

    def add_playback_id(self, kind: str, owner_id: str, policy: str) -> dict[str, str]:
        def run() -> dict[str, str]:
            owner = self._owner(kind, owner_id)
            [pid] = self._new_playback_ids(kind, owner_id, [policy])
            owner.doc.setdefault("playback_ids", []).append(pid)
            self._save(kind, owner)
            return copy.deepcopy(pid)

        return self._locked(run)

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
