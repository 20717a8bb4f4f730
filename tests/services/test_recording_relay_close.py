"""The playlist relay closes the connections it is still answering when it closes (Server.close() leaves them open:
one the player opened as the window closed was left to the garbage collector, and its ResourceWarning failed a
test)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from muxclipper.services.recording_relay import RecordingRelay


@pytest.mark.asyncio
@pytest.mark.timeout(10)
async def test_a_connection_still_being_answered_is_closed_with_the_relay() -> None:
    async with httpx.AsyncClient() as http:
        relay = RecordingRelay(http)
        url = await relay.url_for("http://127.0.0.1:9/never.m3u8")
        port = int(url.split(":")[2].split("/")[0])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /r/")  # half a request line: the relay is waiting for the rest
        await writer.drain()
        await asyncio.sleep(0.05)
        await relay.aclose()
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the relay, not left open
        writer.close()
        await writer.wait_closed()
