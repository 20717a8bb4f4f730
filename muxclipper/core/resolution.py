"""Resolution tiers, and "as the source": the concrete ``max_resolution_tier`` and ``video_quality`` a clip is sent.

Mux makes a clip at ``max_resolution_tier`` 1080p when none is given, whatever its source's tier, and at the
account's default video quality: a 4K source would give a 1080p clip. So "as the source" is resolved, before the job
is saved, to the source's own tier and quality, and the job history keeps what was sent.
"""

from __future__ import annotations

from dataclasses import replace

from muxclipper.core.models import Asset, ClipOptions

#: What ``max_resolution_tier`` takes (Mux's spec: AssetOptions.max_resolution_tier); 720p is not among them.
MAX_RESOLUTION_TIERS = ("1080p", "1440p", "2160p")
#: Every tier an asset can be (Asset.resolution_tier), lowest first.
ASSET_TIERS = ("audio-only", "720p", "1080p", "1440p", "2160p")


def _rank(tier: str) -> int:
    return ASSET_TIERS.index(tier) if tier in ASSET_TIERS else len(ASSET_TIERS)


def source_tier(source: Asset | None) -> str | None:
    """The source's ``resolution_tier``, or when Mux has not said it yet (a recording still going may not), the tier
    its picture's shorter side falls in; None when neither is known."""
    if source is None:
        return None
    if source.resolution_tier in ASSET_TIERS:
        return source.resolution_tier
    if source.width and source.height:
        side = min(source.width, source.height)
        return next((tier for tier, limit in (("720p", 720), ("1080p", 1080), ("1440p", 1440)) if side <= limit),
                    "2160p")
    return None


def source_cap(source: Asset | None) -> str | None:
    """The ``max_resolution_tier`` that keeps ``source``'s own resolution: its tier, or the lowest cap Mux takes for a
    source below it (a clip is never made larger than its source). None when the source's tier is not known."""
    tier = source_tier(source)
    if tier is None:
        return None
    return tier if tier in MAX_RESOLUTION_TIERS else MAX_RESOLUTION_TIERS[0]


def tiers_above_source(source: Asset | None) -> tuple[str, ...]:
    """The caps that would ask for more than ``source`` has (offered, but disabled, in the window)."""
    cap = source_cap(source)
    if cap is None:
        return ()
    return tuple(t for t in MAX_RESOLUTION_TIERS if _rank(t) > _rank(cap))


def resolve(options: ClipOptions, source: Asset | None) -> ClipOptions:
    """``options`` with "as the source" (None) made concrete from ``source``, and a cap above the source brought down
    to the source's (it would change nothing but the record). Unchanged without a source, or when the source does not
    say its tier or quality."""
    if source is None:
        return options
    if source.audio_only:  # no picture to cap: no max_resolution_tier is sent (a clip of sound is sound)
        return replace(options, max_resolution_tier=None, video_quality=options.video_quality or source.video_quality)
    cap = source_cap(source)
    tier = options.max_resolution_tier
    if tier is None or (cap is not None and _rank(tier) > _rank(cap)):
        tier = cap
    quality = options.video_quality or source.video_quality
    return replace(options, max_resolution_tier=tier, video_quality=quality)
