"""Everything one environment needs at run time, opened and closed together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from muxclipper.mux.budget import RateBudget
from muxclipper.mux.client import MuxClient
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.services.clip_jobs import ClipJobService
from muxclipper.services.environment import Environment
from muxclipper.store.jobs import JobRepository, open_job_history

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@dataclass
class Session:
    environment: Environment
    http: httpx.AsyncClient  # carries no credentials: MuxClient adds them to API requests only
    client: MuxClient
    jobs: ClipJobService
    repo: JobRepository
    urls: PlaybackUrls
    #: What was wrong with the job history when it was opened (set aside and started anew, or rows left
    #: out), in words for the status line or stderr; None when all was well. Also in the log file.
    storage_notice: str | None = None


@asynccontextmanager
async def open_session(environment: Environment, jobs_db: Path,
                       transport: httpx.AsyncBaseTransport | None = None) -> AsyncIterator[Session]:
    repo, notice = open_job_history(jobs_db)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, transport=transport) as http:
            client = MuxClient(http, environment.credentials, environment.endpoints, budget=RateBudget())
            jobs = ClipJobService(environment.key, client, repo)
            try:
                yield Session(environment, http, client, jobs, repo, PlaybackUrls(environment.endpoints), notice)
            finally:
                await jobs.close()
    finally:
        repo.close()
