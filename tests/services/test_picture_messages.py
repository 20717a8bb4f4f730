"""What the pictures and the slate search say when an image cannot be had: what happened and what to do next; and a
watermark image bigger than the limit is not read whole (its body is streamed and dropped at the limit)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from fractions import Fraction

import httpx
import pytest

from muxclipper.core.models import Asset, AssetStatus, PlaybackId
from muxclipper.emulator import EmulatorServer
from muxclipper.mux.endpoints import Endpoints
from muxclipper.mux.errors import ApiConnectionError
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.services.pictures import MAX_WATERMARK_BYTES, PictureService
from muxclipper.services.slate_finder import SlateFinder

CHUNK = 1024 * 1024


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.asyncio
async def test_an_image_host_out_of_reach_says_what_to_check(media_server: EmulatorServer) -> None:
    origin = media_server.url
    urls = PlaybackUrls(Endpoints(origin, f"{origin}/stream", f"http://127.0.0.1:{_closed_port()}/image"))
    asset = Asset("a1", AssetStatus.READY, 0, duration_ms=6000, frame_rate=Fraction(25),
                  playback_ids=(PlaybackId("p1", "public"),), title="Keynote")
    async with httpx.AsyncClient(timeout=5) as http:
        with pytest.raises(ApiConnectionError) as caught:
            await SlateFinder(http, urls).find(asset)
    said = str(caught.value)
    assert said.startswith("Mux's image host could not be reached")
    assert "check the network connection" in said and "try again" in said


@pytest.mark.asyncio
async def test_a_watermark_address_that_answers_404_says_to_check_the_address(media_server: EmulatorServer) -> None:
    url = f"{media_server.url}/_emulator/images/no-such-logo.png"
    async with httpx.AsyncClient(timeout=5) as http:
        with pytest.raises(ApiConnectionError) as caught:
            await PictureService(http, PlaybackUrls(Endpoints.for_origin(media_server.url))).watermark_image(url)
    said = str(caught.value)
    assert said == "The watermark image answered 404 (not found): check the address; Mux fetches it from there too."


@pytest.mark.asyncio
async def test_a_huge_watermark_is_dropped_at_the_limit_without_reading_it_whole() -> None:
    """A server that would send 200 MB: the preview stops soon after the 20 MB limit and says what to do."""
    sent = 0

    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            nonlocal sent
            for _ in range(200):
                sent += CHUNK
                yield b"\0" * CHUNK

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Endless(), headers={"content-type": "image/png"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        pictures = PictureService(http, PlaybackUrls(Endpoints()))
        with pytest.raises(ApiConnectionError) as caught:
            await pictures.watermark_image("https://example.com/logo.png")
    assert sent <= MAX_WATERMARK_BYTES + 2 * CHUNK
    said = str(caught.value)
    assert "larger than 20 MB" in said and "smaller PNG or JPEG" in said


@pytest.mark.asyncio
async def test_a_watermark_under_the_limit_is_read(media_server: EmulatorServer) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        data = await PictureService(http, PlaybackUrls(Endpoints())).watermark_image(
            f"{media_server.url}/_emulator/images/watermark.png")
    assert data.startswith(b"\x89PNG")


