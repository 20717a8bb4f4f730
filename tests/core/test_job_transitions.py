"""The job transition table: every state change the services make is in it, and nothing else passes."""

from __future__ import annotations

import pytest

from muxclipper.core.jobs import (
    TRANSITIONS,
    ClipJob,
    IllegalTransitionError,
    JobState,
    check_transition,
)


def _job(state: JobState) -> ClipJob:
    return ClipJob(id=7, token="t", environment="e", source_asset_id="s", start_ms=0, end_ms=1_000, state=state)


def test_every_state_has_a_row_and_finished_states_only_go_to_cancelled_or_retry() -> None:
    assert set(TRANSITIONS) == set(JobState)
    for state in JobState:
        if state.finished:
            assert TRANSITIONS[state] <= {JobState.CANCELLED, JobState.QUEUED}
    assert TRANSITIONS[JobState.CANCELLED] == frozenset()


@pytest.mark.parametrize(("old", "new"), [(o, n) for o in JobState for n in JobState])
def test_a_change_passes_exactly_when_the_table_allows_it(old: JobState, new: JobState) -> None:
    allowed = old is new or new in TRANSITIONS[old]
    if allowed:
        assert _job(old).moved_to(new, error="x").state is new
    else:
        with pytest.raises(IllegalTransitionError, match=f"Job 7 cannot go from {old.value} to {new.value}"):
            check_transition(old, new, 7)


def test_a_finished_clip_can_never_be_sent_again() -> None:
    for state in (JobState.READY, JobState.ERRORED, JobState.CANCELLED, JobState.PREPARING):
        with pytest.raises(IllegalTransitionError):
            _job(state).moved_to(JobState.SUBMITTING)
