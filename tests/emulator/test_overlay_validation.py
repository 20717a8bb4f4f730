"""The emulator refuses watermark settings as Mux does: a 400 ``invalid_parameters`` naming each problem, and nothing
created; sound ones, ``copy_overlays`` and ``max_resolution_tier`` are taken."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.helpers import Emu

IMAGE = "https://example.com/logo.png"


@pytest.mark.parametrize(("settings", "complaint"), [
    ({"vertical_align": "center"}, "overlay_settings.vertical_align must be one of top, middle, bottom; got 'center'"),
    ({"horizontal_align": "middle"}, "horizontal_align must be one of left, center, right"),
    ({"vertical_margin": "10"}, "vertical_margin must be a percent (\"10%\") or a pixel value (\"100px\")"),
    ({"horizontal_margin": "5 %"}, "horizontal_margin must be a percent"),
    ({"width": "-10%"}, "width must be a positive percent"),
    ({"height": "0px"}, "height must be a positive percent"),
    ({"opacity": "150%"}, "opacity must be a percent from 0% to 100%; got '150%'"),
    ({"opacity": "0.5"}, "opacity must be a percent from 0% to 100%"),
    ({"opacity": 50}, "opacity must be a string"),
    ({"size": "10%"}, "size is not an overlay setting"),
])
def test_bad_overlay_settings_are_refused_with_the_reason(emu: Emu, settings: dict[str, Any], complaint: str) -> None:
    [source] = emu.seed({"duration": 30})
    before = len(emu.api.get("/video/v1/assets").json()["data"])
    response = emu.create_clip(source, 1.0, 5.0, playback_policies=["public"])
    assert response.status_code == 201
    response = emu.api.post("/video/v1/assets", json={"inputs": [
        {"url": f"mux://assets/{source}", "start_time": 1, "end_time": 5},
        {"url": IMAGE, "overlay_settings": settings}]})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_parameters"
    assert any(complaint in m for m in error["messages"]), error["messages"]
    assert len(emu.api.get("/video/v1/assets").json()["data"]) == before + 1  # only the sound clip


def test_a_watermark_needs_a_web_address(emu: Emu) -> None:
    [source] = emu.seed({"duration": 30})
    response = emu.api.post("/video/v1/assets", json={"inputs": [
        {"url": f"mux://assets/{source}"}, {"url": "logo.png", "overlay_settings": {}}]})
    assert response.status_code == 400
    assert "inputs[1].url must be the http(s) URL of the watermark image" in response.json()["error"]["messages"][0]


def test_sound_settings_tier_and_copy_overlays_are_taken(emu: Emu) -> None:
    [source] = emu.seed({"duration": 30, "height": 2160, "width": 3840})
    response = emu.api.post("/video/v1/assets", json={
        "inputs": [{"url": f"mux://assets/{source}", "start_time": 1, "end_time": 5},
                   {"url": IMAGE, "overlay_settings": {
                       "vertical_align": "bottom", "vertical_margin": "-5%", "horizontal_align": "center",
                       "horizontal_margin": "40px", "width": "20%", "height": "100px", "opacity": "80%"}}],
        "max_resolution_tier": "1440p", "copy_overlays": False, "playback_policies": ["public"]})
    assert response.status_code == 201, response.text
    assert response.json()["data"]["max_resolution_tier"] == "1440p"
    emu.advance(10)
    clip = emu.asset(response.json()["data"]["id"])
    video = next(t for t in clip["tracks"] if t["type"] == "video")
    assert (clip["resolution_tier"], video["max_width"], video["max_height"]) == ("1440p", 2560, 1440)


@pytest.mark.parametrize("tier", ["720p", "4k", "2160"])
def test_max_resolution_tier_takes_only_the_spec_values(emu: Emu, tier: str) -> None:
    [source] = emu.seed({"duration": 30})
    response = emu.create_clip(source, 1.0, 5.0, max_resolution_tier=tier)
    assert response.status_code == 400
    assert "max_resolution_tier must be one of 1080p, 1440p, 2160p" in response.json()["error"]["messages"][0]
