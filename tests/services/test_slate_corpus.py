"""Slate finding on a recording still growing (the corpus's live event, tests/support/slate_corpus.py): the opening
edge stays put as it grows, and the closing slate is found once it is on at the live edge. Every corpus item is
measured through the command line (tests/cli/test_slates_corpus_cli.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from muxclipper.core.models import Asset
from muxclipper.emulator import EmulatorServer
from muxclipper.mux.endpoints import Endpoints
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.mux.wire import asset_from_wire
from muxclipper.services.slate_finder import SlateFinder
from tests.emulator.media_helpers import wait_settled
from tests.support.slate_corpus import LIVE_EVENT, Item, item_path

pytestmark = pytest.mark.slow


def ingest(api: httpx.Client, items: tuple[Item, ...]) -> dict[str, Asset]:
    made = {}
    for item in items:
        response = api.post("/video/v1/assets", json={"inputs": [{"url": item_path(item).as_uri()}],
                                                      "playback_policies": ["public"], "meta": {"title": item.name}})
        assert response.status_code == 201, response.text
        made[item.name] = response.json()["data"]["id"]
    return {name: asset_from_wire(wait_settled(api, asset_id, timeout=300)) for name, asset_id in made.items()}


@pytest.fixture(scope="module")
def corpus(media_api: httpx.Client) -> dict[str, Asset]:
    return ingest(media_api, (LIVE_EVENT,))


def live_stream(api: httpx.Client) -> dict[str, Any]:
    response = api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
        "latency_mode": "low", "reconnect_window": 60})
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def advance(api: httpx.Client, seconds: float) -> None:
    assert api.post("/_emulator/clock/advance", json={"seconds": seconds}).status_code == 200


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60) as client:
        yield client


@pytest.fixture
def urls(media_server: EmulatorServer) -> PlaybackUrls:
    return PlaybackUrls(Endpoints.for_origin(media_server.url))


@pytest.mark.asyncio
@pytest.mark.timeout(300)
async def test_live_the_opening_edge_stays_put_and_the_closing_slate_is_found_at_the_live_edge(
        corpus: dict[str, Asset], media_api: httpx.Client, http: httpx.AsyncClient, urls: PlaybackUrls) -> None:
    """LIVE_EVENT broadcast: 4 s card, 8 s programme, 10 s countdown. As the recording grows (by the emulator's
    clock), each search answers the same opening edge; the closing one once the countdown has held 2 s at the live
    edge, still live."""
    stream = live_stream(media_api)
    started = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                             json={"source_asset_id": corpus[LIVE_EVENT.name].id})
    assert started.status_code == 201, started.text
    recording_id = started.json()["data"]["id"]
    # The recording grows only as the test moves the clock, however long a search takes on a busy machine.
    assert media_api.post("/_emulator/clock/freeze", json={"frozen": True}).status_code == 200
    finder = SlateFinder(http, urls)

    async def search() -> tuple[int | None, int | None, bool, str]:
        asset = asset_from_wire(media_api.get(f"/video/v1/assets/{recording_id}").json()["data"])
        assert asset.is_live
        report = await finder.find(asset)
        return report.edges.programme_start, report.edges.programme_end, report.closing_not_yet, \
            report.edges.note or ""

    try:
        advance(media_api, 2.5)  # 2 s recorded: the card still on at the live edge
        start, end, not_yet, note = await search()
        assert (start, end, not_yet) == (None, None, True) and "holds up to the live edge" in note
        for seconds in (4, 4, 2):  # 6.5, 10.5, 12.5 s: the programme at the live edge
            advance(media_api, seconds)
            start, end, not_yet, note = await search()
            assert (start, end, not_yet) == (LIVE_EVENT.programme_start, None, True), note
            assert "the closing slate has not appeared yet" in note
        advance(media_api, 2)  # 14.5 s: 14 s recorded, the countdown on for 2 s
        start, end, not_yet, note = await search()
        assert (start, end, not_yet) == (LIVE_EVENT.programme_start, LIVE_EVENT.programme_end, False), note
        advance(media_api, 4)  # still live, still the same edges
        assert (await search())[:3] == (LIVE_EVENT.programme_start, LIVE_EVENT.programme_end, False)
    finally:
        media_api.post("/_emulator/clock/freeze", json={"frozen": False})
        media_api.put(f"/video/v1/live-streams/{stream['id']}/complete")


@pytest.mark.asyncio
@pytest.mark.timeout(300)
async def test_the_demo_rerun_shows_its_closing_slate_while_still_live(
        media_api: httpx.Client, http: httpx.AsyncClient, urls: PlaybackUrls) -> None:
    """What the demo's "live now" re-run broadcasts (its own preset, smaller here): 20 s STARTING SOON, 40 s of
    programme, 40 s THANKS FOR WATCHING at 30 fps. Broadcast live, the opening edge is there from 20 s on, and the
    closing one a few seconds after it begins, with more than half a minute of the recording still to come."""
    source = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": "emulator://generated/rerun?width=256&height=144&captions=0&audio=0"}],
        "playback_policies": ["public"]}).json()["data"]["id"]
    assert wait_settled(media_api, source, timeout=120)["status"] == "ready"
    stream = live_stream(media_api)
    started = media_api.post(f"/_emulator/live-streams/{stream['id']}/start", json={"source_asset_id": source})
    assert started.status_code == 201, started.text
    assert media_api.post("/_emulator/clock/freeze", json={"frozen": True}).status_code == 200
    finder = SlateFinder(http, urls)

    async def search() -> tuple[int | None, int | None, bool]:
        asset = asset_from_wire(media_api.get(f"/video/v1/assets/{started.json()['data']['id']}").json()["data"])
        assert asset.is_live
        report = await finder.find(asset)
        return report.edges.programme_start, report.edges.programme_end, report.live

    try:
        advance(media_api, 40)  # 40 s recorded: the programme at the live edge
        assert await search() == (600, None, True)
        advance(media_api, 10)  # 50 s
        assert await search() == (600, None, True)
        advance(media_api, 15)  # 64 s recorded: THANKS FOR WATCHING on for 4 s, 36 s still to come
        assert await search() == (600, 1800, True)
    finally:
        media_api.post("/_emulator/clock/freeze", json={"frozen": False})
        media_api.put(f"/video/v1/live-streams/{stream['id']}/complete")


@pytest.mark.asyncio
@pytest.mark.timeout(120)
async def test_without_a_storyboard_the_pictures_alone_find_the_same_edges(
        corpus: dict[str, Asset], media_api: httpx.Client, http: httpx.AsyncClient, urls: PlaybackUrls) -> None:
    """The image host answers 404 for the storyboard (a source that has none yet): the exact pictures bisect the
    whole span, and find the same frames."""
    asset = corpus[LIVE_EVENT.name]
    armed = media_api.post("/_emulator/faults", json={"kind": "status", "status": 404, "method": "GET",
                                                      "path": "/image/*/storyboard.*", "times": 10})
    assert armed.status_code in (200, 201), armed.text
    try:
        report = await SlateFinder(http, urls).find(asset)
    finally:
        media_api.delete("/_emulator/faults")
    assert (report.edges.programme_start, report.edges.programme_end) == (LIVE_EVENT.programme_start,
                                                                          LIVE_EVENT.programme_end)
    assert report.opening.requests <= 30 and report.closing.requests <= 30
