"""Clip-job history in SQLite: WAL, schema versions by ``PRAGMA user_version``, durable writes.

Every state change is committed (``synchronous=FULL``) before the network step it announces, so a
process that dies at any instruction leaves a row that says what may have happened.

Errors are split as in qutebrowser's ``sql.py``: problems of the environment (disk full, read-only,
locked, not a database) become :class:`StoreUnavailableError` with what to do; anything else is a
bug and propagates.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import ClipOptions

SCHEMA_VERSION = 1
_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        token TEXT NOT NULL UNIQUE,
        environment TEXT NOT NULL,
        source_asset_id TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        options TEXT NOT NULL,
        state TEXT NOT NULL,
        asset_id TEXT,
        playback_ids TEXT NOT NULL DEFAULT '[]',
        progress REAL,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        submitted_at REAL,
        ready_at REAL
    );
    CREATE INDEX jobs_environment_state ON jobs (environment, state);
    """,
}
_ENVIRONMENT_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR,
                      sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOTADB,
                      sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_PERM, sqlite3.SQLITE_PROTOCOL}
_FIELDS = ("token", "environment", "source_asset_id", "start_ms", "end_ms", "options", "state", "asset_id",
           "playback_ids", "progress", "error", "attempts", "created_at", "updated_at", "submitted_at",
           "ready_at")


class StoreUnavailableError(Exception):
    """The job history cannot be read or written because of the machine, not muxclipper."""


def _unavailable(path: Path, exc: sqlite3.Error) -> StoreUnavailableError:
    code = getattr(exc, "sqlite_errorcode", None)
    if code in (sqlite3.SQLITE_FULL,):
        advice = "Free some disk space, then try again."
    elif code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        advice = "Another muxclipper may be writing it; close it or wait a moment."
    elif code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        advice = "The file is damaged: move it aside and muxclipper starts a new history."
    else:
        advice = "Check that the folder exists and is writable."
    return StoreUnavailableError(f"The clip job history ({path}) is unavailable: {exc}. {advice}")


def _options_to_json(options: ClipOptions) -> str:
    return json.dumps({"playback_policies": list(options.playback_policies), "video_quality": options.video_quality,
                       "mp4": options.mp4, "title": options.title, "passthrough": options.passthrough})


def _options_from_json(text: str) -> ClipOptions:
    data = json.loads(text)
    return ClipOptions(tuple(data.get("playback_policies") or ("public",)), data.get("video_quality"),
                       bool(data.get("mp4")), data.get("title"), data.get("passthrough"))


class JobRepository:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except OSError as exc:
            raise StoreUnavailableError(f"The clip job history ({path}) cannot be created: {exc.strerror}. "
                                        "Check that the folder is writable.") from exc
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) in _ENVIRONMENT_CODES:
                raise _unavailable(path, exc) from exc
            raise

    def _migrate(self) -> None:
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreUnavailableError(f"The clip job history ({self.path}) was written by a newer muxclipper "
                                        f"(schema {version}); update muxclipper.")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._transaction():
                for statement in _MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {target}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) in _ENVIRONMENT_CODES:
                raise _unavailable(self.path, exc) from exc
            raise

    def close(self) -> None:
        self._conn.close()

    @staticmethod
    def _row(job: ClipJob) -> dict[str, Any]:
        return {"token": job.token, "environment": job.environment, "source_asset_id": job.source_asset_id,
                "start_ms": job.start_ms, "end_ms": job.end_ms, "options": _options_to_json(job.options),
                "state": job.state.value, "asset_id": job.asset_id,
                "playback_ids": json.dumps([list(p) for p in job.playback_ids]), "progress": job.progress,
                "error": job.error, "attempts": job.attempts, "created_at": job.created_at_s,
                "updated_at": job.updated_at_s, "submitted_at": job.submitted_at_s, "ready_at": job.ready_at_s}

    @staticmethod
    def _job(row: sqlite3.Row) -> ClipJob:
        return ClipJob(
            id=row["id"], token=row["token"], environment=row["environment"],
            source_asset_id=row["source_asset_id"], start_ms=row["start_ms"], end_ms=row["end_ms"],
            options=_options_from_json(row["options"]), state=JobState(row["state"]), asset_id=row["asset_id"],
            playback_ids=tuple((p[0], p[1]) for p in json.loads(row["playback_ids"])), progress=row["progress"],
            error=row["error"], attempts=row["attempts"], created_at_s=row["created_at"],
            updated_at_s=row["updated_at"], submitted_at_s=row["submitted_at"], ready_at_s=row["ready_at"])

    def add(self, job: ClipJob) -> ClipJob:
        now = time.time()
        job = job.evolve(created_at_s=job.created_at_s or now, updated_at_s=now)
        row = self._row(job)
        with self._transaction():
            cursor = self._conn.execute(
                f"INSERT INTO jobs ({', '.join(_FIELDS)}) VALUES ({', '.join('?' for _ in _FIELDS)})",
                [row[f] for f in _FIELDS])
        return job.evolve(id=cursor.lastrowid)

    def add_many(self, jobs: Iterable[ClipJob]) -> list[ClipJob]:
        now = time.time()
        saved = []
        with self._transaction():
            for job in jobs:
                job = job.evolve(created_at_s=job.created_at_s or now, updated_at_s=now)
                row = self._row(job)
                cursor = self._conn.execute(
                    f"INSERT INTO jobs ({', '.join(_FIELDS)}) VALUES ({', '.join('?' for _ in _FIELDS)})",
                    [row[f] for f in _FIELDS])
                saved.append(job.evolve(id=cursor.lastrowid))
        return saved

    def update(self, job: ClipJob) -> ClipJob:
        return self.update_many([job])[0]

    def update_many(self, jobs: Iterable[ClipJob]) -> list[ClipJob]:
        now = time.time()
        saved = []
        with self._transaction():
            for job in jobs:
                if job.id is None:
                    raise ValueError("update needs a saved job")
                job = job.evolve(updated_at_s=now)
                row = self._row(job)
                self._conn.execute(f"UPDATE jobs SET {', '.join(f'{f} = ?' for f in _FIELDS)} WHERE id = ?",
                                   [*(row[f] for f in _FIELDS), job.id])
                saved.append(job)
        return saved

    def _select(self, where: str = "", params: Iterable[Any] = (), order: str = "id DESC",
                limit: int | None = None) -> list[ClipJob]:
        sql = f"SELECT * FROM jobs {where} ORDER BY {order}" + (f" LIMIT {int(limit)}" if limit else "")
        try:
            return [self._job(r) for r in self._conn.execute(sql, list(params)).fetchall()]
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) in _ENVIRONMENT_CODES:
                raise _unavailable(self.path, exc) from exc
            raise

    def get(self, job_id: int) -> ClipJob | None:
        found = self._select("WHERE id = ?", [job_id])
        return found[0] if found else None

    def unfinished(self, environment: str | None = None) -> list[ClipJob]:
        states = [s.value for s in JobState if not s.finished]
        where = f"WHERE state IN ({', '.join('?' for _ in states)})"
        params: list[Any] = list(states)
        if environment is not None:
            where += " AND environment = ?"
            params.append(environment)
        return self._select(where, params, order="id ASC")

    def all(self, environment: str | None = None, limit: int | None = None) -> list[ClipJob]:
        if environment is None:
            return self._select(limit=limit)
        return self._select("WHERE environment = ?", [environment], limit=limit)
