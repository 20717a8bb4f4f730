"""Syntax checks of request bodies, collecting every problem into one Mux ``invalid_parameters`` error.

Semantic checks that need state (does the source asset exist, is it ready, is the range inside it)
live in :mod:`muxclipper.emulator.state`.

:func:`parse_json_body` is the one door request bodies come in by. It accepts only what a strict JSON
parser such as Mux's accepts and what the emulator can store and send back: no ``NaN`` or ``Infinity``
(Python's ``json`` reads them; stored, they made every later answer about the asset a 500), no number
beyond a double, no lone surrogate in a string, nesting of at most :data:`MAX_DEPTH`. Anything else is a
400 ``invalid_parameters`` like Mux's, never a traceback. Every ``parse_*`` function raises
:class:`~muxclipper.emulator.errors.MuxApiError` and nothing else, whatever JSON value it is given.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from muxclipper.emulator.errors import invalid

PLAYBACK_POLICIES = ("public", "signed", "drm")
VIDEO_QUALITIES = ("basic", "plus", "premium")
ENCODING_TIERS = ("smart", "baseline", "premium")
MAX_RESOLUTION_TIERS = ("1080p", "1440p", "2160p")
MP4_SUPPORT = ("none", "standard", "capped-1080p", "audio-only", "audio-only,capped-1080p")
MASTER_ACCESS = ("none", "temporary")
STATIC_RESOLUTIONS = ("highest", "audio-only", "2160p", "1440p", "1080p", "720p", "540p", "480p",
                      "360p", "270p")
INPUT_TYPES = ("video", "audio", "text")
LATENCY_MODES = ("low", "reduced", "standard")
LIVE_STREAM_STATUSES = ("active", "idle", "disabled")

MIN_CLIP_SECONDS = 0.5
MAX_PASSTHROUGH = 255
META_LIMITS = {"title": 512, "creator_id": 128, "external_id": 128}

# encoding_tier is the deprecated spelling of video_quality; Mux reports both.
ENCODING_TIER_FOR_QUALITY = {"basic": "baseline", "plus": "smart", "premium": "premium"}
QUALITY_FOR_ENCODING_TIER = {v: k for k, v in ENCODING_TIER_FOR_QUALITY.items()}


@dataclass(frozen=True)
class TextInput:
    url: str
    language_code: str
    name: str
    closed_captions: bool


@dataclass(frozen=True)
class MainInput:
    url: str
    #: "clip" for mux://assets/…, "url" for http(s)://, "file" for file:// (an emulator extension),
    #: "generated" for emulator://… demo content.
    kind: str
    source_asset_id: str | None = None
    start_time: float | None = None
    end_time: float | None = None


@dataclass(frozen=True)
class OverlayInput:
    """A watermark image (``inputs[n]`` with ``overlay_settings``), its settings as sent once checked."""

    url: str
    settings: dict[str, str]


@dataclass(frozen=True)
class CreateAssetSpec:
    main: MainInput
    text_inputs: tuple[TextInput, ...]
    playback_policies: tuple[str, ...]
    video_quality: str | None
    passthrough: str | None
    meta: dict[str, str] | None
    static_resolutions: tuple[str, ...]
    mp4_support: str | None
    master_access: str
    max_resolution_tier: str
    normalize_audio: bool
    test: bool
    overlays: tuple[OverlayInput, ...] = ()
    copy_overlays: bool = True


@dataclass
class _Problems:
    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.messages.append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise invalid(*self.messages)


#: Deeper than any Mux request body (inputs[0].… is three levels); far below Python's recursion limit.
MAX_DEPTH = 32
#: Digits of a JSON integer: more than a double tells apart. Python's int() refuses over 4,300 with a
#: ValueError of its own, and float() of a longer one overflows.
MAX_INT_DIGITS = 30
#: A bound on any number of seconds: beyond it ``end - start`` and friends would lose all precision.
MAX_SECONDS = 1e9


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a number with {len(text):,} digits")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]} is beyond what a number can hold")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _check_value(value: Any) -> None:
    """Walk ``value`` without recursion: depth, and strings that UTF-8 can carry back out."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise ValueError(f"it nests deeper than {MAX_DEPTH} levels")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("a string holds a lone UTF-16 surrogate (\\ud800–\\udfff)") from None
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError("NaN and Infinity are not JSON numbers")


