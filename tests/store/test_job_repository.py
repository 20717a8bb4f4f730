"""The job history: durable rows, schema versions, and plain words when the machine is the problem."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import ClipOptions
from muxclipper.store.history_file import SCHEMA_VERSION, StoreUnavailableError
from muxclipper.store.jobs import JobRepository


def _job(token: str, env: str = "env") -> ClipJob:
    return ClipJob(id=None, token=token, environment=env, source_asset_id="src", start_ms=1_000, end_ms=2_000,
                   options=ClipOptions(("public", "signed"), "plus", ("highest", "720p"), "Title", "pt"))


def test_round_trip_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    repo = JobRepository(path)
    saved = repo.add(_job("a"))
    repo.update(saved.evolve(state=JobState.PREPARING, asset_id="clip", playback_ids=(("p1", "public"),),
                             progress=42.5))
    repo.close()
    again = JobRepository(path)
    job = again.get(saved.id or 0)
    assert job is not None
    assert (job.state, job.asset_id, job.playback_ids, job.progress) == (JobState.PREPARING, "clip",
                                                                          (("p1", "public"),), 42.5)
    assert job.options == ClipOptions(("public", "signed"), "plus", ("highest", "720p"), "Title", "pt")
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unfinished_by_environment(tmp_path: Path) -> None:
    repo = JobRepository(tmp_path / "jobs.sqlite3")
    a, b, c = repo.add_many([_job("a"), _job("b"), _job("c", env="other")])
    repo.update(b.evolve(state=JobState.READY))
    assert [j.token for j in repo.unfinished("env")] == ["a"]
    assert [j.token for j in repo.unfinished()] == ["a", "c"]
    assert [j.token for j in repo.all("env")] == ["b", "a"]  # newest first


def test_tokens_are_unique(tmp_path: Path) -> None:
    repo = JobRepository(tmp_path / "jobs.sqlite3")
    repo.add(_job("same"))
    with pytest.raises(sqlite3.IntegrityError):  # a bug, not the machine: it propagates
        repo.add(_job("same"))


def test_a_newer_schema_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    JobRepository(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreUnavailableError, match="newer muxclipper"):
        JobRepository(path)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreUnavailableError, match="move it aside"):
        JobRepository(path)


def test_an_unwritable_place(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailableError, match="writable"):
        JobRepository(blocker / "jobs.sqlite3")


def test_jobs_saved_before_renditions_keep_their_mp4(tmp_path: Path) -> None:
    """A history written when the options had only "mp4": true/false reads as the highest MP4, or none."""
    path = tmp_path / "jobs.sqlite3"
    repo = JobRepository(path)
    with_mp4, without = repo.add(_job("old-1")), repo.add(_job("old-2"))
    repo.close()
    with sqlite3.connect(path) as conn:
        for job, mp4 in ((with_mp4, True), (without, False)):
            conn.execute("UPDATE jobs SET options = ? WHERE id = ?",
                         ('{"playback_ids": null, "playback_policies": ["public"], "video_quality": null, '
                          f'"mp4": {"true" if mp4 else "false"}, "title": "Old", "passthrough": null}}', job.id))
    again = JobRepository(path)
    assert again.get(with_mp4.id or 0).options.renditions == ("highest",)  # type: ignore[union-attr]
    assert again.get(without.id or 0).options.renditions == ()  # type: ignore[union-attr]
