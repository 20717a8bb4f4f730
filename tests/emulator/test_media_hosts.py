"""The stream and image hosts: playlists, segments, instant clips, renditions, images, signed ids."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import httpx
import jwt
import pytest

from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import stamp
from muxclipper.emulator.media.images import storyboard_layout
from muxclipper.emulator.media.store import Manifest
from tests.emulator.media_helpers import wait_settled


def _public(asset: dict[str, Any]) -> str:
    return next(p["id"] for p in asset["playback_ids"] if p["policy"] == "public")


def _signed(asset: dict[str, Any]) -> str:
    return next(p["id"] for p in asset["playback_ids"] if p["policy"] == "signed")


def _segments(playlist: str) -> list[tuple[float, str]]:
    return [(float(d), uri) for d, uri in re.findall(r"#EXTINF:([\d.]+),\n(\S+)", playlist)]


def test_master_and_media_playlists(media_server: EmulatorServer, stamped_source: dict[str, Any]) -> None:
    pid = _public(stamped_source)
    master = httpx.get(f"{media_server.stream_url}/{pid}.m3u8")
    assert master.status_code == 200
    assert master.headers["content-type"] == "application/vnd.apple.mpegurl"
    assert "RESOLUTION=320x180" in master.text and 'SUBTITLES="subs"' in master.text
    rendition = httpx.get(f"{media_server.stream_url}/{pid}/rendition.m3u8").text
    segments = _segments(rendition)
    assert sum(d for d, _ in segments) == pytest.approx(12.0)
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in rendition and rendition.rstrip().endswith("#EXT-X-ENDLIST")
    segment = httpx.get(f"{media_server.stream_url}/{pid}/{segments[0][1]}")
    assert segment.status_code == 200 and segment.headers["content-type"] == "video/mp2t"
    assert segment.content[:1] == b"\x47"  # an MPEG-TS sync byte


def test_subtitle_rendition_segments_carry_the_timestamp_map(media_server: EmulatorServer,
                                                             stamped_source: dict[str, Any]) -> None:
    pid = _public(stamped_source)
    [track] = [t for t in stamped_source["tracks"] if t["type"] == "text"]
    playlist = httpx.get(f"{media_server.stream_url}/{pid}/subs/{track['id']}.m3u8").text
    uris = [uri for _, uri in _segments(playlist)]
    assert len(uris) == 6
    second = httpx.get(f"{media_server.stream_url}/{pid}/subs/{uris[1]}")
    assert second.headers["content-type"].startswith("text/vtt")
    assert "X-TIMESTAMP-MAP=MPEGTS:" in second.text
    assert "Caption 1" in second.text  # 0–3 s overlaps the 2–4 s segment


@pytest.mark.parametrize(("start", "end"), [(3.0, 7.0), (0.0, 1.0), (4.0, 6.0), (10.5, 12.0)])
def test_instant_clip_playlists_cover_the_range(media_server: EmulatorServer, stamped_source: dict[str, Any],
                                                start: float, end: float) -> None:
    pid = _public(stamped_source)
    query = f"asset_start_time={start:g}&asset_end_time={end:g}"
    master = httpx.get(f"{media_server.stream_url}/{pid}.m3u8?{query}").text
    assert f"rendition.m3u8?{query}" in master
    rendition = httpx.get(f"{media_server.stream_url}/{pid}/rendition.m3u8?{query}").text
    sequence = int(re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", rendition).group(1))  # type: ignore[union-attr]
    durations = [d for d, _ in _segments(rendition)]
    covered_start = 2.0 * sequence
    covered_end = covered_start + sum(durations)
    assert covered_start <= start and covered_end >= end          # the whole range is there
    assert covered_start > start - 2.0 and covered_end < end + 2.0  # and no more than a segment each side


def test_static_renditions_with_ranges_and_download_names(media_server: EmulatorServer,
                                                          stamped_source: dict[str, Any]) -> None:
    pid = _public(stamped_source)
    files = {f["name"]: f for f in stamped_source["static_renditions"]["files"]}
    assert files["highest.mp4"]["status"] == "ready" and files["audio.m4a"]["status"] == "ready"
    whole = httpx.get(f"{media_server.stream_url}/{pid}/highest.mp4")
    assert whole.headers["content-type"] == "video/mp4"
    assert int(files["highest.mp4"]["filesize"]) == len(whole.content)
    part = httpx.get(f"{media_server.stream_url}/{pid}/highest.mp4", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole.content)}"
    named = httpx.get(f"{media_server.stream_url}/{pid}/audio.m4a?download=keynote.m4a")
    assert named.headers["content-type"] == "audio/mp4"
    assert named.headers["content-disposition"] == 'attachment; filename="keynote.m4a"'
    assert httpx.get(f"{media_server.stream_url}/{pid}/720p.mp4").status_code == 404  # never asked for


def test_unknown_and_unready_ids(media_server: EmulatorServer, media_api: httpx.Client) -> None:
    assert httpx.get(f"{media_server.stream_url}/nope.m3u8").status_code == 404
    assert httpx.get(f"{media_server.image_url}/nope/thumbnail.jpg").status_code == 404
    response = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": "emulator://generated?duration=3&width=160&height=90"}], "playback_policies": ["public"]})
    asset = response.json()["data"]
    media_api.post(f"/_emulator/assets/{asset['id']}/hold")
    assert httpx.get(f"{media_server.stream_url}/{_public(asset)}.m3u8").status_code == 412
    media_api.post(f"/_emulator/assets/{asset['id']}/release")
    assert wait_settled(media_api, asset["id"])["status"] == "ready"
    assert httpx.get(f"{media_server.stream_url}/{_public(asset)}.m3u8").status_code == 200


def _png_index(content: bytes, source_height: int = 180) -> int:
    from PySide6.QtGui import QImage

    image = QImage.fromData(content).convertToFormat(QImage.Format.Format_RGB888)
    bits = image.constBits()
    width, height = image.width(), image.height()
    raw = bytes(bits)
    stride = image.bytesPerLine()
    rgb = b"".join(raw[y * stride: y * stride + width * 3] for y in range(height))
    return stamp.read_index(rgb, width, height, source_height)


def test_thumbnails_show_the_frame_at_the_time(media_server: EmulatorServer, stamped_source: dict[str, Any]) -> None:
    from PySide6.QtGui import QImage

    pid = _public(stamped_source)
    png = httpx.get(f"{media_server.image_url}/{pid}/thumbnail.png?time=4")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert _png_index(png.content) == 100
    middle = httpx.get(f"{media_server.image_url}/{pid}/thumbnail.png")
    assert _png_index(middle.content) == 150  # Mux's default: the middle
    small = QImage.fromData(httpx.get(f"{media_server.image_url}/{pid}/thumbnail.jpg?width=160").content)
    assert (small.width(), small.height()) == (160, 90)
    padded = QImage.fromData(httpx.get(
        f"{media_server.image_url}/{pid}/thumbnail.webp?width=200&height=200&fit_mode=pad").content)
    assert (padded.width(), padded.height()) == (200, 200)
    bad = httpx.get(f"{media_server.image_url}/{pid}/thumbnail.jpg?fit_mode=squash&width=10&height=10")
    assert bad.status_code == 400


def test_storyboards(media_server: EmulatorServer, stamped_source: dict[str, Any]) -> None:
    from PySide6.QtGui import QImage

    pid = _public(stamped_source)
    board = httpx.get(f"{media_server.image_url}/{pid}/storyboard.json").json()
    assert board["url"].endswith(f"/image/{pid}/storyboard.jpg")
    assert (board["tile_width"], board["tile_height"], board["duration"]) == (256, 144, 12.0)
    assert len(board["tiles"]) == 50 and board["tiles"][1] == {"start": 0.24, "x": 256, "y": 0}
    vtt = httpx.get(f"{media_server.image_url}/{pid}/storyboard.vtt").text
    assert vtt.startswith("WEBVTT") and "storyboard.jpg#xywh=256,0,256,144" in vtt
    sprite = QImage.fromData(httpx.get(board["url"]).content)
    assert (sprite.width(), sprite.height()) == (2560, 720)
    gif = httpx.get(f"{media_server.image_url}/{pid}/animated.gif?start=2&end=4&width=120")
    assert gif.status_code == 200 and gif.content[:6] == b"GIF89a"


def test_storyboards_have_100_tiles_from_15_minutes() -> None:
    short = Manifest(frame_rate="30", frames=30 * 899, width=640, height=360, has_audio=True, segments=[],
                     mpegts_start=0)
    long = Manifest(frame_rate="30", frames=30 * 900, width=640, height=360, has_audio=True, segments=[],
                    mpegts_start=0)
    assert len(storyboard_layout(short).tiles) == 50
    assert len(storyboard_layout(long).tiles) == 100


@pytest.fixture(scope="module")
def signing_key(media_api: httpx.Client) -> tuple[str, bytes]:
    key = media_api.post("/system/v1/signing-keys").json()["data"]
    return key["id"], base64.b64decode(key["private_key"])


def _token(key: tuple[str, bytes], sub: str, aud: str, exp: float | None = None, **claims: Any) -> str:
    payload = {"sub": sub, "aud": aud, "exp": int(exp if exp is not None else time.time() + 3600), **claims}
    return jwt.encode(payload, key[1], algorithm="RS256", headers={"kid": key[0]})


def test_signed_ids_open_only_with_a_valid_token(media_server: EmulatorServer, stamped_source: dict[str, Any],
                                                 signing_key: tuple[str, bytes]) -> None:
    pid = _signed(stamped_source)
    url = f"{media_server.stream_url}/{pid}.m3u8"
    good = httpx.get(url, params={"token": _token(signing_key, pid, "v")})
    assert good.status_code == 200
    child = re.search(r"^(\S+rendition\.m3u8\?token=\S+)$", good.text, re.M)
    assert child is not None
    rendition = httpx.get(f"{media_server.stream_url}/{child.group(1)}")
    assert rendition.status_code == 200
    first_segment = _segments(rendition.text)[0][1]
    assert "token=" in first_segment
    assert httpx.get(f"{media_server.stream_url}/{pid}/{first_segment}").status_code == 200
    other_key = jwt.encode({"sub": pid, "aud": "v", "exp": int(time.time() + 60)},
                           _other_private_key(), algorithm="RS256", headers={"kid": signing_key[0]})
    for bad in (None, "not-a-jwt", _token(signing_key, pid, "t"), _token(signing_key, pid, "v", exp=time.time() - 5),
                _token(signing_key, "another-id", "v"), other_key):
        response = httpx.get(url, params={"token": bad} if bad else None)
        assert response.status_code == 403, bad
        assert response.json()["error"]["type"] == "forbidden"


def test_signed_thumbnails_and_storyboards_need_their_audience(
        media_server: EmulatorServer, stamped_source: dict[str, Any], signing_key: tuple[str, bytes]) -> None:
    pid = _signed(stamped_source)
    thumb = f"{media_server.image_url}/{pid}/thumbnail.jpg"
    assert httpx.get(thumb, params={"token": _token(signing_key, pid, "t", time=2)}).status_code == 200
    assert httpx.get(thumb, params={"token": _token(signing_key, pid, "v")}).status_code == 403
    # With signed ids the parameters belong in the claims, not the URL.
    assert httpx.get(thumb, params={"token": _token(signing_key, pid, "t"), "time": 2}).status_code == 403
    board = f"{media_server.image_url}/{pid}/storyboard.json"
    assert httpx.get(board, params={"token": _token(signing_key, pid, "s")}).status_code == 200


def test_a_public_id_refuses_a_token(media_server: EmulatorServer, stamped_source: dict[str, Any],
                                     signing_key: tuple[str, bytes]) -> None:
    pid = _public(stamped_source)
    response = httpx.get(f"{media_server.stream_url}/{pid}.m3u8", params={"token": _token(signing_key, pid, "v")})
    assert response.status_code == 403


def _other_private_key() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def test_stream_and_image_hosts_need_no_credentials(media_server: EmulatorServer,
                                                    stamped_source: dict[str, Any]) -> None:
    pid = _public(stamped_source)
    assert httpx.get(f"{media_server.stream_url}/{pid}.m3u8").status_code == 200
    log = httpx.get(f"{media_server.url}/_emulator/requests", params={"path_prefix": "/stream/"}).json()["data"]
    assert log and not log[-1]["authorization"]
