"""An image watermark for a clip, as Mux's ``overlay_settings`` describes it: checked as Mux checks it, and placed
on a picture the way Mux places it (for the editor's preview).

Placement (Mux's "Add watermarks" guide and the spec's ``overlay_settings``): a percentage of a margin or a width is
of the video's width, of a height or a vertical margin of the video's height; a pixel value, and the image's own size
when no width or height is given, apply as if the video were scaled to fit a 1920x1080 frame. Given one of width and
height, the other keeps the image's proportions. Margins may be negative (the overlay moves off the picture); with
``middle``/``center`` a margin shifts down or right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERTICAL_ALIGNS = ("top", "middle", "bottom")
HORIZONTAL_ALIGNS = ("left", "center", "right")
#: The frame pixel values are measured in.
REFERENCE_FRAME = (1920, 1080)
#: Mux's largest watermark image.
MAX_IMAGE_PIXELS = 4096
_LENGTH = re.compile(r"^(-?)(\d+(?:\.\d+)?)(%|px)$")
_OPACITY = re.compile(r"^(\d+(?:\.\d+)?)%$")


@dataclass(frozen=True)
class Watermark:
    """A watermark image and where it goes; None leaves a setting to Mux (top, left, no margin, the image's own
    size, fully opaque)."""

    url: str
    vertical_align: str | None = None
    vertical_margin: str | None = None
    horizontal_align: str | None = None
    horizontal_margin: str | None = None
    width: str | None = None
    height: str | None = None
    opacity: str | None = None

    def overlay_settings(self) -> dict[str, str]:
        """The settings Mux is sent: only those given."""
        names = ("vertical_align", "vertical_margin", "horizontal_align", "horizontal_margin", "width", "height",
                 "opacity")
        return {name: value for name in names if (value := getattr(self, name)) is not None}


@dataclass(frozen=True)
class Length:
    value: float
    unit: str  # "%" or "px"

    def pixels(self, extent: int, scale: float) -> float:
        """In the video's pixels: ``extent`` is the video's width or height, ``scale`` the video's pixels per
        reference-frame pixel."""
        return self.value / 100 * extent if self.unit == "%" else self.value * scale


def parse_length(text: str, *, negative: bool) -> Length | None:
    match = _LENGTH.match(text.strip())
    if match is None or (match.group(1) and not negative):
        return None
    value = float(match.group(2))
    return Length(-value if match.group(1) else value, match.group(3))


def parse_opacity(text: str) -> float | None:
    """0–1 from "0%".."100%", else None."""
    match = _OPACITY.match(text.strip())
    if match is None or float(match.group(1)) > 100:
        return None
    return float(match.group(1)) / 100


def problems(watermark: Watermark) -> list[str]:
    """What Mux would refuse in ``watermark``, each saying what to type instead; empty when it is sound."""
    found: list[str] = []
    url = watermark.url.strip()
    if not re.match(r"^https?://\S+$", url):
        found.append(f"The watermark image must be an http:// or https:// address of a PNG or JPEG; got {url!r}.")
    for name, allowed in (("vertical_align", VERTICAL_ALIGNS), ("horizontal_align", HORIZONTAL_ALIGNS)):
        value = getattr(watermark, name)
        if value is not None and value not in allowed:
            found.append(f"The watermark's {name.replace('_', ' ')} must be one of {', '.join(allowed)}; "
                         f"got {value!r}.")
    for name in ("vertical_margin", "horizontal_margin"):
        value = getattr(watermark, name)
        if value is not None and parse_length(value, negative=True) is None:
            found.append(f"The watermark's {name.replace('_', ' ')} must be a percentage or pixels, such as "
                         f"\"5%\" or \"40px\" (negative moves it off the picture); got {value!r}.")
    for name in ("width", "height"):
        value = getattr(watermark, name)
        length = parse_length(value, negative=False) if value is not None else None
        if value is not None and (length is None or length.value <= 0):
            found.append(f"The watermark's {name} must be a positive percentage or pixels, such as \"20%\" or "
                         f"\"300px\"; got {value!r}.")
    if watermark.opacity is not None and parse_opacity(watermark.opacity) is None:
        found.append(f"The watermark's opacity must be a percentage from \"0%\" to \"100%\"; got "
                     f"{watermark.opacity!r}.")
    return found


@dataclass(frozen=True)
class Placement:
    x: float
    y: float
    width: float
    height: float
    opacity: float


def place(watermark: Watermark, video: tuple[int, int], image: tuple[int, int] | None) -> Placement:
    """Where ``watermark`` lands on a ``video`` (width, height), in its pixels. ``image`` is the image's own size
    (None when not known yet: a 16:9 image a tenth of the reference frame wide is assumed). The watermark must have
    no :func:`problems`."""
    vw, vh = video
    iw, ih = image or (REFERENCE_FRAME[0] // 10, REFERENCE_FRAME[1] // 10)
    scale = min(vw / REFERENCE_FRAME[0], vh / REFERENCE_FRAME[1])
    width = parse_length(watermark.width, negative=False) if watermark.width else None
    height = parse_length(watermark.height, negative=False) if watermark.height else None
    if width and height:
        w, h = width.pixels(vw, scale), height.pixels(vh, scale)
    elif width:
        w = width.pixels(vw, scale)
        h = w * ih / max(iw, 1)
    elif height:
        h = height.pixels(vh, scale)
        w = h * iw / max(ih, 1)
    else:
        w, h = iw * scale, ih * scale
    h_margin = parse_length(watermark.horizontal_margin, negative=True) if watermark.horizontal_margin else None
    v_margin = parse_length(watermark.vertical_margin, negative=True) if watermark.vertical_margin else None
    mx = h_margin.pixels(vw, scale) if h_margin else 0.0
    my = v_margin.pixels(vh, scale) if v_margin else 0.0
    x = {"left": mx, "center": (vw - w) / 2 + mx, "right": vw - w - mx}[watermark.horizontal_align or "left"]
    y = {"top": my, "middle": (vh - h) / 2 + my, "bottom": vh - h - my}[watermark.vertical_align or "top"]
    opacity = parse_opacity(watermark.opacity) if watermark.opacity else 1.0
    return Placement(x, y, w, h, 1.0 if opacity is None else opacity)
