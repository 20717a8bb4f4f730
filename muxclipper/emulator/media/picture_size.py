"""How big a picture is for Mux's resolution tiers and fixed-size renditions: by its **shorter side**. Mux names
its tiers (720p, 1080p, …) and fixed-size MP4s (720p.mp4, …) after the height of a 16:9 picture; a portrait picture
(a phone's 1080x1920) is taken as the same class of picture turned on its side, so its width is what counts. Mux does
not document the portrait case: this is the emulator's guess (docs/emulator.md), and the same rule as muxclipper's
own (core/resolution.py), so the two never disagree about a source's tier."""

from __future__ import annotations

import math

#: The shorter side a ``max_resolution_tier`` caps a picture at.
TIER_SIDES = {"1080p": 1080, "1440p": 1440, "2160p": 2160}


def short_side(width: int, height: int) -> int:
    return min(width, height)


def tier_of(width: int, height: int) -> str:
    """The ``resolution_tier`` of a ``width``x``height`` picture."""
    side = short_side(width, height)
    for tier, limit in (("720p", 720), ("1080p", 1080), ("1440p", 1440)):
        if side <= limit:
            return tier
    return "2160p"


def _even(value: float) -> int:
    # As ffmpeg's scale=-2 rounds the other side: to the nearest even number (H.264's 4:2:0 needs even sizes).
    return max(2, math.floor(value / 2 + 0.5) * 2)


def scaled(width: int, height: int, side: int) -> tuple[int, int]:
    """``width``x``height`` with its shorter side made ``side``, proportions kept."""
    if height <= width:
        return _even(width * side / height), side
    return side, _even(height * side / width)


def capped(width: int, height: int, tier: str) -> tuple[int, int]:
    """``width``x``height`` brought down to ``tier`` (1080p for a tier the emulator does not know); never up."""
    limit = TIER_SIDES.get(tier, 1080)
    return (width, height) if short_side(width, height) <= limit else scaled(width, height, limit)


def scale_filter(width: int, height: int, side: int) -> str:
    """The ffmpeg filter that gives a ``width``x``height`` picture the shorter side ``side``: what :func:`scaled`
    computes."""
    return f"scale=-2:{side}" if height <= width else f"scale={side}:-2"
