"""Clips are cut frame-exactly from real media: proved by the frame index stamped on every frame."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import ffmpeg, webvtt
from muxclipper.emulator.media.pipeline import frame_range
from tests.emulator.media_helpers import frame_indexes, wait_settled

FPS = 25
FRAMES = 12 * FPS


def _clip(api: httpx.Client, source_id: str, start: float | None, end: float | None) -> dict[str, Any]:
    item: dict[str, Any] = {"url": f"mux://assets/{source_id}"}
    if start is not None:
        item["start_time"] = start
    if end is not None:
        item["end_time"] = end
    response = api.post("/video/v1/assets", json={"inputs": [item], "playback_policies": ["public"],
                                                  "static_renditions": [{"resolution": "highest"}]})
    assert response.status_code == 201, response.text
    clip = wait_settled(api, response.json()["data"]["id"])
    assert clip["status"] == "ready", clip
    return clip


def _master_file(server: EmulatorServer, clip: dict[str, Any], tmp_path: Path) -> Path:
    """Download the clip's MP4 rendition, as a user would, and decode that."""
    pid = clip["playback_ids"][0]["id"]
    path = tmp_path / f"{clip['id']}.mp4"
    response = httpx.get(f"{server.stream_url}/{pid}/highest.mp4", timeout=30)
    assert response.status_code == 200
    path.write_bytes(response.content)
    return path


@pytest.mark.parametrize(("start", "end", "first", "stop"), [
    (0.0, 12.0, 0, 300),       # the whole source
    (2.0, 9.0, 50, 225),       # on frame boundaries
    (2.02, 2.58, 51, 65),      # half-way between frames rounds up, at both ends
    (3.013, 7.987, 75, 200),   # just off frame boundaries rounds to the nearest
    (11.0, 12.0, 275, 300),    # at the very end
    (0.0, 0.5, 0, 13),         # the shortest clip Mux allows
    (None, 1.0, 0, 25),        # start defaults to 0
    (10.5, None, 263, 300),    # end defaults to the source's end
])
def test_clip_starts_on_the_requested_frame_and_lasts_exactly(
        media_server: EmulatorServer, media_api: httpx.Client, stamped_source: dict[str, Any], tmp_path: Path,
        start: float | None, end: float | None, first: int, stop: int) -> None:
    assert frame_range(start or 0.0, 12.0 if end is None else end, ffmpeg.exact_rate(FPS), FRAMES) == (first, stop)
    clip = _clip(media_api, stamped_source["id"], start, end)
    head, tail, count = frame_indexes(_master_file(media_server, clip, tmp_path), first=2, last=2)
    assert head == [first, first + 1]
    assert tail == [stop - 2, stop - 1]
    assert count == stop - first
    assert clip["duration"] == pytest.approx((stop - first) / FPS, abs=1e-6)
    requested = (12.0 if end is None else end) - (start or 0.0)
    assert abs(clip["duration"] - requested) <= 1 / FPS


def test_clip_of_a_clip_counts_from_the_clip(media_server: EmulatorServer, media_api: httpx.Client,
                                             stamped_source: dict[str, Any], tmp_path: Path) -> None:
    outer = _clip(media_api, stamped_source["id"], 2.0, 9.0)
    inner = _clip(media_api, outer["id"], 1.0, 3.0)
    head, tail, count = frame_indexes(_master_file(media_server, inner, tmp_path), first=1, last=1)
    assert (head, tail, count) == ([75], [124], 50)


def test_audio_stays_in_sync(media_server: EmulatorServer, media_api: httpx.Client,
                             stamped_source: dict[str, Any], tmp_path: Path) -> None:
    # The source is silent during its 1 s preroll slate; a clip from 0.6 s hears the tone from 0.4 s.
    clip = _clip(media_api, stamped_source["id"], 0.6, 3.0)
    path = _master_file(media_server, clip, tmp_path)
    result = subprocess.run([ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-af",
                             "silencedetect=noise=-40dB:d=0.1", "-f", "null", "-"],
                            capture_output=True, text=True, timeout=60)
    silence_end = re.search(r"silence_end: ([\d.]+)", result.stderr)
    assert silence_end is not None, result.stderr
    assert float(silence_end.group(1)) == pytest.approx(0.4, abs=0.025)
    assert ffmpeg.probe(path).duration == pytest.approx(2.4, abs=1 / FPS)


