"""Clip-job history in SQLite: WAL, schema versions by ``PRAGMA user_version``, durable writes.

Every state change is committed (``synchronous=FULL``) before the network step it announces, so a
process that dies at any instruction leaves a row that says what may have happened.

Errors are split as in qutebrowser's ``sql.py``: problems of the environment (disk full, read-only,
locked) become :class:`StoreUnavailableError` with what to do; anything else is a bug and propagates.

A damaged file is neither: :func:`open_job_history` sets it aside under a timestamped name (nothing is
deleted), starts a new history and answers a notice saying so. A damaged file is one SQLite cannot read
(random bytes, truncated, a directory), one written by a newer muxclipper, or another program's
database. A single unreadable row (an unknown state, options that are not JSON) is left out of every
answer and listed in the notice; it stays in the file untouched.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from muxclipper.core import limited_json
from muxclipper.core.jobs import TRANSITIONS, ClipJob, JobState, check_transition
from muxclipper.core.models import ClipOptions
from muxclipper.core.options_codec import options_from_json, options_to_json
from muxclipper.core.renditions import HIGHEST, normalised
from muxclipper.store.liveness import BeatObserver, LeaseOwner, Liveness, clock_id, judge, pid_alive

__all__ = ["LEASE_TTL_S", "SCHEMA_VERSION", "DamagedHistoryError", "JobRepository", "LeaseLostError", "LeaseOwner",
           "StoreUnavailableError", "open_job_history", "pid_alive", "set_aside"]

SCHEMA_VERSION = 4
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
    # 3: the user took the clip back (a replay undone): it is never sent again, and deleted in Mux once it exists.
    3: """
    ALTER TABLE job_runs ADD COLUMN withdrawn_at REAL
    """,
    # 4: clocks that a wall-clock step cannot move. A holder's mark (boot, pid namespace, start time: a reused pid
    # is told apart) and a count of its heartbeats (observers time its silence on their own monotonic clock);
    # the send and the duplicate watch also as monotonic readings, with the boot they belong to.
    4: """
    ALTER TABLE lease_owners ADD COLUMN mark TEXT;
    ALTER TABLE lease_owners ADD COLUMN beats INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE job_runs ADD COLUMN last_sent_mono REAL;
    ALTER TABLE job_runs ADD COLUMN last_sent_clock TEXT;
    ALTER TABLE job_runs ADD COLUMN watch_until_mono REAL;
    ALTER TABLE job_runs ADD COLUMN watch_clock TEXT;
    """,
}
_ENVIRONMENT_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR,
                      sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOTADB,
                      sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_PERM, sqlite3.SQLITE_PROTOCOL}
#: What SQLite says of a file that is not (or no longer) a database: the file's fault, not the machine's.
_DAMAGE_CODES = {sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT}
_FIELDS = ("token", "environment", "source_asset_id", "start_ms", "end_ms", "options", "state", "asset_id",
           "playback_ids", "progress", "error", "attempts", "created_at", "updated_at", "submitted_at",
           "ready_at")


log = logging.getLogger(__name__)


def _primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code: Python gives the extended one (SQLITE_IOERR_WRITE is 778, not 10)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def _is_environment(exc: sqlite3.Error) -> bool:
    return _primary_code(exc) in _ENVIRONMENT_CODES


class StoreUnavailableError(Exception):
    """The job history cannot be read or written because of the machine, not muxclipper."""


class DamagedHistoryError(StoreUnavailableError):
    """The file is not a job history muxclipper can read; ``reason`` says what it is instead.

    Raised by :class:`JobRepository` before it changes anything in the file; :func:`open_job_history`
    answers it by setting the file aside and starting anew."""

    def __init__(self, path: Path, reason: str, identity: tuple[int, int] | None = None) -> None:
        super().__init__(f"The clip job history ({path}) cannot be read: {reason}; move it aside and muxclipper "
                         "starts a new history.")
        self.reason = reason
        #: (device, inode) of the file judged, so that only that file is ever set aside.
        self.identity = identity


class LeaseLostError(Exception):
    """Another process holds the job's lease now (ours expired): this process must only watch the job."""


#: A lease whose owner's liveness cannot be checked directly (another host, this very process) is free once its
#: heartbeat count has stood still this long, timed by the observer's monotonic clock.
LEASE_TTL_S = 20.0


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
    # Field by field from the dataclass (core/options_codec.py): fields added later are kept too.
    return json.dumps(options_to_json(options))


