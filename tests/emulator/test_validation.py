"""Every create-asset validation rule answers 400 invalid_parameters with a readable message."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.helpers import Emu


def _assert_invalid(response: Any, *fragments: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"]["type"] == "invalid_parameters"
    text = " ".join(body["error"]["messages"])
    for fragment in fragments:
        assert fragment in text, text


@pytest.fixture
def source(emu: Emu) -> str:
    return emu.seed({"duration": 60.0})[0]


@pytest.mark.parametrize(("start", "end", "fragment"), [
    (10.0, 10.2, "at least 0.5 s"),
    (30.0, 30.0, "must be before end_time"),
    (40.0, 20.0, "must be before end_time"),
    (-1.0, 10.0, "cannot be negative"),
    (0.0, 60.5, "past the end of asset"),
    (59.8, None, "at least 0.5 s"),
    (61.0, None, "past the end of asset"),
])
def test_bad_clip_ranges(emu: Emu, source: str, start: float, end: float | None, fragment: str) -> None:
    _assert_invalid(emu.create_clip(source, start, end), fragment)


def test_exactly_half_a_second_is_allowed(emu: Emu, source: str) -> None:
    assert emu.create_clip(source, 1.0, 1.5).status_code == 201


def test_clip_ending_exactly_at_the_end_is_allowed(emu: Emu, source: str) -> None:
    assert emu.create_clip(source, 50.0, 60.0).status_code == 201


def test_unknown_source_asset(emu: Emu) -> None:
    _assert_invalid(emu.create_clip("no-such-asset", 0, 5), "no-such-asset", "does not exist")


def test_source_still_preparing(emu: Emu) -> None:
    [preparing] = emu.seed({"status": "preparing"})
    _assert_invalid(emu.create_clip(preparing, 0, 5), "still preparing")


def test_errored_source(emu: Emu) -> None:
    [errored] = emu.seed({"status": "errored"})
    _assert_invalid(emu.create_clip(errored, 0, 5), "errored")


def test_times_on_a_non_mux_input(emu: Emu) -> None:
    response = emu.api.post("/video/v1/assets", json={"inputs": [
        {"url": "https://example.com/a.mp4", "start_time": 1, "end_time": 5}]})
    _assert_invalid(response, "only be used with mux://assets/")


@pytest.mark.parametrize(("body", "fragment"), [
    ({}, "inputs is required"),
    ({"inputs": []}, "non-empty list"),
    ({"inputs": "nope"}, "non-empty list"),
    ({"inputs": [{}]}, "url is required"),
    ({"inputs": [{"url": "ftp://host/file.mp4"}]}, "not a valid input URL"),
    ({"inputs": [{"url": "mux://assets/"}]}, "not a valid clip source"),
    ({"inputs": [{"url": "https://e.com/a.mp4", "type": "hologram"}]}, "type must be one of"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "playback_policies": ["publik"]}, "publik"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "video_quality": "ultra"}, "video_quality must be one of"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "encoding_tier": "gold"}, "encoding_tier must be one of"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "max_resolution_tier": "8k"}, "max_resolution_tier"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "mp4_support": "yes"}, "mp4_support must be one of"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "master_access": "forever"}, "master_access"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "static_renditions": [{"resolution": "4k"}]},
     "static_renditions[].resolution"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "passthrough": "x" * 256}, "passthrough is 256"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "meta": {"title": "t" * 513}}, "meta.title is 513"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "meta": {"creator_id": "c" * 129}}, "meta.creator_id"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}], "normalize_audio": "yes"}, "normalize_audio"),
    ({"inputs": [{"url": "https://e.com/a.mp4"}, {"url": "https://e.com/a.vtt", "type": "text"}]},
     "language_code is required"),
    ({"inputs": [{"url": "mux://assets/x", "start_time": "ten"}]}, "must be a number"),
])
def test_bad_bodies(emu: Emu, body: dict[str, Any], fragment: str) -> None:
    _assert_invalid(emu.api.post("/video/v1/assets", json=body), fragment)


def test_every_problem_is_reported_at_once(emu: Emu) -> None:
    response = emu.api.post("/video/v1/assets", json={
        "inputs": [{"url": "https://e.com/a.mp4"}], "video_quality": "ultra", "passthrough": "x" * 300})
    _assert_invalid(response, "video_quality", "passthrough")
    assert len(response.json()["error"]["messages"]) == 2


def test_limits_themselves_are_allowed(emu: Emu) -> None:
    response = emu.api.post("/video/v1/assets", json={
        "inputs": [{"url": "https://e.com/a.mp4"}], "passthrough": "p" * 255, "meta": {"title": "t" * 512}})
    assert response.status_code == 201


def test_body_that_is_not_json(emu: Emu) -> None:
    response = emu.api.post("/video/v1/assets", content=b"{nope", headers={"content-type": "application/json"})
    _assert_invalid(response, "not valid JSON")


def test_deprecated_spellings_still_work(emu: Emu) -> None:
    response = emu.api.post("/video/v1/assets", json={"input": "https://e.com/a.mp4",
                                                      "playback_policy": "public", "encoding_tier": "baseline"})
    assert response.status_code == 201
    asset = response.json()["data"]
    assert asset["playback_ids"][0]["policy"] == "public"
    assert asset["video_quality"] == "basic"


def test_live_stream_validation(emu: Emu) -> None:
    _assert_invalid(emu.api.post("/video/v1/live-streams", json={"latency_mode": "instant"}), "latency_mode")
    _assert_invalid(emu.api.post("/video/v1/live-streams", json={"reconnect_window": 4000}), "reconnect_window")
    _assert_invalid(emu.api.get("/video/v1/live-streams", params={"status": "sleeping"}), "status must be")
