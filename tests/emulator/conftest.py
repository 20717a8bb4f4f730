"""Media fixtures: an emulator making real video, and a stamped source asset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
from tests.emulator.helpers import RW
from tests.emulator.media_helpers import wait_settled

SMALL_SOURCE = "emulator://generated?duration=12&fps=25&width=320&height=180&preroll=1&postroll=1&captions=1"


@pytest.fixture(scope="session")
def generated_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated sources are deterministic: make each once per test session."""
    return tmp_path_factory.mktemp("generated")


@pytest.fixture(scope="session")
def media_server(generated_cache: Path) -> Iterator[EmulatorServer]:
    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=True, generated_dir=generated_cache)
    with EmulatorServer(config) as server:
        yield server


@pytest.fixture(scope="session")
def media_api(media_server: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=media_server.url, auth=RW, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def stamped_source(media_api: httpx.Client) -> dict[str, Any]:
    """A ready 12 s, 25 fps asset with captions and 1 s slates, every frame stamped with its index."""
    response = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": SMALL_SOURCE}], "playback_policies": ["public", "signed"],
        "static_renditions": [{"resolution": "highest"}, {"resolution": "audio-only"}]})
    assert response.status_code == 201, response.text
    asset = wait_settled(media_api, response.json()["data"]["id"])
    assert asset["status"] == "ready", asset
    return asset
