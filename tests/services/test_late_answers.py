"""Mux acting after the client gave up, and busy accounts (issue 14, defects 2 and 3): one clip per job."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from muxclipper.core.jobs import JobState
from muxclipper.core.models import ClipRequest
from muxclipper.services.clip_jobs import ClipJobService
from muxclipper.services.job_timings import JobTimings
from muxclipper.store.jobs import JobRepository
from tests.emulator.helpers import Emu
from tests.mux.conftest import make_client
from tests.services.conftest import ENV, FAST, clips_with_token, wait_state

pytestmark = pytest.mark.asyncio
CLIENT_TIMEOUT_S = 0.5


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(CLIENT_TIMEOUT_S)) as client:
        yield client


async def _run_one(emu: Emu, http: httpx.AsyncClient, repo: JobRepository, timings: JobTimings,
                   source: str) -> tuple[ClipJobService, int]:
    service = ClipJobService(ENV, make_client(http, emu.url), repo, timings=timings)
    [job] = service.submit([ClipRequest(source, 1_000, 5_000)])
    assert job.id is not None
    return service, job.id


async def test_a_create_acted_on_after_the_timeout_is_found_again_not_sent_twice(
        emu: Emu, http: httpx.AsyncClient, tmp_path: Path) -> None:
    """Held 3× the client's timeout before Mux acts: the search goes on over the late-answer window."""
    [source] = emu.seed({"duration": 60.0})
    emu.fault(kind="delay", method="POST", path="/video/v1/assets", delay_ms=1500, when="before",
              acts_if_abandoned=True)
    repo = JobRepository(tmp_path / "jobs.sqlite3")
    timings = JobTimings(**{**FAST.__dict__, "late_answer_window_s": 4.0})
    service, job_id = await _run_one(emu, http, repo, timings, source)
    job = await wait_state(service, job_id, [JobState.PREPARING])
    assert [c["id"] for c in clips_with_token(emu, job.token)] == [job.asset_id]
    assert len(emu.requests(method="POST")) == 1  # never sent again
    assert job.attempts == 1 and job.note is None
    await service.close()
    repo.close()


