"""Benchmark: finding the slates to the frame, per edge — image requests and time — beside a naive scan.

Run: ``.venv/bin/python -m tests.benchmarks.bench_slates [--quick]``.

Sources (the emulator's generated media, made once and cached under ``--cache``): the demo's keynote (200 s, 30 fps,
640x360, 20 s STARTING SOON and 15 s THANKS FOR WATCHING), a 10-minute 60 fps recording with a ticker slate and a
30-minute 25 fps recording with a clock slate (320x180; ``--quick`` leaves it out). Each is searched by
:class:`~muxclipper.services.slate_finder.SlateFinder` with an empty cache, and by the baseline a producer's script
would use: one thumbnail a second from the start (and from the end) until the picture changes, then frame by frame
through that second. Both go through the same image budget and compare pictures by the same rule; both are checked
against the frame the generator switched at. The emulator makes a storyboard on its first request (Mux has it
ready): it is asked for once before timing.

Then the labelled corpus (tests/support/slate_corpus.py: slates of every style, openings that are not slates), each
item searched with an empty cache: per style, edges exact to the frame, within one frame, false proposals, missed
slates, image requests and seconds per edge. Goals: 0 false proposals, every edge exact, ≤ 30 requests and ≤ 3 s per
edge.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import httpx

from muxclipper.core.models import Asset
from muxclipper.core.slate_detect import Picture, same_picture
from muxclipper.core.timecode import exact_rate
from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
from muxclipper.mux.endpoints import Endpoints
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.mux.wire import asset_from_wire
from muxclipper.services.slate_finder import SlateFinder, SlateReport
from tests.benchmarks.machine import describe
from tests.emulator.media_helpers import wait_settled
from tests.support.media_cache import cache_root
from tests.support.slate_corpus import ITEMS, item_path
from tests.support.slate_scoring import Scores

RW = ("bench-id", "bench-secret")


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    fps: Fraction
    duration: Fraction
    preroll: Fraction
    postroll: Fraction

    @property
    def expected(self) -> tuple[int, int]:
        return (math.ceil(self.preroll * self.fps), math.ceil((self.duration - self.postroll) * self.fps))


def _generated(duration: str, fps: str, preroll: str, postroll: str, slate: str) -> str:
    return (f"emulator://generated?duration={duration}&fps={fps}&width=320&height=180&preroll={preroll}"
            f"&postroll={postroll}&slate={slate}&audio=0")


SOURCES = [
    Source("demo keynote, 200 s, 30 fps", "emulator://generated/live-event", Fraction(30), Fraction(200),
           Fraction(20), Fraction(15)),
    Source("10 min, 60 fps, ticker slate", _generated("600", "60", "33.31", "12.71", "ticker"), Fraction(60),
           Fraction(600), Fraction("33.31"), Fraction("12.71")),
    Source("30 min, 25 fps, clock slate", _generated("1800", "25", "95.37", "42.11", "clock"), Fraction(25),
           Fraction(1800), Fraction("95.37"), Fraction("42.11")),
]


async def naive(finder: SlateFinder, asset: Asset) -> list[tuple[int, int, float]]:
    """One thumbnail a second until the picture changes, then frame by frame through that second, from the start
    and from the end: per edge, (the programme's edge frame, requests, seconds)."""
    playback, rate, frames = finder._facts(asset)  # noqa: SLF001 - the same facts and pictures as the search
    second = round(rate)
    results = []
    for origin, step in ((0, 1), (frames - 1, -1)):
        count = [0]

        def tick(count: list[int] = count) -> None:
            count[0] += 1

        started = time.monotonic()
        reference = await finder._picture(playback, origin, rate, tick)  # noqa: SLF001

        async def holds(frame: int, reference: Picture = reference, tick: Callable[[], None] = tick) -> bool:
            return same_picture(reference, await finder._picture(playback, frame, rate, tick))  # noqa: SLF001

        frame = origin
        while 0 <= frame + step * second < frames and await holds(frame + step * second):
            frame += step * second
        while 0 <= frame + step < frames and await holds(frame + step):
            frame += step
        results.append((frame + 1 if step > 0 else frame, count[0], time.monotonic() - started))
    return results


async def measure(server: EmulatorServer, asset: Asset) -> dict[str, object]:
    urls = PlaybackUrls(Endpoints.for_origin(server.url))
    async with httpx.AsyncClient(timeout=600) as http:
        public = asset.playback_id("public")
        assert public is not None
        board = (await http.get(urls.storyboard(public.id))).json()
        await http.get(board["url"])  # the emulator makes it now; Mux has it ready
        report = await SlateFinder(http, urls).find(asset)
        scanned = await naive(SlateFinder(http, urls), asset)
    return {"found": (report.edges.programme_start, report.edges.programme_end), "report": report,
            "naive": scanned}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="leave out the 30-minute recording")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/muxclipper-bench-slates"),
                        help="where generated media is kept between runs")
    args = parser.parse_args()
    sources = SOURCES[:2] if args.quick else SOURCES
    print(f"Machine: {describe()}")
    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=True, generated_dir=args.cache,
                            file_folders=(cache_root(),))  # the corpus items are ingested as file:// inputs
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=RW, timeout=60) as api:
        print("| source | edge | frame found (expected) | requests | time | naive scan: requests | time |")
        print("|---|---|---|---:|---:|---:|---:|")
        for source in sources:
            made = api.post("/video/v1/assets", json={"inputs": [{"url": source.url}],
                                                      "playback_policies": ["public"]}).json()["data"]
            asset = asset_from_wire(wait_settled(api, made["id"], timeout=1800))
            assert asset.frame_rate is not None and exact_rate(asset.frame_rate) == source.fps
            result = asyncio.run(measure(server, asset))
            report, found, scanned = result["report"], result["found"], result["naive"]
            assert isinstance(report, SlateReport) and isinstance(found, tuple) and isinstance(scanned, list)
            for index, (edge, cost) in enumerate((("opening", report.opening), ("closing", report.closing))):
                assert cost is not None
                expected = source.expected[index]
                mark = "" if found[index] == expected else " **WRONG**"
                naive_frame, naive_requests, naive_seconds = scanned[index]
                naive_mark = "" if naive_frame == expected else " **WRONG**"
                print(f"| {source.name} | {edge} | #{found[index]} (#{expected}){mark} | {cost.requests} | "
                      f"{cost.seconds:.2f} s | {naive_requests}{naive_mark} | {naive_seconds:.2f} s |", flush=True)
        print()
        print(corpus(server, api))


