"""Finding the slate to the frame from Mux's image host, without downloading video.

The storyboard (one JSON and one sprite) says between which two tiles the opening slate ends and the closing slate
begins; exact-time thumbnails (``thumbnail.jpg?time=…``, in the middle of a frame; the signed form for a signed
playback id) confirm and bisect each interval: about log2(frames between two tiles) pictures per edge. The pictures
are small (:data:`THUMBNAIL_WIDTH`), fetched at the image host's budget (:data:`IMAGE_LIMITS`) and cached by frame,
so a second search on the same source is free. The rules of what a slate is are :mod:`muxclipper.core.slate_detect`'s.

A live recording's slate sessions (``recording_times``, Mux's own slate while the encoder was away) that touch its
start or end are hints: the search looks a second either side of their edge first, without the storyboard (a wrong
hint only widens the bisection).
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from fractions import Fraction

import httpx
from PIL import Image

from muxclipper.core.models import Asset, AssetStatus, PlaybackId, PlaybackPolicy
from muxclipper.core.slate_detect import (
    AFTER_MS,
    EARLY_SAMPLES_MS,
    GRID_COLUMNS,
    GRID_ROWS,
    MIN_SLATE_MS,
    MIN_STILL_SHARE,
    Edge,
    EdgeEvidence,
    Mask,
    Picture,
    SlateEdges,
    decide_sides,
    drift_share,
    find_edge,
    holds,
    judge,
    masked_share,
    share_of,
    still_mask,
    to_grid,
    whole,
)
from muxclipper.core.timecode import exact_rate, frame_to_ms, ms_to_frame
from muxclipper.mux.budget import BudgetLimits, RateBudget
from muxclipper.mux.errors import ApiConnectionError, ResponseFormatError
from muxclipper.mux.storyboard import Storyboard, storyboard_from_json
from muxclipper.mux.urls import PlaybackUrls, SigningKeyError

THUMBNAIL_WIDTH = 128
#: Mux documents no rate limit for image.mux.com; pictures are asked for one at a time per edge, at most this fast,
#: so that a search never competes with the window's own thumbnails for long.
IMAGE_LIMITS = BudgetLimits(other_per_second=20.0, other_burst=20)
CACHED_PICTURES = 2048
HINT_MARGIN_MS = 1000  # around a slate session's edge: recording_times are wall-clock, the frames may differ a little
#: While a recording grows, a closing slate is proposed once it has held this long at the live edge (a programme's
#: still shot of a second is not taken for one).
LIVE_CLOSING_MIN_MS = 2000
#: After a lead-in (under EARLY_SAMPLES_MS[0] of black or noise), the held picture's still part is learnt from these.
LEAD_SAMPLES_MS = (700, 950)


class SlateSearchError(Exception):
    """The search cannot be made on this source; the message says why and what to do."""


@dataclass(frozen=True)
class EdgeCost:
    requests: int   # image requests for this edge (its reference picture and the bisection)
    seconds: float


@dataclass(frozen=True)
class SlateReport:
    asset_id: str
    edges: SlateEdges
    requests: int                      # every image request of the search (storyboard included)
    seconds: float
    opening: EdgeCost
    closing: EdgeCost
    hints: tuple[str, ...] = ()        # which edges a slate session of recording_times pointed at
    live: bool = False                 # searched while the recording was still growing

    @property
    def closing_not_yet(self) -> bool:
        """A recording still growing whose closing slate has not appeared at its live edge (yet)."""
        return self.live and self.edges.programme_end is None


@dataclass(frozen=True)
class PictureEnd:
    """Where the picture on screen at ``from_frame`` gives way: ``frame`` is the first frame that no longer shows
    it; None when it holds to the end."""

    from_frame: int
    frame: int | None
    rate: Fraction
    requests: int

    @property
    def ms(self) -> int | None:
        return None if self.frame is None else frame_to_ms(self.frame, self.rate)


@dataclass
class _Count:
    requests: int = 0
    started: float = field(default_factory=time.monotonic)


class SlateFinder:
    """Slate and held-picture searches on Mux's image host (one per session; its cache outlives searches)."""

    def __init__(self, http: httpx.AsyncClient, urls: PlaybackUrls, budget: RateBudget | None = None,
                 width: int = THUMBNAIL_WIDTH) -> None:
        self._http = http
        self._urls = urls
        self._budget = budget or RateBudget(IMAGE_LIMITS)
        self._width = width
        self._pictures: OrderedDict[tuple[str, int], Picture] = OrderedDict()
        self._boards: dict[tuple[str, int], tuple[Storyboard, list[Picture]]] = {}

    # ------------------------------------------------------------------ the searches
    async def find(self, asset: Asset, progress: Callable[[int], None] | None = None) -> SlateReport:
        """The opening and closing slates of ``asset``; ``progress`` hears the number of requests so far."""
        playback, rate, frames = self._facts(asset)
        total = _Count()

        def counted(cost: _Count) -> Callable[[], None]:
            def tick() -> None:
                cost.requests += 1
                total.requests += 1
                if progress is not None:
                    progress(total.requests)
            return tick

        board_cost = _Count()
        board: asyncio.Task[list[tuple[int, Picture]]] | None = None

        async def storyboard() -> list[tuple[int, Picture]]:
            # Both edges ask at about the same time: one fetch, shared.
            nonlocal board
            if board is None:
                board = asyncio.ensure_future(self._tiles(playback, rate, frames, counted(board_cost)))
            return await board

        hints = _hints(asset, rate, frames)
        last = frames - 1
        opening_cost, closing_cost = _Count(), _Count()

        async def opening() -> EdgeEvidence:
            return await self._side("opening", playback, rate, 0, last, storyboard, hints.get("opening"),
                                    counted(opening_cost))

        async def closing() -> EdgeEvidence:
            return await self._side("closing", playback, rate, last, 0, storyboard, hints.get("closing"),
                                    counted(closing_cost))

        searches = [asyncio.ensure_future(opening()), asyncio.ensure_future(closing())]
        try:
            opened, closed = await asyncio.gather(*searches)
        finally:
            for search in searches:  # one edge failing (or the search cancelled) stops the other
                search.cancel()
        if asset.is_live:
            # The closing slate, at the live edge: only a clear one, held long enough, that began after the
            # opening's edge (a programme that holds back to the opening slate's end is the programme).
            live_min = ms_to_frame(LIVE_CLOSING_MIN_MS, rate)
            began_after = opened.edge is None or not opened.clear or (
                closed.edge is not None and closed.edge.changed + 1 > opened.edge.changed + live_min)
            seen: EdgeEvidence | None = closed if closed.clear and closed.held_frames >= live_min and began_after \
                else None
            edges = decide_sides(opened, seen, frames, rate)
        else:
            edges = decide_sides(opened, closed, frames, rate)
        now = time.monotonic()
        # The storyboard is shared: each edge is charged half of it.
        share = board_cost.requests / 2
        return SlateReport(
            asset.id, edges, total.requests, now - total.started,
            EdgeCost(opening_cost.requests + math.ceil(share), now - opening_cost.started),
            EdgeCost(closing_cost.requests + math.floor(share), now - closing_cost.started),
            tuple(sorted(hints)), asset.is_live)

    async def picture_end(self, asset: Asset, from_ms: int) -> PictureEnd:
        """Where the picture on screen at ``from_ms`` (a held title card, a slate) gives way to another."""
        playback, rate, frames = self._facts(asset)
        count = _Count()

        def tick() -> None:
            count.requests += 1

        origin = min(max(ms_to_frame(from_ms, rate), 0), frames - 1)

        async def storyboard() -> list[tuple[int, Picture]]:
            return await self._tiles(playback, rate, frames, tick)

        reference = await self._picture(playback, origin, rate, tick)
        edge = await self._edge(playback, rate, origin, frames - 1, reference, whole(reference), storyboard, None,
                                tick)
        return PictureEnd(origin, None if edge is None else edge.changed, rate, count.requests)

    # ------------------------------------------------------------------ one side
    async def _side(self, side: str, playback: PlaybackId, rate: Fraction, origin: int, extreme: int,
                    storyboard: Callable[[], Awaitable[list[tuple[int, Picture]]]], hint: int | None,
                    tick: Callable[[], None]) -> EdgeEvidence:
        """What the picture at ``origin`` (the first or the last frame) does: where its still part stops holding,
        searching towards ``extreme``, and the evidence :func:`~muxclipper.core.slate_detect.judge` weighs."""
        step = 1 if extreme >= origin else -1
        minimum = ms_to_frame(MIN_SLATE_MS, rate)

        def at(start: int, ms: int) -> int:
            frame = start + step * max(ms_to_frame(ms, rate), 1)
            return min(frame, extreme) if step > 0 else max(frame, extreme)

        async def look(frame: int) -> Picture:
            return await self._picture(playback, frame, rate, tick)

        reference = await look(origin)
        early = [await look(at(origin, ms)) for ms in EARLY_SAMPLES_MS]
        mask = still_mask(reference, early)
        start, lead = origin, 0
        if share_of(mask) < MIN_STILL_SHARE:
            # A moment of black or noise (an encoder starting) before a held picture: the picture 0.45 s in is the
            # one to follow, when it holds on. Where it begins is found going back towards the start.
            later = [await look(at(origin, ms)) for ms in LEAD_SAMPLES_MS]
            candidate = still_mask(early[0], later)
            if share_of(candidate) >= MIN_STILL_SHARE:
                followed = at(origin, EARLY_SAMPLES_MS[0])
                back = await self._drive(find_edge(followed, [], [], origin), playback, rate, early[0], candidate,
                                         tick)
                if back is not None:
                    start, lead, reference, mask, early = back.held, abs(back.held - origin), early[0], candidate, \
                        later
        still = share_of(mask)
        if still < MIN_STILL_SHARE:
            return judge(side, rate, None, still=still, held_frames=0, cut=0.0, drift=0.0, after=0.0,
                         inside_holds=True, samples=len(early))
        edge = await self._edge(playback, rate, start, extreme, reference, mask, storyboard, hint, tick)
        if edge is not None and lead and abs(extreme - edge.changed) < minimum:
            edge = None  # it holds up to a lead-out at the other end: one picture all along
        if edge is None:
            return judge(side, rate, None, still=still, held_frames=abs(extreme - start) + 1, cut=0.0, drift=0.0,
                         after=0.0, inside_holds=True, samples=len(early), lead_frames=lead)
        held_frames = abs(edge.changed - start)
        last, first = await look(edge.held), await look(edge.changed)
        after = await look(at(edge.changed, AFTER_MS))
        # Inside the held span: its quarters, besides what the first second showed.
        span = sorted({start + step * (held_frames * q // 4) for q in (1, 2, 3)} - {start, edge.held})
        inside = [p for f, p in zip((at(origin, ms) for ms in EARLY_SAMPLES_MS), early, strict=True)
                  if abs(f - start) < held_frames] + [await look(f) for f in span]
        return judge(side, rate, edge, still=still, held_frames=held_frames,
                     cut=masked_share(last, first, mask), drift=drift_share(reference, [*inside, last], mask),
                     after=masked_share(reference, after, mask),
                     inside_holds=all(holds(reference, p, mask) for p in inside), samples=len(inside) + 1,
                     lead_frames=lead)

    # ------------------------------------------------------------------ one edge
    async def _edge(self, playback: PlaybackId, rate: Fraction, origin: int, extreme: int, reference: Picture,
                    mask: Mask, storyboard: Callable[[], Awaitable[list[tuple[int, Picture]]]],
                    hint: int | None, tick: Callable[[], None]) -> Edge | None:
        forward = extreme >= origin

        def between(frame: int) -> bool:
            return origin < frame < extreme if forward else extreme < frame < origin

        if hint is not None:
            margin = ms_to_frame(HINT_MARGIN_MS, rate) or 1
            # The hint says the picture holds up to it and not after: find_edge confirms both, and widens if not.
            near = [(hint - margin, True), (hint + margin, False)] if forward else \
                [(hint + margin, True), (hint - margin, False)]
            stops = [f for f, _ in near if between(f)]
            hinted = [h for f, h in near if between(f)]
            return await self._drive(find_edge(origin, stops, hinted, extreme), playback, rate, reference, mask,
                                     tick)
        try:
            tiles = await storyboard()
        except ApiConnectionError as exc:
            if exc.status is None or not 400 <= exc.status < 500:
                raise
            # No storyboard for this source (a recording still growing may not have one yet): exact pictures 1, 2,
            # 4, 8… seconds away stand for its tiles, each looked at until one no longer holds (the far end may show
            # the same picture again: a closing slate like the opening one), then the bisection as usual.
            second = max(ms_to_frame(1000, rate), 1)
            probes = [origin + (second << k if forward else -(second << k)) for k in range(40)]
            probes = [f for f in probes if between(f)]
            return await self._drive(find_edge(origin, probes, [False] * len(probes), extreme), playback, rate,
                                     reference, mask, tick)
        ordered = [(f, p) for f, p in (tiles if forward else reversed(tiles)) if between(f)]
        stops = [f for f, _ in ordered]
        tile_holds = [holds(reference, p, mask) for _, p in ordered]
        return await self._drive(find_edge(origin, stops, tile_holds, extreme), playback, rate, reference, mask,
                                 tick)

    async def _drive(self, search: Generator[int, bool, Edge | None], playback: PlaybackId, rate: Fraction,
                     reference: Picture, mask: Mask, tick: Callable[[], None]) -> Edge | None:
        try:
            frame = next(search)
            while True:
                picture = await self._picture(playback, frame, rate, tick)
                frame = search.send(holds(reference, picture, mask))
        except StopIteration as done:
            result: Edge | None = done.value
            return result

    # ------------------------------------------------------------------ pictures
    async def _picture(self, playback: PlaybackId, frame: int, rate: Fraction, tick: Callable[[], None]) -> Picture:
        key = (playback.id, frame)
        cached = self._pictures.get(key)
        if cached is not None:
            self._pictures.move_to_end(key)
            return cached
        # The middle of the frame: a time at a frame's very start may be answered with its neighbour.
        middle = (frame_to_ms(frame, rate) + frame_to_ms(frame + 1, rate)) // 2
        url = self._urls.thumbnail(playback.id, middle, width=self._width, policy=playback.policy)
        picture = _grid(await self._get(url, tick), "thumbnail")
        self._pictures[key] = picture
        if len(self._pictures) > CACHED_PICTURES:
            self._pictures.popitem(last=False)
        return picture

    async def _tiles(self, playback: PlaybackId, rate: Fraction, frames: int, tick: Callable[[], None]
                     ) -> list[tuple[int, Picture]]:
        """The storyboard's tiles as (frame, picture), cached per playback id and length (a recording in progress
        has a new storyboard as it grows)."""
        key = (playback.id, frames)
        if key not in self._boards:
            data = await self._get(self._urls.storyboard(playback.id, policy=playback.policy), tick)
            try:
                board = storyboard_from_json(json.loads(data))
            except ValueError as exc:
                raise ResponseFormatError("The storyboard is not in Mux's format.") from exc
            sprite = _image(await self._get(board.sprite_url, tick), "storyboard")
            pictures = [picture_of(sprite.crop((t.x, t.y, t.x + board.tile_width, t.y + board.tile_height)))
                        for t in board.tiles]
            self._boards[key] = (board, pictures)
        board, pictures = self._boards[key]
        return [(ms_to_frame(t.start_ms, rate), p) for t, p in zip(board.tiles, pictures, strict=True)]

    async def _get(self, url: str, tick: Callable[[], None]) -> bytes:
        await self._budget.acquire("GET")
        tick()
        try:
            response = await self._http.get(url)
            response.raise_for_status()
        except httpx.HTTPStatusError as exc:
            raise ApiConnectionError(f"Mux's image host answered {exc.response.status_code} for "
                                     f"{url.split('?')[0]}: the pictures of this source are not available yet; "
                                     "try again in a minute.", status=exc.response.status_code) from exc
        except httpx.HTTPError as exc:
            raise ApiConnectionError(f"Mux's image host could not be reached ({exc}): check the network connection "
                                     "(and the environment's image address), then try again.") from exc
        return response.content

    # ------------------------------------------------------------------ facts
    def _facts(self, asset: Asset) -> tuple[PlaybackId, Fraction, int]:
        name = asset.title or asset.id
        if asset.audio_only:  # it has no frame rate either: "once it is ready" was said of a ready one
            raise SlateSearchError(f"{name} is audio only (sound, no picture): there is no picture to find a slate in.")
        # A recording in progress is "preparing" on Mux while what it has recorded already plays.
        playable = asset.status is AssetStatus.READY or (asset.is_live and asset.status is AssetStatus.PREPARING)
        if not playable or not asset.duration_ms or asset.frame_rate is None:
            raise SlateSearchError(f"{name} is {asset.status.value}: its pictures can be searched once it is "
                                   "ready.")
        playback = asset.playback_id(PlaybackPolicy.PUBLIC)
        if playback is None and self._urls.signing_key is not None:
            playback = asset.playback_id(PlaybackPolicy.SIGNED)
        if playback is None:
            raise SlateSearchError(
                f"{name} has no public playback id, and the environment has no signing key for its signed one: add a "
                "signing key to the environment (Environments…, its signing key id and private key; or muxclipper "
                "env add … --signing-key-id ID --signing-key-file FILE; with MUX_TOKEN_ID, set MUX_SIGNING_KEY and "
                "MUX_PRIVATE_KEY), or add a public playback id to the asset.")
        if playback.policy == PlaybackPolicy.SIGNED:
            try:
                self._urls.token(playback.id, "thumbnail")
            except SigningKeyError:  # a damaged key is said here, before any picture is asked for
                raise SlateSearchError(
                    f"The environment's signing key cannot sign {name}'s pictures: its private key is not the base64 "
                    "or PEM text Mux gave when the key was created. Enter it again (Environments…, or "
                    "MUX_PRIVATE_KEY).") from None
        rate = exact_rate(asset.frame_rate)
        # A duration between two frame starts still shows the frame that started before it.
        frames = max(math.ceil(Fraction(asset.duration_ms) * rate / 1000), 1)
        return playback, rate, frames


def _image(data: bytes, what: str) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.convert("RGB")  # decoded now, while the bytes are at hand
    except (OSError, ValueError) as exc:
        raise ResponseFormatError(f"Mux's image host sent a {what} that is not a picture.") from exc


def picture_of(image: Image.Image) -> Picture:
    """A picture as the detector compares it: shrunk to the grid by area averaging (Pillow's box filter), each
    pixel of the result one cell."""
    if image.width < GRID_COLUMNS or image.height < GRID_ROWS:
        raise ResponseFormatError(f"Mux's image host sent a picture of {image.width}×{image.height} pixels, "
                                  f"smaller than the {GRID_COLUMNS}×{GRID_ROWS} needed to compare pictures.")
    small = image.convert("RGB").resize((GRID_COLUMNS, GRID_ROWS), Image.Resampling.BOX)
    return to_grid(small.tobytes(), GRID_COLUMNS, GRID_ROWS)


def _grid(data: bytes, what: str) -> Picture:
    return picture_of(_image(data, what))


def _hints(asset: Asset, rate: Fraction, frames: int) -> dict[str, int]:
    """Slate sessions of ``recording_times`` at the recording's very start or end: where their edge is, in frames."""
    found: dict[str, int] = {}
    slates = [r for r in asset.recording_times if r.type == "slate"]
    if slates and slates[0].offset_ms == 0 and asset.recording_times[0] is slates[0]:
        found["opening"] = min(ms_to_frame(slates[0].end_offset_ms, rate), frames - 1)
    if slates and asset.recording_times[-1] is slates[-1] and not asset.is_live:
        found["closing"] = max(ms_to_frame(slates[-1].offset_ms, rate), 0)
    return found
