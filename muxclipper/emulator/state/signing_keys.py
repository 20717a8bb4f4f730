"""Signing keys for signed playback: added, listed, read, deleted."""

from __future__ import annotations

import copy
from typing import Any

from muxclipper.emulator.errors import not_found
from muxclipper.emulator.ids import new_id
from muxclipper.emulator.records import SigningKeyRecord
from muxclipper.emulator.state.core import SIGNING_KEY, StateCore, created_at_text
from muxclipper.emulator.state.paging import paginate_params


class SigningKeysState(StateCore):
    """``/system/v1/signing-keys``."""

    def add_signing_key(self, public_key_pem: str) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            key_id = new_id()
            rec = SigningKeyRecord({"id": key_id, "created_at": created_at_text(self.clock.now())},
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
