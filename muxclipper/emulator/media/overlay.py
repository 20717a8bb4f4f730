"""Watermarks (``overlay_settings``): fetching the image, placing it as Mux places it, and the ffmpeg filters that burn
it into a video's frames; and the solid-colour PNG the emulator serves for tests (``/_emulator/images/…``).

Placement follows the spec's ``overlay_settings`` and Mux's watermark guide: a percentage of a horizontal margin or a
width is of the video's width, of a vertical margin or a height of the video's height; pixel values (and the image's
own size, when neither width nor height is given) apply as if the video were scaled to fit 1920x1080; given one of
width and height the other keeps the image's proportions; margins may be negative; with ``middle``/``center`` a
positive margin shifts down/right. That pixel values too are measured on the 1920x1080 frame is assumed
(docs/emulator.md).
"""

from __future__ import annotations

import re
import struct
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from muxclipper.emulator.media import ffmpeg

REFERENCE = (1920, 1080)
MAX_IMAGE = 4096
MAX_IMAGE_BYTES = 20 * 1024 * 1024
_LENGTH = re.compile(r"^(-?)(\d+(?:\.\d+)?)(%|px)$")
_OPACITY = re.compile(r"^(\d+(?:\.\d+)?)%$")


class OverlayError(Exception):
    """The watermark cannot be used; the message is Mux-style, for the asset's ``errors``."""


@dataclass(frozen=True)
class OverlayJob:
    url: str
    settings: dict[str, str]


def length(text: str, *, negative: bool) -> tuple[float, str] | None:
    match = _LENGTH.match(text)
    if match is None or (match.group(1) and not negative):
        return None
    value = float(match.group(2))
    return (-value if match.group(1) else value), match.group(3)


def opacity(text: str) -> float | None:
    match = _OPACITY.match(text)
    if match is None or float(match.group(1)) > 100:
        return None
    return float(match.group(1)) / 100


def placement(settings: dict[str, str], video: tuple[int, int], image: tuple[int, int]
              ) -> tuple[int, int, int, int, float]:
    """x, y, width, height (video pixels, even sizes of at least 2) and opacity (0–1) of a checked overlay."""
    vw, vh = video
    iw, ih = image
    scale = min(vw / REFERENCE[0], vh / REFERENCE[1])

    def pixels(key: str, extent: int, negative: bool) -> float | None:
        if key not in settings:
            return None
        parsed = length(settings[key], negative=negative)
        assert parsed is not None  # checked on the way in (validation.py)
        value, unit = parsed
        return value / 100 * extent if unit == "%" else value * scale

    w, h = pixels("width", vw, False), pixels("height", vh, False)
    if w is not None and h is None:
        h = w * ih / iw
    elif h is not None and w is None:
        w = h * iw / ih
    elif w is None or h is None:
        w, h = iw * scale, ih * scale
    mx = pixels("horizontal_margin", vw, True) or 0.0
    my = pixels("vertical_margin", vh, True) or 0.0
    # Beyond twice the picture a watermark shows nothing more: bounded, so a "99999999px" cannot exhaust memory.
    w, h = min(w, 2 * vw), min(h, 2 * vh)
    mx, my = max(min(mx, 2 * vw), -2 * vw), max(min(my, 2 * vh), -2 * vh)
    x = {"left": mx, "center": (vw - w) / 2 + mx, "right": vw - w - mx}[settings.get("horizontal_align", "left")]
    y = {"top": my, "middle": (vh - h) / 2 + my, "bottom": vh - h - my}[settings.get("vertical_align", "top")]
    alpha = opacity(settings["opacity"]) if "opacity" in settings else 1.0
    return (round(x), round(y), max(2, round(w / 2) * 2), max(2, round(h / 2) * 2),
            1.0 if alpha is None else alpha)


def fetch(job: OverlayJob, directory: Path, index: int) -> tuple[Path, tuple[int, int]]:
    """Download the image (http(s), or file:// as the emulator also takes) and check it is a PNG or JPEG of at most
    4096x4096; answer its path and size."""
    parts = urlsplit(job.url)
    try:
        if parts.scheme == "file":
            data = Path(unquote(parts.path)).read_bytes()
        else:
            with urllib.request.urlopen(job.url, timeout=30) as response:  # noqa: S310 - http(s) checked on the way in
                data = response.read(MAX_IMAGE_BYTES + 1)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise OverlayError(f"Unable to download the overlay image from {job.url}: {exc}") from exc
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        suffix = ".png"
    elif data[:3] == b"\xff\xd8\xff":
        suffix = ".jpg"
    else:
        raise OverlayError(f"The overlay image at {job.url} is not a PNG or JPEG; Mux takes only those.")
    if len(data) > MAX_IMAGE_BYTES:
        raise OverlayError(f"The overlay image at {job.url} is too large.")
    path = directory / f"overlay-{index}{suffix}"
    path.write_bytes(data)
    try:
        info = ffmpeg.probe(path)
    except ffmpeg.FfmpegError as exc:
        raise OverlayError(f"The overlay image at {job.url} could not be read: {exc.detail}") from exc
    if info.width > MAX_IMAGE or info.height > MAX_IMAGE:
        raise OverlayError(f"The overlay image at {job.url} is {info.width}x{info.height}; the largest Mux takes "
                           f"is {MAX_IMAGE}x{MAX_IMAGE}.")
    return path, (info.width, info.height)


def burn_args(video: tuple[int, int], images: list[tuple[Path, tuple[int, int], dict[str, str]]]
              ) -> tuple[list[str], str]:
    """The extra inputs and the filter graph (from ``[0:v]`` to ``[v]``) that lay each image over the video in turn."""
    inputs: list[str] = []
    chains: list[str] = []
    last = "0:v"
    for index, (path, size, settings) in enumerate(images, start=1):
        x, y, w, h, alpha = placement(settings, video, size)
        inputs += ["-i", str(path)]
        chains.append(f"[{index}:v]scale={w}:{h},format=rgba,colorchannelmixer=aa={alpha:.4f}[o{index}]")
        out = "v" if index == len(images) else f"b{index}"
        chains.append(f"[{last}][o{index}]overlay=x={x}:y={y}:eof_action=repeat:format=auto[{out}]")
        last = out
    return inputs, ";".join(chains)


def solid_png(width: int, height: int, rgba: tuple[int, int, int, int]) -> bytes:
    """A PNG of one colour, made here (no image library): the emulator's test watermark."""
    row = b"\x00" + bytes(rgba) * width
    raw = row * height

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def jobs_from(items: list[dict[str, Any]]) -> tuple[OverlayJob, ...]:
    return tuple(OverlayJob(str(item["url"]), dict(item.get("settings", {}))) for item in items)
