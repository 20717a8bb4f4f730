"""Durable emulator state: one SQLite file, one row per object, one transaction per change.

SQLite's journal makes every change all-or-nothing, so a process killed mid-write leaves the
previous state, never half of the new one. Without a data dir the same code runs on ``:memory:``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
"""


class Persistence:
    """Rows of ``(kind, id, seq, json body)``; ``seq`` orders objects by creation."""

    def __init__(self, data_dir: Path | None) -> None:
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            target = str(data_dir / "emulator.sqlite3")
        else:
            target = ":memory:"
        # The server thread and control calls share one connection under our own lock.
        self._conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._depth = 0
        with self._lock:
            if data_dir is not None:
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            # Re-entrant: an operation built from other operations commits once, at the outside.
            self._depth += 1
            if self._depth == 1:
                self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self._depth == 1:
                    self._conn.execute("ROLLBACK")
                raise
            else:
                if self._depth == 1:
                    self._conn.execute("COMMIT")
            finally:
                self._depth -= 1

    def put(self, kind: str, obj_id: str, seq: int, body: dict[str, Any]) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO objects (kind, id, seq, body) VALUES (?, ?, ?, ?)",
                (kind, obj_id, seq, json.dumps(body, separators=(",", ":"))),
            )

    def delete(self, kind: str, obj_id: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM objects WHERE kind = ? AND id = ?", (kind, obj_id))

    def clear(self) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM objects")

    def load(self, kind: str) -> list[tuple[str, int, dict[str, Any]]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, seq, body FROM objects WHERE kind = ? ORDER BY seq", (kind,)
            ).fetchall()
        return [(r[0], int(r[1]), json.loads(r[2])) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
