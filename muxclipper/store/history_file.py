"""The job history's file: SQLite in WAL with durable writes, its schema by ``PRAGMA user_version``, and what can
be wrong with it.

Errors are split as in qutebrowser's ``sql.py``: problems of the environment (disk full, read-only,
locked) become :class:`StoreUnavailableError` with what to do; anything else is a bug and propagates.

A damaged file is neither: :class:`DamagedHistoryError` says why, before anything in the file is changed, and
:func:`set_aside` moves it beside itself (nothing is deleted). A damaged file is one SQLite cannot read (random
bytes, truncated, a directory), one written by a newer muxclipper, or another program's database. What is kept in
the file, and how, is ``jobs.py``'s.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

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
#: The jobs table's columns but ``id``.
JOB_FIELDS = ("token", "environment", "source_asset_id", "start_ms", "end_ms", "options", "state", "asset_id",
              "playback_ids", "progress", "error", "attempts", "created_at", "updated_at", "submitted_at",
              "ready_at")



def primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code: Python gives the extended one (SQLITE_IOERR_WRITE is 778, not 10)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_environment(exc: sqlite3.Error) -> bool:
    return primary_code(exc) in _ENVIRONMENT_CODES


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


def unavailable(path: Path, exc: sqlite3.Error) -> StoreUnavailableError:
    code = primary_code(exc)
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


def connect(path: Path) -> tuple[sqlite3.Connection, tuple[int, int] | None]:
    """An open connection to the history at ``path`` (made if missing, migrated to :data:`SCHEMA_VERSION`), and
    the file's (device, inode); raises :class:`DamagedHistoryError` or :class:`StoreUnavailableError`."""
    identity = file_identity(path)
    if path.is_dir():
        raise DamagedHistoryError(path, "a folder is where the file should be", identity)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0)
    except OSError as exc:
        raise StoreUnavailableError(f"The clip job history ({path}) cannot be created: {exc.strerror}. "
                                    "Check that the folder is writable.") from exc
    except sqlite3.Error as exc:
        _raise(path, exc, identity)
    try:
        conn.row_factory = sqlite3.Row
        # Checked before anything is written: switching the journal mode or migrating would change
        # another program's database, or one a newer muxclipper wrote.
        _check_file(conn, path)
        _set_wal(conn)
        conn.execute("PRAGMA synchronous=FULL")
        _migrate(conn, path)
        _check_columns(conn, path)
    except DamagedHistoryError as exc:
        conn.close()
        exc.identity = identity
        raise
    except sqlite3.Error as exc:
        conn.close()
        _raise(path, exc, identity)
    except BaseException:
        conn.close()
        raise
    return conn, identity


def _raise(path: Path, exc: sqlite3.Error, identity: tuple[int, int] | None) -> NoReturn:
    """Raise what ``exc`` means: a damaged file, a problem of the machine, or (anything else) a bug."""
    code = primary_code(exc)  # SQLITE_CORRUPT_INDEX is CORRUPT
    if code in _DAMAGE_CODES:
        raise DamagedHistoryError(path, f"SQLite says {exc}", identity) from exc
    if code in _ENVIRONMENT_CODES:
        raise unavailable(path, exc) from exc
    raise exc


def _check_file(conn: sqlite3.Connection, path: Path) -> None:
    """Raise :class:`DamagedHistoryError` unless this is an intact job history (or an empty file).

    Read in one transaction: another process creating the history at this moment commits its tables and
    its user_version together, and a reader must see both or neither (tables without the version would look
    like another program's database)."""
    conn.execute("BEGIN")
    try:
        _check_snapshot(conn, path)
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _check_snapshot(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise DamagedHistoryError(path, f"it was written by a newer muxclipper (schema {version}, this "
                                             f"one reads up to {SCHEMA_VERSION}); update muxclipper to see "
                                             "those jobs again")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version == 0 and tables - {"sqlite_sequence"}:
        # Every migration sets user_version in the transaction that creates the tables: tables without
        # it are not ours.
        raise DamagedHistoryError(path, "it is another program's database (its tables: "
                                             f"{', '.join(sorted(tables))[:200]})")
    problems = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        raise DamagedHistoryError(path, f"SQLite finds it damaged ({'; '.join(problems)[:300]})")


def _set_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting (as the busy timeout would) while another process starting at the same moment
    holds the lock: SQLite answers this pragma "locked" at once instead of calling its busy handler."""
    deadline = time.monotonic() + 5.0
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if primary_code(exc) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
                    or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _check_columns(conn: sqlite3.Connection, path: Path) -> None:
    columns = {r[1] for r in conn.execute("PRAGMA table_info(jobs)")}
    missing = [f for f in ("id", *JOB_FIELDS) if f not in columns]
    if missing:
        raise DamagedHistoryError(path, f"its jobs table lacks {', '.join(missing)}")


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    for target in range(1, SCHEMA_VERSION + 1):
        with transaction(conn, path):
            # Read again under the write lock: another process starting at the same moment may have
            # migrated meanwhile (reading it before the lock made the second one fail "table jobs already
            # exists").
            if int(conn.execute("PRAGMA user_version").fetchone()[0]) >= target:
                continue
            for statement in _MIGRATIONS[target].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")


@contextmanager
def transaction(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """One ``BEGIN IMMEDIATE`` transaction; a problem of the machine raises :class:`StoreUnavailableError`."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if is_environment(exc):
            raise unavailable(path, exc) from exc
        raise


def file_identity(path: Path) -> tuple[int, int] | None:
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
    if identity is not None and file_identity(path) not in (identity, None):
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
