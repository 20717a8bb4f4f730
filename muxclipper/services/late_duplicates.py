"""Late duplicates of clip jobs: searching the account for a job's token, and deleting the extra copies a late
answer made (part 4 of :mod:`muxclipper.services.clip_jobs`' exactly-once promise).

Mux has no idempotency key, so a request held even longer than the late-answer window can still make a second
asset after the job was sent again. For :attr:`JobTimings.duplicate_watch_s` after an unknown outcome the service
keeps looking (a *duplicate watch*, saved in the job history so that a later process, or one already open, goes
on with it); an extra asset carrying the job's token is deleted, the job's ``note`` says so and a warning is
logged. The adopted asset (the one the user was given) is never the one deleted.

A watch is leased like a job: one process looks and deletes; the others follow and take it up when it is let go.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from muxclipper.core.jobs import ClipJob, JobState, token_in
from muxclipper.core.models import Asset
from muxclipper.mux.client import MuxClient
from muxclipper.mux.errors import MuxError, NotFoundError
from muxclipper.services.job_timings import JobTimings
from muxclipper.services.listeners import Listeners
from muxclipper.store.history_file import StoreUnavailableError
from muxclipper.store.jobs import JobRepository
from muxclipper.store.leases import LeaseOwner

log = logging.getLogger(__name__)

#: How far before a job's first send the search for its asset goes (clock skew between us and Mux).
RECONCILE_MARGIN_S = 600


async def search_tokens(client: MuxClient, jobs: list[ClipJob]) -> dict[str, list[Asset]]:
    """Assets carrying the jobs' tokens, newest first, paging back to the earliest first send (however
    many pages: a busy account may have made hundreds of assets since), each page at the GET budget."""
    tokens = {job.token for job in jobs}
    since = min((job.submitted_at_s or job.created_at_s) for job in jobs) - RECONCILE_MARGIN_S
    found: dict[str, list[Asset]] = {}
    async for page in client.iter_asset_pages(limit=100):
        for asset in page.assets:
            token = token_in(asset.passthrough)
            if token in tokens:
                found.setdefault(token, []).append(asset)
        if page.assets and page.assets[-1].created_at_s < since:
            break
    return found


class DuplicateWatch:
    """The duplicate watches of one environment's clip job service: which jobs are looked at, until when, and the
    sweeper task that looks. ``beat`` keeps the service's leases alive once a watch is claimed."""

    def __init__(self, environment: str, client: MuxClient, repo: JobRepository, *, owner: LeaseOwner,
                 timings: JobTimings, updates: Listeners[ClipJob], problems: Listeners[Exception],
                 monotonic: Callable[[], float], beat: Callable[[], None]) -> None:
        self._environment = environment
        self._client = client
        self._repo = repo
        self._owner = owner
        self._timings = timings
        self._updates = updates
        self._problems = problems
        self._mono = monotonic
        self._beat = beat
        # job id -> look for late duplicates until (monotonic); the sweep of each is done by its lease holder.
        self._suspects: dict[int, float] = {}
        self._foreign: set[int] = set()  # suspects whose watch another live process holds
        self._swept = asyncio.Event()
        self._wake_sweeper = asyncio.Event()
        self._sweeper: asyncio.Task[None] | None = None
        #: Extra assets deleted (job id, asset id), for tests and diagnostics.
        self.deleted: list[tuple[int, str]] = []

    @property
    def job_ids(self) -> set[int]:
        """The jobs watched (by this process, or followed to take up if their holder lets them go)."""
        return set(self._suspects)

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The sweeper, while one runs."""
        return self._sweeper

    def suspect(self, job_id: int, remaining_s: float, *, save: bool = True) -> None:
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

    def take_up_saved(self) -> None:
        """Watch the jobs whose watch the history keeps (left by a process that ended, or one still at it)."""
        for job, left in self._repo.watched_for_duplicates(self._environment, self._timings.duplicate_watch_s):
            assert job.id is not None
            if job.id not in self._suspects:
                self.suspect(job.id, left, save=False)

    def wake_if_foreign(self) -> None:
        """The history changed: a process holding a watch this one follows may have let it go."""
        if self._foreign:
            self._wake_sweeper.set()

    async def wait(self) -> None:
        """Until every duplicate watch this process knows of has run out (see
        :meth:`ClipJobService.wait_duplicate_watches`)."""
        while self._suspects and self._sweeper is not None and not self._sweeper.done():
            self._swept.clear()
            await self._swept.wait()

    async def _sweep_loop(self) -> None:
        pause = self._timings.duplicate_first_pause_s
        first = True
        while self._suspects:
            if not first:
                nearest = max(min(self._suspects.values()) - self._mono(), 0.0)
                self._wake_sweeper.clear()
                try:  # woken early when the history changes (a process holding a watch let it go)
                    await asyncio.wait_for(self._wake_sweeper.wait(), min(pause, nearest))
                except TimeoutError:
                    pass
                pause = min(pause * 2, self._timings.duplicate_max_pause_s)
            first = False
            try:
                await self.sweep()
            except MuxError as exc:
                log.warning("looking for late duplicates failed: %s", exc.user_message)
            except StoreUnavailableError as exc:
                self._problems.emit(exc)
            finally:
                self._swept.set()
        self._swept.set()

    def _claimable(self, job_id: int) -> bool:
        job = self._repo.get(job_id)
        return job is None or job.state.finished or self._repo.lease_holder(job_id) == self._owner.id

    async def sweep(self) -> None:
        """One look for late duplicates of the suspect jobs whose watch this process holds (taking up the watch of
        a process that died); expired suspects are dropped and their watch ended."""
        now = self._mono()
        # A watch that has just run out gets a last look (it ends after it): a copy made in its last pause is found.
        expired = [job_id for job_id, until in self._suspects.items() if until <= now]
        live = list(self._suspects)
        # A finished job's watch is leased like a job (one process deletes a copy); an unfinished one's belongs to
        # whoever sends it (here, or another process this one watches and takes the job from if it dies).
        claimable = [job_id for job_id in live if self._claimable(job_id)]
        held = self._repo.claim(claimable, self._owner, self._timings.lease_ttl_s) if claimable else set()
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
                found = await search_tokens(self._client, jobs)
                for job in jobs:
                    assert job.id is not None
                    now_job = self._repo.get(job.id)
                    if now_job is None or (now_job.state, now_job.asset_id) != (job.state, job.asset_id):
                        continue  # retried (or adopted) while the search ran: what it found may be the new send's
                    keep = None if job.state in (JobState.CANCELLED, JobState.FAILED) else job.asset_id
                    await self.delete_extras(job, keep, found.get(job.token, []))
        finally:  # a watch that ran out ends even when its last look failed (the note says what is left)
            for job_id in expired:
                self._suspects.pop(job_id, None)
                self._foreign.discard(job_id)
                self._repo.set_watch(job_id, None)
                job = self._repo.get(job_id)
                if job is not None and job.state.finished:
                    self._repo.release([job_id], self._owner)

    async def delete_extras(self, job: ClipJob, keep: str | None, found: list[Asset]) -> str | None:
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
            self.deleted.append((job.id, asset_id))
            log.warning("job %s: Mux made its clip twice (a late answer); deleted the extra asset %s, kept %s",
                        job.id, asset_id, keep or f"none (the job is {job.state.value})")
        return note

    def _announce_note(self, job_id: int, note: str) -> None:
        updated = self._repo.set_note(job_id, note)
        if updated is not None:
            self._updates.emit(updated)