def parse_json_body(raw: bytes) -> Any:
    """The JSON value of a request body, as strict JSON; raises a 400 ``invalid_parameters`` otherwise."""
    try:
        text = raw.decode("utf-8")
        value = json.loads(text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant)
        _check_value(value)
    except UnicodeDecodeError:
        raise invalid("The request body is not UTF-8 text; send a JSON object.") from None
    except RecursionError:
        raise invalid(f"The request body nests deeper than {MAX_DEPTH} levels; send a JSON object.") from None
    except ValueError as exc:  # json.JSONDecodeError is one
        raise invalid(f"The request body is not valid JSON ({str(exc)[:200]}).") from None
    return value


def _is_number(value: Any) -> bool:
    """A JSON number the emulator can compute with: finite, and within :data:`MAX_SECONDS`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value) and abs(value) <= MAX_SECONDS
    except OverflowError:  # an int too large for a float
        return False


def _enum(problems: _Problems, body: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value not in allowed:
        problems.add(f"{key} must be one of {', '.join(allowed)}; got {value!r}.")
        return None
    return value


def _bool(problems: _Problems, body: dict[str, Any], key: str, default: bool) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        problems.add(f"{key} must be true or false.")
        return default
    return value


def _policies(problems: _Problems, body: dict[str, Any]) -> tuple[str, ...]:
    raw = body.get("playback_policies", body.get("playback_policy"))
    if raw is None:
        return ()
    if isinstance(raw, str):  # the SDKs' documented shortcut for a single policy
        raw = [raw]
    if not isinstance(raw, list):
        problems.add("playback_policies must be a list of public, signed or drm.")
        return ()
    result: list[str] = []
    for item in raw:
        if item not in PLAYBACK_POLICIES:
            problems.add(f"playback_policies entries must be one of {', '.join(PLAYBACK_POLICIES)}; "
                         f"got {item!r}.")
        else:
            result.append(item)
    return tuple(result)


def check_passthrough(problems: _Problems, body: dict[str, Any]) -> str | None:
    value = body.get("passthrough")
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add("passthrough must be a string.")
        return None
    if len(value) > MAX_PASSTHROUGH:
        problems.add(f"passthrough is {len(value)} characters long; the most Mux accepts is "
                     f"{MAX_PASSTHROUGH}.")
    return value


def check_meta(problems: _Problems, body: dict[str, Any]) -> dict[str, str] | None:
    value = body.get("meta")
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.add("meta must be an object with title, creator_id and external_id.")
        return None
    meta: dict[str, str] = {}
    for key, limit in META_LIMITS.items():
        item = value.get(key)
        if item is None:
            continue
        if not isinstance(item, str):
            problems.add(f"meta.{key} must be a string.")
        elif len(item) > limit:
            problems.add(f"meta.{key} is {len(item)} characters long; the most Mux accepts is {limit}.")
        else:
            meta[key] = item
    return meta


def _main_input(problems: _Problems, item: dict[str, Any]) -> MainInput | None:
    url = item.get("url")
    if not isinstance(url, str) or not url:
        problems.add("inputs[0].url is required: the URL of the video, or mux://assets/{ASSET_ID} "
                     "to clip an existing asset.")
        return None
    start, end = item.get("start_time"), item.get("end_time")
    for key, value in (("start_time", start), ("end_time", end)):
        if value is not None and not _is_number(value):
            problems.add(f"inputs[0].{key} must be a number of seconds (finite, at most {MAX_SECONDS:g}).")
            return None
    if url.startswith("mux://assets/"):
        source_id = url[len("mux://assets/"):]
        if not source_id or "/" in source_id:
            problems.add(f"{url!r} is not a valid clip source; use mux://assets/{{ASSET_ID}}.")
            return None
        if start is not None and start < 0:
            problems.add("inputs[0].start_time cannot be negative.")
        if end is not None and end < 0:
            problems.add("inputs[0].end_time cannot be negative.")
        if start is not None and end is not None and start >= end:
            problems.add(f"inputs[0].start_time ({start:g} s) must be before end_time ({end:g} s).")
        elif start is not None and end is not None and end - start < MIN_CLIP_SECONDS:
            problems.add(f"The clip would be {end - start:g} s long; clips must be at least "
                         f"{MIN_CLIP_SECONDS:g} s.")
        return MainInput(url, "clip", source_id, float(start) if start is not None else None,
                         float(end) if end is not None else None)
    if start is not None or end is not None:
        problems.add("start_time and end_time can only be used with mux://assets/{ASSET_ID} inputs.")
        return None
    for prefix, kind in (("https://", "url"), ("http://", "url"), ("file://", "file"),
                         ("emulator://", "generated")):
        if url.startswith(prefix) and len(url) > len(prefix):
            return MainInput(url, kind)
    problems.add(f"{url!r} is not a valid input URL; use an http(s):// URL or mux://assets/{{ASSET_ID}}.")
    return None


def _text_input(problems: _Problems, index: int, item: dict[str, Any]) -> TextInput | None:
    url = item.get("url")
    if not isinstance(url, str) or not url:
        problems.add(f"inputs[{index}].url is required for a text track.")
        return None
    if item.get("text_type", "subtitles") != "subtitles":
        problems.add(f"inputs[{index}].text_type must be subtitles.")
    language = item.get("language_code")
    if not isinstance(language, str) or not language:
        problems.add(f"inputs[{index}].language_code is required for a text track (for example en).")
        return None
    name = item.get("name", language)
    closed_captions = item.get("closed_captions", False)
    if not isinstance(name, str) or not isinstance(closed_captions, bool):
        problems.add(f"inputs[{index}].name must be a string and closed_captions true or false.")
        return None
    return TextInput(url, language, name, closed_captions)


OVERLAY_VERTICAL_ALIGNS = ("top", "middle", "bottom")
OVERLAY_HORIZONTAL_ALIGNS = ("left", "center", "right")
_OVERLAY_LENGTH = re.compile(r"^-?\d+(?:\.\d+)?(%|px)$")
_OVERLAY_OPACITY = re.compile(r"^(\d+(?:\.\d+)?)%$")


def _overlay_input(problems: _Problems, index: int, item: dict[str, Any]) -> OverlayInput | None:
    """A watermark input, checked as the spec's ``overlay_settings`` describes it (the messages are the
    emulator's: Mux's own wording is not documented)."""
    url = item.get("url")
    where = f"inputs[{index}]"
    if not isinstance(url, str) or not url.startswith(("https://", "http://", "file://")) or len(url) < 9:
        problems.add(f"{where}.url must be the http(s) URL of the watermark image (PNG or JPEG).")
        return None
    raw = item.get("overlay_settings")
    if not isinstance(raw, dict):
        problems.add(f"{where}.overlay_settings must be an object.")
        return None
    settings: dict[str, str] = {}
    count = len(problems.messages)
    for key, value in raw.items():
        name = f"{where}.overlay_settings.{key}"
        if not isinstance(value, str):
            problems.add(f"{name} must be a string.")
        elif key in ("vertical_align", "horizontal_align"):
            allowed = OVERLAY_VERTICAL_ALIGNS if key == "vertical_align" else OVERLAY_HORIZONTAL_ALIGNS
            if value not in allowed:
                problems.add(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
        elif key in ("vertical_margin", "horizontal_margin"):
            if not _OVERLAY_LENGTH.match(value):
                problems.add(f"{name} must be a percent (\"10%\") or a pixel value (\"100px\"); got {value!r}.")
        elif key in ("width", "height"):
            if not _OVERLAY_LENGTH.match(value) or value.startswith("-") or float(value.rstrip("%px")) == 0:
                problems.add(f"{name} must be a positive percent (\"10%\") or pixel value (\"100px\"); "
                             f"got {value!r}.")
        elif key == "opacity":
            match = _OVERLAY_OPACITY.match(value)
            if match is None or float(match.group(1)) > 100:
                problems.add(f"{name} must be a percent from 0% to 100%; got {value!r}.")
        else:
            problems.add(f"{name} is not an overlay setting; use vertical_align, vertical_margin, horizontal_align, "
                         "horizontal_margin, width, height or opacity.")
            continue
        settings[key] = value if isinstance(value, str) else ""
    return OverlayInput(url, settings) if len(problems.messages) == count else None


def parse_create_asset(body: Any) -> CreateAssetSpec:
    """Check a ``POST /video/v1/assets`` body; raise a 400 listing every problem."""
    problems = _Problems()
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    raw_inputs = body.get("inputs")
    if raw_inputs is None:
        raw_inputs = body.get("input")
        if isinstance(raw_inputs, str):  # the deprecated `input: "https://…"` shortcut
            raw_inputs = [{"url": raw_inputs}]
    if raw_inputs is None:
        problems.add("inputs is required: a list with at least the video's URL.")
        raw_inputs = []
    elif not isinstance(raw_inputs, list) or not raw_inputs:
        problems.add("inputs must be a non-empty list of input objects.")
        raw_inputs = []
    main: MainInput | None = None
    texts: list[TextInput] = []
    overlays: list[OverlayInput] = []
    for index, item in enumerate(raw_inputs):
        if not isinstance(item, dict):
            problems.add(f"inputs[{index}] must be an object.")
            continue
        kind = item.get("type")
        if kind is not None and kind not in INPUT_TYPES:
            problems.add(f"inputs[{index}].type must be one of {', '.join(INPUT_TYPES)}; got {kind!r}.")
            continue
        if index == 0:
            main = _main_input(problems, item)
        elif kind == "text":
            text = _text_input(problems, index, item)
            if text:
                texts.append(text)
        elif "start_time" in item or "end_time" in item:
            problems.add("start_time and end_time can only be used on the first input.")
        elif "overlay_settings" in item:
            overlay = _overlay_input(problems, index, item)
            if overlay:
                overlays.append(overlay)
        # Other (audio) inputs are accepted and ignored (docs/emulator.md).
    policies = _policies(problems, body)
    quality = _enum(problems, body, "video_quality", VIDEO_QUALITIES)
    tier = _enum(problems, body, "encoding_tier", ENCODING_TIERS)
    if quality is None and tier is not None:
        quality = QUALITY_FOR_ENCODING_TIER[tier]
    max_tier = _enum(problems, body, "max_resolution_tier", MAX_RESOLUTION_TIERS) or "1080p"
    mp4 = _enum(problems, body, "mp4_support", MP4_SUPPORT)
    master = _enum(problems, body, "master_access", MASTER_ACCESS) or "none"
    resolutions: list[str] = []
    raw_static = body.get("static_renditions")
    if raw_static is not None:
        if not isinstance(raw_static, list):
            problems.add("static_renditions must be a list like [{\"resolution\": \"highest\"}].")
        else:
            for item in raw_static:
                res = item.get("resolution") if isinstance(item, dict) else None
                if res not in STATIC_RESOLUTIONS:
                    problems.add(f"static_renditions[].resolution must be one of "
                                 f"{', '.join(STATIC_RESOLUTIONS)}; got {res!r}.")
                elif res not in resolutions:
                    resolutions.append(res)
    if mp4 not in (None, "none") and resolutions:
        problems.add("Use either static_renditions or the deprecated mp4_support, not both.")
    passthrough = check_passthrough(problems, body)
    meta = check_meta(problems, body)
    normalize = _bool(problems, body, "normalize_audio", False)
    test = _bool(problems, body, "test", False)
    copy_overlays = _bool(problems, body, "copy_overlays", True)
    problems.raise_if_any()
    assert main is not None  # a missing main input always adds a problem
    return CreateAssetSpec(main, tuple(texts), policies, quality, passthrough, meta, tuple(resolutions),
                           mp4, master, max_tier, normalize, test, tuple(overlays), copy_overlays)


@dataclass(frozen=True)
class UpdateAssetSpec:
    passthrough: str | None
    meta: dict[str, str] | None


def parse_update_asset(body: Any) -> UpdateAssetSpec:
    problems = _Problems()
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    passthrough = check_passthrough(problems, body)
    meta = check_meta(problems, body)
    problems.raise_if_any()
    return UpdateAssetSpec(passthrough, meta)


def parse_playback_policy(body: Any) -> str:
    if not isinstance(body, dict) or body.get("policy", "public") not in PLAYBACK_POLICIES:
        raise invalid(f"policy must be one of {', '.join(PLAYBACK_POLICIES)}.")
    return str(body.get("policy", "public"))


@dataclass(frozen=True)
class CreateLiveStreamSpec:
    playback_policies: tuple[str, ...]
    new_asset_policies: tuple[str, ...]
    latency_mode: str
    reconnect_window: float
    passthrough: str | None
    title: str | None
    test: bool
    use_slate_for_standard_latency: bool = False
    generated_subtitles: tuple[dict[str, str], ...] = ()


def _generated_subtitles(problems: _Problems, body: dict[str, Any]) -> tuple[dict[str, str], ...]:
    """A live stream's ``generated_subtitles``: at most one, each with a language code and optional name and
    passthrough."""
    raw = body.get("generated_subtitles")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        problems.add('generated_subtitles must be a list like [{"language_code": "en", "name": "English CC"}].')
        return ()
    if len(raw) > 1:
        problems.add("generated_subtitles allows at most one subtitle track.")
    found = []
    for item in raw[:1]:
        language = item.get("language_code", "en")
        if not isinstance(language, str) or not language:
            problems.add("generated_subtitles[].language_code must be a language code such as en.")
            continue
        name, passthrough = item.get("name"), item.get("passthrough")
        if (name is not None and not isinstance(name, str)) or (passthrough is not None
                                                                and not isinstance(passthrough, str)):
            problems.add("generated_subtitles[].name and passthrough must be strings.")
            continue
        entry = {"language_code": language, "name": name or f"{language} (generated)"}
        if passthrough is not None:
            entry["passthrough"] = passthrough
        found.append(entry)
    return tuple(found)


def parse_create_live_stream(body: Any) -> CreateLiveStreamSpec:
    problems = _Problems()
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    policies = _policies(problems, body)
    settings = body.get("new_asset_settings") or {}
    new_asset_policies: tuple[str, ...] = ()
    if not isinstance(settings, dict):
        problems.add("new_asset_settings must be an object.")
    else:
        new_asset_policies = _policies(problems, settings)
    latency = _enum(problems, body, "latency_mode", LATENCY_MODES) or "standard"
    window = body.get("reconnect_window", 60 if latency == "standard" else 0)
    if not _is_number(window) or not 0 <= window <= 1800:
        problems.add("reconnect_window must be a number of seconds from 0 to 1800.")
        window = 60
    passthrough = check_passthrough(problems, body)
    title = None
    meta = body.get("meta")
    if isinstance(meta, dict) and meta.get("title") is not None:
        if not isinstance(meta["title"], str) or len(meta["title"]) > 512:
            problems.add("meta.title must be a string of at most 512 characters.")
        else:
            title = meta["title"]
    test = _bool(problems, body, "test", False)
    slate_standard = _bool(problems, body, "use_slate_for_standard_latency", False)
    subtitles = _generated_subtitles(problems, body)
    problems.raise_if_any()
    return CreateLiveStreamSpec(policies, new_asset_policies, latency, float(window), passthrough,
                                title, test, slate_standard, subtitles)
