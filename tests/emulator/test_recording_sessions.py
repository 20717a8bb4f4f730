"""Encoder disconnects on a live stream: Mux's recording_times sessions, and slate frames in the recording."""

from __future__ import annotations

import math
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import ffmpeg, stamp
from tests.emulator.media_helpers import wait_settled, wait_until


def _stream(api: httpx.Client, **settings: Any) -> dict[str, Any]:
    body = {"playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]}, **settings}
    response = api.post("/video/v1/live-streams", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def _advance(api: httpx.Client, seconds: float) -> None:
    assert api.post("/_emulator/clock/advance", json={"seconds": seconds}).status_code == 200


def _freeze_clock(api: httpx.Client) -> None:
    assert api.post("/_emulator/clock/freeze", json={"frozen": True}).status_code == 200


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _first_times(server: EmulatorServer, pid: str, index: int, tmp_path: Path) -> tuple[int, int]:
    """The decoding and presentation times (90 kHz) of segment ``index``'s first video packet, as a player reads
    them."""
    segment = tmp_path / f"{pid}-{index}.ts"
    segment.write_bytes(httpx.get(f"{server.stream_url}/{pid}/seg_{index:05d}.ts").content)
    packets = subprocess.run([ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-copyts", "-i",
                              str(segment), "-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-"],
                             capture_output=True, text=True, timeout=60, check=True).stdout
    first = next(line.split(",") for line in packets.splitlines() if line.startswith("0,"))
    return int(first[1]), int(first[2])


def _is_slate(rgb: bytes, width: int, height: int) -> bool:
    """The slate's dark red fills the middle left of the picture (the programme there is colour bars)."""
    x, y = width // 10, height * 3 // 4
    r, g, b = rgb[(y * width + x) * 3:(y * width + x) * 3 + 3]
    return r > 55 and g < 45 and b < 45


@pytest.fixture(scope="module", params=["live", "test"])
def broadcast_source(media_api: httpx.Client, request: pytest.FixtureRequest) -> dict[str, Any]:
    """A 40 s stamped programme to broadcast: room for the slate to be burnt in while the recording is live, even
    on a busy machine. From a live encoder (2 B-frames, as encoders in the field send), and from one without
    B-frames."""
    response = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": f"emulator://generated?duration=40&fps=25&width=320&height=180&label=LIVE"
                            f"&encoder={request.param}"}],
        "playback_policies": ["public"]})
    asset = wait_settled(media_api, response.json()["data"]["id"])
    assert asset["status"] == "ready", asset
    return asset


def test_slate_sessions_and_slate_frames(media_server: EmulatorServer, media_api: httpx.Client,
                                         broadcast_source: dict[str, Any], frozen_clock: None,
                                         tmp_path: Path) -> None:
    stream = _stream(media_api, latency_mode="reduced", reconnect_window=30)
    recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                               json={"source_asset_id": broadcast_source["id"]}).json()["data"]
    _advance(media_api, 2)
    pid = recording["playback_ids"][0]["id"]
    first_segment = httpx.get(f"{media_server.stream_url}/{pid}/seg_00000.ts").content
    away = media_api.post(f"/_emulator/live-streams/{stream['id']}/disconnect")
    assert away.status_code == 200, away.text
    assert media_api.post(f"/_emulator/live-streams/{stream['id']}/disconnect").status_code == 409
    _advance(media_api, 2)
    assert media_api.post(f"/_emulator/live-streams/{stream['id']}/reconnect").status_code == 200
    # Still live (the source has 36 s to go), the recording's pictures show the slate where it was, once it
    # is burnt in (in the background), and the programme elsewhere.

    def picture_at(seconds: float) -> tuple[int, bool]:
        still = tmp_path / f"at-{seconds}-{time.monotonic_ns()}.png"
        response = httpx.get(f"{media_server.image_url}/{pid}/thumbnail.png?time={seconds}")
        assert response.status_code == 200, response.text
        still.write_bytes(response.content)
        width, height, [frame] = ffmpeg.read_frames_rgb(still)
        return stamp.read_index(frame, width, height), _is_slate(frame, width, height)

    assert wait_until(lambda: picture_at(3.0) == (75, True), 20, "the slate in the live recording's pictures")
    assert picture_at(1.0) == (25, False)
    # A segment a player already has never changes (seen: a player that had the programme's first segments sought
    # 2 s off once the recording's media was re-encoded under it).
    assert httpx.get(f"{media_server.stream_url}/{pid}/seg_00000.ts").content == first_segment
    live = media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"]
    assert live["is_live"] is True  # (the new content session is listed once a segment of it is recorded)
    assert [t["type"] for t in live["recording_times"]][:2] == ["content", "slate"]
    _advance(media_api, 6)
    media_api.put(f"/video/v1/live-streams/{stream['id']}/complete")
    asset = wait_settled(media_api, recording["id"])
    # 10 s on the emulator's clock, which nothing else moved: five whole 2 s segments.
    assert asset["status"] == "ready" and asset["duration"] == 10.0
    times = asset["recording_times"]
    assert [t["type"] for t in times] == ["content", "slate", "content"]
    assert [t["duration"] for t in times] == pytest.approx([2.0, 2.0, 6.0], abs=1e-6)
    starts = [_epoch(t["started_at"]) for t in times]
    assert [starts[1] - starts[0], starts[2] - starts[1]] == pytest.approx([2.0, 2.0], abs=0.002)
    # The recording's own media: the frames of the slate session (about 50 to 99 at 25 fps) are the slate,
    # stamped with their index like every other frame.
    slate_start = times[0]["duration"]
    slate_frames = list(range(math.ceil(slate_start * 25), math.ceil((slate_start + times[1]["duration"]) * 25)))
    video = tmp_path / "recording.mp4"
    for index in (0, 1, 2, 3, 4):
        segment = httpx.get(f"{media_server.stream_url}/{pid}/seg_{index:05d}.ts")
        assert segment.status_code == 200
        with video.open("ab") as out:
            out.write(segment.content)
    assert httpx.get(f"{media_server.stream_url}/{pid}/seg_00000.ts").content == first_segment
    width, height, frames = ffmpeg.read_frames_rgb(video, frames=250)
    seen = {stamp.read_index(f, width, height): _is_slate(f, width, height) for f in frames}
    assert sorted(seen) == list(range(250))
    assert [i for i, slate in seen.items() if slate] == slate_frames
    # The re-encoded segments (the slate's) start when the broadcast's own do, B-frames or not: a player numbers
    # their frames from their timestamps (without B-frames against a live encoder's, the slate's started 1.5 frames
    # early).
    source_pid = broadcast_source["playback_ids"][0]["id"]
    for index in (0, 1, 2, 3, 4):
        assert _first_times(media_server, pid, index, tmp_path) == \
            _first_times(media_server, source_pid, index, tmp_path), index
    # The stream turned idle; the recording is one of its recent ones.
    idle = media_api.get(f"/video/v1/live-streams/{stream['id']}").json()["data"]
    assert idle["status"] == "idle" and recording["id"] in idle["recent_asset_ids"]


