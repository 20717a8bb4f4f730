"""A live stream broadcasting real media: the recording grows segment by segment and finalises."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.emulator import EmulatorServer
from tests.emulator.helpers import RW, emulator_process
from tests.emulator.media_helpers import frame_indexes, wait_settled, wait_until


def _durations(playlist: str) -> list[float]:
    return [float(d) for d in re.findall(r"#EXTINF:([\d.]+),", playlist)]


def test_recording_grows_then_finalises(media_server: EmulatorServer, media_api: httpx.Client,
                                        stamped_source: dict[str, Any], tmp_path: Path, frozen_clock: None) -> None:
    stream = media_api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    live_pid = stream["playback_ids"][0]["id"]
    assert httpx.get(f"{media_server.stream_url}/{live_pid}.m3u8").status_code == 412  # not active yet
    started = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                             json={"source_asset_id": stamped_source["id"]})
    assert started.status_code == 201
    recording = started.json()["data"]
    rec_pid = recording["playback_ids"][0]["id"]
    media_api.post("/_emulator/clock/advance", json={"seconds": 5})
    growing = media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"]
    assert growing["is_live"] is True and growing["duration"] == 4.0  # two whole 2 s segments
    event = httpx.get(f"{media_server.stream_url}/{rec_pid}/rendition.m3u8").text
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in event and "#EXT-X-ENDLIST" not in event
    assert sum(_durations(event)) == 4.0
    media_api.post("/_emulator/clock/advance", json={"seconds": 4})
    edge = httpx.get(f"{media_server.stream_url}/{live_pid}/rendition.m3u8").text
    assert re.search(r"#EXT-X-MEDIA-SEQUENCE:1\b", edge) and len(_durations(edge)) == 3  # a sliding window
    assert "#EXT-X-PLAYLIST-TYPE" not in edge
    # The live-replay trim: clip the recording while it still runs, without an end.
    response = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": f"mux://assets/{recording['id']}", "start_time": 1.0}],
        "playback_policies": ["public"], "static_renditions": [{"resolution": "highest"}]})
    assert response.status_code == 201
    clip = wait_settled(media_api, response.json()["data"]["id"])
    assert clip["status"] == "ready" and clip["duration"] == 7.0  # 1 s to the 8 s recorded so far
    download = tmp_path / "clip.mp4"
    download.write_bytes(httpx.get(f"{media_server.stream_url}/{clip['playback_ids'][0]['id']}/highest.mp4").content)
    assert frame_indexes(download, first=1, last=1) == ([25], [199], 175)
    assert media_api.put(f"/video/v1/live-streams/{stream['id']}/complete").status_code == 200
    final = media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"]
    assert final["status"] == "ready" and final["is_live"] is False and final["duration"] == 8.0
    vod = httpx.get(f"{media_server.stream_url}/{rec_pid}/rendition.m3u8").text
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in vod and vod.rstrip().endswith("#EXT-X-ENDLIST")
    assert sum(_durations(vod)) == 8.0
    assert httpx.get(f"{media_server.stream_url}/{live_pid}.m3u8").status_code == 412


def test_recording_ends_when_the_source_runs_out(media_server: EmulatorServer, media_api: httpx.Client,
                                                 stamped_source: dict[str, Any]) -> None:
    stream = media_api.post("/video/v1/live-streams", json={"new_asset_settings": {"playback_policies": ["public"]}})
    stream_id = stream.json()["data"]["id"]
    recording = media_api.post(f"/_emulator/live-streams/{stream_id}/start",
                               json={"source_asset_id": stamped_source["id"], "length": 600}).json()["data"]
    media_api.post("/_emulator/clock/advance", json={"seconds": 60})
    final = media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"]
    assert final["status"] == "ready" and final["duration"] == 12.0
    assert media_api.get(f"/video/v1/live-streams/{stream_id}").json()["data"]["recent_asset_ids"] == [recording["id"]]


def test_a_looping_stream_broadcasts_again_with_a_fresh_recording(
        media_server: EmulatorServer, media_api: httpx.Client, stamped_source: dict[str, Any]) -> None:
    # Seen in the demo: the "live now" re-run ended ~4 minutes after the first start and never came back.
    stream = media_api.post("/video/v1/live-streams", json={"new_asset_settings": {"playback_policies": ["public"]}})
    stream_id = stream.json()["data"]["id"]
    media_api.post(f"/_emulator/live-streams/{stream_id}/loop", json={"source_asset_id": stamped_source["id"]})
    first = media_api.get(f"/video/v1/live-streams/{stream_id}").json()["data"]
    assert first["status"] == "active" and first["active_asset_id"]
    media_api.post("/_emulator/clock/advance", json={"seconds": 13})  # the 12 s source ran out
    between = media_api.get(f"/video/v1/live-streams/{stream_id}").json()["data"]
    assert between["status"] == "idle" and between["recent_asset_ids"] == [first["active_asset_id"]]
    media_api.post("/_emulator/clock/advance", json={"seconds": 6})  # a reconnect's few seconds later
    second = media_api.get(f"/video/v1/live-streams/{stream_id}").json()["data"]
    assert second["status"] == "active" and second["active_asset_id"] not in (None, first["active_asset_id"])
    recording = media_api.get(f"/video/v1/assets/{second['active_asset_id']}").json()["data"]
    assert recording["is_live"] and recording["status"] == "preparing"
    media_api.delete(f"/video/v1/live-streams/{stream_id}")  # no more broadcasts in this shared emulator


def test_a_source_without_media_cannot_broadcast(media_api: httpx.Client) -> None:
    [seeded] = media_api.post("/_emulator/seed", json={"assets": [{}]}).json()["data"]["assets"]
    stream_id = media_api.post("/video/v1/live-streams", json={}).json()["data"]["id"]
    response = media_api.post(f"/_emulator/live-streams/{stream_id}/start", json={"source_asset_id": seeded})
    assert response.status_code == 400 and "no media" in response.json()["error"]["messages"][0]


@pytest.mark.slow
def test_processing_resumes_after_a_kill(tmp_path: Path) -> None:
    """kill -9 while ffmpeg works; the next run finishes the asset instead of leaving it preparing."""
    # A minute of pictures: ffmpeg is still writing when the kill comes (it is sent within 50 ms of the file's first
    # bytes, and the minute takes over a second on two idle cores); the ffmpeg left behind then makes the rest alone.
    with emulator_process(tmp_path) as (process, url), httpx.Client(base_url=url, auth=RW, timeout=10) as api:
        created = api.post("/video/v1/assets", json={
            "inputs": [{"url": "emulator://generated?duration=60&width=320&height=180"}]}).json()["data"]
        wait_until(lambda: list((tmp_path / "media" / "generated").glob("*.tmp.mp4")), 30,
                   "ffmpeg to start writing")
        os.kill(process.pid, signal.SIGKILL)
    with emulator_process(tmp_path) as (process, url), httpx.Client(base_url=url, auth=RW, timeout=10) as api:
        assert api.get(f"/video/v1/assets/{created['id']}").json()["data"]["status"] == "preparing"
        final = wait_settled(api, created["id"], timeout=50)
    assert final["status"] == "ready" and final["duration"] == 60.0
