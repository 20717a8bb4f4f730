"""Finding the slate on the emulator's real media, to the frame: different slates (the demo's card, solid colour,
black, a still with moving text, a still with a clock, none), frame rates (25, 29.97, 30, 50, 60) and lengths.

Each answer is checked against the frame the generator switched pictures at, and the frames on either side are
fetched at full size and their stamped index read: the proposal names the very frame a player would show."""

from __future__ import annotations

import io
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from fractions import Fraction

import httpx
import pytest
import pytest_asyncio
from PIL import Image

from muxclipper.core.models import Asset, RecordingTime
from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import stamp
from muxclipper.mux.endpoints import Endpoints
from muxclipper.mux.urls import PlaybackUrls, SigningKey
from muxclipper.mux.wire import asset_from_wire
from muxclipper.services.slate_finder import SlateFinder, SlateSearchError
from tests.emulator.media_helpers import wait_settled

W, H = 192, 108


@dataclass(frozen=True)
class Case:
    slate: str
    fps: str
    duration: float
    preroll: float
    postroll: float
    blank: float = 0.0  # black at the very start and end, over the slates (an encoder warming up)

    @property
    def url(self) -> str:
        return (f"emulator://generated?duration={self.duration}&fps={self.fps}&width={W}&height={H}"
                f"&preroll={self.preroll}&postroll={self.postroll}&audio=0&slate={self.slate}"
                + (f"&blank={self.blank}" if self.blank else ""))

    @property
    def rate(self) -> Fraction:
        return Fraction(self.fps)

    # The generator shows the slate while t < preroll and from t >= duration - postroll (times chosen off frame
    # boundaries, so that the expected frame does not hang on rounding).
    @property
    def programme_start(self) -> int | None:
        return math.ceil(Fraction(str(self.preroll)) * self.rate) if self.preroll else None

    @property
    def programme_end(self) -> int | None:
        return math.ceil((Fraction(str(self.duration)) - Fraction(str(self.postroll))) * self.rate) \
            if self.postroll else None


CASES = {
    "card-30": Case("card", "30", 6, 1.51, 1.23),
    "solid-25": Case("solid", "25", 6, 1.51, 1.23),
    "black-29.97": Case("black", "30000/1001", 6, 1.51, 1.23),
    "ticker-50": Case("ticker", "50", 6, 1.51, 1.23),
    "clock-60": Case("clock", "60", 6, 1.51, 1.23),
    "long-solid-25": Case("solid", "25", 24, 7.37, 3.11),
    "opening-only-30": Case("card", "30", 5, 1.51, 0),
    "closing-only-25": Case("black", "25", 5, 0, 1.23),
    "none-30": Case("card", "30", 5, 0, 0),
    "black-lead-in-30": Case("card", "30", 6, 1.51, 1.23, blank=0.2),
    "black-lead-in-no-slate-25": Case("card", "25", 5, 0, 0, blank=0.2),
}
DEMO = "emulator://generated/live-event?width=256&height=144&captions=0&audio=0"  # the demo's keynote, smaller


@pytest.fixture(scope="module")
def sources(media_api: httpx.Client) -> dict[str, Asset]:
    """Every case ingested at once (the emulator's pool makes two at a time), once for the module."""
    created = {}
    for name, case in [*CASES.items(), ("demo", None)]:
        body = {"inputs": [{"url": DEMO if case is None else case.url}], "playback_policies": ["public", "signed"]}
        response = media_api.post("/video/v1/assets", json=body)
        assert response.status_code == 201, response.text
        created[name] = response.json()["data"]["id"]
    return {name: asset_from_wire(wait_settled(media_api, asset_id, timeout=120))
            for name, asset_id in created.items()}


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


@pytest.fixture
def urls(media_server: EmulatorServer) -> PlaybackUrls:
    return PlaybackUrls(Endpoints.for_origin(media_server.url))


