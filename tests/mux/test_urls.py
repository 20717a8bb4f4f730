"""Playback URLs built by the client open on the emulator's stream and image hosts, signed or not."""

from __future__ import annotations

import re
from typing import Any

import httpx

from muxclipper.emulator import EmulatorServer
from muxclipper.mux.client import Endpoints
from muxclipper.mux.urls import PlaybackUrls, SigningKey


def _ids(asset: dict[str, Any]) -> tuple[str, str]:
    public = next(p["id"] for p in asset["playback_ids"] if p["policy"] == "public")
    signed = next(p["id"] for p in asset["playback_ids"] if p["policy"] == "signed")
    return public, signed


def test_public_urls(media_server: EmulatorServer, stamped_source: dict[str, Any]) -> None:
    urls = PlaybackUrls(Endpoints.for_origin(media_server.url))
    public, _ = _ids(stamped_source)
    assert urls.hls(public) == f"{media_server.url}/stream/{public}.m3u8"
    assert httpx.get(urls.hls(public)).status_code == 200
    assert httpx.get(urls.mp4(public, download="clip.mp4")).headers["content-disposition"].endswith('"clip.mp4"')
    assert httpx.get(urls.thumbnail(public, 2_000, width=160)).headers["content-type"] == "image/jpeg"
    assert httpx.get(urls.storyboard(public)).json()["tiles"]
    instant = httpx.get(urls.instant_clip(public, 3_000, 7_000)).text
    assert "asset_start_time=3.0" in instant


def test_signed_urls_carry_a_token_the_emulator_accepts(media_server: EmulatorServer, media_api: httpx.Client,
                                                        stamped_source: dict[str, Any]) -> None:
    key = media_api.post("/system/v1/signing-keys").json()["data"]
    urls = PlaybackUrls(Endpoints.for_origin(media_server.url), SigningKey(key["id"], key["private_key"]))
    _, signed = _ids(stamped_source)
    hls = urls.hls(signed, policy="signed")
    assert re.search(r"\?token=[\w-]+\.[\w-]+\.[\w-]+$", hls)
    assert httpx.get(hls).status_code == 200
    assert httpx.get(urls.thumbnail(signed, 2_000, policy="signed")).status_code == 200
    assert httpx.get(urls.storyboard(signed, policy="signed")).status_code == 200
    rendition = httpx.get(urls.instant_clip(signed, 3_000, 7_000, policy="signed"))
    assert rendition.status_code == 200
    assert key["private_key"] not in repr(urls.signing_key)
