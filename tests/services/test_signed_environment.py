"""Signed playback through the product's own path: an environment's signing key (stored in the keyring with its
profile, or the ``MUX_SIGNING_KEY``/``MUX_PRIVATE_KEY`` variables Mux's SDKs read) reaches the session's URL builder,
so the slates of a recording with only a signed playback id are found, by the window's path and the command line's,
against the emulator's real media and its signing keys. The private key never shows in output or logs."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.emulator import EmulatorServer
from muxclipper.services.credentials import KeyringSecrets
from muxclipper.services.environment import EnvironmentError_, from_process_env
from muxclipper.services.environment_choice import choose_environment
from muxclipper.services.environments import EnvironmentStore, new_profile
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW
from tests.emulator.media_helpers import wait_settled

# 25 fps, a 1.51 s opening slate (the first programme frame is #38) and a closing one from 4.77 s (#120).
SIGNED_ONLY = ("emulator://generated?duration=6&fps=25&width=192&height=108&preroll=1.51&postroll=1.23&audio=0"
               "&slate=solid")


@pytest.fixture(scope="module")
def signed_source(media_api: httpx.Client) -> str:
    response = media_api.post("/video/v1/assets", json={"inputs": [{"url": SIGNED_ONLY}],
                                                       "playback_policies": ["signed"]})
    assert response.status_code == 201, response.text
    asset_id = str(response.json()["data"]["id"])
    assert wait_settled(media_api, asset_id, timeout=120)["status"] == "ready"
    return asset_id


@pytest.fixture(scope="module")
def signing_key(media_api: httpx.Client) -> dict[str, Any]:
    key: dict[str, Any] = media_api.post("/system/v1/signing-keys").json()["data"]
    return key


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_stored_environment_s_signing_key_finds_the_slates_of_a_signed_only_recording(
        media_server: EmulatorServer, signed_source: str, signing_key: dict[str, Any], tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    """As the window (and ``--env NAME``) get it: the profile chosen, its secrets read from the keyring, a session
    opened on it."""
    store = EnvironmentStore(tmp_path / "environments.json", KeyringSecrets())
    origin = media_server.url
    store.add(new_profile("Events", RW[0], api_url=origin, stream_url=f"{origin}/stream", image_url=f"{origin}/image",
                          signing_key_id=signing_key["id"]), RW[1], signing_key["private_key"])
    choice = choose_environment("Events", None, {}, store)
    choice.read_secret()
    assert choice.environment is not None, choice.problem
    assert signing_key["private_key"] not in repr(choice.environment)
    caplog.set_level(logging.DEBUG)
    async with open_session(choice.environment, tmp_path / "jobs.db") as session:
        asset = await session.client.get_asset(signed_source)
        report = await session.slate_finder().find(asset)
    assert (report.edges.programme_start, report.edges.programme_end) == (38, 120)
    # httpx logs every URL it fetches: the signed ones' tokens are not written down.
    fetched = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any("/thumbnail." in line or "/storyboard." in line for line in fetched)
    assert not [line for line in fetched if "token=ey" in line]
    assert signing_key["private_key"] not in caplog.text


def _env(server: EmulatorServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUX_")}
    env.update(MUX_TOKEN_ID=RW[0], MUX_TOKEN_SECRET=RW[1], MUX_BASE_URL=server.url,
               MUXCLIPPER_DATA_DIR=str(tmp_path / "data"), **extra)
    return env


def _slates(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "muxclipper", "slates", *args], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.slow
def test_the_command_line_signs_with_mux_signing_key_and_mux_private_key(
        media_server: EmulatorServer, signed_source: str, signing_key: dict[str, Any], tmp_path: Path) -> None:
    without = _slates(_env(media_server, tmp_path), signed_source)
    assert without.returncode == 2, without.stderr
    assert "MUX_SIGNING_KEY" in without.stderr and "MUX_PRIVATE_KEY" in without.stderr  # what to do next
    env = _env(media_server, tmp_path, MUX_SIGNING_KEY=signing_key["id"], MUX_PRIVATE_KEY=signing_key["private_key"])
    found = _slates(env, signed_source, "--json", "--log-level", "info")
    assert found.returncode == 0, found.stderr
    shown = json.loads(found.stdout)
    assert (shown["start_frame"], shown["end_frame"]) == (38, 120)
    assert "HTTP Request" in found.stderr  # the log is on, and says what was fetched …
    assert "token=ey" not in found.stderr  # … without the signed URLs' tokens
    assert signing_key["private_key"] not in found.stdout + found.stderr


def test_half_the_signing_variables_is_an_error_not_a_silent_fallback() -> None:
    base = {"MUX_TOKEN_ID": "id", "MUX_TOKEN_SECRET": "secret"}
    assert from_process_env(base).signing_key is None
    with pytest.raises(EnvironmentError_, match="MUX_PRIVATE_KEY"):
        from_process_env({**base, "MUX_SIGNING_KEY": "key-id"})
    with pytest.raises(EnvironmentError_, match="MUX_SIGNING_KEY"):
        from_process_env({**base, "MUX_PRIVATE_KEY": "abc"})
    environment = from_process_env({**base, "MUX_SIGNING_KEY": "key-id", "MUX_PRIVATE_KEY": "private-text"})
    assert environment.signing_key is not None and environment.signing_key.key_id == "key-id"
    assert "private-text" not in repr(environment)


@pytest.mark.slow
def test_a_private_key_that_cannot_sign_is_said_without_a_traceback(
        media_server: EmulatorServer, signed_source: str, signing_key: dict[str, Any], tmp_path: Path) -> None:
    damaged = signing_key["private_key"][:-12]
    env = _env(media_server, tmp_path, MUX_SIGNING_KEY=signing_key["id"], MUX_PRIVATE_KEY=damaged)
    shown = _slates(env, signed_source)
    assert shown.returncode == 2, shown.stderr
    assert "cannot sign" in shown.stderr and "MUX_PRIVATE_KEY" in shown.stderr
    assert "Traceback" not in shown.stderr and damaged not in shown.stderr
