"""Pictures and captions of a source, from Mux's stream and image hosts: list thumbnails, exact-time stills beside
the cut, the storyboard under the timeline and caption tracks. The widgets ask here and never fetch themselves.

These hosts get no credentials (signed ids carry their own tokens in the URL: an asset with only a signed playback
id is pictured through it when the environment has a signing key). A picture that only helps (a
thumbnail, a still) and that the host does not have, or not yet (a recording's newest frames), is ``None``: the
window leaves it out without a message. The storyboard and captions raise :class:`ApiConnectionError` with words
for the status line.
"""

from __future__ import annotations

import asyncio
import logging
import re
from urllib.parse import urljoin

import httpx

from muxclipper.core.caption_choice import shown_track
from muxclipper.core.captions import CaptionCue, parse_vtt
from muxclipper.core.models import Asset
from muxclipper.mux.errors import ApiConnectionError
from muxclipper.mux.storyboard import Storyboard, fetch_storyboard
from muxclipper.mux.urls import PlaybackUrls

log = logging.getLogger(__name__)
THUMBNAIL_FETCHES = 4  # at once: a fast scroll through thousands of rows must not flood the image host
STILL_WIDTH = 320
MAX_WATERMARK_BYTES = 20 * 1024 * 1024


class PictureService:
    def __init__(self, http: httpx.AsyncClient, urls: PlaybackUrls) -> None:
        self._http = http
        self._urls = urls
        self._thumbnail_slots = asyncio.Semaphore(THUMBNAIL_FETCHES)

    async def thumbnail(self, asset: Asset, width: int) -> bytes | None:
        """A list decoration: at most a few fetched at once; a missing one is not worth a message."""
        playback = self._urls.playable(asset)
        if playback is None:
            return None
        async with self._thumbnail_slots:
            return await self._optional(self._urls.thumbnail(playback.id, width=width, policy=playback.policy))

    async def still(self, asset: Asset, time_ms: int, width: int = STILL_WIDTH) -> bytes | None:
        """The frame shown at ``time_ms`` (the image host's exact-time thumbnail), or None."""
        playback = self._urls.playable(asset)
        if playback is None or asset.duration_ms is None or not 0 <= time_ms < asset.duration_ms:
            return None
        return await self._optional(self._urls.thumbnail(playback.id, time_ms, width=width, policy=playback.policy))

    async def storyboard(self, asset: Asset) -> tuple[Storyboard, bytes] | None:
        """The storyboard and its sprite (None for an asset without a playback id the app can use)."""
        playback = self._urls.playable(asset)
        if playback is None:
            return None
        return await fetch_storyboard(self._http, self._urls.storyboard(playback.id, policy=playback.policy))

    async def captions(self, asset: Asset) -> list[CaptionCue] | None:
        """The cues of the asset's caption track to show (core/caption_choice.py: the final live captions over the
        interim ones), or None when it has none ready."""
        playback = self._urls.playable(asset)
        track = shown_track(asset.text_tracks)
        if playback is None or track is None:
            return None
        url = self._urls.text_track(playback.id, track.id, policy=playback.policy)
        try:
            data = await self._get(url)
        except httpx.HTTPError as exc:
            raise ApiConnectionError(f"The captions could not be loaded ({exc}); the video plays without "
                                     "them.") from exc
        return parse_vtt(data.decode("utf-8", "replace"))

    async def sound_pieces(self, asset: Asset) -> list[tuple[int, str]]:
        """An audio-only source's HLS segments, each with where it starts (ms), to make its waveform from: the same
        stream the player plays (no static rendition is needed). :class:`ApiConnectionError` says why not."""
        playback = self._urls.playable(asset)
        if playback is None:
            raise ApiConnectionError("No waveform: the source has no playback id the app can use.")
        url = self._urls.hls(playback.id, playback.policy)
        try:
            text = (await self._get(url)).decode("utf-8", "replace")
            if "#EXTINF" not in text:  # a multivariant playlist: its first variant (an audio-only asset has one)
                variant = next((line.strip() for line in text.splitlines() if line.strip() and
                                not line.startswith("#")), None)
                if variant is None:
                    raise ApiConnectionError("No waveform: the stream lists no rendition.")
                url = urljoin(url, variant)
                text = (await self._get(url)).decode("utf-8", "replace")
        except httpx.HTTPError as exc:
            raise ApiConnectionError(f"No waveform: the stream could not be read ({exc}).") from exc
        pieces, start = [], 0.0
        for duration, uri in re.findall(r"#EXTINF:([\d.]+)[^\n]*\n(?:#[^\n]*\n)*([^#\s][^\n]*)", text):
            pieces.append((round(start * 1000), urljoin(url, uri.strip())))
            start += float(duration)
        return pieces

    async def sound_piece(self, url: str) -> bytes:
        """One segment of the sound (:meth:`sound_pieces`)."""
        try:
            return await self._get(url)
        except httpx.HTTPError as exc:
            raise ApiConnectionError(f"No waveform: a piece of the sound could not be fetched ({exc}).") from exc

    async def watermark_image(self, url: str) -> bytes:
        """A watermark image for the editor's preview, from wherever it is (no credentials go with it):
        :class:`ApiConnectionError` says why it cannot be had, which Mux would then not manage either, and what to do.
        The body is streamed and dropped at :data:`MAX_WATERMARK_BYTES`: an address that serves a huge file (or one
        without end) costs at most that much."""
        try:
            async with self._http.stream("GET", url, follow_redirects=True) as response:
                response.raise_for_status()
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data.extend(chunk)
                    if len(data) > MAX_WATERMARK_BYTES:
                        raise ApiConnectionError(f"The watermark image is larger than "
                                                 f"{MAX_WATERMARK_BYTES // (1024 * 1024)} MB: use a smaller PNG or "
                                                 "JPEG (a logo is a few hundred kilobytes).")
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            what = " (not found)" if status == 404 else " (not allowed)" if status in (401, 403) else ""
            raise ApiConnectionError(f"The watermark image answered {status}{what}: check the address; Mux fetches "
                                     "it from there too.") from exc
        except httpx.HTTPError as exc:
            raise ApiConnectionError(f"The watermark image cannot be fetched ({exc}): check the address and the "
                                     "network; Mux must be able to fetch it too.") from exc
        return bytes(data)

    async def _optional(self, url: str) -> bytes | None:
        try:
            return await self._get(url)
        except httpx.HTTPError as exc:
            log.debug("no picture from %s: %s", url.split("?")[0], exc)
            return None

    async def _get(self, url: str) -> bytes:
        response = await self._http.get(url)
        response.raise_for_status()
        return response.content
