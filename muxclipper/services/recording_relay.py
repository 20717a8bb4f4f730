"""The player's playlists reach it through this relay: a recording still in progress plays from its first frame, and
every source's segment times are made exact (:func:`muxclipper.mux.playlists.timed_in_frames`), so that a seek near
a segment boundary shows the frame asked for.

Qt's player starts a playlist that has not ended (Mux's DVR playlist of a live stream's recording so far) three
segments from its end and numbers that frame 0, so the start of the recording cannot be reached and every frame
number is off by what was skipped. The relay serves the player the same playlists, fetched from the stream host at
each request, rewritten as finished ones (:func:`muxclipper.mux.playlists.as_finished`): the player starts at the
recording's first frame and can seek anywhere recorded so far; loading the playlist again brings what was recorded
since (the player does, keeping its place).

It also remembers where each source's segments start (in frames, from the playlists it served): the player asks
(:meth:`RecordingRelay.segment_starts`) and goes straight to the frames before a boundary the way that reaches them,
instead of learning each boundary from a seek that missed.

It listens on 127.0.0.1 only, on a port of the system's choosing, and answers only the paths it made (random,
one per upstream playlist); segments are fetched by the player from the stream host itself. Nothing it fetches
carries credentials (signed playback ids carry their own token in the URL, passed on as it is).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from fractions import Fraction
from urllib.parse import urlsplit

import httpx

from muxclipper.mux.playlists import as_finished, segment_starts, timed_in_frames, variant_uris

log = logging.getLogger(__name__)
MAX_REQUEST_LINE = 4096


class RecordingRelay:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http
        self._server: asyncio.Server | None = None
        self._port = 0
        self._paths: dict[str, tuple[str, Fraction | None]] = {}  # our path -> the upstream URL, the frame rate
        self._tokens: dict[tuple[str, Fraction | None], str] = {}  # the other way (one path each, however often)
        # What the playlists served said: a multivariant playlist's video renditions (our paths), and a rendition's
        # segment starts in frames (read by the player's thread: each value is replaced whole, never changed).
        self._variants: dict[str, tuple[str, ...]] = {}
        self._starts: dict[str, tuple[int, ...]] = {}
        # Connections being answered: closed with the relay (Server.close() leaves them open, and one the player
        # opened as the window closed was left to the garbage collector: a ResourceWarning failed a test).
        self._writers: set[asyncio.StreamWriter] = set()

    async def url_for(self, hls_url: str, rate: Fraction | None = None) -> str:
        """The relay's address for the playlist at ``hls_url`` (the relay starts on first use); ``rate``: the
        source's frame rate, to make its segments' times exact."""
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
            self._port = int(self._server.sockets[0].getsockname()[1])
        return self._relayed(hls_url, rate)

    def _relayed(self, upstream: str, rate: Fraction | None = None) -> str:
        key = (upstream, rate)
        path = self._tokens.get(key)
        if path is None:
            path = f"/r/{secrets.token_urlsafe(12)}.m3u8"
            self._tokens[key], self._paths[path] = path, key
        return f"http://127.0.0.1:{self._port}{path}"

    async def aclose(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            request = (await reader.readline())[:MAX_REQUEST_LINE].decode("latin-1").split()
            while (await reader.readline()).strip():  # the headers: nothing in them changes the answer
                pass
            upstream = self._paths.get(request[1].split("?")[0]) if len(request) >= 2 and request[0] == "GET" \
                else None
            status, body = (404, b"") if upstream is None else await self._fetch(request[1].split("?")[0], *upstream)
            head = (f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                    "Content-Type: application/vnd.apple.mpegurl\r\nCache-Control: no-cache\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
            writer.write(head.encode("latin-1") + body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, UnicodeDecodeError) as exc:
            log.debug("recording relay: %s", exc)
        finally:
            self._writers.discard(writer)
            writer.close()

    def segment_starts(self, relay_url: str) -> tuple[int, ...]:
        """The frames that start a segment (the first one's excepted) of the source played from ``relay_url`` (a
        multivariant playlist's: its first video rendition's), as last served; empty until the player fetched it, or
        for a source played without its frame rate."""
        path = urlsplit(relay_url).path
        for candidate in (path, *self._variants.get(path, ())):
            starts = self._starts.get(candidate)
            if starts is not None:
                return starts
        return ()

    async def _fetch(self, path: str, upstream: str, rate: Fraction | None) -> tuple[int, bytes]:
        """The playlist at ``upstream``, rewritten; or the stream host's own error status for the player to say."""
        try:
            response = await self._http.get(upstream)
        except httpx.HTTPError as exc:
            log.debug("recording relay: %s: %s", upstream.split("?")[0], exc)
            return 502, b""
        if response.status_code != 200:
            return response.status_code, b""
        try:
            text = as_finished(response.text, str(response.url), lambda url: self._relayed(url, rate))
            if rate is not None:
                text = timed_in_frames(text, rate)
                starts = segment_starts(text, rate)
                if starts or "#EXTINF" in text:
                    self._starts[path] = starts
                else:
                    self._variants[path] = tuple(urlsplit(uri).path for uri in variant_uris(text))
        except ValueError:
            return 502, b""
        return 200, text.encode("utf-8")
