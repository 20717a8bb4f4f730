"""A live stream with generated captions and instant clips by program time, on real media: the recording carries
an interim ``generated_live`` track while live and a ``generated_live_final`` one a while after it ends, and the
editor's captions come from the final one once it is ready (never both); a live stream's playback id serves the
segments broadcast between two wall-clock moments."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from muxclipper.core.caption_choice import shown_track
from muxclipper.core.program_time import program_range_ms
from muxclipper.emulator import EmulatorServer
from muxclipper.mux.endpoints import Endpoints
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.mux.wire import asset_from_wire
from muxclipper.services.pictures import PictureService


@pytest_asyncio.fixture
async def pictures(media_server: EmulatorServer) -> AsyncIterator[PictureService]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield PictureService(http, PlaybackUrls(Endpoints.for_origin(media_server.url)))


def _sources(asset: dict[str, Any]) -> dict[str, str]:
    return {t["text_source"]: t["status"] for t in asset["tracks"] if t["type"] == "text"}


@pytest.mark.asyncio
async def test_live_captions_interim_then_final(media_server: EmulatorServer, media_api: httpx.Client,
                                                stamped_source: dict[str, Any], pictures: PictureService) -> None:
    stream = media_api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
        "generated_subtitles": [{"language_code": "en", "name": "English CC (ASR)"}]}).json()["data"]
    assert stream["generated_subtitles"] == [{"language_code": "en", "name": "English CC (ASR)"}]
    recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                               json={"source_asset_id": stamped_source["id"]}).json()["data"]
    media_api.post("/_emulator/clock/advance", json={"seconds": 7})

    def now() -> dict[str, Any]:
        return dict(media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"])

    live = now()
    assert _sources(live) == {"generated_live": "ready", "generated_live_final": "preparing"}
    cues = await pictures.captions(asset_from_wire(live))
    assert cues and cues[0].text.startswith("caption 1  preroll")  # the interim track, as a live recogniser writes it

    assert media_api.put(f"/video/v1/live-streams/{stream['id']}/complete").status_code == 200
    ended = now()
    assert ended["status"] == "ready" and _sources(ended)["generated_live_final"] == "preparing"
    media_api.post("/_emulator/clock/advance", json={"seconds": 61})  # the final captions take a minute (a guess)
    final = asset_from_wire(now())
    assert {t.text_source: t.status for t in final.text_tracks} == {"generated_live": "ready",
                                                                    "generated_live_final": "ready"}
    chosen = shown_track(final.text_tracks)
    assert chosen is not None and chosen.text_source == "generated_live_final"  # only the final one: no doubles
    cues = await pictures.captions(final)
    assert cues and cues[0].text.startswith("Caption 1 · PREROLL")


def test_instant_clip_by_program_time_on_the_live_stream(media_server: EmulatorServer, media_api: httpx.Client,
                                                         stamped_source: dict[str, Any]) -> None:
    stream = media_api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    live_pid = stream["playback_ids"][0]["id"]
    recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                               json={"source_asset_id": stamped_source["id"]}).json()["data"]
    media_api.post("/_emulator/clock/advance", json={"seconds": 11})
    asset = asset_from_wire(media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"])
    span = program_range_ms(asset.recording_times, 2_500, 5_000)  # what was broadcast 2.5 s to 5 s in
    assert span is not None
    urls = PlaybackUrls(Endpoints.for_origin(media_server.url))
    master = httpx.get(urls.instant_clip_program(live_pid, *span)).text
    [rendition] = [line for line in master.splitlines() if line.startswith(f"{live_pid}/rendition.m3u8")]
    playlist = httpx.get(f"{media_server.stream_url}/{rendition}").text
    # Segment-accurate: the 2–4 s and 4–6 s segments, complete (it has been broadcast), not the live edge's window.
    assert re.findall(r"seg_(\d+)\.ts", playlist) == ["00001", "00002"]
    assert "#EXT-X-ENDLIST" in playlist
    media_api.put(f"/video/v1/live-streams/{stream['id']}/complete")
