"""A variable-frame-rate upload (a phone's) is re-encoded to a constant rate as a transcoder's fps filter does it: each
frame keeps the slot nearest its time, so the served stream's frame n is the upload's frame n — the frame matrix's
oracle (the stamp of upload frame n) is then the stream's own picture, and the player's numbers can be checked
against it. Only a real gap (a frame the phone never recorded) is filled, by repeating the frame before it, so that
every later frame keeps its time (and its sound).

Proved on the whole served video (every frame's stamp decoded), not on its first and last frames.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import ffmpeg, stamp
from tests.emulator.media_helpers import wait_settled
from tests.support import corpus
from tests.support.media_cache import cached, code_version

GAP_FRAMES, GAP_AT = 90, 40  # 3 s at 30 fps; frame 40 never recorded


def _make_gapped(path: Path) -> None:
    """3 s at 30 fps, frames up to 12 ms late as corpus's phone item, and frame 40 missing (its time left empty)."""
    chain = [stamp.stamp_filter(90), f"select='not(eq(n\\,{GAP_AT}))'", "settb=1/90000",
             "setpts='PTS+0.006*mod(floor(T*30+0.5)\\,3)/TB'"]
    ffmpeg.run(["-f", "lavfi", "-i", f"color=c=0x305070:size=160x90:rate=30:duration={GAP_FRAMES / 30:.6f}",
                "-vf", ",".join(chain), *corpus.X264_DEFAULTS, "-enc_time_base", "1/90000", "-fps_mode", "passthrough",
                "-video_track_timescale", "90000", "-f", "mp4", str(path)])


def _served_stamps(api: httpx.Client, server: EmulatorServer, media: Path, tmp_path: Path) -> tuple[
        dict[str, Any], list[int]]:
    """Upload ``media``; the ready asset and the stamp of every frame of the video it serves."""
    response = api.post("/video/v1/assets", json={"inputs": [{"url": media.as_uri()}], "playback_policies": ["public"],
                                                  "static_renditions": [{"resolution": "highest"}]})
    assert response.status_code == 201, response.text
    asset = wait_settled(api, response.json()["data"]["id"], timeout=120)
    assert asset["status"] == "ready", asset
    served = tmp_path / f"{asset['id']}.mp4"
    download = httpx.get(f"{server.stream_url}/{asset['playback_ids'][0]['id']}/highest.mp4", timeout=60)
    assert download.status_code == 200
    served.write_bytes(download.content)
    width, height, frames = ffmpeg.read_frames_rgb(served, frames=100_000)
    return asset, [stamp.read_index(frame, width, height) for frame in frames]


def test_a_phones_frames_a_little_late_are_each_served_once_in_order(
        media_server: EmulatorServer, media_api: httpx.Client, tmp_path: Path) -> None:
    item = next(i for i in corpus.ITEMS if i.name == "phone-vfr-30")
    asset, stamps = _served_stamps(media_api, media_server, corpus.media(item), tmp_path)
    assert stamps == list(range(item.frame_count))  # none repeated, none dropped
    assert asset["max_stored_frame_rate"] == pytest.approx(30)
    assert round(asset["duration"] * 30) == item.frame_count


def test_a_frame_the_phone_never_recorded_is_filled_and_the_later_frames_keep_their_time(
        media_server: EmulatorServer, media_api: httpx.Client, tmp_path: Path) -> None:
    gapped = cached({"what": "vfr with a gap", "version": 1, "code": code_version(Path(stamp.__file__))},
                    _make_gapped, suffix=".mp4")
    _, stamps = _served_stamps(media_api, media_server, gapped, tmp_path)
    expected = [*range(GAP_AT), GAP_AT - 1, *range(GAP_AT + 1, GAP_FRAMES)]
    assert stamps == expected
