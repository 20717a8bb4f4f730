"""The Mux client against the emulator: every operation, every error class, safe retries."""

from __future__ import annotations

from fractions import Fraction

import httpx
import pytest

from muxclipper.core.models import AssetStatus, ClipOptions, ClipRequest
from muxclipper.core.sources import parse_source
from muxclipper.mux.client import Credentials, Endpoints, MuxClient
from muxclipper.mux.errors import (
    ApiConnectionError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
)
from tests.emulator.helpers import Emu
from tests.mux.conftest import FAST_RETRY, make_client

pytestmark = pytest.mark.asyncio


async def test_list_get_and_page_through_assets(emu: Emu, client: MuxClient) -> None:
    ids = emu.seed(count=5, template={"duration": 61.5, "frame_rate": 29.97, "title": "Talk"})
    page = await client.list_assets_page(limit=2)
    assert [a.id for a in page.assets] == ids[::-1][:2] and page.next_cursor
    seen = [a.id async for p in client.iter_asset_pages(limit=2) for a in p.assets]
    assert seen == ids[::-1]
    asset = await client.get_asset(ids[0])
    assert asset.status is AssetStatus.READY
    assert asset.duration_ms == 61_500 and asset.frame_rate == Fraction(30000, 1001)
    assert asset.title == "Talk" and asset.playback_id() is not None


async def test_create_clip_sends_seconds_and_end_time(emu: Emu, client: MuxClient) -> None:
    [source] = emu.seed({"duration": 120.0})
    options = ClipOptions(playback_policies=("public", "signed"), video_quality="premium", renditions=("highest",),
                          title="Best bit")
    clip = await client.create_clip(ClipRequest(source, 10_250, 70_500, options), passthrough="tag")
    assert clip.status is AssetStatus.PREPARING and clip.source_asset_id == source
    assert clip.passthrough == "tag" and clip.title == "Best bit"
    assert [p.policy for p in clip.playback_ids] == ["public", "signed"]
    assert [r.name for r in clip.static_renditions] == ["highest.mp4"]
    emu.ctl("POST", f"assets/{clip.id}/finish")
    assert (await client.get_asset(clip.id)).duration_ms == 60_250


async def test_delete_and_not_found(emu: Emu, client: MuxClient) -> None:
    [asset_id] = emu.seed({})
    await client.delete_asset(asset_id)
    with pytest.raises(NotFoundError) as caught:
        await client.get_asset(asset_id)
    assert caught.value.status == 404 and caught.value.error_type == "not_found"


async def test_live_streams_and_playback_ids(emu: Emu, client: MuxClient) -> None:
    stream = emu.api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
        "meta": {"title": "Main stage"}}).json()["data"]
    recording = emu.ctl("POST", f"live-streams/{stream['id']}/start")
    emu.advance(30)
    streams = await client.list_live_streams()
    assert [(s.id, s.status, s.title) for s in streams] == [(stream["id"], "active", "Main stage")]
    assert (await client.list_live_streams(status="idle")) == []
    live_pid = stream["playback_ids"][0]["id"]
    target = await client.resolve_playback_id(live_pid)
    assert (target.object_type, target.object_id) == ("live_stream", stream["id"])
    # Pasting the live stream's URL opens its recording so far.
    resolved = await client.resolve_source(parse_source(f"https://stream.mux.com/{live_pid}.m3u8"))
    assert resolved.id == recording["id"] and resolved.is_live
    assert resolved.duration_ms is not None and 30_000 <= resolved.duration_ms < 31_000


async def test_resolve_source_accepts_asset_and_playback_ids(emu: Emu, client: MuxClient) -> None:
    [asset_id] = emu.seed({})
    pid = emu.asset(asset_id)["playback_ids"][0]["id"]
    assert (await client.resolve_source(parse_source(asset_id))).id == asset_id
    assert (await client.resolve_source(parse_source(pid))).id == asset_id
    with pytest.raises(NotFoundError, match="neither an asset nor a playback id"):
        await client.resolve_source(parse_source("a" * 40))