async def test_a_duplicate_made_later_still_is_deleted_and_the_user_told(
        emu: Emu, http: httpx.AsyncClient, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Held past the whole late-answer window: the job is sent again, the late asset appears after the
    second one, and is deleted; the job keeps the asset it was given and says what happened."""
    [source] = emu.seed({"duration": 60.0})
    emu.fault(kind="delay", method="POST", path="/video/v1/assets", delay_ms=2000, when="before",
              acts_if_abandoned=True)
    repo = JobRepository(tmp_path / "jobs.sqlite3")
    timings = JobTimings(**{**FAST.__dict__, "late_answer_window_s": 0.8, "duplicate_watch_s": 5.0})
    service, job_id = await _run_one(emu, http, repo, timings, source)
    caplog.set_level(logging.WARNING, logger="muxclipper.services.clip_jobs")
    job = await wait_state(service, job_id, [JobState.PREPARING])
    await service.wait_idle()  # the duplicate watch has run its course
    final = repo.get(job_id)
    assert final is not None
    assert [c["id"] for c in clips_with_token(emu, final.token)] == [job.asset_id]
    assert len(emu.requests(method="POST")) == 2  # sent twice, as it had to be; one clip all the same
    [(deleted_for, deleted)] = service.duplicates_deleted
    assert deleted_for == job_id and deleted != job.asset_id
    assert final.note is not None and deleted in final.note and "deleted" in final.note
    assert any(deleted in r.getMessage() for r in caplog.records)
    await service.close()
    repo.close()


async def test_a_job_resumed_after_600_newer_assets_still_finds_its_clip(
        emu: Emu, http: httpx.AsyncClient, tmp_path: Path) -> None:
    """A busy account: the search pages back to the job's first send however many pages that is."""
    [source] = emu.seed({"duration": 60.0})
    repo = JobRepository(tmp_path / "jobs.sqlite3")
    maker = ClipJobService(ENV, None, repo)  # type: ignore[arg-type]  # only makes jobs
    [job] = repo.add_many([maker.make_job(ClipRequest(source, 1_000, 5_000))])
    assert job.id is not None
    # The process died after its create reached Mux; then the account made 600 more assets.
    made = emu.create_clip(source, 1, 5, passthrough=f"mcj:{job.token}").json()["data"]
    repo.update(job.moved_to(JobState.SUBMITTING, attempts=1, submitted_at_s=job.created_at_s,
                             last_sent_at_s=job.created_at_s))
    emu.seed(count=600)
    emu.ctl("DELETE", "requests")
    timings = JobTimings(**{**FAST.__dict__, "late_answer_window_s": 0.0})
    service = ClipJobService(ENV, make_client(http, emu.url), repo, timings=timings)
    service.resume()
    found = await wait_state(service, job.id, [JobState.PREPARING])
    assert found.asset_id == made["id"]
    assert emu.requests(method="POST") == []  # not sent again
    gets = [r for r in emu.requests(method="GET") if r["path"] == "/video/v1/assets"]
    assert len(gets) >= 7  # 601 newer assets, 100 a page: it did page that far back
    await service.close()
    repo.close()


async def test_a_late_copy_of_a_clip_the_user_deleted_is_deleted_too(
        emu: Emu, http: httpx.AsyncClient, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    emu.fault(kind="delay", method="POST", path="/video/v1/assets", delay_ms=2500, when="before",
              acts_if_abandoned=True)
    repo = JobRepository(tmp_path / "jobs.sqlite3")
    timings = JobTimings(**{**FAST.__dict__, "late_answer_window_s": 0.5, "duplicate_watch_s": 5.0})
    service, job_id = await _run_one(emu, http, repo, timings, source)
    job = await wait_state(service, job_id, [JobState.PREPARING])  # the second send's clip
    assert job.asset_id is not None
    emu.api.delete(f"/video/v1/assets/{job.asset_id}")  # the user deletes it, as the window does
    service.mark_deleted(job_id, "Deleted in Mux.")
    await service.wait_idle()  # meanwhile Mux acts on the first, held create
    assert clips_with_token(emu, job.token) == []
    final = repo.get(job_id)
    assert final is not None and final.state is JobState.CANCELLED
    assert final.note is not None and "after it was deleted" in final.note
    await service.close()
    repo.close()


async def test_a_clip_made_after_the_job_gave_up_is_deleted_so_a_retry_makes_one(
        emu: Emu, http: httpx.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every send timed out and no clip appeared in the late-answer window: the job failed. Mux acted on the send
    later, within the duplicate watch: that clip is deleted (the user was told it failed and would retry), the job
    says so, and a retry makes exactly one. (Seen under load in the fault schedules: a failed job, two clips.)"""
    from muxclipper.services import clip_jobs

    monkeypatch.setattr(clip_jobs, "MAX_ATTEMPTS", 1)  # gives up after one send, well before Mux acts on it
    [source] = emu.seed({"duration": 60.0})
    emu.fault(kind="delay", method="POST", path="/video/v1/assets", delay_ms=2500, when="before",
              acts_if_abandoned=True)
    repo = JobRepository(tmp_path / "jobs.sqlite3")
    timings = JobTimings(**{**FAST.__dict__, "late_answer_window_s": 0.3, "duplicate_watch_s": 6.0})
    service, job_id = await _run_one(emu, http, repo, timings, source)
    failed = await wait_state(service, job_id, [JobState.FAILED])
    await service.wait_idle()  # the duplicate watch has run its course: the late clip came and went
    final = repo.get(job_id)
    assert final is not None and final.state is JobState.FAILED
    assert clips_with_token(emu, failed.token) == []
    [(deleted_for, deleted)] = service.duplicates_deleted
    assert deleted_for == job_id
    assert final.note is not None and deleted in final.note and "retry" in final.note
    monkeypatch.setattr(clip_jobs, "MAX_ATTEMPTS", 5)
    service.retry(job_id)
    again = await wait_state(service, job_id, [JobState.PREPARING])
    assert [c["id"] for c in clips_with_token(emu, again.token)] == [again.asset_id]
    await service.close()
    repo.close()