def test_standard_latency_has_no_slate_and_pauses(media_api: httpx.Client, frozen_clock: None) -> None:
    stream = _stream(media_api)  # standard latency: Mux inserts no slate unless asked
    recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start", json={"length": 60}).json()["data"]
    _advance(media_api, 5)
    media_api.post(f"/_emulator/live-streams/{stream['id']}/disconnect")
    _advance(media_api, 20)
    media_api.post(f"/_emulator/live-streams/{stream['id']}/reconnect")
    _advance(media_api, 3)
    asset = media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"]
    assert asset["duration"] == pytest.approx(8.0, abs=1e-6)  # the 20 s away recorded nothing
    times = asset["recording_times"]
    assert [t["type"] for t in times] == ["content", "content"]
    assert [t["duration"] for t in times] == pytest.approx([5.0, 3.0], abs=1e-6)
    assert _epoch(times[1]["started_at"]) - _epoch(times[0]["started_at"]) == pytest.approx(25.0, abs=0.002)
    media_api.put(f"/video/v1/live-streams/{stream['id']}/complete")


def test_reconnect_window_expiring_completes_the_recording(media_api: httpx.Client, frozen_clock: None) -> None:
    stream = _stream(media_api, use_slate_for_standard_latency=True, reconnect_window=10)
    assert stream["use_slate_for_standard_latency"] is True
    recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start", json={"length": 60}).json()["data"]
    _advance(media_api, 6)
    media_api.post(f"/_emulator/live-streams/{stream['id']}/disconnect")
    _advance(media_api, 11)
    asset = media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"]
    assert asset["status"] == "ready" and asset["is_live"] is False
    assert asset["duration"] == pytest.approx(16.0, abs=1e-6)  # ends when the window does
    times = asset["recording_times"]
    assert [t["type"] for t in times] == ["content", "slate"]
    assert [t["duration"] for t in times] == pytest.approx([6.0, 10.0], abs=1e-6)
    assert media_api.get(f"/video/v1/live-streams/{stream['id']}").json()["data"]["status"] == "idle"
    assert media_api.post(f"/_emulator/live-streams/{stream['id']}/reconnect").status_code == 409


def test_an_outage_survives_a_restart(tmp_path: Path) -> None:
    from muxclipper.emulator import EmulatorConfig, Token
    from tests.emulator.helpers import RW

    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, data_dir=tmp_path, media=False)
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=RW) as api:
        _freeze_clock(api)
        stream = _stream(api, latency_mode="low", reconnect_window=300)
        recording = api.post(f"/_emulator/live-streams/{stream['id']}/start", json={"length": 600}).json()["data"]
        api.post(f"/_emulator/live-streams/{stream['id']}/disconnect")
    # (The clock's offset is not kept across a restart: the restarted emulator reads real time, later than the
    # stopped clock stood, then is stopped again and moves only as told.)
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=RW) as api:
        _freeze_clock(api)
        _advance(api, 4)
        assert api.post(f"/_emulator/live-streams/{stream['id']}/reconnect").status_code == 200
        _advance(api, 3)
        asset = api.get(f"/video/v1/assets/{recording['id']}").json()["data"]
        assert asset["is_live"] is True
        times = asset["recording_times"]
        assert [t["type"] for t in times] == ["content", "slate", "content"]
        # The slate lasted the 4 s advanced plus the restart's real time (however long that took); then 3 s exactly.
        slate, content = times[1]["duration"], times[2]["duration"]
        assert slate >= 4.0 and content == pytest.approx(3.0, abs=1e-6)
        assert slate == pytest.approx(_epoch(times[2]["started_at"]) - _epoch(times[1]["started_at"]), abs=0.002)
