"""Taking a clip back (a replay undone) deletes it exactly once, whenever the undo comes: before its create left,
while Mux has not answered, or once it is made; and a run that stops in between leaves the rest to the next."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.core.jobs import JobState
from muxclipper.core.models import ClipOptions, ClipRequest
from muxclipper.mux.budget import RateBudget
from muxclipper.mux.client import Credentials, Endpoints, MuxClient
from muxclipper.services.clip_jobs import WITHDRAWN_DELETED, WITHDRAWN_UNSENT, ClipJobService
from muxclipper.store.jobs import JobRepository
from tests.emulator.helpers import RW, Emu
from tests.mux.conftest import FAST_RETRY, LOOSE_BUDGET, make_client
from tests.services.conftest import ENV, FAST, clips_with_token, wait_state

pytestmark = pytest.mark.asyncio


def _request(source: str) -> ClipRequest:
    return ClipRequest(source, 2_000, 8_000, ClipOptions(title="Replay"))


def _sent(emu: Emu, method: str) -> int:
    return len(emu.requests(method=method, path_prefix="/video/v1/assets"))


async def test_undo_before_the_create_left_sends_nothing(emu: Emu, service: ClipJobService) -> None:
    [source] = emu.seed({"duration": 60.0})
    [job] = service.submit([_request(source)])
    assert job.id is not None
    taken = await service.withdraw(job.id)
    assert taken.state is JobState.CANCELLED and taken.error == WITHDRAWN_UNSENT
    await service.wait_idle()
    assert _sent(emu, "POST") == 0 and _sent(emu, "DELETE") == 0


async def test_undo_once_made_deletes_it_once(emu: Emu, service: ClipJobService) -> None:
    [source] = emu.seed({"duration": 60.0})
    [job] = service.submit([_request(source)])
    assert job.id is not None
    made = await wait_state(service, job.id, [JobState.PREPARING])
    taken = await service.withdraw(job.id)
    assert taken.state is JobState.CANCELLED and taken.error == WITHDRAWN_DELETED
    assert emu.api.get(f"/video/v1/assets/{made.asset_id}").status_code == 404
    again = await service.withdraw(job.id)  # a second undo (two clicks, the key and the button) deletes nothing
    assert again.state is JobState.CANCELLED and _sent(emu, "DELETE") == 1


class _HeldPosts(RateBudget):
    """The POST budget spent (as after a 429 that said wait): a create waits at it until the test lets it go."""

    def __init__(self) -> None:
        super().__init__(LOOSE_BUDGET)
        self.waiting = asyncio.Event()
        self.go = asyncio.Event()

    async def acquire(self, method: str) -> None:
        if method.upper() == "POST":
            self.waiting.set()
            await self.go.wait()
        await super().acquire(method)


async def test_undo_while_the_create_waits_for_the_post_budget_sends_nothing(emu: Emu, tmp_path: Path) -> None:
    """The job is 'submitting' (saved before the request leaves) while its create waits its turn at Mux's POST
    budget: taken back then, the create must not leave at all (it did, and Mux made a clip only to delete it)."""
    [source] = emu.seed({"duration": 60.0})
    budget = _HeldPosts()
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5)) as http:
        repo = JobRepository(tmp_path / "jobs.sqlite3")
        client = MuxClient(http, Credentials(*RW), Endpoints.for_origin(emu.url), budget=budget, retry=FAST_RETRY)
        service = ClipJobService(ENV, client, repo, timings=FAST)
        [job] = service.submit([_request(source)])
        assert job.id is not None
        await asyncio.wait_for(budget.waiting.wait(), 15)
        assert (service.job(job.id) or job).state is JobState.SUBMITTING
        await service.withdraw(job.id)
        budget.go.set()
        taken = await wait_state(service, job.id, [JobState.CANCELLED])
        await service.wait_idle()
        await service.close()
        repo.close()
    assert taken.error == WITHDRAWN_UNSENT and taken.attempts == 0
    assert _sent(emu, "POST") == 0 and _sent(emu, "DELETE") == 0


@pytest.mark.parametrize("fault", [
    {"kind": "delay", "delay_ms": 700, "when": "after"},   # Mux makes it, answers late
    {"kind": "drop", "when": "after"},                    # Mux makes it, the answer is lost
    {"kind": "drop", "when": "before"},                   # Mux never gets it
    {"kind": "status", "status": 503},                    # an answer that says nothing of what was made
], ids=lambda f: "-".join(str(v) for v in f.values()))
async def test_undo_while_mux_has_not_answered(emu: Emu, service: ClipJobService, fault: dict[str, Any]) -> None:
    [source] = emu.seed({"duration": 60.0})
    emu.fault(method="POST", path="/video/v1/assets", **fault)
    [job] = service.submit([_request(source)])
    assert job.id is not None
    await wait_state(service, job.id, [JobState.SUBMITTING])
    taken = await service.withdraw(job.id)
    assert taken.state is JobState.SUBMITTING and taken.withdrawn_at_s is not None  # settled when Mux answers
    await wait_state(service, job.id, [JobState.CANCELLED])
    await service.wait_idle()  # the late-duplicate watch too: nothing made later survives
    assert clips_with_token(emu, job.token) == []
    posts = emu.requests(method="POST", path_prefix="/video/v1/assets")
    made = [p for p in posts if p["status"] == 201 or (p["fault"] and fault.get("when") == "after")]
    assert len(made) <= 1  # never sent again once taken back
    assert _sent(emu, "DELETE") == len(made)  # what Mux made, deleted once


async def test_a_run_that_stops_after_the_undo_leaves_the_deletion_to_the_next(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    path = tmp_path / "jobs.sqlite3"
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5)) as http:
        repo = JobRepository(path)
        first = ClipJobService(ENV, make_client(http, emu.url), repo, timings=FAST)
        [job] = first.submit([_request(source)])
        assert job.id is not None
        made = await wait_state(first, job.id, [JobState.PREPARING])
        repo.set_withdrawn(job.id, 1.0)  # the mark is saved; the run stops before the DELETE leaves
        await first.close()
        repo.close()
        repo = JobRepository(path)
        second = ClipJobService(ENV, make_client(http, emu.url), repo, timings=FAST)
        second.resume()
        await wait_state(second, job.id, [JobState.CANCELLED])
        await second.wait_idle()
        await second.close()
        repo.close()
    assert emu.api.get(f"/video/v1/assets/{made.asset_id}").status_code == 404 and _sent(emu, "DELETE") == 1
