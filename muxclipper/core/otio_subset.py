"""An ``.otio`` file reduced to what muxclipper reads, every field checked, before OpenTimelineIO's reader sees it.

OpenTimelineIO's JSON reader is native code that trusts the file: a field of the wrong type (a name that is a list),
an object cut short, or an old schema version (``Clip.1``, whose upgrade it runs) crashes the process with SIGSEGV
(seen by the fuzzing suite, tests/reliability/test_fuzz_timelines.py). :func:`reduced` walks the parsed JSON in
plain Python and writes it again holding only the timeline's tracks, their clips, gaps and transitions, the clips'
ranges, media names and addresses, and the metadata ``core/interchange.py`` reads (reels, EDL comments, muxclipper's
own), each of the type OTIO writes, times finite and rates above 0. Old clips (``Clip.1``: one ``media_reference``)
are upgraded here as OTIO would. What cannot be reduced raises :class:`OtioShapeError` saying where and why.
"""

from __future__ import annotations

import math
import re
from typing import Any

#: Nested stacks and tracks deeper than this are no suite's export.
MAX_NESTING = 40
_SCHEMA = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\.([0-9]{1,3})")


class OtioShapeError(ValueError):
    """An ``.otio`` that is not a timeline muxclipper can read; the message says where and why."""


def _schema(value: Any, where: str) -> tuple[str, int]:
    if not isinstance(value, dict):
        raise OtioShapeError(f"{where} is not an object")
    match = _SCHEMA.fullmatch(str(value.get("OTIO_SCHEMA", "")))
    if match is None:
        raise OtioShapeError(f"{where} has an unknown schema {str(value.get('OTIO_SCHEMA'))[:40]!r}")
    return match.group(1), int(match.group(2))


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise OtioShapeError(f"{where} is not text")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise OtioShapeError(f"{where} is not a finite number")
    return float(value)


def _time(value: Any, where: str) -> dict[str, Any]:
    name, _ = _schema(value, where)
    if name != "RationalTime":
        raise OtioShapeError(f"{where} is a {name}, not a time")
    rate = _number(value.get("rate"), f"{where}'s rate")
    if rate <= 0:
        raise OtioShapeError(f"{where} has a rate of {rate:g}")
    return {"OTIO_SCHEMA": "RationalTime.1", "rate": rate, "value": _number(value.get("value"), f"{where}'s value")}


def _range(value: Any, where: str, optional: bool = True) -> dict[str, Any] | None:
    if value is None and optional:
        return None
    name, _ = _schema(value, where)
    if name != "TimeRange":
        raise OtioShapeError(f"{where} is a {name}, not a time range")
    return {"OTIO_SCHEMA": "TimeRange.1", "start_time": _time(value.get("start_time"), f"{where}'s start"),
            "duration": _time(value.get("duration"), f"{where}'s duration")}


def _metadata(value: Any, where: str) -> dict[str, Any]:
    """Only what core/interchange.py reads: reels, EDL comments, muxclipper's source id."""
    if not isinstance(value, dict):
        return {}
    kept: dict[str, Any] = {}
    for suite in ("cmx_3600", "fcp_xml"):
        found = value.get(suite)
        if isinstance(found, dict):
            entry: dict[str, Any] = {}
            if isinstance(found.get("reel"), str):
                entry["reel"] = found["reel"]
            comments = found.get("comments")
            if isinstance(comments, list):
                entry["comments"] = [c for c in comments if isinstance(c, str)]
            kept[suite] = entry
    ours = value.get("muxclipper")
    if isinstance(ours, dict) and isinstance(ours.get("source_asset_id"), str):
        kept["muxclipper"] = {"source_asset_id": ours["source_asset_id"]}
    return kept


def _media(value: Any, where: str) -> dict[str, Any]:
    name, _ = _schema(value, where)
    common = {"name": _text(value.get("name"), f"{where}'s name"),
              "available_range": _range(value.get("available_range"), f"{where}'s available range"),
              "metadata": _metadata(value.get("metadata"), where)}
    if name == "ExternalReference":
        return {"OTIO_SCHEMA": "ExternalReference.1", "target_url": _text(value.get("target_url"), f"{where}'s url"),
                **common}
    return {"OTIO_SCHEMA": "MissingReference.1", **common}  # generated, image sequences: only named here


