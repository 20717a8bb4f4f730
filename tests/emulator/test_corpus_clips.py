"""Clips of every corpus item (tests/support/corpus.py) start and end on exactly the frames asked for, and last
exactly that many frames: proved by the stamp decoded from the clip's first two and last two frames.

Per item, two clips: one whose first frame is two frames before a segment boundary (where B-frames make players and
cutters slip) and whose last is the source's last frame; and one between two frames drawn at random.

The audio-only item has no frames: its clips (the same two kinds, in samples) must last what was asked within one
AAC frame (1024 samples), and start where asked within a millisecond, found by where its once-a-second burst lands.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.core.timecode import frame_to_ms
from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import ffmpeg, stamp
from muxclipper.mux.endpoints import Endpoints
from muxclipper.mux.urls import PlaybackUrls
from tests.emulator.media_helpers import wait_settled
from tests.support import corpus

# The corpus (tests/support/corpus.py) is made and uploaded once, in the first test's set-up: minutes on two busy
# cores, which the suite's 60 s per test must not cut off (the waits inside are deadlines of their own).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _stamp(rgb: bytes, width: int, height: int, source_height: int) -> int:
    """The stamp on an RGB24 frame scaled from a ``source_height`` picture; bits past the right edge read 0."""
    size = stamp.block_size(source_height) * height / source_height
    y = int(size / 2)
    value = 0
    for bit in range(stamp.BITS):
        x = int((bit + 0.5) * size)
        if x >= width:
            break
        offset = (y * width + x) * 3
        if (rgb[offset] * 299 + rgb[offset + 1] * 587 + rgb[offset + 2] * 114) // 1000 > 128:
            value |= 1 << bit
    return value


def _frames(path: Path, source_height: int) -> tuple[list[int], list[int], int]:
    w, h, head = ffmpeg.read_frames_rgb(path, frames=2)
    _, _, tail = ffmpeg.read_frames_rgb(path, frames=2, last=True)
    info = ffmpeg.probe(path)
    return ([_stamp(f, w, h, source_height) for f in head], [_stamp(f, w, h, source_height) for f in tail],
            round(info.duration * info.frame_rate))


def _spans(item: corpus.Item, cuts: list[int]) -> list[tuple[int, int]]:
    """Clips as [first, last] frames: from just before a boundary to the end, and two frames at random."""
    last = item.frame_count - 1
    shortest = int(Fraction(1, 2) * item.rate) + 1  # Mux's shortest clip is 0.5 s
    rng = random.Random(item.name)
    if "long" in item.tags:  # a 3-hour clip would take minutes: two short ones, one ending on the last frame
        first = cuts[-1] - 2
        a = rng.randrange(0, item.frame_count - 600)
        return [(first, last), (a, a + rng.randrange(shortest, 600))]
    first = (cuts[0] - 2) if cuts else last // 3
    a = rng.randrange(0, item.frame_count - shortest)
    b = rng.randrange(a + shortest, item.frame_count)
    return [(min(first, last - shortest), last), (a, b)]


@pytest.mark.parametrize("item", corpus.VIDEO_ITEMS, ids=lambda item: item.name)
def test_a_clip_between_any_two_frames_holds_exactly_those_frames(
        item: corpus.Item, media_server: EmulatorServer, media_api: httpx.Client,
        corpus_assets: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    from tests.qt.editor.test_frame_matrix import boundaries

    source = corpus_assets[item.name]
    assert source["status"] == "ready", source
    pid = source["playback_ids"][0]["id"]
    cuts = boundaries(httpx.get(f"{media_server.stream_url}/{pid}/rendition.m3u8", timeout=10).text, item.rate)
    rate = item.rate
    made = []
    for first, last in _spans(item, cuts):
        response = media_api.post("/video/v1/assets", json={
            "inputs": [{"url": f"mux://assets/{source['id']}", "start_time": float(first / rate),
                        "end_time": float((last + 1) / rate)}],
            "playback_policies": ["public"], "static_renditions": [{"resolution": "highest"}]})
        assert response.status_code == 201, response.text
        made.append((first, last, response.json()["data"]["id"]))
    for first, last, clip_id in made:
        clip = wait_settled(media_api, clip_id, timeout=120)
        assert clip["status"] == "ready", clip
        path = tmp_path / f"{clip_id}.mp4"
        download = httpx.get(f"{media_server.stream_url}/{clip['playback_ids'][0]['id']}/highest.mp4", timeout=60)
        assert download.status_code == 200
        path.write_bytes(download.content)
        head, tail, count = _frames(path, item.size[1])
        assert (head, tail, count) == ([first, first + 1], [last - 1, last], last - first + 1), (first, last)
        assert clip["duration"] == pytest.approx((last - first + 1) / rate, abs=1e-3)


AAC_FRAME = 1024  # samples: an AAC encoder's unit (a decoder may give up to one more or fewer)


@pytest.mark.parametrize("item", corpus.AUDIO_ITEMS, ids=lambda item: item.name)
def test_an_audio_only_clip_starts_where_asked_and_lasts_as_long(
        item: corpus.Item, media_server: EmulatorServer, media_api: httpx.Client,
        corpus_assets: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    source = corpus_assets[item.name]
    assert source["status"] == "ready" and [t["type"] for t in source["tracks"]] == ["audio"], source
    pid = source["playback_ids"][0]["id"]
    rendition = httpx.get(f"{media_server.stream_url}/{pid}/rendition.m3u8", timeout=10).text
    first_cut = float(rendition.split("#EXTINF:")[1].split(",")[0])
    rng = random.Random(item.name)
    a = rng.uniform(0, item.seconds - 1)
    # Just before a segment boundary to the very end; two times at random (to the millisecond, as the app sends).
    spans = [(round(first_cut - 0.013, 3), item.seconds), (round(a, 3), round(rng.uniform(a + 0.5, item.seconds), 3))]
    made = []
    for start, end in spans:
        response = media_api.post("/video/v1/assets", json={
            "inputs": [{"url": f"mux://assets/{source['id']}", "start_time": start, "end_time": end}],
            "playback_policies": ["public"], "static_renditions": [{"resolution": "audio-only"}]})
        assert response.status_code == 201, response.text
        made.append((start, end, response.json()["data"]["id"]))
    rate = int(item.rate)
    for start, end, clip_id in made:
        clip = wait_settled(media_api, clip_id, timeout=120)
        assert clip["status"] == "ready" and [t["type"] for t in clip["tracks"]] == ["audio"], clip
        assert clip["duration"] == pytest.approx(end - start, abs=1 / rate)
        download = httpx.get(f"{media_server.stream_url}/{clip['playback_ids'][0]['id']}/audio.m4a", timeout=60)
        assert download.status_code == 200
        path = tmp_path / f"{clip_id}.m4a"
        path.write_bytes(download.content)
        samples = corpus.pcm(path)
        asked = round((end - start) * rate)
        assert abs(len(samples) - asked) <= AAC_FRAME, (start, end, len(samples), asked)
        expected = round((math.ceil(start) - start) * rate)  # the next whole second's burst
        burst = corpus.first_burst(samples, rate)
        assert burst is not None and abs(burst - expected) <= rate // 1000, (start, end, burst, expected)


@pytest.mark.parametrize("item", corpus.VIDEO_ITEMS, ids=lambda item: item.name)
def test_the_four_pictures_around_a_cut_are_the_frames_they_name(
        item: corpus.Item, media_server: EmulatorServer, corpus_assets: dict[str, dict[str, Any]],
        tmp_path: Path) -> None:
    """The editor's four stills (before in, in, last, after out) around a cut whose in is the frame after a segment
    boundary's last and whose out ends on the source's last frame: asked for as the editor asks (PlaybackUrls'
    thumbnail at the frame's middle, in whole milliseconds), each picture is the frame it names."""
    source = corpus_assets[item.name]
    pid = source["playback_ids"][0]["id"]
    from tests.qt.editor.test_frame_matrix import boundaries

    cuts = boundaries(httpx.get(f"{media_server.stream_url}/{pid}/rendition.m3u8", timeout=10).text, item.rate)
    first = cuts[0] if cuts else item.frame_count // 2
    last = item.frame_count - 2  # "after out" is then the last frame there is
    urls = PlaybackUrls(Endpoints.for_origin(media_server.url))
    for name, frame in (("before in", first - 1), ("in", first), ("last", last), ("after out", last + 1)):
        mid_ms = (frame_to_ms(frame, item.rate) + frame_to_ms(frame + 1, item.rate)) // 2  # as the editor asks
        response = httpx.get(urls.thumbnail(pid, mid_ms, fmt="png"), timeout=60)
        assert response.status_code == 200, (name, response.text)
        still = tmp_path / f"{frame}.png"
        still.write_bytes(response.content)
        width, height, [rgb] = ffmpeg.read_frames_rgb(still)
        assert _stamp(rgb, width, height, item.size[1]) == frame, (name, frame)
