"""Everything one environment needs at run time, opened and closed together.

What the window and the command line get is the services: the Mux client, the clip jobs, the URL builder and the
pictures. The HTTP client and the job history stay inside (every byte of I/O goes through a service)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from muxclipper.mux.budget import RateBudget
from muxclipper.mux.client import MuxClient
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.services.clip_jobs import ClipJobService
from muxclipper.services.environment import Environment
from muxclipper.services.listeners import Listeners
from muxclipper.services.log_redaction import install as hide_tokens_in_logs
from muxclipper.services.pictures import PictureService
from muxclipper.services.recording_relay import RecordingRelay
from muxclipper.services.slate_finder import SlateFinder
from muxclipper.store.jobs import open_job_history

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@dataclass
class Session:
    environment: Environment
    client: MuxClient
    jobs: ClipJobService
    urls: PlaybackUrls
    pictures: PictureService
    #: What was wrong with the job history when it was opened (set aside and started anew, or rows left
    #: out), in words for the status line or stderr; None when all was well. Also in the log file.
    storage_notice: str | None = None
    #: The status code of every answer the session's HTTP client gets (Mux's API and its hosts): how long Mux has
    #: been silent, for a command's deadline, without handing out the client itself.
    answers: Listeners[int] = field(default_factory=Listeners)
    #: Recordings in progress reach the player through it, so that they play from their first frame.
    recordings: RecordingRelay | None = None
    #: Slate searches on the image host, with their cache of pictures (:meth:`slate_finder`).
    slates: SlateFinder | None = None

    def slate_finder(self) -> SlateFinder:
        if self.slates is None:
            raise RuntimeError("this session was opened without a slate finder")
        return self.slates


@asynccontextmanager
async def open_session(environment: Environment, jobs_db: Path,
                       transport: httpx.AsyncBaseTransport | None = None) -> AsyncIterator[Session]:
    repo, notice = open_job_history(jobs_db)
    if environment.signing_key is not None:
        hide_tokens_in_logs()
    try:
        # One HTTP client for the API and the media hosts: it carries no credentials (MuxClient adds them to API
        # requests only).
        answers: Listeners[int] = Listeners()

        async def tell(response: httpx.Response) -> None:
            answers.emit(response.status_code)

        async with httpx.AsyncClient(timeout=TIMEOUT, transport=transport,
                                     event_hooks={"response": [tell]}) as http:
            client = MuxClient(http, environment.credentials, environment.endpoints, budget=RateBudget())
            jobs = ClipJobService(environment.key, client, repo)
            urls = PlaybackUrls(environment.endpoints, environment.signing_key)
            relay = RecordingRelay(http)
            try:
                yield Session(environment, client, jobs, urls, PictureService(http, urls), notice, answers, relay,
                              SlateFinder(http, urls))
            finally:
                await relay.aclose()
                await jobs.close()
    finally:
        repo.close()
