"""Watermarks are burnt into clips' frames where ``overlay_settings`` put them (the source's own, copied unless
``copy_overlays`` is false, and the clip's), and ``max_resolution_tier`` caps a clip's height: both seen in decoded
frames of the clip's MP4."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import ffmpeg, stamp
from tests.conftest import SMALL_SOURCE
from tests.emulator.media_helpers import wait_settled

RED, GREEN = (255, 0, 0), (0, 255, 0)
#: A 1440p source (Mux would store it at 1080p unless asked for more), short and sparse: cheap to make and cut.
SOURCE_1440 = "emulator://generated?duration=2&fps=10&width=2560&height=1440&audio=false&label=UHD"


def _image(server: EmulatorServer, color: str) -> str:
    return f"{server.url}/_emulator/images/watermark.png?color={color}&width=160&height=90"


def _ready(api: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/video/v1/assets", json={"playback_policies": ["public"],
                                                   "static_renditions": [{"resolution": "highest"}], **body})
    assert response.status_code == 201, response.text
    asset = wait_settled(api, response.json()["data"]["id"], timeout=90)
    assert asset["status"] == "ready", asset
    return asset


def _clip(api: httpx.Client, source_id: str, start: float, end: float, *extra_inputs: dict[str, Any],
          **body: Any) -> dict[str, Any]:
    inputs = [{"url": f"mux://assets/{source_id}", "start_time": start, "end_time": end}, *extra_inputs]
    return _ready(api, {"inputs": inputs, **body})


def _first_frame(server: EmulatorServer, asset: dict[str, Any], tmp_path: Path) -> tuple[int, int, bytes]:
    """The first frame of the asset's MP4, downloaded as a viewer would."""
    pid = asset["playback_ids"][0]["id"]
    path = tmp_path / f"{asset['id']}.mp4"
    response = httpx.get(f"{server.stream_url}/{pid}/highest.mp4", timeout=30)
    assert response.status_code == 200
    path.write_bytes(response.content)
    width, height, frames = ffmpeg.read_frames_rgb(path, frames=1)
    return width, height, frames[0]


def _pixel(frame: tuple[int, int, bytes], x: int, y: int) -> tuple[int, int, int]:
    width, _height, rgb = frame
    offset = (y * width + x) * 3
    return rgb[offset], rgb[offset + 1], rgb[offset + 2]


def _near(colour: tuple[int, int, int], expected: tuple[int, int, int], slack: int = 40) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(colour, expected, strict=True))


@pytest.fixture(scope="module")
def watermarked_source(media_server: EmulatorServer, media_api: httpx.Client) -> dict[str, Any]:
    """The 320x180 stamped source made again with a green watermark: middle left, a fifth of the width (64x36)."""
    return _ready(media_api, {"inputs": [
        {"url": SMALL_SOURCE},
        {"url": _image(media_server, "00ff00"),
         "overlay_settings": {"vertical_align": "middle", "horizontal_align": "left", "width": "20%"}}]})


def test_a_clip_gets_its_own_watermark_where_asked(media_server: EmulatorServer, media_api: httpx.Client,
                                                   stamped_source: dict[str, Any], tmp_path: Path) -> None:
    plain = _first_frame(media_server, _clip(media_api, stamped_source["id"], 2.0, 3.0), tmp_path)
    marked_clip = _clip(media_api, stamped_source["id"], 2.0, 3.0, {
        "url": _image(media_server, "ff0000"),
        "overlay_settings": {"vertical_align": "bottom", "horizontal_align": "right", "width": "25%",
                             "vertical_margin": "0%", "horizontal_margin": "0px"}})
    marked = _first_frame(media_server, marked_clip, tmp_path)
    # 25 % of 320 is 80 wide, 45 tall (the image's 16:9), in the bottom-right corner: x 240–319, y 135–179.
    assert _near(_pixel(marked, 280, 157), RED) and not _near(_pixel(plain, 280, 157), RED)
    assert _near(_pixel(marked, 245, 140), RED) and _near(_pixel(marked, 315, 176), RED)
    assert _pixel(marked, 230, 157) == pytest.approx(_pixel(plain, 230, 157), abs=40)  # left of it: untouched
    assert _pixel(marked, 280, 125) == pytest.approx(_pixel(plain, 280, 125), abs=40)  # above it: untouched
    assert stamp.read_index(marked[2], 320, 180) == 50  # still frame-exact: the clip starts at 2 s · 25 fps


