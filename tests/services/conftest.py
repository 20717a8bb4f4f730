"""A clip-job service on the loopback emulator, with a private job store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import httpx
import pytest_asyncio

from muxclipper.core.jobs import ClipJob, JobState, token_in
from muxclipper.services.clip_jobs import ClipJobService
from muxclipper.services.job_timings import JobTimings
from muxclipper.store.jobs import JobRepository
from tests.emulator.helpers import Emu
from tests.mux.conftest import make_client

ENV = "test-env"
#: The service's waits shrunk for tests: the late-answer window is 1 s where users get 90 s.
FAST = JobTimings(late_answer_window_s=1.0, late_answer_first_pause_s=0.1, late_answer_max_pause_s=0.3,
                  duplicate_watch_s=2.0, duplicate_first_pause_s=0.1, duplicate_max_pause_s=0.3,
                  network_retry_s=0.1, heartbeat_s=0.2, lease_ttl_s=1.0, watch_interval_s=0.05)


@pytest_asyncio.fixture
async def service(emu: Emu, tmp_path: Path) -> AsyncIterator[ClipJobService]:
    repo = JobRepository(tmp_path / "jobs.sqlite3")
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5)) as http:
        svc = ClipJobService(ENV, make_client(http, emu.url), repo, timings=FAST)
        yield svc
        await svc.close()
    repo.close()


async def wait_state(service: ClipJobService, job_id: int, states: Iterable[JobState],
                     timeout: float = 15.0) -> ClipJob:
    """The job once it reaches one of ``states``; waits on the service's updates, not on sleeps."""
    wanted = set(states)
    repo_job = service._repo.get(job_id)  # noqa: SLF001 - the state may already be there
    if repo_job is not None and repo_job.state in wanted:
        return repo_job
    reached: asyncio.Future[ClipJob] = asyncio.get_running_loop().create_future()

    def on_update(job: ClipJob) -> None:
        if job.id == job_id and job.state in wanted and not reached.done():
            reached.set_result(job)

    remove = service.updates.add(on_update)
    try:
        return await asyncio.wait_for(reached, timeout)
    finally:
        remove()


def clips_with_token(emu: Emu, token: str) -> list[dict[str, object]]:
    assets = emu.api.get("/video/v1/assets", params={"limit": 100}).json()["data"]
    return [a for a in assets if token_in(a.get("passthrough")) == token]
