"""Fuzzing: the wire parser (``muxclipper/mux/wire.py``, every answer from Mux or a proxy) reads any JSON value
into domain objects or raises ResponseFormatError — never another exception — and what it reads is sane:
durations and frame rates finite and positive, ids text."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from muxclipper.core.models import Asset
from muxclipper.mux import wire
from muxclipper.mux.errors import ResponseFormatError
from tests.reliability.fuzzing import FUZZ, FUZZ_TIMEOUT_S, JSON_VALUES, mutated
from tests.support.reliability_counts import record

ASSET: dict[str, Any] = {
    "id": "ClipAsset0123456789", "status": "preparing", "created_at": "1764530000", "duration": 12.5,
    "max_stored_frame_rate": 29.97, "aspect_ratio": "16:9", "resolution_tier": "1080p", "video_quality": "plus",
    "is_live": False, "passthrough": "mcj:abc", "source_asset_id": "SourceAsset01234", "ingest_type": "clip",
    "live_stream_id": None, "meta": {"title": "Keynote"}, "progress": {"state": "transcoding", "progress": 42.5},
    "playback_ids": [{"id": "PlaybackId0123456789", "policy": "public"}],
    "tracks": [{"type": "video", "max_width": 1920, "max_height": 1080, "max_frame_rate": 29.97},
               {"type": "text", "id": "t1", "language_code": "en", "name": "English", "closed_captions": True,
                "status": "ready"}],
    "static_renditions": {"status": "ready", "files": [{"name": "highest.mp4", "status": "ready"}]},
    "errors": {"type": "invalid_input", "messages": ["bad"]},
}
LIVE_STREAM: dict[str, Any] = {"id": "LiveStream0123456789", "status": "active", "created_at": "1764530000",
                               "active_asset_id": "Recording0123456789", "recent_asset_ids": ["Old0123456789"],
                               "playback_ids": [{"id": "LivePid0123456789", "policy": "public"}],
                               "meta": {"title": "Launch"}}
TARGET: dict[str, Any] = {"id": "PlaybackId0123456789", "policy": "public",
                          "object": {"type": "asset", "id": "ClipAsset0123456789"}}
ANSWERS = st.one_of(mutated(ASSET), mutated(ASSET), mutated(LIVE_STREAM), mutated(TARGET),
                    mutated({"data": [ASSET, ASSET], "next_cursor": "abc"}), JSON_VALUES)


@pytest.mark.slow  # thousands of cases: the whole suite runs them, the quick loop (-m "not slow") not
@pytest.mark.timeout(FUZZ_TIMEOUT_S)
@FUZZ
@given(ANSWERS)
@example({**ASSET, "max_stored_frame_rate": 2.2250738585072014e-308})  # found here: rounded to a rate of 0
def test_wire_parser_reads_any_answer_or_says_it_is_malformed(value: Any) -> None:
    record("fuzz cases: wire parser")
    for parse in (wire.asset_from_wire, wire.live_stream_from_wire, wire.playback_target_from_wire,
                  wire.asset_page_from_wire, lambda v: wire.asset_page_from_wire({"data": [v]})):
        try:
            parsed = parse(value)
        except ResponseFormatError as exc:
            assert str(exc)
            continue
        for asset in getattr(parsed, "assets", [parsed]):
            if not isinstance(asset, Asset):
                continue
            assert isinstance(asset.id, str) and asset.id
            assert asset.duration_ms is None or asset.duration_ms >= 0
            assert asset.frame_rate is None or 0 < asset.frame_rate <= wire.MAX_FRAME_RATE
            assert asset.progress is None or asset.progress.percent is None or (
                math.isfinite(asset.progress.percent) and 0 <= asset.progress.percent <= 100)
    kind, messages = wire.error_from_body(value)
    assert kind is None or isinstance(kind, str)
    assert all(isinstance(m, str) for m in messages)


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"data": {"id": "a", "status": "ready", '
                                  b'"duration": ' + b"9" * 5000 + b"}}", b'{"data": \xff}'])
@pytest.mark.parametrize("status", [200, 400])
@pytest.mark.asyncio
async def test_client_calls_a_hostile_answer_malformed(body: bytes, status: int) -> None:
    """What reaches the wire parser first goes through the client's JSON decoding: 100,000-deep nesting, a
    5,000-digit number and bytes that are not UTF-8 are a ResponseFormatError (or an API error for a 400),
    not a RecursionError or ValueError escaping to the window."""
    import httpx

    from muxclipper.mux.budget import BudgetLimits, RateBudget
    from muxclipper.mux.client import Credentials, Endpoints, MuxClient
    from muxclipper.mux.errors import MuxError
    from muxclipper.mux.retry import RetryPolicy

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = MuxClient(http, Credentials("i", "s"), Endpoints("https://api.example"),
                           budget=RateBudget(BudgetLimits(other_per_second=100, other_burst=10)),
                           retry=RetryPolicy(max_retries=0))
        with pytest.raises(ResponseFormatError if status == 200 else MuxError):
            await client.get_asset("AssetId0123456789")