async def stamped_index(http: httpx.AsyncClient, urls: PlaybackUrls, asset: Asset, frame: int) -> int:
    """The index stamped on the frame the image host shows for ``frame`` (full size: the stamp is readable)."""
    assert asset.frame_rate is not None
    rate = Fraction(asset.frame_rate).limit_denominator(1001)
    middle_ms = math.floor((frame + Fraction(1, 2)) * 1000 / rate)
    playback = asset.playback_id("public")
    assert playback is not None
    response = await http.get(urls.thumbnail(playback.id, middle_ms, fmt="png"))
    response.raise_for_status()
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    return stamp.read_index(image.tobytes(), image.width, image.height)


@pytest.mark.slow
@pytest.mark.asyncio
@pytest.mark.parametrize("name", list(CASES))
async def test_the_slates_are_found_to_the_frame(name: str, sources: dict[str, Asset], http: httpx.AsyncClient,
                                                 urls: PlaybackUrls) -> None:
    case, asset = CASES[name], sources[name]
    report = await SlateFinder(http, urls).find(asset)
    edges = report.edges
    assert (edges.programme_start, edges.programme_end) == (case.programme_start, case.programme_end), edges
    if case.preroll or case.postroll:
        assert edges.found
        for frame in filter(None, (edges.programme_start, edges.programme_end)):
            # The proposal and the frame before it are the frames the stamps say they are.
            assert await stamped_index(http, urls, asset, frame) == frame
            assert await stamped_index(http, urls, asset, frame - 1) == frame - 1
    else:
        assert not edges.found and "no slate" in (edges.note or "")
    assert report.opening.requests <= 30 and report.closing.requests <= 30


@pytest.mark.slow
@pytest.mark.asyncio
async def test_the_demo_keynote_starting_soon_and_thanks_for_watching(sources: dict[str, Asset],
                                                                      http: httpx.AsyncClient,
                                                                      urls: PlaybackUrls) -> None:
    """The demo's live event: 20 s of STARTING SOON, 165 s of programme, 15 s of THANKS FOR WATCHING at 30 fps."""
    asset = sources["demo"]
    finder = SlateFinder(http, urls)
    report = await finder.find(asset)
    assert (report.edges.programme_start, report.edges.programme_end) == (600, 5550)
    assert (report.edges.start_ms, report.edges.end_ms) == (20000, 185000)
    assert await stamped_index(http, urls, asset, 600) == 600
    assert await stamped_index(http, urls, asset, 5549) == 5549
    # 4-second storyboard tiles: 120 frames to bisect, about log2(120) pictures an edge, and the evidence.
    assert report.opening.requests <= 30 and report.closing.requests <= 30
    # Asked again, everything comes from the cache.
    again = await finder.find(asset)
    assert again.edges == report.edges and again.requests == 0
    # "Where does this picture end", from inside the opening slate.
    held = await finder.picture_end(asset, 5000)
    assert (held.from_frame, held.frame, held.ms) == (150, 600, 20000)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_signed_playback_id_is_searched_with_signed_urls(sources: dict[str, Asset], media_api: httpx.Client,
                                                                 media_server: EmulatorServer,
                                                                 http: httpx.AsyncClient) -> None:
    asset = sources["solid-25"]
    signed_only = Asset(**{**asset.__dict__, "playback_ids": tuple(p for p in asset.playback_ids
                                                                      if p.policy == "signed")})
    plain = PlaybackUrls(Endpoints.for_origin(media_server.url))
    with pytest.raises(SlateSearchError, match="signing key"):
        await SlateFinder(http, plain).find(signed_only)
    key = media_api.post("/system/v1/signing-keys").json()["data"]
    signing = PlaybackUrls(Endpoints.for_origin(media_server.url), SigningKey(key["id"], key["private_key"]))
    seen: list[str] = []

    async def remember(request: httpx.Request) -> None:
        seen.append(str(request.url))

    async with httpx.AsyncClient(timeout=30, event_hooks={"request": [remember]}) as client:
        report = await SlateFinder(client, signing).find(signed_only)
    assert (report.edges.programme_start, report.edges.programme_end) == (38, 120)
    assert seen and all("token=" in url and "time=" not in url for url in seen if "thumbnail" in url)
    assert len([url for url in seen if "/storyboard." in url]) == 2  # its JSON and sprite, once for both edges


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_slate_session_of_recording_times_is_a_hint(sources: dict[str, Asset], http: httpx.AsyncClient,
                                                           urls: PlaybackUrls) -> None:
    """A recording whose sessions say "slate for the first 20 s": the search looks there first, without the
    storyboard, and still answers the frame the pictures say."""
    asset = sources["demo"]
    sessions = (RecordingTime(1_700_000_000_000, 20_000, "slate", 0),
                RecordingTime(1_700_000_020_000, 165_000, "content", 20_000),
                RecordingTime(1_700_000_185_000, 15_000, "slate", 185_000))
    hinted = Asset(**{**asset.__dict__, "recording_times": sessions})
    report = await SlateFinder(http, urls).find(hinted)
    assert report.hints == ("closing", "opening")
    assert (report.edges.programme_start, report.edges.programme_end) == (600, 5550)
    # Per edge: two confirmations and log2(60) steps, no storyboard; and the evidence (the first second, three
    # pictures inside the slate, one after its edge).
    assert report.requests <= 2 * 16


