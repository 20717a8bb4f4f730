"""The live replay: "the last N seconds" of a live stream as a link now and an exact clip minutes later.

Two halves, in the order a producer needs them:

1. :meth:`ReplayService.prepare` asks Mux for the stream and its recording as they are now (two GETs, at once when
   the caller already knows the recording), finds the live edge and the range behind it, and builds the instant
   URL: by program time on the live stream's own public playback id (the link viewers of the stream can be given),
   else by asset time on the recording's. No request makes the URL: it is ready as soon as the two answers are.
2. :meth:`ReplayService.submit` hands the exact clip, with its end time, to the clip job service (saved before it
   is sent, created exactly once, followed to the end). Taking it back is :meth:`ClipJobService.withdraw`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from muxclipper.core.jobs import ClipJob
from muxclipper.core.models import Asset, ClipOptions, ClipRequest, LiveStream, PlaybackId
from muxclipper.core.program_time import program_range_ms
from muxclipper.core.replay import ReplayRange, ReplayRefusal, replay_range, replay_title, stream_refusal
from muxclipper.core.sources import SourceRef
from muxclipper.mux.client import MuxClient
from muxclipper.mux.errors import NotFoundError
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.services.clip_jobs import ClipJobService


@dataclass(frozen=True)
class ReplayPlan:
    """A replay ready to go: its range in the recording, its instant URLs, and the exact clip's request."""

    stream: LiveStream
    recording: Asset
    range: ReplayRange
    request: ClipRequest
    #: The URL to hand out now (None: neither the stream nor the recording has a public playback id).
    instant_url: str | None
    #: Every instant URL there is: ``program_instant_url`` (the stream's id), ``instant_url`` (the recording's).
    instant_urls: dict[str, str]


class ReplayService:
    def __init__(self, client: MuxClient, urls: PlaybackUrls, jobs: ClipJobService, *,
                 now: Callable[[], float] = time.time) -> None:
        self._client, self._urls, self._jobs, self._now = client, urls, jobs, now

    async def prepare(self, stream_id: str, length_ms: int, *, title: str | None = None,
                      options: ClipOptions | None = None, recording_id: str | None = None) -> ReplayPlan:
        """The replay of the last ``length_ms`` of ``stream_id`` as it is now. ``recording_id``: the recording the
        caller believes in progress, asked for alongside the stream (one round trip instead of two); if the stream
        has moved on to another, that one is asked for. :class:`ReplayRefusal` says why there is nothing to replay;
        :class:`JobInputError` why the clip cannot be made (the options)."""
        if recording_id is not None:
            stream, recording = await asyncio.gather(self._client.get_live_stream(stream_id),
                                                     self._client.get_asset(recording_id))
        else:
            stream, recording = await self._client.get_live_stream(stream_id), None
        refusal = stream_refusal(stream)
        if refusal is not None:
            raise ReplayRefusal(refusal)
        assert stream.active_asset_id is not None
        if recording is None or recording.id != stream.active_asset_id:
            recording = await self._client.get_asset(stream.active_asset_id)
        found = replay_range(recording, length_ms)
        urls = self.instant_urls(stream, recording, found)
        wall = time.strftime("%H:%M:%S", time.localtime(self._now()))
        options = replace(options or ClipOptions(), title=title or replay_title(stream, wall))
        request = ClipRequest(recording.id, found.start_ms, found.end_ms, options, source=recording)
        self._jobs.make_job(request)  # checked now by the rules every clip meets: refused before anything is said
        return ReplayPlan(stream, recording, found, request,
                          urls.get("program_instant_url") or urls.get("instant_url"), urls)

    async def stream_id(self, ref: SourceRef) -> str:
        """The live stream a producer named: its id, or its playback id (alone or in a stream.mux.com URL), as
        pasted from wherever they had it. :class:`ReplayRefusal` when it names something else (an asset)."""
        if ref.kind == "id":
            try:
                return (await self._client.get_live_stream(ref.value)).id
            except NotFoundError:
                pass  # perhaps the stream's playback id
        try:
            target = await self._client.resolve_playback_id(ref.value)
        except NotFoundError:
            raise ReplayRefusal(f"No live stream {ref.value} in this environment (nor a playback id of one): it may "
                                "belong to another environment. 'muxclipper live-streams' lists this one's streams "
                                "with their ids.") from None
        if target.object_type != "live_stream":
            raise ReplayRefusal(f"{ref.value} is a playback id of an asset, not of a live stream: a replay takes the "
                                f"last seconds of a live stream. To clip the asset, 'muxclipper clip {ref.value} "
                                "--start … --end …'.")
        return target.object_id

    def instant_urls(self, stream: LiveStream, recording: Asset, found: ReplayRange) -> dict[str, str]:
        """By program time on the stream's playback id, and by asset time on the recording's: each on a public id,
        else on a signed one when the environment has a signing key (the range then rides in the token's claims, as
        Mux requires; the token lasts as long as the URL builder's tokens do)."""
        urls: dict[str, str] = {}
        span = program_range_ms(recording.recording_times, found.start_ms, found.end_ms)
        on_stream = self._playable(stream.playback_ids)
        if on_stream is not None and span is not None:
            urls["program_instant_url"] = self._urls.instant_clip_program(on_stream.id, *span, on_stream.policy)
        on_recording = self._playable(recording.playback_ids)
        if on_recording is not None:
            urls["instant_url"] = self._urls.instant_clip(on_recording.id, found.start_ms, found.end_ms,
                                                          on_recording.policy)
        return urls

    def _playable(self, ids: tuple[PlaybackId, ...]) -> PlaybackId | None:
        public = next((p for p in ids if p.policy == "public"), None)
        if public is not None or self._urls.signing_key is None:
            return public
        return next((p for p in ids if p.policy == "signed"), None)

    def submit(self, plan: ReplayPlan) -> ClipJob:
        """The exact clip of ``plan``, saved and queued (sent at the POST budget, created exactly once)."""
        [job] = self._jobs.submit([plan.request])
        return job
