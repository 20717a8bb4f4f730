"""The image host's pictures: thumbnails at a time, storyboards (sprite + VTT/JSON), animated GIF/WebP.

Each is made by ffmpeg from the asset's master on first request and cached by its parameters.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from muxclipper.emulator.media import ffmpeg, standard_input, webvtt
from muxclipper.emulator.media.store import Manifest

IMAGE_CODECS = {"jpg": ["-c:v", "mjpeg", "-q:v", "3"], "png": ["-c:v", "png"],
                "webp": ["-c:v", "libwebp", "-quality", "80"]}
FIT_MODES = ("preserve", "stretch", "crop", "smartcrop", "pad")
STORYBOARD_COLUMNS = 10
TILE_WIDTH = 256


class ImageRequestError(ValueError):
    """A parameter the image host refuses (400)."""


def _cached(cache: Path, key: str, suffix: str) -> tuple[Path, bool]:
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    path = cache / f"{digest}.{suffix}"
    return path, path.exists()


def _tmp(path: Path) -> Path:
    # Unique per request: two requests for the same picture may make it at once.
    return path.with_name(f"{path.stem}.{uuid.uuid4().hex}.tmp{path.suffix}")


def _publish(tmp: Path, path: Path) -> Path:
    os.replace(tmp, path)
    return path


def scale_filter(src_w: int, src_h: int, width: int | None, height: int | None, fit_mode: str) -> str:
    if fit_mode not in FIT_MODES:
        raise ImageRequestError(f"fit_mode must be one of {', '.join(FIT_MODES)}")
    if width is None and height is None:
        return "null"
    if width is None or height is None:  # one side given: keep the aspect ratio
        w = width if width is not None else round(src_w * (height or src_h) / src_h)
        h = height if height is not None else round(src_h * (width or src_w) / src_w)
        return f"scale={max(w // 2 * 2, 2)}:{max(h // 2 * 2, 2)}"
    if fit_mode == "stretch":
        return f"scale={width}:{height}"
    if fit_mode in ("crop", "smartcrop"):
        return f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height}"
    if fit_mode == "pad":
        return (f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
                f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:black")
    return f"scale={width}:{height}:force_original_aspect_ratio=decrease"


def thumbnail(master: Path, manifest: Manifest, cache: Path, fmt: str, time: float | None,
              width: int | None, height: int | None, fit_mode: str) -> Path:
    if fmt not in IMAGE_CODECS:
        raise ImageRequestError("format must be jpg, png or webp")
    duration = manifest.duration
    at = duration / 2 if time is None else time
    # The frame on screen at that time; ffmpeg's -ss gives the first frame starting at or after it,
    # so seek to half a frame before the chosen frame's start.
    frame = min(max(math.floor(at * manifest.rate), 0), manifest.frames - 1)
    # Times count from the first video frame (sound starting earlier puts it after the file's start).
    at = max((frame - 0.5) / float(manifest.rate), 0.0) + standard_input.video_delay_of(master)
    vf = scale_filter(manifest.width, manifest.height, width, height, fit_mode)
    path, hit = _cached(cache, f"thumb|{fmt}|{at:.6f}|{width}|{height}|{fit_mode}", fmt)
    if hit:
        return path
    tmp = _tmp(path)
    ffmpeg.run(["-ss", f"{at:.6f}", "-i", str(master), "-frames:v", "1", "-vf", vf, *IMAGE_CODECS[fmt],
                "-f", "image2", str(tmp)])
    return _publish(tmp, path)


@dataclass(frozen=True)
class Storyboard:
    tile_width: int
    tile_height: int
    duration: float
    tiles: list[tuple[float, int, int]]  # start, x, y

    def vtt(self, image_url: str) -> str:
        cues = []
        for index, (start, x, y) in enumerate(self.tiles):
            end = self.tiles[index + 1][0] if index + 1 < len(self.tiles) else self.duration
            cues.append(webvtt.Cue(start, end, f"{image_url}#xywh={x},{y},{self.tile_width},{self.tile_height}"))
        return webvtt.render(cues)

    def json(self, image_url: str) -> str:
        return json.dumps({"url": image_url, "tile_width": self.tile_width, "tile_height": self.tile_height,
                           "duration": self.duration,
                           "tiles": [{"start": round(s, 3), "x": x, "y": y} for s, x, y in self.tiles]})


def storyboard_layout(manifest: Manifest, start: float = 0.0, end: float | None = None) -> Storyboard:
    """Mux's rule: 50 tiles for media under 15 minutes, 100 otherwise; ours are 10 to a row."""
    end = manifest.duration if end is None else min(end, manifest.duration)
    span = max(end - start, 0.0)
    count = 50 if span < 15 * 60 else 100
    tile_height = max(round(TILE_WIDTH * manifest.height / manifest.width / 2) * 2, 2)
    tiles = [(start + span * i / count, (i % STORYBOARD_COLUMNS) * TILE_WIDTH,
              (i // STORYBOARD_COLUMNS) * tile_height) for i in range(count)]
    return Storyboard(TILE_WIDTH, tile_height, round(span, 3), tiles)


def storyboard_image(master: Path, manifest: Manifest, cache: Path, fmt: str, board: Storyboard) -> Path:
    if fmt not in IMAGE_CODECS:
        raise ImageRequestError("format must be jpg, png or webp")
    start = board.tiles[0][0]
    path, hit = _cached(cache, f"board|{fmt}|{start:.3f}|{board.duration:.3f}", fmt)
    if hit:
        return path
    rows = math.ceil(len(board.tiles) / STORYBOARD_COLUMNS)
    # One frame per tile interval, scaled and laid out in a grid, in one decoding pass.
    rate = len(board.tiles) / max(board.duration, 0.001)
    tmp = _tmp(path)
    ffmpeg.run(["-ss", f"{start:.6f}", "-t", f"{board.duration:.6f}", "-i", str(master),
                "-vf", f"fps={rate:.9f}:round=down,scale={board.tile_width}:{board.tile_height},"
                       f"tile={STORYBOARD_COLUMNS}x{rows}",
                "-frames:v", "1", *IMAGE_CODECS[fmt], "-f", "image2", str(tmp)], timeout=900)
    return _publish(tmp, path)


def animated(master: Path, manifest: Manifest, cache: Path, fmt: str, start: float, end: float,
             width: int | None, height: int | None, fps: int) -> Path:
    if fmt not in ("gif", "webp"):
        raise ImageRequestError("format must be gif or webp")
    if end <= start or end - start > 10:
        raise ImageRequestError("end must be after start, at most 10 s later")
    if not 1 <= fps <= 30:
        raise ImageRequestError("fps must be from 1 to 30")
    vf = scale_filter(manifest.width, manifest.height, width or (None if height else 320), height, "preserve")
    path, hit = _cached(cache, f"anim|{fmt}|{start}|{end}|{width}|{height}|{fps}", fmt)
    if hit:
        return path
    codec = ["-c:v", "gif"] if fmt == "gif" else ["-c:v", "libwebp_anim", "-loop", "0"]
    tmp = _tmp(path)
    ffmpeg.run(["-ss", f"{start:.6f}", "-t", f"{end - start:.6f}", "-i", str(master),
                "-vf", f"fps={fps},{vf}", *codec, "-f", "gif" if fmt == "gif" else "webp", str(tmp)])
    return _publish(tmp, path)
