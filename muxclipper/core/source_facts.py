"""What a producer checks about a source before cutting it, as short lines for the window; and the name it goes by."""

from __future__ import annotations

from muxclipper.core.caption_choice import captions_fact
from muxclipper.core.models import Asset
from muxclipper.core.timecode import exact_rate, format_ms


def source_facts(asset: Asset) -> list[tuple[str, str]]:
    rate = exact_rate(asset.frame_rate) if asset.frame_rate else None
    duration = ("Duration", (format_ms(asset.duration_ms) if asset.duration_ms is not None else "unknown")
                + (" so far (recording)" if asset.is_live else ""))
    if asset.audio_only:  # no frame rate or resolution to tell: saying "unknown" would suggest they exist
        return [duration, ("Kind", "Audio only (sound, no picture): cut to the millisecond"),
                ("Status", asset.status.value + (", recording" if asset.is_live else "")),
                ("Captions", captions_fact(asset.text_tracks))]
    facts = [
        duration,
        ("Frame rate", f"{float(rate):.3f}".rstrip("0").rstrip(".") + " fps" if rate else "unknown"),
        ("Resolution", f"{asset.width}×{asset.height}" if asset.width and asset.height else "unknown"),
        ("Status", asset.status.value + (", recording" if asset.is_live else "")),
        ("Captions", captions_fact(asset.text_tracks)),
    ]
    return facts


def source_label(asset: Asset, stream_titles: dict[str, str]) -> str:
    """Its title, else its live stream's name ("Keynote recording"), else its id."""
    if asset.title:
        return asset.title
    stream = stream_titles.get(asset.live_stream_id or "")
    return f"{stream} recording" if stream else asset.id