def _clip(value: Any, version: int, where: str) -> dict[str, Any]:
    if version < 2:  # one media_reference; OTIO's own upgrade of it crashes on some files
        references = {"DEFAULT_MEDIA": value.get("media_reference")}
        active = "DEFAULT_MEDIA"
    else:
        references = value.get("media_references")
        active = _text(value.get("active_media_reference_key"), f"{where}'s media key")
        if not isinstance(references, dict) or active not in references:
            raise OtioShapeError(f"{where} has no media reference {active!r}")
    media = references[active]
    reduced_media = _media(media, f"{where}'s media") if media is not None else {"OTIO_SCHEMA": "MissingReference.1"}
    return {"OTIO_SCHEMA": "Clip.2", "name": _text(value.get("name"), f"{where}'s name"),
            "enabled": value.get("enabled", True) is not False,
            "source_range": _range(value.get("source_range"), f"{where}'s range"),
            "metadata": _metadata(value.get("metadata"), where),
            "media_references": {"DEFAULT_MEDIA": reduced_media}, "active_media_reference_key": "DEFAULT_MEDIA"}


def _item(value: Any, where: str, depth: int) -> dict[str, Any] | None:
    name, version = _schema(value, where)
    if name == "Clip":
        return _clip(value, version, where)
    if name == "Gap":
        return {"OTIO_SCHEMA": "Gap.1", "name": _text(value.get("name"), f"{where}'s name"),
                "source_range": _range(value.get("source_range"), f"{where}'s range", optional=False)}
    if name == "Transition":
        return {"OTIO_SCHEMA": "Transition.1", "name": _text(value.get("name"), f"{where}'s name"),
                "transition_type": _text(value.get("transition_type"), f"{where}'s type"),
                "in_offset": _time(value.get("in_offset"), f"{where}'s in offset"),
                "out_offset": _time(value.get("out_offset"), f"{where}'s out offset")}
    if name in ("Track", "Stack"):
        return _composition(value, name, where, depth + 1)
    return None  # anything else on a track (a new kind of item) is left out, as a cut list cannot use it


def _composition(value: Any, kind: str, where: str, depth: int) -> dict[str, Any]:
    if depth > MAX_NESTING:
        raise OtioShapeError(f"{where} nests tracks more than {MAX_NESTING} deep")
    children = value.get("children")
    if not isinstance(children, list):
        raise OtioShapeError(f"{where} has no list of children")
    items = [_item(child, f"track {n}" if depth == 0 else f"{where}, item {n}", depth)
             for n, child in enumerate(children, start=1)]
    reduced: dict[str, Any] = {"OTIO_SCHEMA": f"{kind}.1", "name": _text(value.get("name"), f"{where}'s name"),
                               "children": [i for i in items if i is not None],
                               "source_range": _range(value.get("source_range"), f"{where}'s range"),
                               "enabled": value.get("enabled", True) is not False, "metadata": {}}
    if kind == "Track":
        reduced["kind"] = _text(value.get("kind"), f"{where}'s kind") or "Video"
    return reduced


def _timeline(value: Any, where: str) -> dict[str, Any]:
    start = value.get("global_start_time")
    return {"OTIO_SCHEMA": "Timeline.1", "name": _text(value.get("name"), f"{where}'s name"),
            "global_start_time": _time(start, f"{where}'s start") if start is not None else None,
            "tracks": _composition(value.get("tracks"), "Stack", f"{where}'s tracks", 0)
            if isinstance(value.get("tracks"), dict) else _missing(where), "metadata": {}}


def _missing(where: str) -> dict[str, Any]:
    raise OtioShapeError(f"{where} has no tracks")


def reduced(data: Any) -> dict[str, Any]:
    """The timeline in ``data`` (parsed ``.otio`` JSON: a timeline, or a collection whose first timeline is taken),
    reduced and checked as the module says. Raises :class:`OtioShapeError`."""
    name, _ = _schema(data, "the file")
    if name == "Timeline":
        return _timeline(data, "the timeline")
    if name == "SerializableCollection":
        children = data.get("children")
        for n, child in enumerate(children if isinstance(children, list) else [], start=1):
            if isinstance(child, dict) and str(child.get("OTIO_SCHEMA", "")).startswith("Timeline."):
                return _timeline(child, f"timeline {n}")
    raise OtioShapeError("it holds no timeline")