def test_half_opacity_blends_the_watermark(media_server: EmulatorServer, media_api: httpx.Client,
                                           stamped_source: dict[str, Any], tmp_path: Path) -> None:
    plain = _first_frame(media_server, _clip(media_api, stamped_source["id"], 2.0, 3.0), tmp_path)
    clip = _clip(media_api, stamped_source["id"], 2.0, 3.0, {
        "url": _image(media_server, "ff0000"),
        "overlay_settings": {"vertical_align": "bottom", "horizontal_align": "right", "width": "25%",
                             "opacity": "50%"}})
    red, _, blue = _pixel(_first_frame(media_server, clip, tmp_path), 280, 157)
    under = _pixel(plain, 280, 157)
    assert red == pytest.approx((255 + under[0]) / 2, abs=30)
    assert blue == pytest.approx(under[2] / 2, abs=30)


def test_the_sources_watermark_is_copied_unless_copy_overlays_is_false(
        media_server: EmulatorServer, media_api: httpx.Client, watermarked_source: dict[str, Any],
        tmp_path: Path) -> None:
    # 64x36 in the middle of the left edge: x 0–63, y 72–107.
    assert _near(_pixel(_first_frame(media_server, watermarked_source, tmp_path), 32, 100), GREEN)
    copied = _first_frame(media_server, _clip(media_api, watermarked_source["id"], 2.0, 3.0), tmp_path)
    assert _near(_pixel(copied, 32, 100), GREEN)
    bare = _first_frame(media_server, _clip(media_api, watermarked_source["id"], 2.0, 3.0, copy_overlays=False),
                        tmp_path)
    assert not _near(_pixel(bare, 32, 100), GREEN, slack=80)
    both = _first_frame(media_server, _clip(media_api, watermarked_source["id"], 2.0, 3.0, {
        "url": _image(media_server, "ff0000"),
        "overlay_settings": {"vertical_align": "bottom", "horizontal_align": "right", "width": "25%"}}), tmp_path)
    assert _near(_pixel(both, 32, 100), GREEN) and _near(_pixel(both, 280, 157), RED)
    assert stamp.read_index(both[2], 320, 180) == 50


@pytest.fixture(scope="module")
def source_1440(media_api: httpx.Client) -> dict[str, Any]:
    return _ready(media_api, {"inputs": [{"url": SOURCE_1440}], "max_resolution_tier": "1440p"})


@pytest.mark.parametrize(("tier", "height", "width"), [
    ("1440p", 1440, 2560),
    ("1080p", 1080, 1920),
    (None, 1080, 1920),  # Mux's default: a 1440p source gives a 1080p clip unless asked
])
def test_max_resolution_tier_caps_the_clip(media_server: EmulatorServer, media_api: httpx.Client,
                                           source_1440: dict[str, Any], tmp_path: Path,
                                           tier: str | None, height: int, width: int) -> None:
    assert source_1440["resolution_tier"] == "1440p"
    body = {"max_resolution_tier": tier} if tier else {}
    clip = _clip(media_api, source_1440["id"], 0.5, 1.5, **body)
    video = next(t for t in clip["tracks"] if t["type"] == "video")
    assert (clip["max_resolution_tier"], clip["resolution_tier"]) == (tier or "1080p", f"{height}p")
    assert (video["max_width"], video["max_height"]) == (width, height)
    frame = _first_frame(media_server, clip, tmp_path)
    assert frame[:2] == (width, height)
    assert stamp.read_index(frame[2], width, height, source_height=1440) == 5


def test_a_source_above_its_tier_is_stored_at_the_tier(media_api: httpx.Client) -> None:
    # Uploaded without max_resolution_tier, a 1440p file is stored (and streamed) at 1080p, as on Mux.
    asset = _ready(media_api, {"inputs": [{"url": SOURCE_1440}]})
    video = next(t for t in asset["tracks"] if t["type"] == "video")
    assert (asset["resolution_tier"], video["max_height"]) == ("1080p", 1080)
