"""A live recording's sessions: each encoder connection (``content``) and each slate Mux inserts while the
encoder is away (``slate``), and the ``recording_times`` Mux reports for them.

The emulated encoder plays its source asset in recording time: recording second *t* is source second *t*,
whatever happened in between. A slate covers the source's frames for as long as it lasts (those seconds of
the programme are lost, as they are when a real encoder drops out); without slate the recording simply
pauses and goes on from the next source frame when the encoder comes back. So the recording's frame *n* is
always the source's frame *n* (its stamped index), or a slate frame stamped with *n*.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

CONTENT, SLATE = "content", "slate"


def slate_inserted(stream_doc: dict[str, Any]) -> bool:
    """Whether Mux fills a disconnect with slate (Mux's spec: reduced and low latency streams with a reconnect
    window, and standard latency ones only with ``use_slate_for_standard_latency``)."""
    if float(stream_doc.get("reconnect_window", 0)) <= 0:
        return False
    if stream_doc.get("latency_mode", "standard") == "standard":
        return bool(stream_doc.get("use_slate_for_standard_latency", False))
    return True


def iso(epoch_s: float) -> str:
    """Mux's ``started_at``: ISO 8601 in UTC with a ``Z``, to the millisecond."""
    stamp = datetime.fromtimestamp(epoch_s, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def recording_elapsed(started_at: float, paused: float, disconnected_at: float | None, slate: bool,
                      now: float) -> float:
    """Seconds recorded by ``now``: wall time since the start, less outages that recorded nothing."""
    elapsed = now - started_at - paused
    if disconnected_at is not None and not slate:
        elapsed -= max(now - disconnected_at, 0.0)
    return max(elapsed, 0.0)


def recording_times(sessions: list[dict[str, Any]], duration: float) -> list[dict[str, Any]]:
    """Mux's ``recording_times`` for sessions recorded up to ``duration`` s into the recording."""
    result = []
    for index, session in enumerate(sessions):
        end = sessions[index + 1]["offset"] if index + 1 < len(sessions) else duration
        start = float(session["offset"])
        if index and start >= duration:
            break  # a session that has nothing playable yet (or was cut off at the end) is not listed
        result.append({"started_at": iso(float(session["started_at"])),
                       "duration": round(max(min(float(end), duration) - start, 0.0), 3),
                       "type": session["type"]})
    return result


def slate_spans(sessions: list[dict[str, Any]], duration: float) -> list[tuple[float, float]]:
    """The recording's slate intervals ``[start, end)`` in seconds, within ``duration``."""
    spans = []
    for index, session in enumerate(sessions):
        if session["type"] != SLATE:
            continue
        end = sessions[index + 1]["offset"] if index + 1 < len(sessions) else duration
        start, stop = float(session["offset"]), min(float(end), duration)
        if stop > start:
            spans.append((start, stop))
    return spans
