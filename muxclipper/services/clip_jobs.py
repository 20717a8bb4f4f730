"""Clip jobs of one environment: saved before anything is sent, submitted at the POST budget, created
**exactly once**, and followed to the end by the batch poller.

Exactly once: each job carries a unique token that rides in the clip's ``passthrough``. A create
whose outcome is unknown (timeout, dropped connection, a 5xx, an unreadable answer, a crash after
sending) leaves the job ``submitting``; before anything is sent again, recent assets are searched
for the token, and an asset that carries it is adopted instead of making a second one.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Iterable

from muxclipper.core.clip_rules import check_request
from muxclipper.core.jobs import ClipJob, JobState, passthrough_with_token, token_in
from muxclipper.core.models import Asset, ClipRequest
from muxclipper.mux.client import MuxClient
from muxclipper.mux.errors import (
    ApiConnectionError,
    ApiError,
    MuxError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
)
from muxclipper.services.listeners import Listeners
from muxclipper.services.poller import BatchPoller, apply_asset
from muxclipper.store.jobs import JobRepository

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
#: How far before a job's first send the search for its asset goes (clock skew, slow answers).
RECONCILE_MARGIN_S = 600
RECONCILE_MAX_PAGES = 5


class JobInputError(ValueError):
    """A clip request that cannot be sent as it is; the message says why."""


class ClipJobService:
    """Signals (listeners): ``updates`` gets every changed :class:`ClipJob`."""

    def __init__(self, environment: str, client: MuxClient, repo: JobRepository, *,
                 now: Callable[[], float] = time.time) -> None:
        self.environment = environment
        self._client = client
        self._repo = repo
        self._now = now
        self.updates: Listeners[ClipJob] = Listeners()
        self.poller = BatchPoller(client, repo, self.updates, now=now)
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        self._queued: set[int] = set()
        self._worker: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ entry points
    def make_job(self, request: ClipRequest) -> ClipJob:
        """The job for ``request``, checked by the same rules as everywhere (against its source when it carries
        one): :class:`JobInputError` says what is wrong."""
        problem = check_request(request, request.source)
        if problem:
            raise JobInputError(problem.message)
        token = uuid.uuid4().hex
        return ClipJob(id=None, token=token, environment=self.environment,
                       source_asset_id=request.source_asset_id, start_ms=request.start_ms, end_ms=request.end_ms,
                       options=request.options, created_at_s=self._now())

    def submit(self, requests: Iterable[ClipRequest]) -> list[ClipJob]:
        """Save the jobs (all or none), then send them in order at the POST budget."""
        jobs = self._repo.add_many([self.make_job(r) for r in requests])
        for job in jobs:
            self.updates.emit(job)
            self._enqueue(job)
        return jobs

    def resume(self) -> list[ClipJob]:
        """Pick up what a previous run left: send queued jobs, reconcile unknown ones, poll the rest."""
        unfinished = self._repo.unfinished(self.environment)
        for job in unfinished:
            if job.state in (JobState.QUEUED, JobState.SUBMITTING):
                self._enqueue(job)
            elif job.state is JobState.PREPARING:
                self.poller.track(job)
        return unfinished

    def retry(self, job_id: int) -> ClipJob:
        job = self._repo.get(job_id)
        if job is None or job.environment != self.environment:
            raise JobInputError(f"No job {job_id} in this environment.")
        if job.state is not JobState.FAILED:
            raise JobInputError(f"Job {job_id} is {job.state.value}; only failed jobs can be retried.")
        job = self._repo.update(job.evolve(state=JobState.QUEUED, error=None, attempts=0))
        self.updates.emit(job)
        self._enqueue(job)
        return job

    def cancel(self, job_id: int) -> ClipJob:
        job = self._repo.get(job_id)
        if job is None or job.state is not JobState.QUEUED:
            raise JobInputError("Only a job that has not been sent yet can be cancelled.")
        job = self._repo.update(job.evolve(state=JobState.CANCELLED))
        self.updates.emit(job)
        return job

    def job(self, job_id: int) -> ClipJob | None:
        """One job of the history, as it is saved now (another process may be moving it on)."""
        return self._repo.get(job_id)

    def history(self, limit: int | None = None, *, every_environment: bool = False) -> list[ClipJob]:
        """The clips table and ``muxclipper jobs``: this environment's jobs (or all), newest first."""
        return self._repo.all(None if every_environment else self.environment, limit=limit)

    async def delete_in_mux(self, job: ClipJob) -> ClipJob:
        """Delete a clip's asset in Mux (it cannot be undone there: the window waits a few seconds first), then
        record the job as cancelled, told to every listener like any other change."""
        if job.asset_id is None:
            raise JobInputError(f"Clip #{job.id} has no asset in Mux to delete.")
        await self._client.delete_asset(job.asset_id)
        return self._save(job.evolve(state=JobState.CANCELLED, error="Deleted in Mux."))

    @property
    def busy(self) -> bool:
        return bool(self._queued) or self.poller.pending > 0

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            try:
                await self._worker
            except asyncio.CancelledError:
                pass
        await self.poller.close()

    # ------------------------------------------------------------------ the submitter
    def _enqueue(self, job: ClipJob) -> None:
        assert job.id is not None
        if job.id in self._queued:
            return
        self._queued.add(job.id)
        self._queue.put_nowait(job.id)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run(), name="mux-submitter")

    async def _run(self) -> None:
        while not self._queue.empty():
            job_id = await self._queue.get()
            job = self._repo.get(job_id)
            try:
                if job is not None and job.state in (JobState.QUEUED, JobState.SUBMITTING):
                    await self._process(job)
            except MuxError as exc:
                # The network or Mux is down: keep the job as it is and come back to it later.
                log.warning("job %s waits: %s", job_id, exc.user_message)
                await asyncio.sleep(5)
                self._queue.put_nowait(job_id)
                continue
            except Exception:
                log.exception("job %s failed unexpectedly", job_id)
                if job is not None:
                    self._save(job.evolve(state=JobState.FAILED, error="muxclipper failed unexpectedly; "
                                                                       "see the log file, then retry."))
            self._queued.discard(job_id)

    async def _process(self, job: ClipJob) -> None:
        if job.state is JobState.SUBMITTING:
            job = await self._reconcile(job)
            if job.state is not JobState.QUEUED:
                return
        while job.state is JobState.QUEUED:
            if job.attempts >= MAX_ATTEMPTS:
                self._save(job.evolve(state=JobState.FAILED,
                                      error=f"Mux did not confirm the clip after {MAX_ATTEMPTS} attempts; retry later."))
                return
            # Written before the request leaves: a crash from here on is an unknown outcome.
            job = self._save(job.evolve(state=JobState.SUBMITTING, attempts=job.attempts + 1,
                                        submitted_at_s=job.submitted_at_s or self._now()))
            request = ClipRequest(job.source_asset_id, job.start_ms, job.end_ms, job.options)
            try:
                asset = await self._client.create_clip(request, passthrough_with_token(job.options.passthrough,
                                                                                       job.token))
            except RateLimitError:
                # Mux refused before acting: not an attempt. The budget already waits it out.
                job = self._save(job.evolve(state=JobState.QUEUED, attempts=job.attempts - 1))
                continue
            except ServerError:
                job = await self._reconcile(job)  # a 5xx may come after Mux acted
                continue
            except ApiError as exc:  # 400, 401, 403, 404: Mux refused, nothing was made
                self._save(job.evolve(state=JobState.FAILED, error=exc.user_message))
                return
            except (ApiConnectionError, ResponseFormatError):
                job = await self._reconcile(job)
                continue
            self._adopt(job, asset)
            return

    async def _reconcile(self, job: ClipJob) -> ClipJob:
        """Find the asset an unknown-outcome create may have made; requeue the job if there is none."""
        since = (job.submitted_at_s or job.created_at_s) - RECONCILE_MARGIN_S
        pages = 0
        async for page in self._client.iter_asset_pages(limit=100):
            pages += 1
            for asset in page.assets:
                if token_in(asset.passthrough) == job.token:
                    log.info("job %s: found its clip %s after an unknown outcome", job.id, asset.id)
                    return self._adopt(job, asset)
            if pages >= RECONCILE_MAX_PAGES or (page.assets and page.assets[-1].created_at_s < since):
                break
        return self._save(job.evolve(state=JobState.QUEUED))

    def _adopt(self, job: ClipJob, asset: Asset) -> ClipJob:
        job = self._save(apply_asset(job.evolve(asset_id=asset.id, error=None), asset, self._now()))
        self.poller.track(job)
        return job

    def _save(self, job: ClipJob) -> ClipJob:
        job = self._repo.update(job)
        self.updates.emit(job)
        return job
