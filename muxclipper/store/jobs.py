"""Clip-job history in SQLite: WAL, schema versions by ``PRAGMA user_version``, durable writes.

Every state change is committed (``synchronous=FULL``) before the network step it announces, so a
process that dies at any instruction leaves a row that says what may have happened.

Errors are split as in qutebrowser's ``sql.py``: problems of the environment (disk full, read-only,
locked, not a database) become :class:`StoreUnavailableError` with what to do; anything else is a
bug and propagates.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muxclipper.core.jobs import TRANSITIONS, ClipJob, JobState, check_transition
from muxclipper.core.models import ClipOptions

SCHEMA_VERSION = 2
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
    # 2: leases (one process sends and follows a job at a time) and what each run learnt about a job.
    # New tables rather than new columns, so that a schema-1 file keeps every row as it is.
    2: """
    CREATE TABLE lease_owners (
        owner TEXT PRIMARY KEY,          -- a random nonce per process (and per service), never reused
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        heartbeat_at REAL NOT NULL
    );
    CREATE TABLE leases (
        job_id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        taken_at REAL NOT NULL
    );
    CREATE TABLE job_runs (
        job_id INTEGER PRIMARY KEY,
        note TEXT,
        last_sent_at REAL,               -- when the latest create left: the late-answer window counts from it
        watch_until REAL                 -- look for late duplicates of this job until then
    );
    """,
}
_ENVIRONMENT_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR,
                      sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOTADB,
                      sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_PERM, sqlite3.SQLITE_PROTOCOL}
_FIELDS = ("token", "environment", "source_asset_id", "start_ms", "end_ms", "options", "state", "asset_id",
           "playback_ids", "progress", "error", "attempts", "created_at", "updated_at", "submitted_at",
           "ready_at")


def _primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code: Python gives the extended one (SQLITE_IOERR_WRITE is 778, not 10)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def _is_environment(exc: sqlite3.Error) -> bool:
    return _primary_code(exc) in _ENVIRONMENT_CODES


class StoreUnavailableError(Exception):
    """The job history cannot be read or written because of the machine, not muxclipper."""


class LeaseLostError(Exception):
    """Another process holds the job's lease now (ours expired): this process must only watch the job."""


#: A lease whose owner has not beaten for this long is free to take (the owner may be hung or on another host).
LEASE_TTL_S = 20.0


@dataclass(frozen=True)
class LeaseOwner:
    """Who holds a lease: a random nonce (so a reused pid is never mistaken for its dead predecessor), the pid
    and the host (a pid says whether the owner lives only on the host it belongs to)."""

    id: str
    pid: int
    host: str

    @classmethod
    def new(cls) -> LeaseOwner:
        return cls(uuid.uuid4().hex, os.getpid(), socket.gethostname())


