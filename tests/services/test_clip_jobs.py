"""Clip jobs are created exactly once whatever the network does, and always end matching the server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from muxclipper.core.jobs import JobState
from muxclipper.core.models import ClipOptions, ClipRequest
from muxclipper.services.clip_jobs import ClipJobService, JobInputError
from muxclipper.store.jobs import JobRepository
from tests.emulator.helpers import Emu
from tests.services.conftest import ENV, FAST, clips_with_token, wait_state

pytestmark = pytest.mark.asyncio


def _request(source: str, **options: Any) -> ClipRequest:
    return ClipRequest(source, 2_000, 8_000, ClipOptions(**options))


async def _ready(emu: Emu, service: ClipJobService, job_id: int) -> None:
    job = await wait_state(service, job_id, [JobState.PREPARING])
    emu.ctl("POST", f"assets/{job.asset_id}/finish")
    ready = await wait_state(service, job_id, [JobState.READY])
    assert ready.playback_ids and ready.progress == 100.0


async def test_a_job_is_saved_sent_followed_and_ready(emu: Emu, service: ClipJobService) -> None:
    [source] = emu.seed({"duration": 60.0})
    [job] = service.submit([_request(source, title="Goal", passthrough="cms-42")])
    assert job.state is JobState.QUEUED and job.id is not None
    preparing = await wait_state(service, job.id, [JobState.PREPARING])
    clip = emu.asset(str(preparing.asset_id))
    assert clip["passthrough"] == f"cms-42 mcj:{job.token}" and clip["meta"]["title"] == "Goal"
    await _ready(emu, service, job.id)


@pytest.mark.parametrize("fault", [
    {"kind": "drop", "when": "after"},
    {"kind": "drop", "when": "before"},
    {"kind": "truncate"},
    {"kind": "malformed"},
    {"kind": "delay", "delay_ms": 1500, "when": "after"},
    {"kind": "delay", "delay_ms": 1500, "when": "before"},
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 503, "times": 3},
    {"kind": "status", "status": 429, "times": 4},
], ids=lambda f: "-".join(str(v) for v in f.values()))
async def test_faults_never_duplicate_a_clip(emu: Emu, service: ClipJobService, fault: dict[str, Any]) -> None:
    [source] = emu.seed({"duration": 60.0})
    emu.fault(method="POST", path="/video/v1/assets", **fault)
    [job] = service.submit([_request(source)])
    assert job.id is not None
    await _ready(emu, service, job.id)
    assert len(clips_with_token(emu, job.token)) == 1
    assert emu.ctl("GET", "faults") == []


async def test_a_storm_of_429_on_every_call_still_ends_right(emu: Emu, service: ClipJobService) -> None:
    [source] = emu.seed({"duration": 60.0})
    emu.fault(path="/video/*", kind="status", status=429, times=6)
    jobs = service.submit([_request(source), _request(source)])
    for job in jobs:
        assert job.id is not None
        await _ready(emu, service, job.id)
        assert len(clips_with_token(emu, job.token)) == 1


async def test_mux_refusal_fails_the_job_with_mux_words(emu: Emu, service: ClipJobService) -> None:
    [source] = emu.seed({"duration": 5.0})
    [job] = service.submit([ClipRequest(source, 1_000, 9_000)])
    assert job.id is not None
    failed = await wait_state(service, job.id, [JobState.FAILED])
    assert failed.error is not None and "past the end" in failed.error
    assert emu.api.get("/video/v1/assets").json()["data"][0]["id"] == source  # nothing made


async def test_errored_clip_is_reported(emu: Emu, service: ClipJobService) -> None:
    [source] = emu.seed({"duration": 60.0})
    [job] = service.submit([_request(source)])
    assert job.id is not None
    preparing = await wait_state(service, job.id, [JobState.PREPARING])
    emu.ctl("POST", f"assets/{preparing.asset_id}/error", {"type": "invalid_input", "messages": ["Bad frames."]})
    errored = await wait_state(service, job.id, [JobState.ERRORED])
    assert errored.error == "Bad frames."


async def test_progress_reaches_the_job(emu: Emu, service: ClipJobService) -> None:
    [source] = emu.seed({"duration": 60.0})
    [job] = service.submit([_request(source)])
    assert job.id is not None
    await wait_state(service, job.id, [JobState.PREPARING])
    emu.advance(3.5)  # 70 % through the emulator's 5 s of processing
    seen: list[float | None] = []
    service.updates.add(lambda j: seen.append(j.progress) if j.id == job.id else None)
    emu.advance(0.5)
    finished = await wait_state(service, job.id, [JobState.READY], timeout=30)
    assert finished.state is JobState.READY
    assert any(p is not None and 0 < p < 100 for p in seen) or seen[-1] == 100.0


async def test_input_checks_before_anything_is_saved(service: ClipJobService) -> None:
    with pytest.raises(JobInputError, match="at least 0.5 s"):
        service.submit([ClipRequest("src", 0, 400)])
    with pytest.raises(JobInputError, match="passthrough"):
        service.submit([ClipRequest("src", 0, 5_000, ClipOptions(passthrough="p" * 250))])
    assert service._repo.all() == []  # noqa: SLF001


async def test_a_batch_goes_through_the_post_budget_in_order(emu: Emu, service: ClipJobService) -> None:
    [source] = emu.seed({"duration": 60.0})
    jobs = service.submit([ClipRequest(source, i * 1_000, i * 1_000 + 5_000) for i in range(5)])
    for job in jobs:
        assert job.id is not None
        await wait_state(service, job.id, [JobState.PREPARING])
    posts = emu.requests(method="POST")
    assert len(posts) == 5
    clips = emu.api.get("/video/v1/assets").json()["data"][:5]
    assert [c["source_asset_id"] for c in clips] == [source] * 5


async def test_resume_sends_queued_reconciles_unknown_and_polls_preparing(emu: Emu, tmp_path: Path) -> None:
    """What a crashed run leaves behind is finished by the next one, without duplicates."""
    import httpx

    from tests.mux.conftest import make_client

    [source] = emu.seed({"duration": 60.0})
    repo = JobRepository(tmp_path / "jobs.sqlite3")
    first = ClipJobService(ENV, None, repo)  # type: ignore[arg-type]  # only used to make jobs
    queued, unknown_sent, unknown_unsent, preparing = repo.add_many(
        [first.make_job(_request(source)) for _ in range(4)])
    # The crash happened after this one's request reached Mux…
    sent = emu.api.post("/video/v1/assets", json={"inputs": [{"url": f"mux://assets/{source}", "start_time": 2,
                                                                "end_time": 8}], "playback_policies": ["public"],
                                                  "passthrough": f"mcj:{unknown_sent.token}"}).json()["data"]
    repo.update(unknown_sent.evolve(state=JobState.SUBMITTING, attempts=1, submitted_at_s=unknown_sent.created_at_s))
    # …and before this one's did.
    repo.update(unknown_unsent.evolve(state=JobState.SUBMITTING, attempts=1, submitted_at_s=unknown_unsent.created_at_s))
    made = emu.api.post("/video/v1/assets", json={"inputs": [{"url": f"mux://assets/{source}", "start_time": 2,
                                                                "end_time": 8}], "playback_policies": ["public"],
                                                  "passthrough": f"mcj:{preparing.token}"}).json()["data"]
    repo.update(preparing.evolve(state=JobState.PREPARING, asset_id=made["id"]))
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0)) as http:
        service = ClipJobService(ENV, make_client(http, emu.url), repo, timings=FAST)
        assert len(service.resume()) == 4
        for job in (queued, unknown_sent, unknown_unsent, preparing):
            assert job.id is not None
            await _ready(emu, service, job.id)
            assert len(clips_with_token(emu, job.token)) == 1
        assert service._repo.get(unknown_sent.id).asset_id == sent["id"]  # type: ignore[arg-type, union-attr]  # noqa: SLF001
        await service.close()
    repo.close()


async def test_retry_and_cancel(emu: Emu, service: ClipJobService) -> None:
    [source] = emu.seed({"duration": 5.0})
    [bad] = service.submit([ClipRequest(source, 1_000, 9_000)])
    assert bad.id is not None
    await wait_state(service, bad.id, [JobState.FAILED])
    with pytest.raises(JobInputError, match="No job"):
        service.retry(bad.id + 100)
    retried = service.retry(bad.id)
    assert retried.state is JobState.QUEUED
    assert (await wait_state(service, bad.id, [JobState.FAILED])).attempts == 1
    with pytest.raises(JobInputError, match="not been sent"):
        service.cancel(bad.id)
    [good] = service.submit([ClipRequest(source, 0, 4_000)])
    assert good.id is not None
    await wait_state(service, good.id, [JobState.PREPARING])
    with pytest.raises(JobInputError, match="only failed"):
        service.retry(good.id)
