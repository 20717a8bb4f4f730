"""The instant-clip URLs of a range of a source: by asset time on the source's own playback id, and, while the
source is a live stream's recording in progress, by program time on the live stream's playback id (what viewers of
the stream can be given while the event runs)."""

from __future__ import annotations

from muxclipper.core.models import Asset
from muxclipper.core.program_time import program_range_ms
from muxclipper.mux.client import MuxClient
from muxclipper.mux.urls import PlaybackUrls


class NoPublicPlaybackError(ValueError):
    """The source has no public playback id, so there is no URL to give."""


async def live_stream_playback_id(client: MuxClient, asset: Asset) -> str | None:
    """The public playback id of the live stream recording ``asset`` right now, or None (not live, none public)."""
    if not asset.is_live or asset.live_stream_id is None or not asset.recording_times:
        return None
    stream = await client.get_live_stream(asset.live_stream_id)
    if stream.active_asset_id != asset.id:
        return None
    return next((p.id for p in stream.playback_ids if p.policy == "public"), None)


def program_instant_url(urls: PlaybackUrls, asset: Asset, stream_playback_id: str | None, start_ms: int,
                        end_ms: int) -> str | None:
    if stream_playback_id is None:
        return None
    span = program_range_ms(asset.recording_times, start_ms, end_ms)
    return None if span is None else urls.instant_clip_program(stream_playback_id, *span)


async def instant_urls(client: MuxClient, urls: PlaybackUrls, asset: Asset, start_ms: int,
                       end_ms: int) -> dict[str, str]:
    """``instant_url`` (asset time) and, on a recording in progress, ``program_instant_url``."""
    public = asset.playback_id("public")
    if public is None:
        raise NoPublicPlaybackError(f"Asset {asset.id} has no public playback id, so it has no instant-clip URL to "
                                    "share: add a public playback id to it in Mux.")
    found = {"instant_url": urls.instant_clip(public.id, start_ms, end_ms)}
    program = program_instant_url(urls, asset, await live_stream_playback_id(client, asset), start_ms, end_ms)
    if program is not None:
        found["program_instant_url"] = program
    return found
