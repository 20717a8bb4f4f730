"""What the emulator should never send: odd shapes, read through the client with a mock transport."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from muxclipper.core.models import AssetStatus
from muxclipper.mux import wire
from muxclipper.mux.budget import BudgetLimits, RateBudget
from muxclipper.mux.client import Credentials, Endpoints, MuxClient
from muxclipper.mux.errors import ResponseFormatError, ServerError
from muxclipper.mux.retry import RetryPolicy


def test_unknown_fields_are_ignored_and_missing_optional_ones_tolerated() -> None:
    asset = wire.asset_from_wire({"id": "a", "status": "ready", "brand_new_field": {"x": 1}})
    assert asset.status is AssetStatus.READY and asset.duration_ms is None and asset.playback_ids == ()


@pytest.mark.parametrize("data", [{"status": "ready"}, {"id": "a"}, {"id": "a", "status": "exploded"}, [], None])
def test_missing_essentials_are_refused(data: Any) -> None:
    with pytest.raises(ResponseFormatError):
        wire.asset_from_wire(data)


def test_progress_and_errors() -> None:
    asset = wire.asset_from_wire({"id": "a", "status": "errored", "progress": {"state": "errored", "progress": -1},
                                  "errors": {"type": "invalid_input", "messages": ["Broken."]}})
    assert asset.progress is not None and asset.progress.percent is None
    assert (asset.error_type, asset.error_messages) == ("invalid_input", ("Broken.",))


def test_both_error_shapes() -> None:
    assert wire.error_from_body({"error": {"type": "invalid_parameters", "messages": ["m"]}}) == (
        "invalid_parameters", ("m",))
    assert wire.error_from_body({"errors": ["Too many requests, retry later."]}) == (
        "rate_limited", ("Too many requests, retry later.",))
    assert wire.error_from_body("<html>") == (None, ())


def test_clip_body_always_has_end_time_in_seconds() -> None:
    from muxclipper.core.models import ClipRequest

    body = wire.clip_to_wire(ClipRequest("src", 1_500, 2_250), passthrough="p")
    assert body["inputs"] == [{"url": "mux://assets/src", "start_time": 1.5, "end_time": 2.25}]


@pytest.mark.asyncio
async def test_html_error_page_and_retry_after_are_handled() -> None:
    calls: list[float] = []
    slept: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(503, headers={"retry-after": "3"}, text="<html>down</html>")
        return httpx.Response(200, text="{not json")

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = MuxClient(http, Credentials("i", "s"), Endpoints("https://api.example"), sleep=fake_sleep,
                           budget=RateBudget(BudgetLimits(other_per_second=100, other_burst=10)))
        with pytest.raises(ResponseFormatError):
            await client.get_asset("a")
    assert slept == [3.0]  # Retry-After honoured


@pytest.mark.asyncio
async def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy()
    rng = random.Random(1)
    delays = [policy.delay(n, rng=rng) for n in range(6)]
    for n, delay in enumerate(delays):
        base = min(0.5 * 2 ** n, 8.0)
        assert base * 0.75 <= delay <= base
    with pytest.raises(ServerError):
        async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(500))) as http:
            async def no_sleep(seconds: float) -> None:
                pass
            client = MuxClient(http, Credentials("i", "s"), sleep=no_sleep,
                               budget=RateBudget(BudgetLimits(other_per_second=100, other_burst=10)))
            await client.get_asset("a")


@pytest.mark.asyncio
async def test_budget_spaces_posts_one_second_apart() -> None:
    clock = [0.0]
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    budget = RateBudget(BudgetLimits(), now=lambda: clock[0], sleep=fake_sleep)
    for _ in range(3):
        await budget.acquire("POST")
    assert clock[0] == pytest.approx(2.0)  # 1 now, then one a second
    for _ in range(5):
        await budget.acquire("GET")
    assert clock[0] == pytest.approx(2.0)  # reads have their own bucket of 5
    await budget.acquire("GET")
    assert clock[0] == pytest.approx(2.2)


def test_an_asset_with_sound_and_no_picture_is_audio_only() -> None:
    """Mux's audio-only assets list an audio track and no video (their editor message said they needed a playback
    id)."""
    from muxclipper.mux.wire import asset_from_wire

    base = {"id": "a1", "status": "ready", "created_at": "1700000000", "duration": 12.0,
            "playback_ids": [{"id": "p1", "policy": "public"}]}
    audio = asset_from_wire({**base, "tracks": [{"type": "audio", "id": "t1", "max_channels": 2}]})
    video = asset_from_wire({**base, "tracks": [{"type": "video", "id": "t0", "max_frame_rate": 25},
                                                {"type": "audio", "id": "t1"}]})
    assert audio.audio_only and audio.frame_rate is None
    assert not video.audio_only and not asset_from_wire(base).audio_only
