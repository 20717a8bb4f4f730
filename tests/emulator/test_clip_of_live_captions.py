"""A clip of a live recording with generated captions carries them, as Mux copies a source's text tracks into its
clips: the interim ``generated_live`` track and the ``generated_live_final`` one (preparing while the recording's is,
ready when it is), cut to the clip; the editor shows one of them, never both, as for the recording itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from muxclipper.core.caption_choice import captions_fact, shown_track
from muxclipper.emulator import EmulatorServer
from muxclipper.mux.endpoints import Endpoints
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.mux.wire import asset_from_wire
from muxclipper.services.pictures import PictureService
from tests.emulator.media_helpers import wait_settled


@pytest_asyncio.fixture
async def pictures(media_server: EmulatorServer) -> AsyncIterator[PictureService]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield PictureService(http, PlaybackUrls(Endpoints.for_origin(media_server.url)))


def _texts(asset: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {t["text_source"]: (t["id"], t["status"]) for t in asset["tracks"] if t["type"] == "text"}


@pytest.mark.asyncio
async def test_a_clip_of_a_recording_carries_its_live_captions(media_server: EmulatorServer, media_api: httpx.Client,
                                                               stamped_source: dict[str, Any],
                                                               pictures: PictureService) -> None:
    stream = media_api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
        "generated_subtitles": [{"language_code": "en", "name": "English CC (ASR)"}]}).json()["data"]
    recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                               json={"source_asset_id": stamped_source["id"]}).json()["data"]
    media_api.post("/_emulator/clock/advance", json={"seconds": 9})
    made = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": f"mux://assets/{recording['id']}", "start_time": 2.0, "end_time": 7.0}],
        "playback_policies": ["public"]})
    assert made.status_code == 201, made.text
    clip = wait_settled(media_api, made.json()["data"]["id"], timeout=60)
    assert clip["status"] == "ready", clip

    # While the event runs: the interim captions, and the final ones still being made (nothing uploaded).
    source_tracks = _texts(media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"])
    assert _texts(clip) == {"generated_live": (source_tracks["generated_live"][0], "ready"),
                            "generated_live_final": (source_tracks["generated_live_final"][0], "preparing")}
    live = asset_from_wire(clip)
    chosen = shown_track(live.text_tracks)
    assert chosen is not None and chosen.text_source == "generated_live"
    assert captions_fact(live.text_tracks) == "English CC (ASR) (en, live; final ones after the event)"
    cues = await pictures.captions(live)
    assert cues, "the clip's captions are served"
    assert cues[0].start_ms == 0 and cues[0].text == cues[0].text.lower()  # cut to the clip, as heard live

    assert media_api.put(f"/video/v1/live-streams/{stream['id']}/complete").status_code == 200
    media_api.post("/_emulator/clock/advance", json={"seconds": 61})  # the final captions take a minute (a guess)
    final = asset_from_wire(media_api.get(f"/video/v1/assets/{clip['id']}").json()["data"])
    assert {t.text_source: t.status for t in final.text_tracks} == {"generated_live": "ready",
                                                                    "generated_live_final": "ready"}
    chosen = shown_track(final.text_tracks)
    assert chosen is not None and chosen.text_source == "generated_live_final"  # one track shown: no doubles
    assert captions_fact(final.text_tracks) == "English CC (ASR) (en)"
    cues = await pictures.captions(final)
    assert cues and cues[0].start_ms == 0 and "Caption" in cues[0].text  # as written, cut to the clip
