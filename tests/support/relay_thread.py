"""The app's playlist relay (services/recording_relay.py) on an asyncio loop of its own thread, for sync Qt tests
that play as the app plays (the relay makes segment times exact)."""

from __future__ import annotations

import asyncio
import threading
from fractions import Fraction
from types import TracebackType

import httpx

from muxclipper.services.recording_relay import RecordingRelay


class RelayThread:
    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="relay", daemon=True)
        self._http: httpx.AsyncClient | None = None
        self._relay: RecordingRelay | None = None

    def __enter__(self) -> RelayThread:
        self._thread.start()

        async def start() -> None:
            self._http = httpx.AsyncClient(timeout=30)
            self._relay = RecordingRelay(self._http)

        asyncio.run_coroutine_threadsafe(start(), self._loop).result(10)
        return self

    def url_for(self, hls_url: str, rate: Fraction | None = None) -> str:
        assert self._relay is not None
        return asyncio.run_coroutine_threadsafe(self._relay.url_for(hls_url, rate), self._loop).result(10)

    def segment_starts(self, relay_url: str) -> tuple[int, ...]:
        """What the relay read of the source's segments (a plain read of what its thread stored), as the app's window
        gives its player."""
        return self._relay.segment_starts(relay_url) if self._relay is not None else ()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        async def stop() -> None:
            if self._relay is not None:
                await self._relay.aclose()
            if self._http is not None:
                await self._http.aclose()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
