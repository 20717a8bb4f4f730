"""The live replay: "the last N seconds" of a live stream's recording in progress, as one range, and the words for
a stream that has nothing to replay (idle, disabled, ended). The window's key and the ``replay`` command both come
here, so both refuse and clamp alike."""

from __future__ import annotations

from dataclasses import dataclass

from muxclipper.core.clip_rules import MIN_CLIP_MS
from muxclipper.core.models import Asset, LiveStream

#: What a producer picks from most of the time (an environment remembers its own; any other can be typed).
REPLAY_CHOICES_S = (10, 30, 60, 120)
DEFAULT_REPLAY_S = 30
#: The longest replay: past an hour, a producer marks in and out instead.
MAX_REPLAY_S = 3600


class ReplayRefusal(ValueError):
    """There is nothing to replay (the message says why and what to do instead)."""


@dataclass(frozen=True)
class ReplayRange:
    """Where "the last N seconds" are in the recording (milliseconds from its start). ``short``: the recording
    holds less than N seconds so far, so the replay is all of it."""

    start_ms: int
    end_ms: int
    short: bool = False

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def check_seconds(seconds: float) -> int:
    """N in milliseconds; :class:`ReplayRefusal` when it is not a length a replay can have."""
    if not seconds == seconds or not MIN_CLIP_MS / 1000 <= seconds <= MAX_REPLAY_S:  # also nan
        raise ReplayRefusal(f"A replay is from {MIN_CLIP_MS / 1000:g} to {MAX_REPLAY_S} seconds long; "
                            f"{seconds:g} s is not.")
    return round(seconds * 1000)


def stream_name(stream: LiveStream) -> str:
    return f"'{stream.title}'" if stream.title else stream.id


def stream_refusal(stream: LiveStream) -> str | None:
    """Why ``stream`` has nothing to replay now, with what to do instead; None when it is broadcasting."""
    name = stream_name(stream)
    if stream.status == "disabled":
        return (f"Live stream {name} is disabled, so it is not broadcasting: there is nothing to replay. Enable it in "
                "Mux to go live again, or clip one of its recordings.")
    if stream.status == "active" and stream.active_asset_id:
        return None
    last = stream.recent_asset_ids[-1] if stream.recent_asset_ids else None
    if last is not None:
        return (f"Live stream {name} is not live: its broadcast has ended, so there is no live edge to replay from. "
                f"Its last recording is {last}: open it and mark in and out (or 'muxclipper clip {last} --start … "
                "--end …'). Replay works again once the encoder starts broadcasting.")
    return (f"Live stream {name} is idle: it has not started broadcasting, so there is nothing to replay yet. Start "
            "the encoder; once the stream is active (within seconds), replay.")


def replay_range(recording: Asset, length_ms: int) -> ReplayRange:
    """The last ``length_ms`` of ``recording`` as far as it is recorded now (its live edge: Mux's duration, what is
    playable). An exact clip of a recording in progress needs its end time: this is it."""
    if not recording.is_live:
        raise ReplayRefusal(f"The broadcast of recording {recording.id} has ended, so there is no live edge to replay "
                            "from: open the recording and mark in and out instead.")
    edge = recording.duration_ms or 0
    if edge < MIN_CLIP_MS:
        raise ReplayRefusal(f"Only {edge / 1000:.1f} s is recorded so far; Mux needs at least "
                            f"{MIN_CLIP_MS / 1000:g} s. Replay again in a moment.")
    start = max(edge - length_ms, 0)
    return ReplayRange(start, edge, short=edge < length_ms)


def replay_title(stream: LiveStream, wall_clock: str) -> str:
    """A replay's title when none is given: the stream and the time of day it was asked for, so that a list of
    replays reads like a rundown ("Replay 21:04:05 — Saturday match")."""
    return f"Replay {wall_clock} — {stream.title}" if stream.title else f"Replay {wall_clock}"
