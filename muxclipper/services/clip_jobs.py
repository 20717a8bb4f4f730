"""Clip jobs of one environment: saved before anything is sent, submitted at the POST budget, created
**exactly once**, and followed to the end by the batch poller.

Exactly once, in four parts:

1. **One process at a time.** A job is leased (in the job history, in the same transaction that saves it
   or takes it up) to one running service: only the holder sends, searches and polls for it. Every other
   process (a second window, ``muxclipper jobs --watch``) only *watches*: it reads what the holder writes
   and takes the job over once the holder's lease expires (no heartbeat for ``LEASE_TTL_S``, or its pid is
   gone from this host).
2. **A token.** Each job carries a unique token that rides in the clip's ``passthrough``. A create whose
   outcome is unknown (timeout, dropped connection, a 5xx, an unreadable answer, a crash after sending)
   leaves the job ``submitting``.
3. **A late-answer window.** Before anything is sent again, the account's assets are searched for the
   token, newest first, back to the job's first send (however many pages that is, at the GET budget), and
   the search is repeated with growing pauses for :attr:`JobTimings.late_answer_window_s` after the request
   left: Mux (or a proxy in front of it) can hold a request past our timeout and act on it later.
4. **Duplicates removed.** Mux has no idempotency key, so a request held even longer can still make a
   second asset after the job was sent again. For :attr:`JobTimings.duplicate_watch_s` after an unknown
   outcome the service keeps looking; an extra asset carrying the job's token is deleted, the job's
   ``note`` says so and a warning is logged. The adopted asset (the one the user was given) is never the
   one deleted.

What this does not cover: a request Mux acts on later than the duplicate watch while no muxclipper runs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from muxclipper.core.clip_rules import check_request
from muxclipper.core.jobs import ClipJob, JobState, passthrough_with_token, token_in
from muxclipper.core.models import Asset, ClipRequest
from muxclipper.core.resolution import resolve as resolve_as_source
from muxclipper.core.watermark import problems as watermark_problems
from muxclipper.mux.client import MuxClient
from muxclipper.mux.errors import (
    ApiConnectionError,
    ApiError,
    MuxError,
    NotFoundError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
)
from muxclipper.services.job_timings import JobTimings
from muxclipper.services.listeners import Listeners
from muxclipper.services.poller import BatchPoller, apply_asset
from muxclipper.store.history_file import StoreUnavailableError
from muxclipper.store.jobs import JobRepository
from muxclipper.store.leases import LeaseLostError, LeaseOwner

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
WITHDRAWN_UNSENT = "Taken back before it was sent: nothing was made in Mux."
WITHDRAWN_DELETED = "Taken back: deleted in Mux."
#: How far before a job's first send the search for its asset goes (clock skew between us and Mux).
RECONCILE_MARGIN_S = 600


class JobInputError(ValueError):
    """A clip request that cannot be sent as it is; the message says why."""


class _TakenBack(Exception):
    """The job was withdrawn while its create waited for the POST budget: the create does not leave."""


class ClipJobService:
    """Signals (listeners): ``updates`` gets every changed :class:`ClipJob` (also those another process
    holds and this one watches); ``problems`` gets a :class:`StoreUnavailableError` when the job history
    cannot be written (a full disk): the work waits and is tried again."""

    def __init__(self, environment: str, client: MuxClient, repo: JobRepository, *,
                 now: Callable[[], float] = time.time, timings: JobTimings | None = None,
                 owner: LeaseOwner | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.environment = environment
        self._client = client
        self._repo = repo
        #: Wall time, only for what is shown (when a job was made, sent, ready); every wait, window and deadline
        #: runs on ``monotonic`` so that a step of the wall clock neither cuts one short nor stretches it.
        self._now = now
        self._mono = monotonic
        self._sleep = sleep
        self.timings = timings or JobTimings.from_env()
        self.owner = owner or LeaseOwner.new()
        self.updates: Listeners[ClipJob] = Listeners()
        self.problems: Listeners[Exception] = Listeners()
        self.poller = BatchPoller(client, repo, self.updates, now=now, owner=self.owner, on_lost=self._watch,
                                  problems=self.problems, monotonic=monotonic)
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        self._queued: set[int] = set()
        self._worker: asyncio.Task[None] | None = None
        self._watched: dict[int, ClipJob] = {}
        self._watcher: asyncio.Task[None] | None = None
        # job id -> look for late duplicates until (monotonic); the sweep of each is done by its lease holder.
        self._suspects: dict[int, float] = {}
        self._foreign: set[int] = set()  # suspects whose watch another live process holds
        self._swept = asyncio.Event()
        self._wake_sweeper = asyncio.Event()
        self._sweeper: asyncio.Task[None] | None = None
        self._heart: asyncio.Task[None] | None = None
        #: Extra assets deleted (job id, asset id), for tests and diagnostics.
        self.duplicates_deleted: list[tuple[int, str]] = []
        self._refusals: dict[int, ApiError] = {}
        self._side_tasks: set[asyncio.Task[None]] = set()  # clips taken back, being deleted

    # ------------------------------------------------------------------ entry points
    def make_job(self, request: ClipRequest) -> ClipJob:
        """The job for ``request``, checked by the same rules as everywhere (against its source when it carries
        one): :class:`JobInputError` says what is wrong."""
        problem = check_request(request, request.source)
        if problem:
            raise JobInputError(problem.message)
        if request.options.watermark is not None and (found := watermark_problems(request.options.watermark)):
            raise JobInputError(" ".join(found))
        token = uuid.uuid4().hex
        return ClipJob(id=None, token=token, environment=self.environment,
                       source_asset_id=request.source_asset_id, start_ms=request.start_ms, end_ms=request.end_ms,
                       # "As the source" made concrete from the source: the history keeps what is sent.
                       options=resolve_as_source(request.options, request.source), created_at_s=self._now())

    def submit(self, requests: Iterable[ClipRequest]) -> list[ClipJob]:
        """Save the jobs (all or none, leased to this process), then send them in order at the POST budget."""
        jobs = self._repo.add_many([self.make_job(r) for r in requests], owner=self.owner)
        self._beat()
        for job in jobs:
            self.updates.emit(job)
            self._enqueue(job)
        return jobs

    def resume(self) -> list[ClipJob]:
        """Pick up what a previous run left: send queued jobs, reconcile unknown ones, poll the rest; jobs
        another live process holds are watched, and taken up if it dies. Late duplicates still looked for
        are looked for again."""
        unfinished = self._repo.unfinished(self.environment)
        held = self._repo.claim([j.id for j in unfinished if j.id is not None], self.owner,
                                self.timings.lease_ttl_s)
        self._beat()
        for job in unfinished:
            if job.id in held:
                self._take_up(job)
            else:
                self._watch(job)
        for job in self._repo.withdrawn_unsettled(self.environment):
            # Made, taken back, and the run stopped before deleting it: deleted now.
            if job.state.finished and job.id in self._repo.claim([job.id or 0], self.owner, self.timings.lease_ttl_s):
                self._spawn(self._settle_withdrawn(job), f"withdraw-{job.id}")
        self._take_up_watches()
        return unfinished

    def rescan(self) -> None:
        """Take in what other processes wrote to the history since: duplicate watches they left (a command that
        ended while Mux might still act on a held request) and jobs they hold (followed, and taken up if they
        die). The window calls it when the history file changes; cheap when nothing is new."""
        known = set(self._watched) | self._queued | set(self._suspects)
        try:
            for job in self._repo.unfinished(self.environment):
                if job.id is None or job.id in known or self.poller.follows(job):
                    continue
                if self._repo.lease_holder(job.id) != self.owner.id:  # ours: this process is at it already
                    self._watch(job, announce=True)
            self._take_up_watches()
            if self._foreign:
                self._wake_sweeper.set()  # whoever kept them may have let them go
        except StoreUnavailableError as exc:
            self.problems.emit(exc)

    @property
    def history_path(self) -> Path:
        """The job history file (the window watches it for other processes' writes)."""
        return self._repo.path

    def _take_up_watches(self) -> None:
        for job, left in self._repo.watched_for_duplicates(self.environment, self.timings.duplicate_watch_s):
            assert job.id is not None
            if job.id not in self._suspects:
                self._suspect(job.id, left, save=False)

    def retry(self, job_id: int) -> ClipJob:
        job = self._job_here(job_id)
        if job.state is not JobState.FAILED:
            raise JobInputError(f"Job {job_id} is {job.state.value}; only failed jobs can be retried.")
        if job_id not in self._repo.claim([job_id], self.owner, self.timings.lease_ttl_s):
            raise JobInputError(f"Another muxclipper is working on job {job_id}; retry it there, or close it.")
        self._beat()
        job = self._save(job.moved_to(JobState.QUEUED, error=None, attempts=0))
        self._enqueue(job)
        return job

    def cancel(self, job_id: int) -> ClipJob:
        job = self._repo.get(job_id)
        if job is None or job.state is not JobState.QUEUED:
            raise JobInputError("Only a job that has not been sent yet can be cancelled.")
        if job_id not in self._repo.claim([job_id], self.owner, self.timings.lease_ttl_s):
            raise JobInputError(f"Another muxclipper is sending job {job_id}; it can no longer be cancelled here.")
        job = self._save(job.moved_to(JobState.CANCELLED))
        self._queued.discard(job_id)
        return job

    def mark_deleted(self, job_id: int, note: str = "Deleted in Mux.") -> ClipJob:
        """The job's clip was deleted in Mux: the job is put away (through the transition table) and every
        listener hears of it. Another process following the job sees it finished and stops."""
        job = self._job_here(job_id)
        job = self._repo.update(job.moved_to(JobState.CANCELLED, error=note))
        self._repo.release([job_id], self.owner)
        self.poller.forget(job)
        self.updates.emit(job)
        return job

    def history(self, limit: int | None = 500, *, all_environments: bool = False) -> list[ClipJob]:
        """Jobs newest first, of this environment (or of all), for the window's list and ``muxclipper jobs``."""
        return self._repo.all(None if all_environments else self.environment, limit=limit)

    def refusal(self, job_id: int) -> ApiError | None:
        """Mux's refusal of the job's create in this run (a 403 says which token to fix), if it was refused."""
        return self._refusals.get(job_id)

    def job(self, job_id: int) -> ClipJob | None:
        """One job of the history, as it is saved now (another process may be moving it on)."""
        return self._repo.get(job_id)

    async def delete_in_mux(self, job: ClipJob, note: str = "Deleted in Mux.") -> ClipJob:
        """Delete a clip's asset in Mux (it cannot be undone there: the window waits a few seconds first), then
        put the job away through :meth:`mark_deleted`, which every listener hears."""
        if job.asset_id is None or job.id is None:
            raise JobInputError(f"Clip #{job.id} has no asset in Mux to delete.")
        await self._client.delete_asset(job.asset_id)
        return self.mark_deleted(job.id, note)

    async def withdraw(self, job_id: int) -> ClipJob:
        """Take a clip back (a replay undone), exactly once, at whatever stage it is: not sent yet, it never is
        (cancelled); its create on its way with no answer yet, it is never sent again, and deleted the moment Mux's
        answer (or the search for it) names it; made, it is deleted in Mux. The mark is saved first, so that a run
        that stops meanwhile leaves the rest to the next. A second call does nothing more."""
        job = self._job_here(job_id)
        if job.withdrawn_at_s is not None or job.state is JobState.CANCELLED:
            return job
        if job_id not in self._repo.claim([job_id], self.owner, self.timings.lease_ttl_s):
            raise JobInputError(f"Another muxclipper is sending clip #{job_id}; take it back there.")
        self._beat()
        job = self._repo.set_withdrawn(job_id, self._now()) or job
        self.updates.emit(job)
        return await self._settle_withdrawn(job)

    async def _settle_withdrawn(self, job: ClipJob) -> ClipJob:
        """A withdrawn job as far as it can go now (see :meth:`withdraw`)."""
        assert job.id is not None
        if job.state in (JobState.QUEUED, JobState.FAILED):
            self._queued.discard(job.id)
            return self._save(job.moved_to(JobState.CANCELLED, error=WITHDRAWN_UNSENT))
        if job.state is JobState.SUBMITTING or job.state is JobState.CANCELLED or job.asset_id is None:
            return job  # its create's answer (or the search for it) settles it: see _process and _run
        while True:
            try:
                return await self.delete_in_mux(job, WITHDRAWN_DELETED)
            except NotFoundError:
                return self.mark_deleted(job.id, WITHDRAWN_DELETED)
            except (ServerError, ApiConnectionError, RateLimitError, ResponseFormatError) as exc:
                log.warning("job %s: deleting its clip (taken back) waits: %s", job.id, exc.user_message)
                await self._sleep(self.timings.network_retry_s)
                now = self._repo.get(job.id)
                if now is None or now.state is JobState.CANCELLED:
                    return now or job
                job = now

    def _still_wanted(self, job_id: int | None) -> None:
        """The last look before a create leaves: :class:`_TakenBack` if the job was withdrawn meanwhile."""
        if job_id is not None and self._withdrawn(job_id):
            raise _TakenBack

    def _withdrawn(self, job_id: int) -> bool:
        saved = self._repo.get(job_id)
        return saved is not None and saved.withdrawn_at_s is not None

    @property
    def busy(self) -> bool:
        """This process is sending or following jobs (closing it now hands them to the next run)."""
        return bool(self._queued) or self.poller.pending > 0

    @property
    def watching(self) -> int:
        """How many jobs another process holds that this one follows (closing loses nothing)."""
        return len(self._watched)

    async def wait_idle(self) -> None:
        """Until nothing is queued, polled, watched or looked for (tests, and a command that ends)."""
        while True:
            tasks = [t for t in (self._worker, self._watcher, self._sweeper, self.poller.task, *self._side_tasks)
                     if t is not None and not t.done()]
            if not tasks:
                return
            await asyncio.wait(tasks)

    async def close(self) -> None:
        for task in (self._worker, self._watcher, self._sweeper, self._heart, *self._side_tasks):
            if task is not None:
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
        await self.poller.close()
        try:  # a clean exit frees our jobs at once for whoever watches them
            self._repo.release_owner(self.owner)
        except StoreUnavailableError as exc:
            log.warning("could not free this process's jobs: %s", exc)

    # ------------------------------------------------------------------ leases
    def _job_here(self, job_id: int) -> ClipJob:
        job = self._repo.get(job_id)
        if job is None or job.environment != self.environment:
            raise JobInputError(f"No job {job_id} in this environment.")
        return job

    def _take_up(self, job: ClipJob) -> None:
        if job.state in (JobState.QUEUED, JobState.SUBMITTING):
            self._enqueue(job)
        elif job.state is JobState.PREPARING and job.withdrawn_at_s is not None:
            self._spawn(self._settle_withdrawn(job), f"withdraw-{job.id}")
        elif job.state is JobState.PREPARING:
            self.poller.track(job)

    def _spawn(self, work: Awaitable[ClipJob], name: str) -> None:
        async def run() -> None:
            try:
                await work
            except MuxError as exc:
                log.warning("%s: %s", name, exc.user_message)
            except StoreUnavailableError as exc:
                self.problems.emit(exc)

        task = asyncio.get_running_loop().create_task(run(), name=name)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    def _beat(self) -> None:
        if self._heart is None or self._heart.done():
            self._heart = asyncio.get_running_loop().create_task(self._heartbeat(), name="job-lease-heartbeat")

    async def _heartbeat(self) -> None:
        while True:
            await self._sleep(self.timings.heartbeat_s)
            try:
                self._repo.heartbeat(self.owner)
            except StoreUnavailableError as exc:
                self.problems.emit(exc)

    def _watch(self, job: ClipJob, announce: bool = False) -> None:
        """Another process holds the job: follow what it writes; take the job up if that process dies."""
        if job.id is None or job.state.finished:
            return
        self._watched[job.id] = job
        if announce:  # new to this process (another one made it): every list hears of it
            self.updates.emit(job)
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.get_running_loop().create_task(self._watch_loop(), name="job-watcher")

    async def _watch_loop(self) -> None:
        while self._watched:
            await self._sleep(self.timings.watch_interval_s)
            for job_id, seen in list(self._watched.items()):
                try:
                    job = self._repo.get(job_id)
                    if job is None:
                        self._watched.pop(job_id, None)
                        continue
                    if job != seen:
                        self._watched[job_id] = job
                        self.updates.emit(job)
                    if job.state.finished:
                        self._watched.pop(job_id, None)
                    elif job_id in self._repo.claim([job_id], self.owner, self.timings.lease_ttl_s):
                        log.info("job %s: its process stopped; this one takes it up", job_id)
                        self._watched.pop(job_id, None)
                        self._beat()
                        self._take_up(job)
                except StoreUnavailableError as exc:
                    self.problems.emit(exc)

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
            if job_id not in self._queued:
                continue  # cancelled meanwhile
            job = None
            try:
                job = self._repo.get(job_id)
                if job is not None and job.state in (JobState.QUEUED, JobState.SUBMITTING):
                    await self._process(job)
                    if self._withdrawn(job_id):  # taken back while its create was on its way: Mux has answered
                        settled = self._repo.get(job_id)
                        if settled is not None:
                            await self._settle_withdrawn(settled)
            except LeaseLostError:
                # Our heartbeat stopped long enough for another process to take the job: it is theirs now.
                log.warning("job %s: another muxclipper took it over; this one only watches it", job_id)
                if job is not None:
                    self._watch(job)
            except (MuxError, StoreUnavailableError) as exc:
                # The network, Mux or the disk is down: keep the job as it is and come back to it later.
                if isinstance(exc, StoreUnavailableError):
                    self.problems.emit(exc)
                log.warning("job %s waits: %s", job_id, getattr(exc, "user_message", exc))
                await self._sleep(self.timings.network_retry_s)
                self._queue.put_nowait(job_id)
                continue
            except Exception:
                log.exception("job %s failed unexpectedly", job_id)
                failed = self._repo.get(job_id)
                if failed is not None and failed.state in (JobState.QUEUED, JobState.SUBMITTING):
                    try:
                        self._save(failed.moved_to(JobState.FAILED, error="muxclipper failed unexpectedly; "
                                                                          "see the log file, then retry."))
                    except (LeaseLostError, StoreUnavailableError):
                        log.exception("job %s: could not record the failure", job_id)
            self._queued.discard(job_id)

    async def _process(self, job: ClipJob) -> None:
        if job.state is JobState.SUBMITTING:
            job = await self._reconcile(job)
            if job.state is not JobState.QUEUED:
                return
        while job.state is JobState.QUEUED:
            if job.id is not None and self._withdrawn(job.id):  # taken back: never sent (again)
                self._queued.discard(job.id)
                self._save(job.moved_to(JobState.CANCELLED, error=WITHDRAWN_UNSENT))
                return
            if job.attempts >= MAX_ATTEMPTS:
                self._save(job.moved_to(JobState.FAILED, error=f"Mux did not confirm the clip after "
                                                               f"{MAX_ATTEMPTS} attempts; retry later."))
                return
            # Written before the request leaves: a crash from here on is an unknown outcome.
            now = self._now()
            job = self._save(job.moved_to(JobState.SUBMITTING, attempts=job.attempts + 1,
                                          submitted_at_s=job.submitted_at_s or now, last_sent_at_s=now))
            request = ClipRequest(job.source_asset_id, job.start_ms, job.end_ms, job.options)
            try:
                asset = await self._client.create_clip(request, passthrough_with_token(job.options.passthrough,
                                                                                       job.token),
                                                       before_send=functools.partial(self._still_wanted, job.id))
            except _TakenBack:
                # Withdrawn while the create waited for the POST budget (after a 429 that can be seconds): it never
                # left, so it is no attempt; the loop's first look cancels the job, nothing made in Mux.
                job = self._save(job.moved_to(JobState.QUEUED, attempts=job.attempts - 1))
                continue
            except RateLimitError:
                # Mux refused before acting: not an attempt. The budget already waits it out.
                job = self._save(job.moved_to(JobState.QUEUED, attempts=job.attempts - 1))
                continue
            except (ServerError, ApiConnectionError, ResponseFormatError) as exc:
                # A 5xx, a lost connection or an unreadable answer may come after Mux acted.
                log.info("job %s: outcome unknown (%s); searching for its clip", job.id, exc)
                job = await self._reconcile(job)
                continue
            except ApiError as exc:  # 400, 401, 403, 404: Mux refused, nothing was made
                self._refusals[job.id] = exc  # type: ignore[index]  # saved jobs have ids
                self._save(job.moved_to(JobState.FAILED, error=exc.user_message))
                return
            self._adopt(job, asset)
            return

    async def _reconcile(self, job: ClipJob) -> ClipJob:
        """Find the asset an unknown-outcome create may have made, searching again until the late-answer
        window has passed since the request left; requeue the job if there is none."""
        assert job.id is not None
        timings = self.timings
        # How long ago the request left, by the monotonic clock of this boot (whichever process sent it); the
        # window's end is then a monotonic deadline here: no wall-clock step moves it.
        since = self._repo.since_sent(job) or 0.0
        start = self._mono()
        deadline = start + timings.late_answer_window_s - since
        self._suspect(job.id, timings.duplicate_watch_s - since)
        pause = timings.late_answer_first_pause_s
        while True:
            found = (await self._search([job])).get(job.token, [])
            if found:
                return await self._adopt_found(job, found)
            left = deadline - self._mono()
            if left <= 0:
                break
            await self._sleep(min(pause, left))
            pause = min(pause * 2, timings.late_answer_max_pause_s)
        log.info("job %s: no clip appeared within %.0f s of sending; sending it again", job.id,
                 timings.late_answer_window_s)
        return self._save(job.moved_to(JobState.QUEUED))

    async def _search(self, jobs: list[ClipJob]) -> dict[str, list[Asset]]:
        """Assets carrying the jobs' tokens, newest first, paging back to the earliest first send (however
        many pages: a busy account may have made hundreds of assets since), each page at the GET budget."""
        tokens = {job.token for job in jobs}
        since = min((job.submitted_at_s or job.created_at_s) for job in jobs) - RECONCILE_MARGIN_S
        found: dict[str, list[Asset]] = {}
        async for page in self._client.iter_asset_pages(limit=100):
            for asset in page.assets:
                token = token_in(asset.passthrough)
                if token in tokens:
                    found.setdefault(token, []).append(asset)
            if page.assets and page.assets[-1].created_at_s < since:
                break
        return found

    async def _delete_extras(self, job: ClipJob, keep: str | None, found: list[Asset]) -> str | None:
        """Delete every asset carrying the job's token but ``keep``; the note for the user, if any went.

        The note is saved *before* the delete: a process that dies after Mux deleted the copy leaves it said (the
        next one finds no copy and has nothing to say), and a delete that fails rewrites it to say so."""
        assert job.id is not None
        extras = [asset.id for asset in found if asset.id != keep]
        if not extras:
            return None
        if keep is None and job.state is JobState.FAILED:
            note = (f"Mux made this clip after muxclipper had given up on it (an answer came late); muxclipper "
                    f"deleted {', '.join(extras)} so that a retry makes it once.")
        elif keep is None:
            note = (f"Mux made this clip again after it was deleted (an answer came late); muxclipper deleted "
                    f"{', '.join(extras)} too.")
        else:
            note = (f"Mux made this clip {len(extras) + 1} times (an answer came late); muxclipper deleted the "
                    f"extra {', '.join(extras)} and kept {keep}.")
        self._announce_note(job.id, note)
        for asset_id in extras:
            try:
                await self._client.delete_asset(asset_id)
            except NotFoundError:
                pass  # deleted already (by a process that died before it could say so, or the user)
            except MuxError:
                self._announce_note(job.id, f"Mux made this clip again (an answer came late): {asset_id} is an "
                                            "extra copy muxclipper could not delete yet; it tries again while it "
                                            "watches (up to 10 minutes after the send), else delete it yourself.")
                raise
            self.duplicates_deleted.append((job.id, asset_id))
            log.warning("job %s: Mux made its clip twice (a late answer); deleted the extra asset %s, kept %s",
                        job.id, asset_id, keep or f"none (the job is {job.state.value})")
        return note

    def _announce_note(self, job_id: int, note: str) -> None:
        updated = self._repo.set_note(job_id, note)
        if updated is not None:
            self.updates.emit(updated)

    async def _adopt_found(self, job: ClipJob, found: list[Asset]) -> ClipJob:
        # The oldest is kept (``found`` is newest first): it is the one a late first answer would have named.
        keep = found[-1]
        note = await self._delete_extras(job, keep.id, found)
        log.info("job %s: found its clip %s after an unknown outcome", job.id, keep.id)
        return self._adopt(job.evolve(note=note or job.note), keep)

    def _adopt(self, job: ClipJob, asset: Asset) -> ClipJob:
        job = self._save(apply_asset(job.evolve(asset_id=asset.id, error=None), asset, self._now()))
        self.poller.track(job)
        return job

    def _save(self, job: ClipJob) -> ClipJob:
        saved, lost = self._repo.save_held([job], self.owner)
        if lost:
            raise LeaseLostError(f"job {job.id} is held by another process")
        self.updates.emit(saved[0])
        return saved[0]

    # ------------------------------------------------------------------ late duplicates
    def _suspect(self, job_id: int, remaining_s: float, *, save: bool = True) -> None:
        """Look for late duplicates of the job for ``remaining_s`` more seconds (saved, so a later process, or one
        already open, goes on with it)."""
        if remaining_s <= 0:
            return
        until = self._mono() + remaining_s
        if until <= self._suspects.get(job_id, 0.0):
            return
        self._suspects[job_id] = until
        if save:
            self._repo.set_watch(job_id, remaining_s)
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_loop(), name="duplicate-sweeper")

    @property
    def duplicate_watches(self) -> int:
        """Late-duplicate watches this process keeps, or follows to take up if their holder lets them go."""
        return len(self._suspects)

    async def wait_duplicate_watches(self) -> None:
        """Until every duplicate watch this process knows of has run out. Whoever holds one (this process, or
        another that may exit before it runs out, as ``clip --wait`` does) looks; this one takes it up when it is
        let go, so the watch is kept as long as one muxclipper waits here."""
        while self.duplicate_watches and self._sweeper is not None and not self._sweeper.done():
            self._swept.clear()
            await self._swept.wait()

    async def _sweep_loop(self) -> None:
        pause = self.timings.duplicate_first_pause_s
        first = True
        while self._suspects:
            if not first:
                nearest = max(min(self._suspects.values()) - self._mono(), 0.0)
                self._wake_sweeper.clear()
                try:  # woken early when the history changes (a process holding a watch let it go)
                    await asyncio.wait_for(self._wake_sweeper.wait(), min(pause, nearest))
                except TimeoutError:
                    pass
                pause = min(pause * 2, self.timings.duplicate_max_pause_s)
            first = False
            try:
                await self.sweep_duplicates()
            except MuxError as exc:
                log.warning("looking for late duplicates failed: %s", exc.user_message)
            except StoreUnavailableError as exc:
                self.problems.emit(exc)
            finally:
                self._swept.set()
        self._swept.set()

    def _watch_claimable(self, job_id: int) -> bool:
        job = self._repo.get(job_id)
        return job is None or job.state.finished or self._repo.lease_holder(job_id) == self.owner.id

    async def sweep_duplicates(self) -> None:
        """One look for late duplicates of the suspect jobs whose watch this process holds (taking up the watch of
        a process that died); expired suspects are dropped and their watch ended."""
        now = self._mono()
        # A watch that has just run out gets a last look (it ends after it): a copy made in its last pause is found.
        expired = [job_id for job_id, until in self._suspects.items() if until <= now]
        live = list(self._suspects)
        # A finished job's watch is leased like a job (one process deletes a copy); an unfinished one's belongs to
        # whoever sends it (here, or another process this one watches and takes the job from if it dies).
        claimable = [job_id for job_id in live if self._watch_claimable(job_id)]
        held = self._repo.claim(claimable, self.owner, self.timings.lease_ttl_s) if claimable else set()
        if held:
            self._beat()
        self._foreign = set(live) - held
        jobs = []
        for job_id in sorted(held):
            job = self._repo.get(job_id)
            if job is None:
                self._suspects.pop(job_id, None)
                continue
            # A job with its clip keeps that one; a job the user put away (its clip deleted) keeps none: a late
            # copy of a deleted clip is as unwanted as a second one. Nor does a job that failed after sends whose
            # outcome was unknown: Mux may act on one of them after muxclipper gave up (seen under load in the fault
            # schedules), and the user, told it failed, would retry and get two.
            if job.asset_id is not None or job.state in (JobState.CANCELLED, JobState.FAILED):
                jobs.append(job)
        try:
            if jobs:
                found = await self._search(jobs)
                for job in jobs:
                    assert job.id is not None
                    now_job = self._repo.get(job.id)
                    if now_job is None or (now_job.state, now_job.asset_id) != (job.state, job.asset_id):
                        continue  # retried (or adopted) while the search ran: what it found may be the new send's
                    keep = None if job.state in (JobState.CANCELLED, JobState.FAILED) else job.asset_id
                    await self._delete_extras(job, keep, found.get(job.token, []))
        finally:  # a watch that ran out ends even when its last look failed (the note says what is left)
            for job_id in expired:
                self._suspects.pop(job_id, None)
                self._foreign.discard(job_id)
                self._repo.set_watch(job_id, None)
                job = self._repo.get(job_id)
                if job is not None and job.state.finished:
                    self._repo.release([job_id], self.owner)