def test_captions_are_trimmed_and_shifted(media_server: EmulatorServer, media_api: httpx.Client,
                                          stamped_source: dict[str, Any]) -> None:
    clip = _clip(media_api, stamped_source["id"], 2.0, 9.0)
    [track] = [t for t in clip["tracks"] if t["type"] == "text"]
    assert (track["language_code"], track["status"]) == ("en", "ready")
    pid = clip["playback_ids"][0]["id"]
    text = httpx.get(f"{media_server.stream_url}/{pid}/text/{track['id']}.vtt", timeout=10).text
    cues = webvtt.parse(text)
    assert [(c.start, c.end, c.text.split(" · ")[0]) for c in cues] == [
        (0.0, 1.0, "Caption 1"), (2.0, 5.0, "Caption 2"), (6.0, 7.0, "Caption 3")]


def test_a_broken_input_ends_errored(media_api: httpx.Client, tmp_path: Path) -> None:
    for url in (f"file://{tmp_path}/missing.mp4", "emulator://generated?colour=red"):
        response = media_api.post("/video/v1/assets", json={"inputs": [{"url": url}]})
        asset = wait_settled(media_api, response.json()["data"]["id"])
        assert asset["status"] == "errored"
        assert asset["errors"]["type"] == "invalid_input" and asset["errors"]["messages"]
        assert asset["progress"] == {"state": "errored", "progress": -1}
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"not a video" * 100)
    response = media_api.post("/video/v1/assets", json={"inputs": [{"url": garbage.as_uri()}]})
    assert wait_settled(media_api, response.json()["data"]["id"])["status"] == "errored"


def test_ingest_over_http_with_an_uploaded_text_track(media_server: EmulatorServer, media_api: httpx.Client,
                                                      stamped_source: dict[str, Any], tmp_path: Path) -> None:
    pid = stamped_source["playback_ids"][0]["id"]
    subtitles = tmp_path / "de.srt"
    subtitles.write_text("1\n00:00:01,000 --> 00:00:02,500\nHallo\n\n2\n00:00:05,000 --> 00:00:06,000\nWelt\n")
    response = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": f"{media_server.stream_url}/{pid}/highest.mp4"},
                   {"url": subtitles.as_uri(), "type": "text", "text_type": "subtitles",
                    "language_code": "de", "name": "Deutsch"}],
        "playback_policies": ["public"]})
    asset = wait_settled(media_api, response.json()["data"]["id"])
    assert asset["status"] == "ready"
    assert asset["duration"] == 12.0 and asset["max_stored_frame_rate"] == 25.0
    languages = [t["language_code"] for t in asset["tracks"] if t["type"] == "text"]
    assert languages == ["de"]  # the MP4 carries no captions; only the uploaded track
    [german] = [t for t in asset["tracks"] if t.get("language_code") == "de"]
    new_pid = asset["playback_ids"][0]["id"]
    cues = webvtt.parse(httpx.get(f"{media_server.stream_url}/{new_pid}/text/{german['id']}.vtt").text)
    assert [(c.start, c.end, c.text) for c in cues] == [(1.0, 2.5, "Hallo"), (5.0, 6.0, "Welt")]


def test_progress_is_reported_while_processing(media_api: httpx.Client) -> None:
    response = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": "emulator://generated?duration=5&width=160&height=90"}]})
    created = response.json()["data"]
    assert created["progress"]["state"] in ("ingesting", "transcoding")
    final = wait_settled(media_api, created["id"])
    assert final["progress"] == {"state": "completed", "progress": 100}
