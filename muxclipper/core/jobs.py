"""Clip jobs: what the user asked for, what happened, and which states may follow which.

Every change of a job's state goes through :data:`TRANSITIONS` (``ClipJob.moved_to``): the services and
the store refuse any other, so a stale copy of a job can never drag a finished clip back to
``submitting`` (which would send it again)::

    queued ──► submitting ──► preparing ──► ready ──► cancelled (deleted in Mux)
      │  ▲         │  │            │           ▲          ▲
      │  └─────────┘  │            └──► errored ┴──────────┤
      │  (not found:  └──► ready / errored / failed         │
      │   send again)                   │                   │
      └──► cancelled, failed ◄── retry ─┘ (failed ──► queued)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from muxclipper.core.models import ClipOptions


class JobState(StrEnum):
    QUEUED = "queued"          # saved, not sent yet
    SUBMITTING = "submitting"  # the create request may be on its way: outcome unknown until reconciled
    PREPARING = "preparing"    # Mux has the clip asset and is making it
    READY = "ready"
    ERRORED = "errored"        # Mux made the asset and it failed
    FAILED = "failed"          # could not be created; the user may retry
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.READY, JobState.ERRORED, JobState.FAILED, JobState.CANCELLED)


@dataclass(frozen=True)
class ClipJob:
    id: int | None
    token: str             # unique; rides in the clip's passthrough so a lost answer can be found again
    environment: str       # the environment's key; a job always runs where it was created
    source_asset_id: str
    start_ms: int
    end_ms: int
    options: ClipOptions = field(default_factory=ClipOptions)
    state: JobState = JobState.QUEUED
    asset_id: str | None = None
    playback_ids: tuple[tuple[str, str], ...] = ()  # (id, policy)
    progress: float | None = None
    error: str | None = None
    attempts: int = 0
    created_at_s: float = 0.0
    updated_at_s: float = 0.0
    submitted_at_s: float | None = None
    ready_at_s: float | None = None
    #: What the user should know beyond the state (e.g. a duplicate Mux made late and muxclipper deleted).
    note: str | None = None
    #: When the latest create request left (``submitted_at_s`` is the first): late answers are awaited from it.
    last_sent_at_s: float | None = None
    #: When the user took the clip back (a replay undone): never sent again, deleted in Mux once it exists.
    withdrawn_at_s: float | None = None

    def evolve(self, **changes: object) -> ClipJob:
        return replace(self, **changes)  # type: ignore[arg-type]

    def moved_to(self, state: JobState, **changes: object) -> ClipJob:
        """The job in ``state`` (with ``changes``); raises :class:`IllegalTransitionError` if the table forbids it."""
        check_transition(self.state, state, self.id)
        return replace(self, state=state, **changes)  # type: ignore[arg-type]

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


class IllegalTransitionError(RuntimeError):
    """A job state change the transition table forbids: a bug (or a stale copy of the job), never the user's."""


#: Which states may follow which. Staying in the same state (new progress, a note) is always allowed.
TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset({JobState.SUBMITTING, JobState.CANCELLED, JobState.FAILED}),
    # Not found after an unknown outcome: queued to be sent again; found: adopted in whatever state Mux says.
    JobState.SUBMITTING: frozenset({JobState.QUEUED, JobState.PREPARING, JobState.READY, JobState.ERRORED,
                                    JobState.FAILED}),
    JobState.PREPARING: frozenset({JobState.READY, JobState.ERRORED, JobState.CANCELLED}),
    JobState.READY: frozenset({JobState.CANCELLED}),      # the clip was deleted in Mux
    JobState.ERRORED: frozenset({JobState.CANCELLED}),
    JobState.FAILED: frozenset({JobState.QUEUED, JobState.CANCELLED}),  # retry, or put away
    JobState.CANCELLED: frozenset(),
}


def check_transition(old: JobState, new: JobState, job_id: int | None = None) -> None:
    if new is not old and new not in TRANSITIONS[old]:
        raise IllegalTransitionError(f"Job {job_id if job_id is not None else '(unsaved)'} cannot go from "
                                     f"{old.value} to {new.value}; this is a bug in muxclipper.")


PASSTHROUGH_TAG = "mcj:"
#: A job's token is a uuid4's 32 hex digits (services/clip_jobs.py makes it).
TOKEN_LENGTH = 32


def passthrough_with_token(user_passthrough: str | None, token: str) -> str:
    """The user's passthrough and our job token in one string Mux keeps (≤ 255 characters)."""
    tag = f"{PASSTHROUGH_TAG}{token}"
    return f"{user_passthrough} {tag}" if user_passthrough else tag


def token_in(passthrough: str | None) -> str | None:
    if not passthrough:
        return None
    for word in reversed(passthrough.split()):
        if word.startswith(PASSTHROUGH_TAG):
            return word[len(PASSTHROUGH_TAG):]
    return None
