"""The spec checker used by the emulator tests must itself catch what it is there to catch."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.openapi_check import SPEC_PATH, spec_template, validate_response

READY = {"id": "a", "created_at": "1700000000", "status": "ready", "max_resolution_tier": "1080p",
         "encoding_tier": "smart", "master_access": "none", "progress": {"state": "completed", "progress": 100}}


def test_a_valid_asset_passes() -> None:
    validate_response("GET", "/video/v1/assets/a", 200, {"data": READY})


@pytest.mark.parametrize("body", [
    {"data": {**READY, "invented": 1}},                       # a field Mux does not have
    {"data": {k: val for k, val in READY.items() if k != "progress"}},  # a required field missing
    {"data": {**READY, "created_at": 1700000000}},            # a number where Mux sends a string
    {"data": {**READY, "status": "done"}},                    # not in the enum
])
def test_a_wrong_asset_fails(body: dict[str, object]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validate_response("GET", "/video/v1/assets/a", 200, body)


def test_next_cursor_may_be_null_as_the_spec_means() -> None:
    validate_response("GET", "/video/v1/assets", 200, {"data": [], "next_cursor": None})


def test_error_shapes() -> None:
    validate_response("GET", "/video/v1/assets", 401, {"error": {"type": "unauthorized", "messages": ["x"]}})
    validate_response("GET", "/video/v1/assets", 429, {"errors": ["Too many requests, retry later."]})
    with pytest.raises(jsonschema.ValidationError):
        validate_response("GET", "/video/v1/assets", 429, {"error": {"type": "x", "messages": []}})


def test_literal_path_segments_win_over_parameters() -> None:
    assert spec_template("/video/v1/assets/x/playback-ids/y") == "/video/v1/assets/{ASSET_ID}/playback-ids/{PLAYBACK_ID}"
    assert spec_template("/video/v1/live-streams/x/complete") == "/video/v1/live-streams/{LIVE_STREAM_ID}/complete"


def test_vendored_spec_is_the_shared_one() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "openapi" / "mux-openapi.json"
    if not shared.exists():
        pytest.skip("no ../shared beside this checkout")
    assert json.loads(shared.read_text()) == json.loads(SPEC_PATH.read_text())
