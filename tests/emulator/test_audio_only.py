"""Audio-only assets, as Mux makes them from an M4A (AAC, no picture): one audio track and no video, the
``audio-only`` tier, an HLS stream of sound alone, no pictures, and clips that are audio-only too, cut on the sample
nearest each time asked (tests/emulator/test_corpus_clips.py checks where)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import ffmpeg
from tests.emulator.media_helpers import wait_settled
from tests.support import corpus

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
ITEM = corpus.AUDIO_ITEMS[0]


@pytest.fixture(scope="module")
def audio_asset(media_api: httpx.Client) -> dict[str, Any]:
    response = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": corpus.media(ITEM).as_uri()}], "playback_policies": ["public"],
        "static_renditions": [{"resolution": "audio-only"}, {"resolution": "highest"}]})
    assert response.status_code == 201, response.text
    return wait_settled(media_api, response.json()["data"]["id"], timeout=120)


def test_an_m4a_becomes_a_ready_audio_only_asset(audio_asset: dict[str, Any]) -> None:
    assert audio_asset["status"] == "ready", audio_asset
    assert [t["type"] for t in audio_asset["tracks"]] == ["audio"]
    assert audio_asset["resolution_tier"] == "audio-only"
    assert audio_asset["max_stored_resolution"] == "Audio only"
    assert "max_stored_frame_rate" not in audio_asset and "aspect_ratio" not in audio_asset
    assert audio_asset["duration"] == pytest.approx(ITEM.seconds, abs=1e-6)  # every sample, none added
    files = {f["resolution"]: f for f in audio_asset["static_renditions"]["files"]}
    assert (files["audio-only"]["status"], files["highest"]["status"]) == ("ready", "skipped")


def test_its_stream_is_sound_alone_and_it_has_no_pictures(media_server: EmulatorServer,
                                                          audio_asset: dict[str, Any], tmp_path: Path) -> None:
    pid = audio_asset["playback_ids"][0]["id"]
    master = httpx.get(f"{media_server.stream_url}/{pid}.m3u8", timeout=10).text
    assert 'CODECS="mp4a.40.2"' in master and "RESOLUTION" not in master and "FRAME-RATE" not in master
    rendition = httpx.get(f"{media_server.stream_url}/{pid}/rendition.m3u8", timeout=10).text
    durations = [float(d) for d in re.findall(r"#EXTINF:([\d.]+),", rendition)]
    assert sum(durations) == pytest.approx(ITEM.seconds, abs=0.05) and len(durations) >= ITEM.seconds // 3
    segment = httpx.get(f"{media_server.stream_url}/{pid}/seg_00001.ts", timeout=10)
    assert segment.status_code == 200
    (tmp_path / "seg.ts").write_bytes(segment.content)
    info = ffmpeg.probe(tmp_path / "seg.ts", video_required=False)
    assert not info.has_video and info.audio_codec == "aac"
    for path in ("thumbnail.jpg", "storyboard.jpg", "storyboard.vtt", "animated.gif"):
        answer = httpx.get(f"{media_server.image_url}/{pid}/{path}", timeout=10)
        assert answer.status_code == 404 and "audio only" in answer.text, (path, answer.text)
    m4a = httpx.get(f"{media_server.stream_url}/{pid}/audio.m4a", timeout=10)
    assert m4a.status_code == 200 and len(m4a.content) > 10_000


def test_a_clip_of_it_is_audio_only(media_api: httpx.Client, audio_asset: dict[str, Any]) -> None:
    """Where it is cut, to the sample: tests/emulator/test_corpus_clips.py."""
    response = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": f"mux://assets/{audio_asset['id']}", "start_time": 3.3, "end_time": 11.65}],
        "playback_policies": ["public"]})
    assert response.status_code == 201, response.text
    clip = wait_settled(media_api, response.json()["data"]["id"], timeout=120)
    assert clip["status"] == "ready", clip
    assert [t["type"] for t in clip["tracks"]] == ["audio"] and clip["resolution_tier"] == "audio-only"
    assert clip["duration"] == pytest.approx(11.65 - 3.3, abs=1 / 48_000)


def test_a_file_with_neither_sound_nor_picture_is_refused_in_words(media_api: httpx.Client, tmp_path: Path) -> None:
    empty = tmp_path / "nothing.txt"
    empty.write_text("not media at all\n")
    response = media_api.post("/video/v1/assets", json={"inputs": [{"url": empty.as_uri()}]})
    assert response.status_code == 201, response.text
    asset = wait_settled(media_api, response.json()["data"]["id"], timeout=60)
    assert asset["status"] == "errored" and asset["errors"]["messages"], asset


def test_a_broadcast_of_sound_alone_is_recorded_as_an_audio_only_asset(media_api: httpx.Client,
                                                                       audio_asset: dict[str, Any],
                                                                       frozen_clock: None) -> None:
    """A live stream that broadcasts sound alone (as Mux's audio_only live streams record): its recording lists one
    audio track, recording and once it ends (the window opens it then; one still recording it says it cannot yet)."""
    stream = media_api.post("/video/v1/live-streams",
                            json={"new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    try:
        recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                                   json={"source_asset_id": audio_asset["id"]}).json()["data"]
        assert recording["is_live"] and [t["type"] for t in recording["tracks"]] == ["audio"], recording
        assert recording["resolution_tier"] == "audio-only"
        media_api.post("/_emulator/clock/advance", json={"seconds": ITEM.seconds + 2})
        ended = wait_settled(media_api, recording["id"], timeout=60)
        assert ended["status"] == "ready" and not ended.get("is_live"), ended
        assert [t["type"] for t in ended["tracks"]] == ["audio"] and ended["duration"] == pytest.approx(ITEM.seconds)
    finally:
        media_api.delete(f"/video/v1/live-streams/{stream['id']}")
