"""One poller per environment follows every clip that Mux is still preparing.

Frugal by design (Mux: "don't poll more than once per second"; a desktop app gets no webhooks):

- **one request per cycle**, normally a list page of 100 assets, which reports many clips at once;
- the page is chosen where a change is likeliest: Mux finishes clips roughly in the order they were
  created, so most cycles look at the page holding the *oldest* pending clip; every fourth cycle looks
  at the others in turn, so a clip that finishes early is not missed for long;
- a clip not seen on any page for a while is read on its own (``GET /assets/{id}``);
- the cadence is about 1 s while anything changes (status or progress), backing off to 10 s when
  nothing does, and the poller stops when nothing is pending.

Requests per minute therefore stay at or under 60 however many clips are pending.

With a lease ``owner`` (as :class:`~muxclipper.services.clip_jobs.ClipJobService` gives it) a change is
saved only for jobs whose lease this process still holds; a job another process has taken over is handed
to ``on_lost`` (to be watched) and no longer polled here. Every change goes through the job transition table.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import Asset, AssetStatus
from muxclipper.mux.client import MuxClient
from muxclipper.mux.errors import MuxError, NotFoundError
from muxclipper.services.listeners import Listeners
from muxclipper.store.history_file import StoreUnavailableError
from muxclipper.store.jobs import JobRepository
from muxclipper.store.leases import LeaseOwner

log = logging.getLogger(__name__)
PAGE_SIZE = 100
COMMIT_SLICE = 25  # changes saved per transaction: 100 at once held the window ~13 ms
FAST_INTERVAL = 1.0
SLOW_INTERVAL = 10.0
BACKOFF = 1.6
SWEEP_EVERY = 4
UNSEEN_BEFORE_DIRECT_GET = 30.0


@dataclass
class _Tracked:
    job: ClipJob
    page_hint: int = 1
    misses: int = 0
    last_seen: float = 0.0


def apply_asset(job: ClipJob, asset: Asset, now: float) -> ClipJob:
    """The job as Mux's view of its clip asset says it is now."""
    playback = tuple((p.id, p.policy) for p in asset.playback_ids)
    percent = asset.progress.percent if asset.progress else None
    if asset.status is AssetStatus.READY:
        return job.moved_to(JobState.READY, playback_ids=playback, progress=100.0, ready_at_s=now, error=None)
    if asset.status is AssetStatus.ERRORED:
        detail = " ".join(asset.error_messages) or asset.error_type or "Mux could not make the clip."
        return job.moved_to(JobState.ERRORED, playback_ids=playback, progress=None, error=detail)
    return job.moved_to(JobState.PREPARING, playback_ids=playback, progress=percent)


