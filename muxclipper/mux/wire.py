"""The only place that knows Mux's JSON: field names, the ``{"data": …}`` envelope, and seconds.

Parsing is tolerant of unknown fields and of missing optional ones, strict where a missing field
would mislead (an asset without ``id`` or ``status``): those raise :class:`ResponseFormatError`.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

from muxclipper.core.models import (
    Asset,
    AssetPage,
    AssetStatus,
    ClipRequest,
    LiveStream,
    PlaybackId,
    PlaybackTarget,
    Progress,
    StaticRendition,
    TextTrack,
)
from muxclipper.core.timecode import exact_rate
from muxclipper.mux.errors import ResponseFormatError
from muxclipper.mux.urls import asset_input


def seconds_to_ms(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return round(value * 1000)


def ms_to_seconds(ms: int) -> float:
    return ms / 1000


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _require(data: Any, key: str, what: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise ResponseFormatError(f"Mux's answer has no {what} {key!r}.")
    return data[key]


def envelope(body: Any) -> Any:
    """The ``data`` of a success body."""
    return _require(body, "data", "envelope field")


def _created_at(value: Any) -> int:
    try:
        return int(value)  # Mux sends a string of Unix seconds
    except (TypeError, ValueError):
        return 0


def _playback_ids(items: Any) -> tuple[PlaybackId, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(PlaybackId(str(p["id"]), str(p.get("policy", "public")))
                 for p in items if isinstance(p, dict) and isinstance(p.get("id"), str))


@lru_cache(maxsize=512)
def _progress(state: str, percent: float | None) -> Progress:
    """Shared (it is immutable): a list of 5,000 assets holds a few distinct ones, and each object fewer is work
    fewer for every full garbage collection, which otherwise stalls the window."""
    return Progress(state, percent)


def asset_from_wire(data: Any) -> Asset:
    asset_id = _require(data, "id", "asset field")
    raw_status = _require(data, "status", "asset field")
    try:
        status = AssetStatus(raw_status)
    except ValueError as exc:
        raise ResponseFormatError(f"Mux reported an asset status muxclipper does not know: {raw_status!r}.") from exc
    video = next((t for t in data.get("tracks") or [] if isinstance(t, dict) and t.get("type") == "video"), {})
    rate = data.get("max_stored_frame_rate", video.get("max_frame_rate"))
    frame_rate: Fraction | None = None
    if isinstance(rate, (int, float)) and not isinstance(rate, bool) and rate > 0:
        frame_rate = exact_rate(float(rate))
    texts = tuple(
        TextTrack(str(t.get("id", "")), str(t.get("language_code", "")), str(t.get("name", "")),
                  bool(t.get("closed_captions", False)), str(t.get("status", "ready")))
        for t in data.get("tracks") or [] if isinstance(t, dict) and t.get("type") == "text")
    renditions = tuple(
        StaticRendition(str(f.get("name", "")), str(f.get("status", (data.get("static_renditions") or {}).get("status", "ready"))))
        for f in (data.get("static_renditions") or {}).get("files") or [] if isinstance(f, dict))
    progress = data.get("progress")
    parsed_progress = None
    if isinstance(progress, dict) and isinstance(progress.get("state"), str):
        value = progress.get("progress")
        percent = float(value) if isinstance(value, (int, float)) and value >= 0 else None
        parsed_progress = _progress(progress["state"], percent)
    errors = data.get("errors") if isinstance(data.get("errors"), dict) else {}
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    return Asset(
        id=str(asset_id), status=status, created_at_s=_created_at(data.get("created_at")),
        duration_ms=seconds_to_ms(data.get("duration")), frame_rate=frame_rate,
        width=video.get("max_width") if isinstance(video.get("max_width"), int) else None,
        height=video.get("max_height") if isinstance(video.get("max_height"), int) else None,
        aspect_ratio=_str(data.get("aspect_ratio")), resolution_tier=_str(data.get("resolution_tier")),
        video_quality=_str(data.get("video_quality")), playback_ids=_playback_ids(data.get("playback_ids")),
        text_tracks=texts, static_renditions=renditions, passthrough=_str(data.get("passthrough")),
        title=_str(meta.get("title")), is_live=bool(data.get("is_live", False)),
        live_stream_id=_str(data.get("live_stream_id")), source_asset_id=_str(data.get("source_asset_id")),
        ingest_type=_str(data.get("ingest_type")), progress=parsed_progress,
        error_type=_str(errors.get("type")),
        error_messages=tuple(m for m in errors.get("messages") or [] if isinstance(m, str)),
    )


def asset_page_from_wire(body: Any) -> AssetPage:
    items = envelope(body)
    if not isinstance(items, list):
        raise ResponseFormatError("Mux's asset list was not a list.")
    cursor = body.get("next_cursor") if isinstance(body, dict) else None
    return AssetPage(tuple(asset_from_wire(a) for a in items), cursor if isinstance(cursor, str) else None)


def live_stream_from_wire(data: Any) -> LiveStream:
    meta: dict[str, Any] = data["meta"] if isinstance(data, dict) and isinstance(data.get("meta"), dict) else {}
    return LiveStream(
        id=str(_require(data, "id", "live stream field")), status=str(_require(data, "status", "live stream field")),
        created_at_s=_created_at(data.get("created_at")), active_asset_id=_str(data.get("active_asset_id")),
        recent_asset_ids=tuple(a for a in data.get("recent_asset_ids") or [] if isinstance(a, str)),
        playback_ids=_playback_ids(data.get("playback_ids")), title=_str(meta.get("title")))


def playback_target_from_wire(data: Any) -> PlaybackTarget:
    obj = _require(data, "object", "playback id field")
    return PlaybackTarget(str(_require(data, "id", "playback id field")), str(data.get("policy", "public")),
                          str(_require(obj, "type", "object field")), str(_require(obj, "id", "object field")))


def clip_to_wire(request: ClipRequest, passthrough: str) -> dict[str, Any]:
    """The ``POST /video/v1/assets`` body for a clip; ``end_time`` is always sent (live sources)."""
    body: dict[str, Any] = {
        "inputs": [{"url": asset_input(request.source_asset_id),
                    "start_time": ms_to_seconds(request.start_ms), "end_time": ms_to_seconds(request.end_ms)}],
        "playback_policies": list(request.options.playback_policies),
        "passthrough": passthrough,
    }
    if request.options.video_quality:
        body["video_quality"] = request.options.video_quality
    if request.options.mp4:
        body["static_renditions"] = [{"resolution": "highest"}]
    if request.options.title:
        body["meta"] = {"title": request.options.title}
    return body


def error_from_body(body: Any) -> tuple[str | None, tuple[str, ...]]:
    """Mux's two error shapes: ``{"error": {"type", "messages"}}`` and 429's ``{"errors": [...]}``."""
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            messages = err.get("messages")
            return _str(err.get("type")), tuple(m for m in messages if isinstance(m, str)) if isinstance(messages, list) else ()
        errs = body.get("errors")
        if isinstance(errs, list):
            return "rate_limited", tuple(m for m in errs if isinstance(m, str))
    return None, ()