def pid_alive(pid: int) -> bool:
    """Whether a process with ``pid`` runs on this host; unknown (True) where the system cannot say cheaply."""
    if os.name != "posix":
        return True  # the heartbeat alone decides (os.kill(pid, 0) would send CTRL_C_EVENT on Windows)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:  # a killed child its parent has not reaped yet is a zombie: dead for our purpose
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _unavailable(path: Path, exc: sqlite3.Error) -> StoreUnavailableError:
    code = _primary_code(exc)
    if code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
        # A write refused by the system (no space, over a size quota) is an I/O error to SQLite.
        advice = "The disk may be full: free some disk space, then try again."
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
            self._enable_wal()
            self._conn.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except OSError as exc:
            raise StoreUnavailableError(f"The clip job history ({path}) cannot be created: {exc.strerror}. "
                                        "Check that the folder is writable.") from exc
        except sqlite3.Error as exc:
            if _is_environment(exc):
                raise _unavailable(path, exc) from exc
            raise

    def _migrate(self) -> None:
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreUnavailableError(f"The clip job history ({self.path}) was written by a newer muxclipper "
                                        f"(schema {version}); update muxclipper.")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._transaction():
                if int(self._conn.execute("PRAGMA user_version").fetchone()[0]) >= target:
                    continue  # another process opening the same new file migrated it while we waited
                for statement in _MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {target}")

    def _enable_wal(self) -> None:
        """WAL, waiting out another process that opens the same new file: switching the journal mode
        answers "database is locked" at once (SQLite's busy timeout does not cover it)."""
        deadline = time.monotonic() + 5.0
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if _primary_code(exc) != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

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
            if _is_environment(exc):
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

    def add_many(self, jobs: Iterable[ClipJob], owner: LeaseOwner | None = None) -> list[ClipJob]:
        """Saved all or none; with ``owner``, leased to it in the same transaction (no other process may
        pick them up between the save and the claim)."""
        now = time.time()
        saved = []
        with self._transaction():
            if owner is not None:
                self._beat(owner, now)
            for job in jobs:
                job = job.evolve(created_at_s=job.created_at_s or now, updated_at_s=now)
                row = self._row(job)
                cursor = self._conn.execute(
                    f"INSERT INTO jobs ({', '.join(_FIELDS)}) VALUES ({', '.join('?' for _ in _FIELDS)})",
                    [row[f] for f in _FIELDS])
                job = job.evolve(id=cursor.lastrowid)
                self._write_run(job)
                if owner is not None:
                    self._conn.execute("INSERT OR REPLACE INTO leases (job_id, owner, taken_at) VALUES (?, ?, ?)",
                                       [job.id, owner.id, now])
                saved.append(job)
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
                self._write_run(job)
                saved.append(job)
        return saved

    def _select(self, where: str = "", params: Iterable[Any] = (), order: str = "id DESC",
                limit: int | None = None) -> list[ClipJob]:
        sql = (f"SELECT jobs.*, job_runs.note AS run_note, job_runs.last_sent_at AS run_last_sent_at FROM jobs "
               f"LEFT JOIN job_runs ON job_runs.job_id = jobs.id {where} ORDER BY {order}"
               + (f" LIMIT {int(limit)}" if limit else ""))
        try:
            return [self._job(r).evolve(note=r["run_note"], last_sent_at_s=r["run_last_sent_at"])
                    for r in self._conn.execute(sql, list(params)).fetchall()]
        except sqlite3.Error as exc:
            if _is_environment(exc):
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

    # ------------------------------------------------------------------ leases (schema 2)
    def _write_run(self, job: ClipJob) -> None:
        self._conn.execute(
            "INSERT INTO job_runs (job_id, note, last_sent_at) VALUES (?, ?, ?) ON CONFLICT (job_id) DO UPDATE "
            "SET note = COALESCE(excluded.note, job_runs.note), last_sent_at = excluded.last_sent_at",
            [job.id, job.note, job.last_sent_at_s])  # a note stays: a copy of the job read before it has none

    def _beat(self, owner: LeaseOwner, now: float) -> None:
        self._conn.execute("INSERT INTO lease_owners (owner, pid, host, heartbeat_at) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT (owner) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
                           [owner.id, owner.pid, owner.host, now])

    def heartbeat(self, owner: LeaseOwner) -> None:
        """Tell other processes ``owner`` is alive; its leases stay its own for :data:`LEASE_TTL_S` more."""
        with self._transaction():
            self._beat(owner, time.time())

    def _holder_alive(self, holder: str, now: float, ttl_s: float) -> bool:
        row = self._conn.execute("SELECT pid, host, heartbeat_at FROM lease_owners WHERE owner = ?",
                                 [holder]).fetchone()
        if row is None or now - row["heartbeat_at"] > ttl_s:
            return False  # gone cleanly, hung, or on a host that stopped beating
        if row["host"] == socket.gethostname() and row["pid"] != os.getpid():
            return pid_alive(row["pid"])
        return True

    def claim(self, job_ids: Iterable[int], owner: LeaseOwner, ttl_s: float = LEASE_TTL_S) -> set[int]:
        """Take the leases that are free or whose holder is dead (one transaction); the ids now held."""
        now = time.time()
        held: set[int] = set()
        with self._transaction():
            self._beat(owner, now)
            for job_id in job_ids:
                row = self._conn.execute("SELECT owner FROM leases WHERE job_id = ?", [job_id]).fetchone()
                if row is not None and row["owner"] != owner.id and self._holder_alive(row["owner"], now, ttl_s):
                    continue
                self._conn.execute("INSERT OR REPLACE INTO leases (job_id, owner, taken_at) VALUES (?, ?, ?)",
                                   [job_id, owner.id, now])
                held.add(job_id)
        return held

    def lease_holder(self, job_id: int) -> str | None:
        row = self._conn.execute("SELECT owner FROM leases WHERE job_id = ?", [job_id]).fetchone()
        return None if row is None else str(row["owner"])

    def release(self, job_ids: Iterable[int], owner: LeaseOwner) -> None:
        with self._transaction():
            for job_id in job_ids:
                self._conn.execute("DELETE FROM leases WHERE job_id = ? AND owner = ?", [job_id, owner.id])

    def release_owner(self, owner: LeaseOwner) -> None:
        """A clean exit: every lease of ``owner`` is free at once (no one has to wait for it to expire)."""
        with self._transaction():
            self._conn.execute("DELETE FROM leases WHERE owner = ?", [owner.id])
            self._conn.execute("DELETE FROM lease_owners WHERE owner = ?", [owner.id])

    def save_held(self, jobs: Iterable[ClipJob], owner: LeaseOwner) -> tuple[list[ClipJob], list[ClipJob]]:
        """Save the jobs whose lease ``owner`` holds (one transaction), each change checked against the
        transition table from the state on disk; answers (saved, lost): lost ones another process holds now."""
        now = time.time()
        saved: list[ClipJob] = []
        lost: list[ClipJob] = []
        with self._transaction():
            for job in jobs:
                if job.id is None:
                    raise ValueError("save_held needs a saved job")
                row = self._conn.execute("SELECT leases.owner AS owner, jobs.state AS state FROM jobs LEFT JOIN "
                                         "leases ON leases.job_id = jobs.id WHERE jobs.id = ?", [job.id]).fetchone()
                stored = JobState(row["state"]) if row is not None else None
                if row is None or row["owner"] != owner.id or (stored is not None and stored.finished
                                                                and stored is not job.state
                                                                and job.state not in TRANSITIONS[stored]):
                    lost.append(job)  # held by another process, or settled meanwhile (deleted by the user)
                    continue
                check_transition(JobState(row["state"]), job.state, job.id)
                job = job.evolve(updated_at_s=now)
                values = self._row(job)
                self._conn.execute(f"UPDATE jobs SET {', '.join(f'{f} = ?' for f in _FIELDS)} WHERE id = ?",
                                   [*(values[f] for f in _FIELDS), job.id])
                self._write_run(job)
                if job.state.finished:
                    self._conn.execute("DELETE FROM leases WHERE job_id = ?", [job.id])
                saved.append(job)
        return saved, lost

    def set_note(self, job_id: int, note: str | None) -> ClipJob | None:
        """Tell the user something about a job whatever its state and whoever holds it (notes only add)."""
        with self._transaction():
            self._conn.execute("INSERT INTO job_runs (job_id, note) VALUES (?, ?) ON CONFLICT (job_id) "
                               "DO UPDATE SET note = excluded.note", [job_id, note])
        return self.get(job_id)

    def set_watch_until(self, job_id: int, until: float | None) -> None:
        """Late duplicates of the job are looked for until ``until`` (Unix time), also by a later process."""
        with self._transaction():
            self._conn.execute("INSERT INTO job_runs (job_id, watch_until) VALUES (?, ?) ON CONFLICT (job_id) "
                               "DO UPDATE SET watch_until = excluded.watch_until", [job_id, until])

    def watched_for_duplicates(self, environment: str, now: float) -> list[tuple[ClipJob, float]]:
        """Jobs whose late duplicates are still looked for, with until when."""
        rows = self._conn.execute("SELECT job_id, watch_until FROM job_runs WHERE watch_until > ?",
                                  [now]).fetchall()
        found = []
        for row in rows:
            job = self.get(row["job_id"])
            if job is not None and job.environment == environment:
                found.append((job, float(row["watch_until"])))
        return found
