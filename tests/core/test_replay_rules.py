"""The replay's range and refusals, and how often the live streams are asked for."""

from __future__ import annotations

import pytest

from muxclipper.core.live_poll import PollBackoff, fingerprint
from muxclipper.core.models import Asset, AssetStatus, LiveStream
from muxclipper.core.replay import ReplayRefusal, check_seconds, replay_range, stream_refusal


def _recording(duration_ms: int, live: bool = True) -> Asset:
    return Asset("rec", AssetStatus.PREPARING if live else AssetStatus.READY, 0, duration_ms, is_live=live,
                 live_stream_id="ls")


def test_the_last_seconds_end_at_the_live_edge() -> None:
    found = replay_range(_recording(95_400), 30_000)
    assert (found.start_ms, found.end_ms, found.short) == (65_400, 95_400, False)
    short = replay_range(_recording(6_000), 30_000)
    assert (short.start_ms, short.end_ms, short.short) == (0, 6_000, True)


@pytest.mark.parametrize(("recording", "words"), [
    (_recording(40_000, live=False), "has ended"),
    (_recording(300), "Only 0.3 s is recorded so far"),
])
def test_nothing_to_replay_says_why(recording: Asset, words: str) -> None:
    with pytest.raises(ReplayRefusal, match=words):
        replay_range(recording, 30_000)


def test_streams_that_are_not_live_are_refused_with_what_to_do() -> None:
    assert stream_refusal(LiveStream("ls", "active", 0, active_asset_id="rec")) is None
    idle = stream_refusal(LiveStream("ls", "idle", 0, title="Match"))
    assert idle is not None and "'Match' is idle" in idle and "Start the encoder" in idle
    ended = stream_refusal(LiveStream("ls", "idle", 0, recent_asset_ids=("a", "b")))
    assert ended is not None and "its broadcast has ended" in ended and "muxclipper clip b" in ended
    disabled = stream_refusal(LiveStream("ls", "disabled", 0))
    assert disabled is not None and "is disabled" in disabled


@pytest.mark.parametrize("seconds", [0, 0.4, 3601, float("nan"), float("inf")])
def test_replay_lengths_outside_half_a_second_to_an_hour_are_refused(seconds: float) -> None:
    with pytest.raises(ReplayRefusal, match="from 0.5 to 3600 seconds"):
        check_seconds(seconds)
    assert check_seconds(30) == 30_000


def test_polling_backs_off_while_nothing_changes_and_comes_back_on_a_change() -> None:
    backoff = PollBackoff()
    assert [backoff.after(False, live=True) for _ in range(3)] == [6.0, 6.0, 6.0]
    assert backoff.after(True, live=True) == 3.0
    assert [backoff.after(False, live=False) for _ in range(4)] == [6.0, 12.0, 15.0, 15.0]
    before = fingerprint([LiveStream("ls", "active", 0, active_asset_id="rec")])
    assert fingerprint([LiveStream("ls", "idle", 0, recent_asset_ids=("rec",))]) != before
