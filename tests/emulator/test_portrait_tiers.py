"""Portrait video and resolution tiers: a tier is named after a 16:9 picture's height, so a portrait picture is
judged by its shorter side (its width), as muxclipper's own "as the source" does (core/resolution.py). A phone's
1080x1920 video is 1080p, a 2160x3840 one capped at 1080p comes out 1080x1920, and a 720p MP4 of a portrait video is
720 wide: the emulator and the client agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.core.resolution import source_cap, source_tier
from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import ffmpeg
from muxclipper.mux.wire import asset_from_wire
from tests.emulator.helpers import Emu
from tests.emulator.media_helpers import wait_settled

#: Taller than 1080p on its shorter side (1200 wide): Mux would store it at 1080p unless asked for more. Five frames.
PORTRAIT_SOURCE = "emulator://generated?duration=1&fps=5&width=1200&height=2000&audio=false&label=PHONE"


def _video(asset: dict[str, Any]) -> tuple[int, int]:
    [video] = [t for t in asset["tracks"] if t["type"] == "video"]
    return video["max_width"], video["max_height"]


def test_a_portrait_video_is_judged_by_its_shorter_side(emu: Emu) -> None:
    phone, uhd = emu.seed({"width": 1080, "height": 1920, "duration": 30.0},
                          {"width": 2160, "height": 3840, "duration": 30.0})
    reported = emu.asset(phone)
    assert (reported["resolution_tier"], reported["max_stored_resolution"]) == ("1080p", "FHD")
    # What muxclipper works out itself (before Mux says) is what the emulator says.
    unsaid = asset_from_wire({**reported, "resolution_tier": None})
    assert source_tier(unsaid) == reported["resolution_tier"]
    assert emu.asset(uhd)["resolution_tier"] == "2160p"
    assert source_cap(asset_from_wire(emu.asset(uhd))) == "2160p"

    clip = emu.create_clip(uhd, 1, 5, max_resolution_tier="1080p").json()["data"]
    emu.ctl("POST", f"assets/{clip['id']}/finish")
    capped = emu.asset(clip["id"])
    assert _video(capped) == (1080, 1920)  # the tier's size on the shorter side, proportions kept
    assert capped["resolution_tier"] == "1080p"


@pytest.fixture(scope="module")
def portrait(media_api: httpx.Client) -> dict[str, Any]:
    response = media_api.post("/video/v1/assets", json={"inputs": [{"url": PORTRAIT_SOURCE}],
                                                        "playback_policies": ["public"]})
    assert response.status_code == 201, response.text
    asset = wait_settled(media_api, response.json()["data"]["id"], timeout=90)
    assert asset["status"] == "ready", asset
    return asset


def _download(server: EmulatorServer, asset: dict[str, Any], name: str, tmp_path: Path) -> tuple[int, int]:
    response = httpx.get(f"{server.stream_url}/{asset['playback_ids'][0]['id']}/{name}", timeout=30)
    assert response.status_code == 200, name
    path = tmp_path / f"{asset['id']}-{name}"
    path.write_bytes(response.content)
    info = ffmpeg.probe(str(path))
    return info.width, info.height


def test_real_media_of_a_portrait_video(media_server: EmulatorServer, media_api: httpx.Client,
                                        portrait: dict[str, Any], tmp_path: Path) -> None:
    # Stored at 1080p: 1080 wide, not 1080 high (648x1080 would be a 720p-tier picture).
    assert (_video(portrait), portrait["resolution_tier"]) == ((1080, 1800), "1080p")
    response = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": f"mux://assets/{portrait['id']}", "start_time": 0.2, "end_time": 0.8}],
        "playback_policies": ["public"],
        "static_renditions": [{"resolution": "highest"}, {"resolution": "720p"}, {"resolution": "1080p"}]})
    assert response.status_code == 201, response.text
    clip = wait_settled(media_api, response.json()["data"]["id"], timeout=90)
    assert clip["status"] == "ready", clip
    files = {f["resolution"]: f for f in clip["static_renditions"]["files"]}
    assert (files["720p"]["status"], files["720p"]["width"], files["720p"]["height"]) == ("ready", 720, 1200)
    assert files["720p"]["resolution_tier"] == "720p"
    assert files["1080p"]["status"] == "ready" and files["1080p"]["resolution_tier"] == "1080p"
    assert _download(media_server, clip, "720p.mp4", tmp_path) == (720, 1200)
    assert _download(media_server, clip, "highest.mp4", tmp_path) == (1080, 1800)
