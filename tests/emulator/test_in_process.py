"""The ASGI app works in-process through ``httpx.ASGITransport``, as the client tests will use it."""

from __future__ import annotations

import httpx
import pytest

from muxclipper.emulator import EmulatorConfig, Token, create_app
from tests.emulator.helpers import RW


@pytest.mark.asyncio
async def test_create_and_read_in_process() -> None:
    app = create_app(EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=False))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator", auth=RW) as api:
        created = await api.post("/video/v1/assets", json={"inputs": [{"url": "https://e.com/a.mp4"}]})
        assert created.status_code == 201
        asset_id = created.json()["data"]["id"]
        app.runtime.state.finish(asset_id)
        assert (await api.get(f"/video/v1/assets/{asset_id}")).json()["data"]["status"] == "ready"
        assert len(app.runtime.log.entries(method="POST")) == 1


@pytest.mark.asyncio
async def test_demo_content_is_seeded_once() -> None:
    app = create_app(EmulatorConfig(rate_limits=None, demo_content=True, media=False))
    from muxclipper.emulator.demo import seed_demo_content

    seed_demo_content(app.runtime.state)  # a second time, as on a restart with the same data dir
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator",
                                 auth=("demo-token-id", "demo-token-secret")) as api:
        assets = (await api.get("/video/v1/assets")).json()["data"]
        titles = sorted(a.get("meta", {}).get("title", "") for a in assets)
        streams = (await api.get("/video/v1/live-streams")).json()["data"]
    assert "Demo: Friday keynote (recording)" in titles
    assert len(assets) == 5  # four sources (the podcast among them) and the running channel's recording
    [podcast] = [a for a in assets if a.get("passthrough") == "muxclipper-demo:podcast"]
    assert [t["type"] for t in podcast["tracks"]] == ["audio"] and podcast["resolution_tier"] == "audio-only"
    assert sorted(s["status"] for s in streams) == ["active", "idle", "idle"]
