"""The clip jobs in the history: saved, updated, read, and leased to one process at a time.

Every state change is committed (``synchronous=FULL``) before the network step it announces, so a
process that dies at any instruction leaves a row that says what may have happened. The file itself (schema,
WAL, a damaged file set aside, errors of the machine) is ``history_file.py``'s.

A single unreadable row (an unknown state, options that are not JSON) is left out of every answer and listed
in the notice of :func:`open_job_history`; it stays in the file untouched.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

from muxclipper.core import limited_json
from muxclipper.core.jobs import TRANSITIONS, ClipJob, JobState, check_transition
from muxclipper.core.models import ClipOptions
from muxclipper.core.options_codec import options_from_json, options_to_json
from muxclipper.core.renditions import HIGHEST, normalised
from muxclipper.store.history_file import (
    JOB_FIELDS,
    DamagedHistoryError,
    connect,
    is_environment,
    set_aside,
    transaction,
    unavailable,
)
from muxclipper.store.leases import LEASE_TTL_S, LeaseOwner
from muxclipper.store.liveness import BeatObserver, Liveness, clock_id, judge

log = logging.getLogger(__name__)


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
        self._conn, self._identity = connect(path)

    def _transaction(self) -> AbstractContextManager[None]:
        return transaction(self._conn, self.path)

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
                f"INSERT INTO jobs ({', '.join(JOB_FIELDS)}) VALUES ({', '.join('?' for _ in JOB_FIELDS)})",
                [row[f] for f in JOB_FIELDS])
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
                    f"INSERT INTO jobs ({', '.join(JOB_FIELDS)}) VALUES ({', '.join('?' for _ in JOB_FIELDS)})",
                    [row[f] for f in JOB_FIELDS])
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
                self._conn.execute(f"UPDATE jobs SET {', '.join(f'{f} = ?' for f in JOB_FIELDS)} WHERE id = ?",
                                   [*(row[f] for f in JOB_FIELDS), job.id])
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
            if is_environment(exc):
                raise unavailable(self.path, exc) from exc
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
                self._conn.execute(f"UPDATE jobs SET {', '.join(f'{f} = ?' for f in JOB_FIELDS)} WHERE id = ?",
                                   [*(values[f] for f in JOB_FIELDS), job.id])
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