class BatchPoller:
    def __init__(self, client: MuxClient, repo: JobRepository, updates: Listeners[ClipJob], *,
                 now: Callable[[], float] = time.time, owner: LeaseOwner | None = None,
                 on_lost: Callable[[ClipJob], None] | None = None,
                 problems: Listeners[Exception] | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._repo = repo
        self._updates = updates
        self._now = now  # wall time: only for a job's ready_at, which is shown
        self._mono = monotonic  # how long a clip went unseen
        self._owner = owner
        self._on_lost = on_lost
        self._problems = problems
        self._tracked: dict[str, _Tracked] = {}  # asset id -> tracked job
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._cycle = 0
        self._sweep_page = 0
        self.interval = FAST_INTERVAL

    @property
    def pending(self) -> int:
        return len(self._tracked)

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    def follows(self, job: ClipJob) -> bool:
        return job.asset_id is not None and job.asset_id in self._tracked

    def forget(self, job: ClipJob) -> None:
        """Stop following a job (it was deleted, or settled elsewhere)."""
        if job.asset_id is not None:
            self._tracked.pop(job.asset_id, None)

    def track(self, job: ClipJob) -> None:
        if job.asset_id is None or job.state is not JobState.PREPARING:
            return
        self._tracked[job.asset_id] = _Tracked(job, last_seen=self._mono())
        self.interval = FAST_INTERVAL
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="mux-poller")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        while self._tracked:
            try:
                changed = await self.poll_once()
            except MuxError as exc:
                log.warning("polling failed: %s", exc.user_message)
                changed = False
            except StoreUnavailableError as exc:  # a full disk: tell the user, keep polling
                log.warning("polling could not save: %s", exc)
                if self._problems is not None:
                    self._problems.emit(exc)
                changed = False
            self.interval = FAST_INTERVAL if changed else min(self.interval * BACKOFF, SLOW_INTERVAL)
            if not self._tracked:
                break
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval)
            except TimeoutError:
                pass

    def _pages_in_use(self) -> int:
        return max((t.page_hint for t in self._tracked.values()), default=1)

    async def poll_once(self) -> bool:
        """One request; answers whether anything changed."""
        self._cycle += 1
        now, seen_at = self._now(), self._mono()
        stale = [t for t in self._tracked.values() if seen_at - t.last_seen > UNSEEN_BEFORE_DIRECT_GET]
        if stale:
            return await self._read_one(min(stale, key=lambda t: t.last_seen))
        if self._cycle % SWEEP_EVERY == 0:
            self._sweep_page = self._sweep_page % (self._pages_in_use() + 1) + 1
            page = self._sweep_page
        else:
            oldest = min(self._tracked.values(), key=lambda t: (t.job.created_at_s, t.job.id or 0))
            page = oldest.page_hint
        listing = await self._client.list_assets_page(limit=PAGE_SIZE, page=page)
        # Decoding a page of 100 assets and committing up to 100 changes are ~10 ms each: the window gets a turn
        # in between, so that one poll never holds the event loop for both.
        await asyncio.sleep(0)
        seen = {asset.id: asset for asset in listing.assets}
        changes = []
        for asset_id, tracked in list(self._tracked.items()):
            asset = seen.get(asset_id)
            if asset is None:
                if tracked.page_hint == page:
                    # Newer assets push older ones down the list: look one page further next time.
                    tracked.misses += 1
                    if tracked.page_hint <= math.ceil(len(self._tracked) / PAGE_SIZE) + tracked.misses:
                        tracked.page_hint += 1
                continue
            tracked.page_hint, tracked.misses, tracked.last_seen = page, 0, seen_at
            updated = apply_asset(tracked.job, asset, now)
            if updated != tracked.job:
                changes.append(updated)
        return await self._commit(changes)

    async def _read_one(self, tracked: _Tracked) -> bool:
        assert tracked.job.asset_id is not None
        now, seen_at = self._now(), self._mono()
        try:
            asset = await self._client.get_asset(tracked.job.asset_id)
        except NotFoundError:
            gone = tracked.job.moved_to(JobState.ERRORED, error="The clip asset was deleted in Mux.")
            return await self._commit([gone])
        tracked.last_seen, tracked.page_hint, tracked.misses = seen_at, 1, 0
        updated = apply_asset(tracked.job, asset, now)
        return await self._commit([updated] if updated != tracked.job else [])

    async def _commit(self, changes: list[ClipJob]) -> bool:
        """Saved and announced a slice at a time, the window getting a turn in between."""
        for start in range(0, len(changes), COMMIT_SLICE):
            if start:
                await asyncio.sleep(0)
            self._commit_slice(changes[start:start + COMMIT_SLICE])
        return bool(changes)

    def _commit_slice(self, changes: list[ClipJob]) -> None:
        if self._owner is None:
            saved = self._repo.update_many(changes)
        else:
            saved, lost = self._repo.save_held(changes, self._owner)
            for job in lost:
                self.forget(job)
                if self._on_lost is not None:
                    self._on_lost(job)
        for job in saved:
            assert job.asset_id is not None
            if job.state is JobState.PREPARING:
                self._tracked[job.asset_id].job = job
            else:
                self._tracked.pop(job.asset_id, None)
            self._updates.emit(job)
