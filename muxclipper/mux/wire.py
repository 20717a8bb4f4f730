"""The only place that knows Mux's JSON: field names, the ``{"data": …}`` envelope, and seconds.

Parsing is tolerant of unknown fields and of missing optional ones, strict where a missing field
would mislead (an asset without ``id`` or ``status``): those raise :class:`ResponseFormatError`. An
optional field of the wrong type (a list where an object belongs, NaN or 1e308 where a duration
belongs) reads as missing. Whatever JSON value they are given, the ``*_from_wire`` functions raise
:class:`ResponseFormatError` and nothing else (tests/reliability/test_fuzz_wire.py).
"""

from __future__ import annotations

import math
from datetime import datetime
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
    RecordingTime,
    StaticRendition,
    TextTrack,
)
from muxclipper.core.timecode import exact_rate
from muxclipper.mux.errors import ResponseFormatError
from muxclipper.mux.urls import asset_input

#: Beyond any asset (Mux's longest is 12 h): a number past it is a malformed answer, read as missing.
MAX_SECONDS = 10 * 365 * 24 * 3600
MAX_FRAME_RATE = 1000


def _number(value: Any, limit: float) -> float | None:
    """A finite JSON number from 0 to ``limit``, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return number if math.isfinite(number) and 0 <= number <= limit else None


def seconds_to_ms(value: Any) -> int | None:
    seconds = _number(value, MAX_SECONDS)
    return None if seconds is None else round(seconds * 1000)


def ms_to_seconds(ms: int) -> float:
    return ms / 1000


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _id(data: Any, key: str, what: str) -> str:
    value = _require(data, key, what)
    if not isinstance(value, str) or not value:
        raise ResponseFormatError(f"Mux's answer has a {what} {key!r} that is not text.")
    return value


def _require(data: Any, key: str, what: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise ResponseFormatError(f"Mux's answer has no {what} {key!r}.")
    return data[key]


def envelope(body: Any) -> Any:
    """The ``data`` of a success body."""
    return _require(body, "data", "envelope field")


def _created_at(value: Any) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)  # Mux sends a string of Unix seconds
    seconds = _number(value, 1e12)
    return int(seconds) if seconds is not None else 0


def _playback_ids(items: Any) -> tuple[PlaybackId, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(PlaybackId(p["id"], _str(p.get("policy")) or "public")
                 for p in items if isinstance(p, dict) and isinstance(p.get("id"), str))


@lru_cache(maxsize=512)
def _progress(state: str, percent: float | None) -> Progress:
    """Shared (it is immutable): a list of 5,000 assets holds a few distinct ones, and each object fewer is work
    fewer for every full garbage collection, which otherwise stalls the window."""
    return Progress(state, percent)


def asset_from_wire(data: Any) -> Asset:
    asset_id = _id(data, "id", "asset field")
    raw_status = _require(data, "status", "asset field")
    try:
        status = AssetStatus(raw_status)
    except (ValueError, TypeError) as exc:
        raise ResponseFormatError(f"Mux reported an asset status muxclipper does not know: {str(raw_status)[:40]!r}."
                                  ) from exc
    tracks = [t for t in _list(data.get("tracks")) if isinstance(t, dict)]
    video = next((t for t in tracks if t.get("type") == "video"), {})
    rate = _number(data.get("max_stored_frame_rate", video.get("max_frame_rate")), MAX_FRAME_RATE)
    # Below 1 fps is no video Mux makes; a tiny rate would round to a rate of 0 and divide by it later.
    frame_rate: Fraction | None = exact_rate(rate) if rate is not None and rate >= 1 else None
    texts = tuple(
        TextTrack(_text(t.get("id")), _text(t.get("language_code")), _text(t.get("name")),
                  t.get("closed_captions") is True, _str(t.get("status")) or "ready", _str(t.get("text_source")) or "")
        for t in tracks if t.get("type") == "text")
    static = _dict(data.get("static_renditions"))
    renditions_status = _str(static.get("status")) or "ready"
    renditions = tuple(StaticRendition(_text(f.get("name")), _str(f.get("status")) or renditions_status,
                                       _str(f.get("resolution")) or "")
                       for f in _list(static.get("files")) if isinstance(f, dict))
    progress = data.get("progress")
    parsed_progress = None
    if isinstance(progress, dict) and isinstance(progress.get("state"), str):
        parsed_progress = _progress(progress["state"], _number(progress.get("progress"), 100))
    errors = _dict(data.get("errors"))
    meta = _dict(data.get("meta"))
    return Asset(
        id=asset_id, status=status, created_at_s=_created_at(data.get("created_at")),
        duration_ms=seconds_to_ms(data.get("duration")), frame_rate=frame_rate,
        width=_pixels(video.get("max_width")), height=_pixels(video.get("max_height")),
        aspect_ratio=_str(data.get("aspect_ratio")), resolution_tier=_str(data.get("resolution_tier")),
        video_quality=_str(data.get("video_quality")), playback_ids=_playback_ids(data.get("playback_ids")),
        text_tracks=texts, static_renditions=renditions, passthrough=_str(data.get("passthrough")),
        title=_str(meta.get("title")), is_live=data.get("is_live") is True,
        live_stream_id=_str(data.get("live_stream_id")), source_asset_id=_str(data.get("source_asset_id")),
        ingest_type=_str(data.get("ingest_type")), progress=parsed_progress,
        error_type=_str(errors.get("type")),
        error_messages=tuple(m for m in _list(errors.get("messages")) if isinstance(m, str)),
        audio_only=any(t.get("type") == "audio" for t in tracks) and not any(t.get("type") == "video" for t in tracks),
        recording_times=recording_times_from_wire(data.get("recording_times")),
    )


def _wall_clock_ms(value: Any) -> int | None:
    """``started_at``: ISO 8601 by the spec; Unix seconds (string or number) are taken too, as ``created_at``."""
    if isinstance(value, str):
        try:
            return round(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            pass
    seconds = _number(value if not isinstance(value, str) else _float_or_none(value), 1e11)
    return round(seconds * 1000) if seconds is not None else None


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def recording_times_from_wire(items: Any) -> tuple[RecordingTime, ...]:
    """Sessions in recording order, each with its offset in the recording; entries that cannot be read are
    skipped rather than failing the asset (the field only adds marks to the timeline)."""
    sessions: list[RecordingTime] = []
    offset = 0
    for item in _list(items):
        if not isinstance(item, dict):
            continue
        started = _wall_clock_ms(item.get("started_at"))
        duration = seconds_to_ms(item.get("duration"))
        if started is None or duration is None:
            continue
        sessions.append(RecordingTime(started, duration, _str(item.get("type")) or "content", offset))
        offset += duration
    return tuple(sessions)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _pixels(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 100_000 else None


def asset_page_from_wire(body: Any) -> AssetPage:
    items = envelope(body)
    if not isinstance(items, list):
        raise ResponseFormatError("Mux's asset list was not a list.")
    cursor = body.get("next_cursor") if isinstance(body, dict) else None
    return AssetPage(tuple(asset_from_wire(a) for a in items), cursor if isinstance(cursor, str) else None)


def live_stream_from_wire(data: Any) -> LiveStream:
    stream_id = _id(data, "id", "live stream field")
    status = _require(data, "status", "live stream field")
    if not isinstance(status, str):
        raise ResponseFormatError("Mux's answer has a live stream status that is not text.")
    meta = _dict(data.get("meta"))
    return LiveStream(
        id=stream_id, status=status,
        created_at_s=_created_at(data.get("created_at")), active_asset_id=_str(data.get("active_asset_id")),
        recent_asset_ids=tuple(a for a in _list(data.get("recent_asset_ids")) if isinstance(a, str)),
        playback_ids=_playback_ids(data.get("playback_ids")), title=_str(meta.get("title")))


def playback_target_from_wire(data: Any) -> PlaybackTarget:
    obj = _require(data, "object", "playback id field")
    policy = data.get("policy")
    return PlaybackTarget(_id(data, "id", "playback id field"), policy if isinstance(policy, str) else "public",
                          _id(obj, "type", "object field"), _id(obj, "id", "object field"))


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
    if request.options.renditions:
        body["static_renditions"] = [{"resolution": r} for r in request.options.renditions]
    if request.options.title:
        body["meta"] = {"title": request.options.title}
    _add_resolution_and_overlays(body, request)
    return body


def _add_resolution_and_overlays(body: dict[str, Any], request: ClipRequest) -> None:
    """The clip's cap, and its watermarks: ``copy_overlays`` only when it differs from Mux's default (true), the
    added watermark as a second input."""
    options = request.options
    if options.max_resolution_tier:
        body["max_resolution_tier"] = options.max_resolution_tier
    if not options.copy_overlays:
        body["copy_overlays"] = False
    if options.watermark is not None:
        body["inputs"].append({"url": options.watermark.url.strip(),
                               "overlay_settings": options.watermark.overlay_settings()})


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
