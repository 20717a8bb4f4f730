"""Clip jobs: what the user asked for, what happened, and which states may follow which."""

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

    def evolve(self, **changes: object) -> ClipJob:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


PASSTHROUGH_TAG = "mcj:"


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