def corpus(server: EmulatorServer, api: httpx.Client) -> str:
    """The labelled corpus, per style (each item with an empty cache, its storyboard made before timing)."""
    made = {item.name: api.post("/video/v1/assets", json={"inputs": [{"url": item_path(item).as_uri()}],
                                                          "playback_policies": ["public"]}).json()["data"]["id"]
            for item in ITEMS}
    assets = {name: asset_from_wire(wait_settled(api, asset_id, timeout=600)) for name, asset_id in made.items()}
    urls = PlaybackUrls(Endpoints.for_origin(server.url))
    scores = Scores()

    async def run() -> None:
        async with httpx.AsyncClient(timeout=600) as http:
            for item in ITEMS:
                asset = assets[item.name]
                public = asset.playback_id("public")
                assert public is not None
                board = (await http.get(urls.storyboard(public.id))).json()
                await http.get(board["url"])  # the emulator makes it now; Mux has it ready
                report = await SlateFinder(http, urls).find(asset)
                scores.add(item.name, item.style, (item.programme_start, item.programme_end),
                           (report.edges.programme_start, report.edges.programme_end),
                           (report.opening.requests, report.closing.requests),
                           (report.opening.seconds, report.closing.seconds), report.edges.note)

    asyncio.run(run())
    mistakes = "\n".join(f"**{m}**" for m in scores.mistakes)
    return f"Labelled corpus, per style:\n\n{scores.table()}\n{mistakes}"

if __name__ == "__main__":
    main()