def _options_from_json(text: str) -> ClipOptions:
    data = limited_json.loads(text)  # depth-capped: a 100,000-deep row must not stop every reader (RecursionError)
    options = options_from_json(data)
    if isinstance(data, dict) and "renditions" not in data and data.get("mp4") is True:
        # Jobs saved before renditions could be chosen say "mp4": true (the highest MP4) instead.
        options = replace(options, renditions=(HIGHEST,))
    options = replace(options, renditions=normalised(options.renditions))
    # An old row may hold no policy; Mux's default for a clip is what muxclipper always sent.
    return options if options.playback_policies else replace(options, playback_policies=("public",))


def _row_problem(row: sqlite3.Row, exc: Exception) -> str:
    """In words, which field of a row cannot be read."""
    try:
        JobState(row["state"])
    except ValueError:
        return f"unknown state {str(row['state'])[:40]!r}"
    for column in ("options", "playback_ids"):
        try:
            limited_json.loads(row[column])
        except TypeError:
            return f"{column} is not JSON"
        except limited_json.JsonLimitError as problem:  # "is not JSON", or which limit it is past
            return f"{column} {str(problem).removeprefix('it ')}"
    return f"{type(exc).__name__}: {str(exc)[:120]}"


class JobRepository:
    def __init__(self, path: Path) -> None:
        self.path = path
        #: Rows left out of answers because they cannot be read, by id: why (see :meth:`unreadable_rows`).
        self.unreadable: dict[int, str] = {}
        self._monotonic = time.monotonic
        self._observer = BeatObserver()
        self._identity = _identity(path)
        if path.is_dir():
            raise DamagedHistoryError(path, "a folder is where the file should be", self._identity)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0)
        except OSError as exc:
            raise StoreUnavailableError(f"The clip job history ({path}) cannot be created: {exc.strerror}. "
                                        "Check that the folder is writable.") from exc
        except sqlite3.Error as exc:
            self._raise(exc)
        try:
            self._conn.row_factory = sqlite3.Row
            # Checked before anything is written: switching the journal mode or migrating would change
            # another program's database, or one a newer muxclipper wrote.
            self._check_file()
            self._set_wal()
            self._conn.execute("PRAGMA synchronous=FULL")
            self._migrate()
            self._check_columns()
        except DamagedHistoryError as exc:
            self._conn.close()
            exc.identity = self._identity
            raise
        except sqlite3.Error as exc:
            self._conn.close()
            self._raise(exc)
        except BaseException:
            self._conn.close()
            raise

    def _raise(self, exc: sqlite3.Error) -> NoReturn:
        """Raise what ``exc`` means: a damaged file, a problem of the machine, or (anything else) a bug."""
        code = _primary_code(exc)  # SQLITE_CORRUPT_INDEX is CORRUPT
        if code in _DAMAGE_CODES:
            raise DamagedHistoryError(self.path, f"SQLite says {exc}", self._identity) from exc
        if code in _ENVIRONMENT_CODES:
            raise _unavailable(self.path, exc) from exc
        raise exc

    def _check_file(self) -> None:
        """Raise :class:`DamagedHistoryError` unless this is an intact job history (or an empty file).

        Read in one transaction: another process creating the history at this moment commits its tables and
        its user_version together, and a reader must see both or neither (tables without the version would look
        like another program's database)."""
        self._conn.execute("BEGIN")
        try:
            self._check_snapshot()
        finally:
            if self._conn.in_transaction:
                self._conn.execute("COMMIT")

    def _check_snapshot(self) -> None:
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise DamagedHistoryError(self.path, f"it was written by a newer muxclipper (schema {version}, this "
                                                 f"one reads up to {SCHEMA_VERSION}); update muxclipper to see "
                                                 "those jobs again")
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0 and tables - {"sqlite_sequence"}:
            # Every migration sets user_version in the transaction that creates the tables: tables without
            # it are not ours.
            raise DamagedHistoryError(self.path, "it is another program's database (its tables: "
                                                 f"{', '.join(sorted(tables))[:200]})")
        problems = [r[0] for r in self._conn.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise DamagedHistoryError(self.path, f"SQLite finds it damaged ({'; '.join(problems)[:300]})")

    def _set_wal(self) -> None:
        """Switch to WAL, waiting (as the busy timeout would) while another process starting at the same moment
        holds the lock: SQLite answers this pragma "locked" at once instead of calling its busy handler."""
        deadline = time.monotonic() + 5.0
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if _primary_code(exc) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
                        or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _check_columns(self) -> None:
        columns = {r[1] for r in self._conn.execute("PRAGMA table_info(jobs)")}
        missing = [f for f in ("id", *_FIELDS) if f not in columns]
        if missing:
            raise DamagedHistoryError(self.path, f"its jobs table lacks {', '.join(missing)}")

    def _migrate(self) -> None:
        for target in range(1, SCHEMA_VERSION + 1):
            with self._transaction():
                # Read again under the write lock: another process starting at the same moment may have
                # migrated meanwhile (reading it before the lock made the second one fail "table jobs already
                # exists").
                if int(self._conn.execute("PRAGMA user_version").fetchone()[0]) >= target:
                    continue
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
        for column in ("token", "environment", "source_asset_id"):
            if not isinstance(row[column], str):
                raise TypeError(f"{column} is not text")
        for column in ("start_ms", "end_ms", "attempts"):
            if not isinstance(row[column], int):
                raise TypeError(f"{column} is not a whole number")
        return ClipJob(
            id=row["id"], token=row["token"], environment=row["environment"],
            source_asset_id=row["source_asset_id"], start_ms=row["start_ms"], end_ms=row["end_ms"],
            options=_options_from_json(row["options"]), state=JobState(row["state"]), asset_id=row["asset_id"],
            playback_ids=tuple((str(p[0]), str(p[1])) for p in limited_json.loads(row["playback_ids"])),
            progress=row["progress"], error=row["error"], attempts=row["attempts"], created_at_s=row["created_at"],
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
        sql = (f"SELECT jobs.*, job_runs.note AS run_note, job_runs.last_sent_at AS run_last_sent_at, "
               f"job_runs.withdrawn_at AS run_withdrawn_at FROM jobs "
               f"LEFT JOIN job_runs ON job_runs.job_id = jobs.id {where} ORDER BY {order}"
               + (f" LIMIT {int(limit)}" if limit else ""))
        try:
            rows = self._conn.execute(sql, list(params)).fetchall()
        except sqlite3.Error as exc:
            if _is_environment(exc):
                raise _unavailable(self.path, exc) from exc
            raise
        jobs = []
        for row in rows:
            job = self._readable(row)
            if job is not None:
                jobs.append(job)
        return jobs

    def _readable(self, row: sqlite3.Row) -> ClipJob | None:
        """The row's job, or None (and the row noted in :attr:`unreadable`) when a field cannot be read: one
        bad row must not hide the others, nor stop a window or a command."""
        try:
            return self._job(row).evolve(note=row["run_note"], last_sent_at_s=row["run_last_sent_at"],
                                         withdrawn_at_s=row["run_withdrawn_at"])
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            row_id = int(row["id"])
            if row_id not in self.unreadable:
                self.unreadable[row_id] = _row_problem(row, exc)
                log.warning("job #%s in %s left out: %s", row_id, self.path, self.unreadable[row_id])
            return None

    def unreadable_rows(self) -> dict[int, str]:
        """Every row of the file that cannot be read, by id: why.

        SQLite picks out the suspects (an unknown state, a field of the wrong type, options that are not a JSON
        object) so that a history of 10,000 jobs is checked in a few milliseconds, not read whole at every
        start; a row damaged in a way only reading shows is still left out, and logged, when it is read."""
        states = [s.value for s in JobState]
        suspects = (f"state NOT IN ({', '.join('?' for _ in states)})"
                    " OR typeof(token) != 'text' OR typeof(environment) != 'text'"
                    " OR typeof(source_asset_id) != 'text' OR typeof(start_ms) != 'integer'"
                    " OR typeof(end_ms) != 'integer' OR typeof(attempts) != 'integer'"
                    " OR NOT json_valid(options) OR json_type(options) != 'object'"
                    " OR NOT json_valid(playback_ids) OR json_type(playback_ids) != 'array'")
        try:
            self._select(f"WHERE {suspects}", states, order="id ASC")
        except sqlite3.OperationalError:  # an SQLite without its JSON functions (before 3.38): read them all
            self._select(order="id ASC")
        return dict(sorted(self.unreadable.items()))

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

    # ------------------------------------------------------------------ leases (schemas 2 and 3)
    def _write_run(self, job: ClipJob) -> None:
        # A new send (last_sent_at changes) is also stamped on this boot's monotonic clock: how long ago it left is
        # then told by subtraction, in this process or another, whatever the wall clock did meanwhile.
        self._conn.execute(
            "INSERT INTO job_runs (job_id, note, last_sent_at, last_sent_mono, last_sent_clock) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (job_id) DO UPDATE SET note = COALESCE(excluded.note, job_runs.note), "
            "last_sent_mono = CASE WHEN job_runs.last_sent_at IS excluded.last_sent_at THEN job_runs.last_sent_mono "
            "ELSE excluded.last_sent_mono END, "
            "last_sent_clock = CASE WHEN job_runs.last_sent_at IS excluded.last_sent_at THEN job_runs.last_sent_clock "
            "ELSE excluded.last_sent_clock END, "
            "last_sent_at = excluded.last_sent_at",
            # a note stays: a copy of the job read before it has none
            [job.id, job.note, job.last_sent_at_s, None if job.last_sent_at_s is None else self._monotonic(),
             None if job.last_sent_at_s is None else clock_id()])

    def since_sent(self, job: ClipJob) -> float | None:
        """Seconds since the job's latest create left (None: never sent). Told by this boot's monotonic clock when
        the send was stamped on it (by any process); else by the wall clock, never below 0."""
        if job.id is not None:
            row = self._conn.execute("SELECT last_sent_at, last_sent_mono, last_sent_clock FROM job_runs "
                                     "WHERE job_id = ?", [job.id]).fetchone()
            if (row is not None and row["last_sent_mono"] is not None and row["last_sent_clock"] is not None
                    and row["last_sent_clock"] == clock_id() and row["last_sent_at"] == job.last_sent_at_s):
                return max(self._monotonic() - float(row["last_sent_mono"]), 0.0)
        sent = job.last_sent_at_s or job.submitted_at_s
        return None if sent is None else max(time.time() - sent, 0.0)

    def _beat(self, owner: LeaseOwner, now: float) -> None:
        self._conn.execute("INSERT INTO lease_owners (owner, pid, host, heartbeat_at, mark, beats) "
                           "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (owner) DO UPDATE SET "
                           "heartbeat_at = excluded.heartbeat_at, beats = lease_owners.beats + 1",
                           [owner.id, owner.pid, owner.host, now, owner.mark])

    def heartbeat(self, owner: LeaseOwner) -> None:
        """Tell other processes ``owner`` is alive: its count of heartbeats moves on."""
        with self._transaction():
            self._beat(owner, time.time())

    def _holder_alive(self, holder: str, ttl_s: float) -> bool:
        """Liveness first (pid and mark, no clock); only where that cannot be told, whether the holder's heartbeat
        count has moved within ``ttl_s`` of our own monotonic clock. ``heartbeat_at`` (wall time) is never read:
        it is there for people looking at the file."""
        row = self._conn.execute("SELECT pid, host, mark, beats FROM lease_owners WHERE owner = ?",
                                 [holder]).fetchone()
        if row is None:
            return False  # gone cleanly
        verdict = judge(int(row["pid"]), str(row["host"]), row["mark"])
        if verdict is not Liveness.UNKNOWN:
            return verdict is Liveness.ALIVE
        return self._observer.silent_for(holder, int(row["beats"])) < ttl_s

    def claim(self, job_ids: Iterable[int], owner: LeaseOwner, ttl_s: float = LEASE_TTL_S) -> set[int]:
        """Take the leases that are free or whose holder is dead (one transaction); the ids now held."""
        now = time.time()
        held: set[int] = set()
        with self._transaction():
            self._beat(owner, now)
            for job_id in job_ids:
                row = self._conn.execute("SELECT owner FROM leases WHERE job_id = ?", [job_id]).fetchone()
                if row is not None and row["owner"] != owner.id and self._holder_alive(row["owner"], ttl_s):
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

    def set_withdrawn(self, job_id: int, at: float) -> ClipJob | None:
        """The user took the job's clip back (schema 3): whoever holds the job never sends it again and deletes
        its clip once it exists. Kept on disk, so a run that stops meanwhile leaves it to the next. Answers the job
        as saved now."""
        with self._transaction():
            self._conn.execute("INSERT INTO job_runs (job_id, withdrawn_at) VALUES (?, ?) ON CONFLICT (job_id) "
                               "DO UPDATE SET withdrawn_at = COALESCE(job_runs.withdrawn_at, excluded.withdrawn_at)",
                               [job_id, at])
        return self.get(job_id)

    def withdrawn_unsettled(self, environment: str) -> list[ClipJob]:
        """Jobs taken back whose clip is not deleted yet (a run stopped in between)."""
        return self._select("WHERE job_runs.withdrawn_at IS NOT NULL AND jobs.state != 'cancelled' "
                            "AND jobs.environment = ?", [environment], order="id ASC")

    def set_watch(self, job_id: int, remaining_s: float | None) -> None:
        """Late duplicates of the job are looked for ``remaining_s`` more seconds (None: no more), also by a later
        process: saved as wall time (for another boot or host) and on this boot's monotonic clock."""
        until = None if remaining_s is None else time.time() + remaining_s
        until_mono = None if remaining_s is None else self._monotonic() + remaining_s
        with self._transaction():
            self._conn.execute("INSERT INTO job_runs (job_id, watch_until, watch_until_mono, watch_clock) "
                               "VALUES (?, ?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET "
                               "watch_until = excluded.watch_until, watch_until_mono = excluded.watch_until_mono, "
                               "watch_clock = excluded.watch_clock",
                               [job_id, until, until_mono, None if until is None else clock_id()])

    def watched_for_duplicates(self, environment: str, longest_s: float) -> list[tuple[ClipJob, float]]:
        """Jobs whose late duplicates are still looked for, with how many seconds more: by this boot's monotonic
        clock where the watch was stamped on it, else by the wall clock and never more than ``longest_s``."""
        rows = self._conn.execute("SELECT job_id, watch_until, watch_until_mono, watch_clock FROM job_runs "
                                  "WHERE watch_until IS NOT NULL OR watch_until_mono IS NOT NULL").fetchall()
        found = []
        for row in rows:
            if row["watch_until_mono"] is not None and row["watch_clock"] is not None \
                    and row["watch_clock"] == clock_id():
                left = float(row["watch_until_mono"]) - self._monotonic()
            elif row["watch_until"] is not None:
                left = min(float(row["watch_until"]) - time.time(), longest_s)
            else:
                continue
            if left <= 0:
                continue
            job = self.get(row["job_id"])
            if job is not None and job.environment == environment:
                found.append((job, left))
        return found

def open_job_history(path: Path) -> tuple[JobRepository, str | None]:
    """The job history at ``path``, and a notice for the user when something in it was damaged.

    A damaged file is renamed beside itself with the time (``jobs.sqlite3.damaged-20261130T201500Z``, its
    ``-wal`` and ``-shm`` with it) and a new history is started in its place; unreadable rows are left where they
    are and named. Problems of the machine (disk full, permissions, locked) still raise
    :class:`StoreUnavailableError`: setting a file aside would not help there.
    """
    try:
        repo = JobRepository(path)
    except DamagedHistoryError as exc:
        kept = set_aside(path, exc.identity)
        repo = JobRepository(path)
        where = (f"it is kept as {kept.name} beside it" if kept is not None
                 else "another muxclipper set it aside at the same moment")
        notice = (f"The clip job history {path} could not be read ({exc.reason}); {where} and a new history was "
                  "started. Clips already made in Mux are not affected.")
        log.warning("%s", notice)
        return repo, notice
    try:
        bad = repo.unreadable_rows()
    except BaseException:
        repo.close()
        raise
    if not bad:
        return repo, None
    listed = "; ".join(f"#{row_id}: {why}" for row_id, why in list(bad.items())[:5])
    more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    notice = (f"{len(bad)} job{'s' if len(bad) != 1 else ''} in the clip job history {path} cannot be read and "
              f"{'are' if len(bad) != 1 else 'is'} left out ({listed}{more}). The rows stay in the file "
              "untouched; the other jobs carry on.")
    log.warning("%s", notice)
    return repo, notice


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def set_aside(path: Path, identity: tuple[int, int] | None = None) -> Path | None:
    """Rename a damaged file (or folder) to ``NAME.damaged-<UTC time>`` beside it and answer the new path; its
    SQLite ``-wal`` and ``-shm`` go with it (left behind, SQLite would replay them into the new history).

    With ``identity``, only that very file is moved: when two processes find the same damaged file, the second
    must not set aside the new history the first has just started (it answers None instead)."""
    if identity is not None and _identity(path) not in (identity, None):
        return None
    if not path.exists() and not path.is_symlink():
        return None
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for attempt in range(100):
        kept = path.with_name(f"{path.name}.damaged-{stamp}" + (f"-{attempt}" if attempt else ""))
        if not kept.exists():
            break
    else:
        raise StoreUnavailableError(f"The clip job history ({path}) is damaged and cannot be set aside: too many "
                                    "copies beside it already. Move them elsewhere.")
    try:
        os.replace(path, kept)
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                os.replace(extra, kept.with_name(kept.name + suffix))
    except OSError as exc:
        raise StoreUnavailableError(f"The clip job history ({path}) is damaged and cannot be set aside "
                                    f"({exc.strerror}). Move it elsewhere yourself and muxclipper starts a new "
                                    "history.") from exc
    return kept
