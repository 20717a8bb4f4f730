"""In-process pieces for the fault schedules: the emulator behind a client that gives up, a rate budget on
virtual time, and the end-of-schedule invariants."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from muxclipper.core.jobs import ClipJob, JobState, token_in
from muxclipper.emulator import EmulatorConfig, Token
from muxclipper.emulator.app import create_app
from muxclipper.emulator.faults import Fault
from muxclipper.emulator.runtime import Runtime
from muxclipper.mux.budget import BudgetLimits, RateBudget
from muxclipper.mux.client import Credentials, Endpoints, MuxClient
from muxclipper.mux.retry import RetryPolicy
from tests.emulator.helpers import RW

ORIGIN = "http://emulator.test"


class GiveUpTransport(httpx.AsyncBaseTransport):
    """``httpx.ASGITransport`` has no timeouts: this one gives up after ``timeout_s`` as a socket client would,
    while the emulator goes on with the request (it may still act on it: a late answer). A connection the
    emulator drops arrives as the ``httpx.RemoteProtocolError`` a socket client would see."""

    def __init__(self, app: Any, timeout_s: float) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self.timeout_s = timeout_s
        self.in_flight: set[asyncio.Task[httpx.Response]] = set()

    async def _call(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._inner.handle_async_request(request)
            await response.aread()
            return response
        except httpx.HTTPError:
            raise
        except Exception as exc:  # ConnectionDroppedError and kin: the socket closed under the client
            raise httpx.RemoteProtocolError(f"connection dropped: {exc}", request=request) from exc

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        task = asyncio.ensure_future(self._call(request))
        self.in_flight.add(task)
        task.add_done_callback(self._settled)
        done, _ = await asyncio.wait({task}, timeout=self.timeout_s)
        if not done:
            raise httpx.ReadTimeout("gave up waiting (test client timeout)", request=request)
        return task.result()

    def _settled(self, task: asyncio.Task[httpx.Response]) -> None:
        self.in_flight.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: an abandoned request's failure is nobody's business

    async def settle(self) -> None:
        """Until every request the client gave up on has been served (acted on or not)."""
        while self.in_flight:
            await asyncio.wait(set(self.in_flight))


class VirtualTime:
    """A clock that jumps instead of sleeping: the rate budget's waits (after a 429) cost no real time."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 1e-6)  # never less than the clock can tell apart (else a bucket waits forever)
        await asyncio.sleep(0)


class Emulator:
    """One private emulator (in process) per schedule."""

    def __init__(self, processing_seconds: float) -> None:
        config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, processing_seconds=processing_seconds,
                                media=False)
        self.runtime = Runtime.from_config(config)
        self.app = create_app(runtime=self.runtime)

    def seed_source(self) -> str:
        return str(self.runtime.state.seed_assets([{"duration": 60.0}])[0]["id"])

    def arm(self, fault: dict[str, Any]) -> None:
        self.runtime.faults.arm(Fault.from_json(fault))

    def disarm(self) -> None:
        self.runtime.faults.clear()

    def clips(self) -> list[dict[str, Any]]:
        """The truth: every clip asset, read from the state (no faults, no budget)."""
        assets: list[dict[str, Any]] = []
        cursor = None
        while True:
            page, cursor = self.runtime.state.list_assets(limit=100, cursor=cursor)
            assets += [a for a in page if a.get("source_asset_id")]
            if not cursor:
                return assets

    def close(self) -> None:
        self.runtime.close()


def make_client(http: httpx.AsyncClient, clock: VirtualTime) -> MuxClient:
    budget = RateBudget(BudgetLimits(post_per_second=20, post_burst=5, other_per_second=50, other_burst=10),
                        now=clock.now, sleep=clock.sleep)
    return MuxClient(http, Credentials(*RW), Endpoints.for_origin(ORIGIN), budget=budget,
                     retry=RetryPolicy(max_retries=3, base_delay=0.01, max_delay=0.04))


class ErrorLog(logging.Handler):
    """Every ERROR from muxclipper (an unexpected failure, a listener that raised) and every asyncio task
    whose exception nobody retrieved."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")

    def loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        self.records.append(f"asyncio: {context.get('message')} {context.get('exception')!r}")


def check_invariants(label: str, submitted: list[ClipJob], jobs: list[ClipJob], clips: list[dict[str, Any]],
                     deleted_by_user: set[int]) -> None:
    """Every job final and equal to the emulator's truth, exactly one clip per token, nothing lost."""
    assert sorted(j.token for j in jobs) == sorted(j.token for j in submitted), f"{label}: a job was lost"
    by_token: dict[str, list[dict[str, Any]]] = {}
    for clip in clips:
        token = token_in(clip.get("passthrough"))
        assert token is not None, f"{label}: a clip without a job token: {clip['id']}"
        by_token.setdefault(token, []).append(clip)
    assert set(by_token) <= {j.token for j in jobs}, f"{label}: a clip of no job"
    for job in jobs:
        mine = by_token.get(job.token, [])
        assert job.state.finished, f"{label}: job {job.id} left {job.state.value}"
        if job.state in (JobState.FAILED,) or job.id in deleted_by_user:
            assert mine == [], f"{label}: job {job.id} is {job.state.value} but Mux has {[c['id'] for c in mine]}"
            continue
        assert len(mine) == 1, f"{label}: job {job.id} has {len(mine)} clips: {[c['id'] for c in mine]}"
        [clip] = mine
        assert job.asset_id == clip["id"], f"{label}: job {job.id} names {job.asset_id}, Mux has {clip['id']}"
        want = {"ready": JobState.READY, "errored": JobState.ERRORED}.get(clip["status"])
        assert job.state is want, f"{label}: job {job.id} is {job.state.value}, its clip {clip['status']}"