async def test_bad_request_carries_mux_messages(emu: Emu, client: MuxClient) -> None:
    [source] = emu.seed({"duration": 10.0})
    with pytest.raises(BadRequestError) as caught:
        await client.create_clip(ClipRequest(source, 0, 20_000), passthrough="x")
    assert caught.value.status == 400 and caught.value.error_type == "invalid_parameters"
    assert "past the end" in str(caught.value)


async def test_wrong_credentials(emu: Emu) -> None:
    async with httpx.AsyncClient() as http:
        client = make_client(http, emu.url, ("test-token-id", "not-the-secret"))
        with pytest.raises(AuthenticationError) as caught:
            await client.list_assets_page()
    assert "not-the-secret" not in caught.value.user_message
    assert "access token id and secret" in caught.value.user_message


async def test_read_only_token_explains_the_missing_permission(emu: Emu, ro_client: MuxClient) -> None:
    [source] = emu.seed({})
    with pytest.raises(PermissionDeniedError) as caught:
        await ro_client.create_clip(ClipRequest(source, 0, 5_000), passthrough="x")
    assert "Video Write permission" in caught.value.user_message


async def test_reads_are_retried_through_5xx_and_429(emu: Emu, client: MuxClient) -> None:
    emu.fault(kind="status", status=503, method="GET", times=2)
    emu.fault(kind="status", status=429, method="GET", times=1)
    assert (await client.list_assets_page()).assets == ()
    assert len(emu.requests(method="GET")) == 4


async def test_reads_give_up_after_the_retries(emu: Emu, client: MuxClient) -> None:
    emu.fault(kind="status", status=500, method="GET", times=10)
    with pytest.raises(ServerError):
        await client.list_assets_page()
    assert len(emu.requests(method="GET")) == 5  # the first try and four retries


async def test_reads_are_retried_after_a_dropped_connection(emu: Emu, client: MuxClient) -> None:
    emu.fault(kind="drop", method="GET", times=1)
    assert (await client.list_assets_page()).assets == ()


async def test_creates_are_never_retried(emu: Emu, client: MuxClient) -> None:
    [source] = emu.seed({})
    emu.fault(kind="status", status=503, method="POST")
    with pytest.raises(ServerError):
        await client.create_clip(ClipRequest(source, 0, 5_000), passthrough="x")
    emu.fault(kind="status", status=429, method="POST")
    with pytest.raises(RateLimitError):
        await client.create_clip(ClipRequest(source, 0, 5_000), passthrough="x")
    emu.fault(kind="drop", method="POST", when="after")
    with pytest.raises(ApiConnectionError):
        await client.create_clip(ClipRequest(source, 0, 5_000), passthrough="x")
    assert len(emu.requests(method="POST")) == 3


async def test_timeout_and_malformed_answers(emu: Emu) -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.3)) as http:
        client = make_client(http, emu.url)
        [source] = emu.seed({})
        emu.fault(kind="delay", method="POST", delay_ms=1000, when="after")
        with pytest.raises(ApiTimeoutError):
            await client.create_clip(ClipRequest(source, 0, 5_000), passthrough="x")
        emu.fault(kind="malformed", method="POST")
        with pytest.raises(ResponseFormatError):
            await client.create_clip(ClipRequest(source, 0, 5_000), passthrough="x")


async def test_nobody_listening(emu: Emu) -> None:
    async with httpx.AsyncClient() as http:
        client = MuxClient(http, Credentials("a", "b"), Endpoints.for_origin("http://127.0.0.1:9"), retry=FAST_RETRY)
        with pytest.raises(ApiConnectionError, match="Could not connect"):
            await client.get_asset("x")


async def test_credentials_go_to_the_api_only_and_never_across_redirects() -> None:
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers.get("authorization")))
        if request.url.host == "api.example":
            return httpx.Response(302, headers={"location": "https://elsewhere.example/video/v1/assets"})
        return httpx.Response(200, json={"data": [], "next_cursor": None})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = MuxClient(http, Credentials("id", "secret"), Endpoints("https://api.example"))
        with pytest.raises(ApiConnectionError, match="redirects"):
            await client.list_assets_page()
    assert [url for url, _ in seen] == ["https://api.example/video/v1/assets?limit=100"]
    assert seen[0][1] is not None and seen[0][1].startswith("Basic ")
