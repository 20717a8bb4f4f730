"""A clip job as the command line shows it (a line, or JSON with its URLs once ready), and following a job
until it finishes, giving up when Mux stays silent past ``--wait-timeout``."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from muxclipper.cli.exit_codes import EXIT_API, EXIT_AUTH, EXIT_NETWORK, EXIT_OK, CliError
from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.timecode import format_ms
from muxclipper.core.visible_text import visible
from muxclipper.mux.errors import AuthenticationError, PermissionDeniedError
from muxclipper.mux.urls import url_key
from muxclipper.services.session import Session


def job_json(job: ClipJob, session: Session | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": job.id, "state": job.state.value, "environment": job.environment, "source_asset_id": job.source_asset_id,
        "start_ms": job.start_ms, "end_ms": job.end_ms, "asset_id": job.asset_id, "progress": job.progress,
        "error": job.error, "note": job.note, "title": job.options.title,
        "playback_ids": [list(p) for p in job.playback_ids]}
    if session is not None and job.state is JobState.READY:
        data.update({url_key(label): url for label, url in session.urls.for_clip(job).items()})
    return data


def job_line(job: ClipJob, names: dict[str, str] | None = None) -> str:
    progress = f"{job.progress:5.1f}%" if job.progress is not None and job.state is JobState.PREPARING else ""
    # Titles and errors come from the history and from Mux: escaped, so no control character reaches the terminal.
    title = f"  {visible(job.options.title, 512)}" if job.options.title else ""
    detail = f"  {visible(job.error, 1000)}" if job.error else ""
    if job.note:
        detail += f"  ({visible(job.note, 1000)})"
    where = f"[{names[job.environment]}] " if names and job.environment in names else ""
    return (f"#{job.id:<5} {where}{job.state.value:<10} {progress:>6}  {job.source_asset_id}  "
            f"{format_ms(job.start_ms)}–{format_ms(job.end_ms)}  {job.asset_id or '-'}{title}{detail}")


class MuxSilence:
    """How long since Mux last gave a usable answer: any answer but 408, 429 and 5xx resets it."""

    def __init__(self, session: Session, limit_s: float) -> None:
        self.limit_s = limit_s
        self._last = time.monotonic()
        self._status: int | None = None
        self._session = session
        session.answers.add(self._on_status)

    def _on_status(self, status: int) -> None:
        if status not in (408, 429) and status < 500:
            self._last = time.monotonic()
        else:
            self._status = status

    def remaining(self) -> float:
        return self._last + self.limit_s - time.monotonic()

    def error(self, job_id: int) -> CliError:
        if self._status == 429:
            what = "only answered 'too many requests'"
        elif self._status is not None:
            what = f"only answered with errors (HTTP {self._status})"
        else:
            what = "could not be reached or did not answer"
        return CliError(f"Mux {what} for {self.limit_s:g} s. Job #{job_id} is kept: run 'muxclipper jobs --watch' "
                        "to finish it when the network is back, or give --wait-timeout a longer time.",
                        EXIT_NETWORK)


async def wait_for(session: Session, job_id: int, done: set[JobState], show: bool,
                    timeout_s: float | None = None) -> ClipJob:
    """The job once it reaches ``done``; raises CliError (5) after ``timeout_s`` without a usable answer
    from Mux, and the history's error when the job history cannot be written (a full disk)."""
    finished = asyncio.Event()
    last: dict[str, ClipJob] = {}
    problems: list[Exception] = []

    def on_update(job: ClipJob) -> None:
        if job.id != job_id:
            return
        if show and (job.state, job.progress) != ((last["job"].state, last["job"].progress) if last else None):
            print(job_line(job), file=sys.stderr, flush=True)
        last["job"] = job
        if job.state in done:
            finished.set()

    def on_problem(exc: Exception) -> None:
        problems.append(exc)
        finished.set()

    silence = MuxSilence(session, timeout_s) if timeout_s else None
    remove = session.jobs.updates.add(on_update)
    remove_problems = session.jobs.problems.add(on_problem)
    try:
        current = session.jobs.job(job_id)
        if current is not None and current.state in done:
            return current
        while not finished.is_set():
            try:
                await asyncio.wait_for(finished.wait(), None if silence is None else max(silence.remaining(), 0.0))
            except TimeoutError:
                if silence is not None and silence.remaining() <= 0:
                    raise silence.error(job_id) from None
    finally:
        remove()
        remove_problems()
    if problems and not ("job" in last and last["job"].state in done):
        raise problems[0]
    return last["job"]


async def finish_duplicate_watches(session: Session, show: bool, timeout_s: float | None) -> None:
    """Go on with the late-duplicate watches a previous run left (Mux may still act on a create it held): an extra
    copy is deleted and the job's note says so. Ends when every watch has run out (at most 10 minutes after its
    send), or is kept by another muxclipper that is running."""
    service = session.jobs
    if not service.duplicate_watches:
        return
    if show:
        print(f"muxclipper: watching {service.duplicate_watches} clip job(s) for a late duplicate (Mux may still act "
              "on a request it held); an extra copy is deleted. Ctrl+C stops: the next 'muxclipper jobs --watch' "
              "goes on.", file=sys.stderr, flush=True)
    silence = MuxSilence(session, timeout_s) if timeout_s else None
    waiting = asyncio.ensure_future(service.wait_duplicate_watches())
    try:
        while not waiting.done():
            limit = None if silence is None else max(silence.remaining(), 0.0)
            await asyncio.wait({waiting}, timeout=limit)
            if not waiting.done() and silence is not None and silence.remaining() <= 0:
                raise CliError(f"Mux did not answer for {silence.limit_s:g} s while muxclipper watched for late "
                               "duplicates; the watch is kept: run 'muxclipper jobs --watch' again when the network "
                               "is back.", EXIT_NETWORK)
    finally:
        waiting.cancel()


def finish_clip(job: ClipJob, session: Session, *, as_json: bool) -> int:
    """The end of ``clip`` (and ``replay``): the job's line and HLS URL (unless JSON was printed), why it failed,
    and the exit code."""
    if not as_json:
        print(job_line(job))
        info = job_json(job, session)
        if "hls_url" in info:
            print(info["hls_url"])
    if job.state in (JobState.FAILED, JobState.ERRORED):
        print(f"muxclipper: job #{job.id} {job.state.value}: {job.error or 'no reason given'}", file=sys.stderr)
    if job.state is JobState.FAILED and job.id is not None and isinstance(session.jobs.refusal(job.id),
                                                   (AuthenticationError, PermissionDeniedError)):
        return EXIT_AUTH  # the create was refused for the credentials: the same code as any other request
    if job.state is JobState.FAILED or job.state is JobState.ERRORED:
        return EXIT_API
    return EXIT_OK
