"""Fault schedules (issue 14): seeded random mixes of what Mux and the network do wrong, through the service
layer, some with two services sharing one job history (one of them dying half-way).

Each schedule ends with: no unhandled exception, every job final and equal to the emulator's truth, exactly
one clip per job token, nothing lost. ``MUXCLIPPER_FAULT_SCHEDULES`` and ``MUXCLIPPER_FAULT_SEED`` change how
many and which (a failure names its seed: rerun it alone with ``-k`` on its batch and that seed).

Times are shrunk ~100x (the client gives up after 0.15 s; the late-answer window is 0.6 s; rate-budget waits
run on virtual time) so that 240 schedules take well under a minute, 24 at a time in one event loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import ClipRequest
from muxclipper.mux.errors import MuxError, NotFoundError
from muxclipper.services import poller
from muxclipper.services.clip_jobs import ClipJobService
from muxclipper.services.job_timings import JobTimings
from muxclipper.store.jobs import JobRepository
from tests.reliability.harness import (
    Emulator,
    ErrorLog,
    GiveUpTransport,
    VirtualTime,
    check_invariants,
    make_client,
)
from tests.support.reliability_counts import record

SCHEDULES = int(os.environ.get("MUXCLIPPER_FAULT_SCHEDULES", "240"))
SEED = int(os.environ.get("MUXCLIPPER_FAULT_SEED", "1414"))
BATCH = 24
CLIENT_TIMEOUT_S = 0.15
TIMINGS = JobTimings(late_answer_window_s=0.6, late_answer_first_pause_s=0.05, late_answer_max_pause_s=0.2,
                     duplicate_watch_s=4.0, duplicate_first_pause_s=0.1, duplicate_max_pause_s=0.4,
                     network_retry_s=0.05, heartbeat_s=0.1, lease_ttl_s=0.6, watch_interval_s=0.05)
TARGETS = [("POST", "/video/v1/assets"), ("GET", "/video/v1/assets"), ("GET", "/video/v1/assets/*"),
           ("DELETE", "/video/v1/assets/*"), (None, "/video/*")]
FINAL_WITHIN_S = 40.0

pytestmark = pytest.mark.asyncio


def random_fault(rng: random.Random) -> dict[str, Any]:
    method, path = rng.choice(TARGETS)
    fault: dict[str, Any] = {"method": method, "path": path, "times": rng.randint(1, 3)}
    kind = rng.choices(["429 storm", "5xx", "delay", "drop", "truncate", "malformed", "extra_fields",
                        "unknown_status"], weights=[3, 2, 4, 3, 1, 1, 1, 1])[0]
    if kind == "429 storm":
        fault.update(kind="status", status=429, times=rng.randint(3, 15))
    elif kind == "5xx":
        fault.update(kind="status", status=rng.choice([500, 502, 503, 504]))
    elif kind == "delay":  # up to 8x the client's timeout, beyond the late-answer window
        fault.update(kind="delay", when=rng.choice(["before", "after"]), delay_ms=rng.randint(50, 1200),
                     acts_if_abandoned=rng.random() < 0.7)
    elif kind == "drop":
        fault.update(kind="drop", when=rng.choice(["before", "after"]))
    else:
        fault.update(kind=kind)
    return fault


def _crash(service: ClipJobService) -> None:
    """Stop a service as a hung or killed process would: mid-request, leases not released."""
    for task in (service._worker, service._watcher, service._sweeper, service._heart,
                 service.poller.task):
        if task is not None:
            task.cancel()


async def _all_final(repo: JobRepository, label: str) -> list[ClipJob]:
    deadline = time.monotonic() + FINAL_WITHIN_S
    while True:
        jobs = repo.all()
        if all(j.state.finished for j in jobs):
            return jobs
        if time.monotonic() > deadline:
            raise AssertionError(f"{label}: jobs not final after {FINAL_WITHIN_S} s: "
                                 f"{[(j.id, j.state.value) for j in jobs]}")
        await asyncio.sleep(0.05)


async def run_schedule(seed: int, folder: Path) -> dict[str, int]:
    rng = random.Random(seed)
    label = f"schedule seed={seed}"
    emulator = Emulator(processing_seconds=rng.uniform(0.05, 0.4))
    source = emulator.seed_source()
    faults = [random_fault(rng) for _ in range(rng.randint(1, 4))]
    mode = rng.choices(["one", "two", "handover"], weights=[6, 2, 2])[0]
    deletes = rng.random() < 0.2
    path = folder / f"{seed}.sqlite3"
    transport = GiveUpTransport(emulator.app, CLIENT_TIMEOUT_S)
    clock = VirtualTime()
    repos = [JobRepository(path)]
    async with httpx.AsyncClient(transport=transport) as http:
        services = [ClipJobService("env", make_client(http, clock), repos[0], timings=TIMINGS)]
        for fault in faults:
            emulator.arm(fault)
        submitted = services[0].submit([ClipRequest(source, i * 1_000, i * 1_000 + 3_000)
                                        for i in range(rng.randint(1, 3))])
        if mode != "one":
            await asyncio.sleep(rng.uniform(0.0, 0.4))
            if mode == "handover":
                _crash(services[0])
            repos.append(JobRepository(path))
            services.append(ClipJobService("env", make_client(http, clock), repos[1], timings=TIMINGS))
            services[1].resume()
        live = services[-1]
        jobs = await _all_final(repos[-1], label)
        deleted: set[int] = set()
        if deletes:
            for job in jobs:
                if job.state is JobState.READY and job.asset_id and job.id is not None and rng.random() < 0.5:
                    try:
                        await live._client.delete_asset(job.asset_id)
                    except NotFoundError:
                        pass
                    except MuxError:
                        if any(c["id"] == job.asset_id for c in emulator.clips()):
                            continue  # the user sees the error; the clip stays
                    live.mark_deleted(job.id, "Deleted in Mux.")
                    deleted.add(job.id)
        await transport.settle()  # every request the client gave up on has been acted on (or not)
        for service in services:
            await service.wait_idle()  # late duplicates looked for until the window closed
        jobs = repos[-1].all()
        check_invariants(label, submitted, jobs, emulator.clips(), deleted)
        stats = {"duplicates deleted": sum(len(s.duplicates_deleted) for s in services),
                 "faults armed": len(faults), "faults left unfired": len(emulator.runtime.faults.pending()),
                 f"schedules ({mode})": 1, "jobs": len(submitted), "user deletions": len(deleted)}
        for service in services[:1] if mode == "handover" else services:
            await service.close()
        if mode == "handover":
            await services[1].close()
    for repo in repos:
        repo.close()
    emulator.close()
    return stats


@pytest.fixture
def fast_poller(monkeypatch: pytest.MonkeyPatch) -> None:
    """The poller's cadence shrunk like everything else (1 s → 0.05 s, backing off to 0.2 s)."""
    monkeypatch.setattr(poller, "FAST_INTERVAL", 0.05)
    monkeypatch.setattr(poller, "SLOW_INTERVAL", 0.2)
    monkeypatch.setattr(poller, "UNSEEN_BEFORE_DIRECT_GET", 1.0)


@pytest.mark.slow
@pytest.mark.parametrize("batch", range((SCHEDULES + BATCH - 1) // BATCH))
async def test_fault_schedules(batch: int, fast_poller: None) -> None:
    errors = ErrorLog()
    logger = logging.getLogger("muxclipper")
    logger.addHandler(errors)
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(errors.loop_exception)
    seeds = [SEED + i for i in range(batch * BATCH, min((batch + 1) * BATCH, SCHEDULES))]
    try:
        with tempfile.TemporaryDirectory() as folder:
            results = await asyncio.gather(*(run_schedule(seed, Path(folder)) for seed in seeds),
                                           return_exceptions=True)
    finally:
        logger.removeHandler(errors)
        loop.set_exception_handler(None)
    failures = [(seed, r) for seed, r in zip(seeds, results, strict=True) if isinstance(r, BaseException)]
    for _, result in zip(seeds, results, strict=True):
        if isinstance(result, dict):
            record("fault schedules")
            for name, n in result.items():
                record(f"fault schedules: {name}", n)
    assert not failures, "\n".join(f"seed {seed}: {type(r).__name__}: {r}" for seed, r in failures)
    assert errors.records == [], errors.records