@pytest.mark.asyncio
async def test_a_source_that_is_not_ready_is_refused_with_words(http: httpx.AsyncClient, urls: PlaybackUrls) -> None:
    from muxclipper.core.models import AssetStatus

    preparing = Asset("a1", AssetStatus.PREPARING, 0, title="Keynote")
    with pytest.raises(SlateSearchError, match="Keynote is preparing.*once it is ready"):
        await SlateFinder(http, urls).find(preparing)
    podcast = Asset("a2", AssetStatus.READY, 0, duration_ms=30_000, title="Podcast", audio_only=True)
    with pytest.raises(SlateSearchError, match="Podcast is audio only .*no picture to find a slate in"):
        await SlateFinder(http, urls).find(podcast)  # not "once it is ready": it is


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_recording_in_progress_gets_its_opening_slate_only(sources: dict[str, Asset],
                                                                  media_api: httpx.Client, http: httpx.AsyncClient,
                                                                  urls: PlaybackUrls) -> None:
    stream = media_api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    started = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                             json={"source_asset_id": sources["solid-25"].id})
    assert started.status_code == 201, started.text
    media_api.post("/_emulator/clock/advance", json={"seconds": 4.5})
    try:
        growing = asset_from_wire(media_api.get(f"/video/v1/assets/{started.json()['data']['id']}").json()["data"])
        assert growing.is_live
        report = await SlateFinder(http, urls).find(growing)
        assert (report.edges.programme_start, report.edges.programme_end) == (38, None)
        assert report.closing_not_yet and "the closing slate has not appeared yet" in (report.edges.note or "")
    finally:
        media_api.put(f"/video/v1/live-streams/{stream['id']}/complete")


@pytest.mark.slow
@pytest.mark.asyncio
async def test_pictures_are_asked_for_within_the_image_budget(sources: dict[str, Asset], http: httpx.AsyncClient,
                                                              urls: PlaybackUrls) -> None:
    """Every picture waits for the budget: with 2 a second after a burst of 4, the waits add up to what the
    requests beyond the burst cost (on a clock the test keeps, so no real time passes)."""
    from muxclipper.mux.budget import BudgetLimits, RateBudget

    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    budget = RateBudget(BudgetLimits(other_per_second=2.0, other_burst=4), now=lambda: clock[0], sleep=sleep)
    report = await SlateFinder(http, urls, budget=budget).find(sources["card-30"])
    assert report.edges.programme_start == 46
    assert clock[0] == pytest.approx((report.requests - 4) / 2.0)


def test_generated_slates_are_named_and_an_unknown_kind_is_refused() -> None:
    from muxclipper.emulator.media.generate import PRESETS, UnknownGeneratedSource, spec_from_url

    assert spec_from_url("emulator://generated?slate=clock").slate == "clock"
    assert "card" not in PRESETS["live-event"].key  # media made before slate kinds keeps its cache name
    assert spec_from_url("emulator://generated?slate=ticker").key.endswith("-ticker")
    with pytest.raises(UnknownGeneratedSource, match="slate is one of card, solid, black, ticker, clock"):
        spec_from_url("emulator://generated?slate=plaid")
