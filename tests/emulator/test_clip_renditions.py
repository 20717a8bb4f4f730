"""Static renditions of a clip, made for real: what the client sends, what the clip's asset reports, and the files
the stream host serves (an audio-only M4A with no picture, MP4s of the asked height, none taller than the source)."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from muxclipper.core.models import ClipOptions, ClipRequest
from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import ffmpeg
from muxclipper.mux.client import MuxClient
from muxclipper.mux.urls import PlaybackUrls
from tests.emulator.media_helpers import wait_settled
from tests.mux.conftest import make_client

pytestmark = pytest.mark.asyncio
#: 720 lines, so that 720p is made at the source's height, 360p scaled down and 1080p skipped; short and plain.
SOURCE_720 = "emulator://generated?duration=3&fps=25&width=1280&height=720"


@pytest.fixture(scope="module")
def source_720(media_api: httpx.Client) -> dict[str, Any]:
    response = media_api.post("/video/v1/assets", json={"inputs": [{"url": SOURCE_720}],
                                                        "playback_policies": ["public"]})
    assert response.status_code == 201, response.text
    asset = wait_settled(media_api, response.json()["data"]["id"])
    assert asset["status"] == "ready", asset
    return asset


@pytest_asyncio.fixture
async def media_client(media_server: EmulatorServer) -> AsyncIterator[MuxClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0)) as http:
        yield make_client(http, media_server.url)


async def test_each_asked_rendition_is_made_and_served(media_server: EmulatorServer, media_api: httpx.Client,
                                                       media_client: MuxClient, source_720: dict[str, Any],
                                                       tmp_path: Path) -> None:
    options = ClipOptions(renditions=("highest", "audio-only", "1080p", "720p", "360p"), title="Podcast cut")
    clip = await media_client.create_clip(ClipRequest(source_720["id"], 500, 2_500, options), passthrough="t")
    # What Mux received (the request log), and what it reports back: each asked rendition, in the order asked.
    [sent] = [r["body"] for r in media_api.get("/_emulator/requests", params={"method": "POST"}).json()["data"]
              if r["path"] == "/video/v1/assets" and (r["body"] or {}).get("meta", {}).get("title") == "Podcast cut"]
    assert sent["static_renditions"] == [{"resolution": r} for r in ("highest", "audio-only", "1080p", "720p", "360p")]
    assert [r.resolution for r in clip.static_renditions] == ["highest", "audio-only", "1080p", "720p", "360p"]
    done = wait_settled(media_api, clip.id)
    assert done["status"] == "ready", done
    files = {f["resolution"]: f for f in done["static_renditions"]["files"]}
    assert {r: f["status"] for r, f in files.items()} == {
        "highest": "ready", "audio-only": "ready", "1080p": "skipped", "720p": "ready", "360p": "ready"}
    assert files["audio-only"]["name"] == "audio.m4a" and files["audio-only"]["ext"] == "m4a"
    assert (files["720p"]["name"], files["720p"]["ext"]) == ("720p.mp4", "mp4")

    [public] = [p["id"] for p in done["playback_ids"] if p["policy"] == "public"]
    urls = PlaybackUrls(media_client.endpoints)

    def fetched(resolution: str) -> Path:
        response = httpx.get(urls.rendition(public, resolution), timeout=10)
        assert response.status_code == 200, (resolution, response.text)
        assert int(files[resolution]["filesize"]) == len(response.content)
        path: Path = tmp_path / str(files[resolution]["name"])
        path.write_bytes(response.content)
        return path

    audio = fetched("audio-only")
    with pytest.raises(ffmpeg.FfmpegError, match="no video stream"):
        ffmpeg.probe(audio)  # an M4A: sound only, no picture
    decoded = subprocess.run([ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(audio), "-f", "null", "-"],
                             capture_output=True, text=True, timeout=30, env=ffmpeg.child_env())
    assert decoded.returncode == 0 and "Audio: aac" in decoded.stderr and "Video:" not in decoded.stderr
    assert ffmpeg.probe(fetched("720p")).height == 720
    small = ffmpeg.probe(fetched("360p"))
    assert (small.width, small.height) == (640, 360)
    assert round(small.duration, 1) == 2.0
    skipped = httpx.get(urls.rendition(public, "1080p"), timeout=10)
    assert skipped.status_code == 404  # skipped: never made, never served

