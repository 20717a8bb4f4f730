"""Two services on one history (two windows, a window and a command line): one sends, the other watches;
the history and deletions reach every listener (issue 14 defect 1, issue 12's transition table)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import ClipRequest
from muxclipper.services.clip_jobs import ClipJobService, JobInputError
from muxclipper.store.jobs import JobRepository
from tests.emulator.helpers import Emu
from tests.mux.conftest import make_client
from tests.services.conftest import ENV, FAST, clips_with_token, wait_state

pytestmark = pytest.mark.asyncio


async def test_a_second_service_watches_a_job_in_flight_and_never_sends_it(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    emu.fault(kind="delay", method="POST", path="/video/v1/assets", delay_ms=800, when="before")
    path = tmp_path / "jobs.sqlite3"
    repo_a, repo_b = JobRepository(path), JobRepository(path)
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0)) as http:
        a = ClipJobService(ENV, make_client(http, emu.url), repo_a, timings=FAST)
        b = ClipJobService(ENV, make_client(http, emu.url), repo_b, timings=FAST)
        [job] = a.submit([ClipRequest(source, 1_000, 5_000)])
        assert job.id is not None
        await wait_state(a, job.id, [JobState.SUBMITTING])
        [resumed] = b.resume()  # as a window's start or `jobs --watch` does, while the POST is in flight
        assert resumed.id == job.id and b.watching == 1 and not b.busy
        seen = await wait_state(b, job.id, [JobState.PREPARING])  # heard through the history
        emu.ctl("POST", f"assets/{seen.asset_id}/finish")
        await wait_state(b, job.id, [JobState.READY])
        assert len(clips_with_token(emu, job.token)) == 1 and len(emu.requests(method="POST")) == 1
        await a.close()
        await b.close()
    repo_a.close()
    repo_b.close()


async def test_a_watcher_takes_over_when_the_holder_stops_beating(emu: Emu, tmp_path: Path) -> None:
    """A holder that hangs (no heartbeat past the TTL) loses the job to the watcher, which finishes it."""
    [source] = emu.seed({"duration": 60.0})
    path = tmp_path / "jobs.sqlite3"
    repo_a, repo_b = JobRepository(path), JobRepository(path)
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0)) as http:
        a = ClipJobService(ENV, make_client(http, emu.url), repo_a, timings=FAST)
        [job] = repo_a.add_many([a.make_job(ClipRequest(source, 1_000, 5_000))], owner=a.owner)  # claimed, then hung
        assert job.id is not None
        b = ClipJobService(ENV, make_client(http, emu.url), repo_b, timings=FAST)
        b.resume()
        preparing = await wait_state(b, job.id, [JobState.PREPARING])  # after FAST's 1 s TTL
        assert repo_b.lease_holder(job.id) == b.owner.id
        emu.ctl("POST", f"assets/{preparing.asset_id}/finish")
        await wait_state(b, job.id, [JobState.READY])
        assert len(clips_with_token(emu, job.token)) == 1
        await b.close()
        await a.close()
    repo_a.close()
    repo_b.close()


async def test_history_and_mark_deleted_reach_every_listener(emu: Emu, service: ClipJobService) -> None:
    [source] = emu.seed({"duration": 60.0})
    [job] = service.submit([ClipRequest(source, 1_000, 5_000)])
    assert job.id is not None
    ready = await wait_state(service, job.id, [JobState.PREPARING])
    emu.ctl("POST", f"assets/{ready.asset_id}/finish")
    await wait_state(service, job.id, [JobState.READY])
    assert [j.id for j in service.history(limit=10)] == [job.id]
    heard: list[ClipJob] = []
    service.updates.add(heard.append)
    service.updates.add(lambda j: heard.append(j))  # a second listener (another panel, the tray)
    gone = service.mark_deleted(job.id, "Deleted in Mux.")
    assert gone.state is JobState.CANCELLED and gone.error == "Deleted in Mux."
    assert [j.state for j in heard] == [JobState.CANCELLED, JobState.CANCELLED]
    with pytest.raises(JobInputError, match="No job"):
        service.mark_deleted(job.id + 100)
    assert service.history()[0].state is JobState.CANCELLED
