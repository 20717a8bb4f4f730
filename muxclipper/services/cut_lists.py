"""Cut lists on disk: segments and clips read from and written to the files editing suites exchange.

By the file's extension: ``.csv`` (label,start,end) and ``.txt`` (YouTube chapters) as ``core/segments.py`` writes
them; ``.edl`` (CMX 3600), ``.xml`` (Final Cut Pro 7 XML, as Premiere and Resolve write it), ``.fcpxml`` (Final Cut
Pro X / Resolve) and ``.otio`` (OpenTimelineIO's own) through OpenTimelineIO's adapters, from and to the timelines
``core/interchange.py`` makes.

Every failure is a :class:`CutListError` whose message says what to do; reading never changes anything, so the
segments a failed import was meant to replace stay as they were.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import opentimelineio as otio

from muxclipper.core import limited_json, otio_subset
from muxclipper.core.interchange import (
    ClipEntry,
    SourceIdentity,
    TimelineImport,
    clips_to_timeline,
    otio_rate,
    segments_to_timeline,
)
from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import StaticRendition
from muxclipper.core.renditions import FIXED_SIZES, HIGHEST, file_name
from muxclipper.core.segments import (
    Segment,
    SegmentListError,
    from_csv,
    from_youtube_chapters,
    problems_summary,
    segment_problems,
    to_csv,
    to_youtube_chapters,
)
from muxclipper.core.timecode import is_drop_frame
from muxclipper.core.wording import counted
from muxclipper.mux.urls import rendition_label, url_key
from muxclipper.services import fcpxml_rates, timeline_process
from muxclipper.services.outside_files import NotReadableFileError, read_limited

log = logging.getLogger(__name__)

#: Suffix → (what the file chooser calls it, OTIO's adapter); messages use the short names below.
TIMELINE_FORMATS: dict[str, tuple[str, str]] = {
    ".edl": ("CMX 3600 edit decision list", "cmx_3600"),
    ".xml": ("Final Cut Pro 7 XML (Premiere, Resolve)", "fcp_xml"),
    ".fcpxml": ("FCPXML (Final Cut Pro, Resolve)", "fcpx_xml"),
    ".otio": ("OpenTimelineIO", "otio_json"),
}
SHORT_NAMES = {"cmx_3600": "an EDL", "fcp_xml": "Final Cut Pro 7 XML", "fcpx_xml": "FCPXML", "otio_json": "OTIO"}
SEGMENT_SUFFIXES = (".csv", ".txt", *TIMELINE_FORMATS)
#: A cut list is text of a few kilobytes; anything this big is not one (and would freeze the window to parse).
MAX_BYTES = 20_000_000


def _frames_needed(path: Path, source: SourceIdentity) -> None:
    """An editing suite's timeline counts frames: an audio-only source has none to count (refused, in words)."""
    if source.audio_only and path.suffix.lower() in TIMELINE_FORMATS:
        raise CutListError(f"{path.name}: an editing suite's timeline counts frames, and this source is audio only "
                           "(sound, no frames). Use CSV (times to the millisecond) or YouTube chapters (.txt).")


class CutListError(Exception):
    """A file that cannot be read or written; the message names it and says what to do. ``problems``: one line per
    bad row when that is why (the segments panel lists them)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class SegmentsRead:
    segments: list[Segment]
    summary: str


def _filter(label: str, suffixes: tuple[str, ...]) -> str:
    return f"{label} ({' '.join('*' + s for s in suffixes)})"


def segment_filters(for_import: bool) -> str:
    """The file chooser's filters, every format the segments read or write; on import, all of them first."""
    each = [_filter("CSV", (".csv",)), _filter("YouTube chapters", (".txt",))]
    each += [_filter(label, (suffix,)) for suffix, (label, _) in TIMELINE_FORMATS.items()]
    if for_import:
        each.insert(0, _filter("Cut lists", SEGMENT_SUFFIXES))
    return ";;".join(each)


def clip_filters() -> str:
    each = [_filter("CSV", (".csv",)), _filter("JSON", (".json",))]
    return ";;".join(each + [_filter(label, (suffix,)) for suffix, (label, _) in TIMELINE_FORMATS.items()])


def chosen_path(name: str, chosen_filter: str) -> Path:
    """The file chooser's answer as a path: a name typed without an extension takes the chosen filter's (Qt's own
    dialog adds none), so picking "FCPXML" and typing "cuts" writes cuts.fcpxml, not a CSV named cuts."""
    path = Path(name)
    found = re.search(r"\*(\.[A-Za-z0-9]+)", chosen_filter)
    return path.with_name(path.name + found.group(1)) if not path.suffix and found else path


def is_timeline(path: Path) -> bool:
    return path.suffix.lower() in TIMELINE_FORMATS


def _adapter(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in TIMELINE_FORMATS:
        known = ", ".join(SEGMENT_SUFFIXES)
        raise CutListError(f"{path.name}: muxclipper reads and writes {known}; save the list in one of them.")
    return TIMELINE_FORMATS[suffix][1]


# ---------------------------------------------------------------------------------------------------- timelines
def timeline_from_text(text: str, adapter: str, rate: Fraction, name: str) -> otio.schema.Timeline:
    """``text`` read by OTIO's ``adapter``; an EDL's timecodes at ``rate`` (an EDL does not say its rate)."""
    fcpxml_rates.apply()
    if adapter == "cmx_3600" and not is_drop_frame(rate) and _DROP_FRAME_EVENT.search(text):
        raise CutListError(f"{name} is in drop-frame timecode (29.97 or 59.94 fps) but this source runs at "
                           f"{float(rate):g} fps; export the list at {float(rate):g} fps, or open the source it was "
                           "cut from. Nothing was changed.")
    try:
        if adapter == "cmx_3600":
            try:
                result = otio.adapters.read_from_string(text, adapter, rate=otio_rate(rate))
            except otio.exceptions.OTIOError:  # a record overlapping the cut before: common, and harmless here
                result = otio.adapters.read_from_string(text, adapter, rate=otio_rate(rate),
                                                        ignore_timecode_mismatch=True)
        elif adapter == "fcpx_xml":
            result = otio.adapters.read_from_string(_asset_sources(text), adapter)
        else:
            result = otio.adapters.read_from_string(text, adapter)
    except Exception as exc:  # an adapter raises whatever its parser raises on a damaged file  # noqa: BLE001
        log.info("reading %s with %s failed", name, adapter, exc_info=True)
        # One line that fits the status bar at 1280 pixels: what, why, what to do, and that nothing was lost.
        raise CutListError(f"Could not read {name} as {SHORT_NAMES[adapter]} ({_reason(exc)}); export it again from "
                           "the suite, or in another format. Nothing was changed.") from exc
    if isinstance(result, otio.schema.SerializableCollection):  # an .otio of several timelines: the first
        result = next(iter(result.find_children(descended_from_type=otio.schema.Timeline)), None)
    if not isinstance(result, otio.schema.Timeline):
        raise CutListError(f"{name} holds no timeline; export a sequence or timeline from the editing suite.")
    return result


def _asset_sources(text: str) -> str:
    """FCPXML 1.9 and later (Final Cut Pro 10.4.1+, Resolve 18+) name an asset's file in a ``media-rep`` element,
    not in its ``src`` attribute, which is all the adapter reads: without this every clip loses its file, and the
    cuts of the open source could no longer be told from the others'. The original media's address is copied onto
    the asset. A file that does not parse is handed on as it is, for the adapter to say what is wrong."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return text
    changed = False
    for asset in root.iter("asset"):
        if asset.get("src"):
            continue
        reps = asset.findall("media-rep")
        rep = next((r for r in reps if r.get("kind") == "original-media"), reps[0] if reps else None)
        if rep is not None and rep.get("src"):
            asset.set("src", str(rep.get("src")))
            changed = True
    return ElementTree.tostring(root, encoding="unicode") if changed else text


def _reason(exc: Exception) -> str:
    """The parser's reason, short enough for the status line (cut at a word)."""
    text = " ".join(str(exc).split())
    if len(text) > 80:
        text = text[:80].rsplit(" ", 1)[0].rstrip(".,;:") + "…"
    return text or type(exc).__name__


def timeline_to_text(timeline: otio.schema.Timeline, adapter: str, rate: Fraction) -> str:
    fcpxml_rates.apply()
    if adapter != "cmx_3600":
        return str(otio.adapters.write_to_string(timeline, adapter))
    return _edl_text(timeline, rate)


#: An event line whose timecodes are drop-frame (";" before the frames).
_DROP_FRAME_EVENT = re.compile(r"^\s*\d{3,}\s.*\d\d:\d\d:\d\d;\d\d", re.MULTILINE)
_EVENT_CHANNEL = re.compile(r"^(\d{3,}  \S+\s+)V    ", re.MULTILINE)


def _edl_text(timeline: otio.schema.Timeline, rate: Fraction) -> str:
    """OTIO's CMX 3600 writer, with what suites expect of an EDL that it leaves out: the record side starting at
    the timeline's 01:00:00:00 (as a gap, which an EDL writes as nothing), the FCM line saying drop-frame or not,
    and the events carrying picture and both sound channels (a Mux clip has both)."""
    edl = copy.deepcopy(timeline)
    start = edl.global_start_time
    if start is not None and start.value > 0:
        edl.tracks[0].insert(0, otio.schema.Gap(source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, start.rate), start)))
    text = str(otio.adapters.write_to_string(edl, "cmx_3600", rate=otio_rate(rate), reelname_len=None))
    fcm = f"FCM: {'DROP FRAME' if is_drop_frame(rate) else 'NON-DROP FRAME'}"
    lines = text.split("\n")
    at = 1 if lines and lines[0].startswith("TITLE:") else 0
    lines.insert(at, fcm)
    return _EVENT_CHANNEL.sub(r"\1AA/V ", "\n".join(lines))


def _read_text(path: Path) -> str:
    try:
        data = read_limited(path, MAX_BYTES)
    except NotReadableFileError as exc:  # a FIFO, /dev/zero, a folder, too big: refused before reading
        raise CutListError(f"Could not read {path.name}: {exc.reason}. Choose the list exported from the editing "
                           "suite. Nothing was changed.") from exc
    except OSError as exc:
        raise CutListError(f"Could not read {path}: {exc.strerror or exc}. Check the file is there and readable."
                           ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # old EDLs are often Windows-1252 or Latin-1; names may show oddly, times not


#: Deeper than any timeline a suite writes (an .otio of nested stacks is ~20 levels; FCP XML ~15).
MAX_DEPTH = 200


def precheck(text: str, adapter: str, name: str) -> str:
    """What is checked in this process before a timeline goes to the parser process, in pure Python (no native
    parser): NUL bytes; for an ``.otio``, nesting depth (OTIO's reader recursed and crashed on 100,000 levels),
    ``NaN``/``Infinity``/``1e400``, and every field's type (core/otio_subset.py: the file is reduced to what
    muxclipper reads, and that is what the parser gets); for XML, depth and entity declarations (which can expand to
    gigabytes). Answers the text to parse; raises :class:`CutListError`."""
    short = SHORT_NAMES[adapter]
    again = "Export it again from the editing suite. Nothing was changed."
    if "\x00" in text:
        raise CutListError(f"Could not read {name} as {short}: it holds NUL bytes, so it is not a text export. "
                           f"{again}")
    if adapter == "otio_json":
        try:
            return json.dumps(otio_subset.reduced(limited_json.loads(text, MAX_DEPTH)))
        except ValueError as exc:  # JsonLimitError, OtioShapeError
            raise CutListError(f"Could not read {name} as {short}: {exc}. {again}") from exc
    if adapter in ("fcp_xml", "fcpx_xml"):
        problem = _xml_problem(text)
        if problem is not None:
            raise CutListError(f"Could not read {name} as {short}: {problem}. {again}")
    return text


def _xml_problem(text: str) -> str | None:
    """Why ``text`` is not XML a timeline parser should see (too deep, entity declarations), else None; XML that
    does not parse is left to the adapter, which says where."""
    if re.search(r"<!ENTITY", text, re.IGNORECASE):
        return "it declares XML entities, which no suite's export does"
    depth = deepest = 0
    parser: ElementTree.XMLPullParser[tuple[str, Any]] = ElementTree.XMLPullParser(events=("start", "end"))
    try:
        for at in range(0, len(text), 1 << 16):
            parser.feed(text[at:at + (1 << 16)])
            for event in parser.read_events():
                depth += 1 if event[0] == "start" else -1
                deepest = max(deepest, depth)
                if deepest > MAX_DEPTH:
                    return f"it is nested more than {MAX_DEPTH} elements deep"
    except (ElementTree.ParseError, UnicodeError):  # left to the adapter, which says where
        return None
    return None


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CutListError(f"Could not write {path}: {exc.strerror or exc}. Choose another folder or free space."
                           ) from exc


# ---------------------------------------------------------------------------------------------------- segments
def read_segments(path: Path, source: SourceIdentity) -> SegmentsRead:
    """The segments ``path`` holds for ``source``, with a one-line summary of what was taken and what skipped.

    Every segment is checked against the source as a clip would be (reversed, zero-length, negative, too short,
    past the end): one that fails refuses the whole file, naming each bad row, so nothing the producer has not
    seen checked is listed or made. Suites' timelines are parsed in a parser process
    (services/timeline_process.py). Raises :class:`CutListError` only."""
    _frames_needed(path, source)
    text = _read_text(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".txt":
            segments = from_youtube_chapters(text, source.duration_ms)
            summary = f"Imported {counted(len(segments), 'segment')} from {path.name}."
        elif suffix == ".csv":
            segments = from_csv(text, None if source.audio_only else source.rate)  # sound: no #frame, no SMPTE
            summary = f"Imported {counted(len(segments), 'segment')} from {path.name}."
        else:
            segments, summary = _read_timeline(text, _adapter(path), source, path.name)
    except SegmentListError as exc:
        raise CutListError(f"Could not import {path.name}: {exc}") from exc
    problems = segment_problems(segments, source.duration_ms)
    if problems:
        bad = f"{len(problems)} of its {len(segments)} segments" if len(segments) > 1 else "its segment"
        raise CutListError(f"Could not import {path.name}: {bad} cannot be made into clips of this source: "
                           f"{problems_summary(problems)}. Correct the list and import it again. Nothing was "
                           "changed.", problems)
    return SegmentsRead(segments, summary)


def _read_timeline(text: str, adapter: str, source: SourceIdentity, name: str) -> tuple[list[Segment], str]:
    text = precheck(text, adapter, name)
    return from_parser(timeline_process.read_one(timeline_process.request(text, adapter, source, name)), adapter,
                       name)


def from_parser(result: dict[str, Any] | timeline_process.Crash, adapter: str,
                name: str) -> tuple[list[Segment], str]:
    """The parser process's answer as segments and a summary, or :class:`CutListError` saying what went wrong."""
    if isinstance(result, timeline_process.Crash):
        log.warning("the parser process reading %s %s", name, result.how)
        raise CutListError(f"Could not read {name} as {SHORT_NAMES[adapter]}: the reader {result.how} on it. Export "
                           "it again from the editing suite, or in another format. Nothing was changed.")
    if "error" in result:
        raise CutListError(str(result["error"]))
    found = result["ok"]
    segments = [Segment(str(label), int(start), int(end), int(line), str(where))
                for label, start, end, line, where in found["segments"]]
    summary = TimelineImport(segments, found["track"], found["reel"], found["skipped"], found["notes"])
    return segments, summary.summary(name)


def write_segments(path: Path, segments: list[Segment], source: SourceIdentity) -> str:
    """Writes ``segments`` in the format of ``path``'s extension; answers what to tell the user."""
    _frames_needed(path, source)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        text = to_youtube_chapters(segments)
    elif suffix in TIMELINE_FORMATS:
        text = timeline_to_text(segments_to_timeline(segments, source), _adapter(path), source.rate)
    else:
        text = to_csv(segments)
    _write_text(path, text)
    return f"Exported {_count(len(segments), 'segment')} to {path}."


# ---------------------------------------------------------------------------------------------------- clips
def write_clips(path: Path, entries: list[ClipEntry], name: str, left_out: int = 0) -> str:
    """The clips as a timeline a suite relinks (each clip's own MP4 or HLS); ``left_out`` clips had no media yet."""
    if not entries:
        raise CutListError("No clip is ready to export as a timeline (a clip needs its playback URL); wait for "
                           "them to be ready, or export as CSV or JSON, which list every clip.")
    rate = entries[0].rate
    _write_text(path, timeline_to_text(clips_to_timeline(entries, name), _adapter(path), rate))
    message = f"Exported {_count(len(entries), 'clip')} to {path}"
    if left_out:
        message += f"; left out {left_out} not ready yet (no media to link to)"
    return message + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


#: The MP4s a timeline may link, in the order it prefers them: the clip's own resolution, else the largest size.
TIMELINE_MP4S = (HIGHEST, *FIXED_SIZES)


def timeline_rendition(job: ClipJob, made: tuple[StaticRendition, ...] | None) -> str | None:
    """The rendition a timeline links for ``job``: the first of :data:`TIMELINE_MP4S` it asked for that Mux says is
    ready; None (its HLS) when none is, or when what Mux made is not known (``made`` None)."""
    ready = {r.name for r in made or () if r.status == "ready"}
    return next((r for r in TIMELINE_MP4S if r in job.options.renditions and file_name(r) in ready), None)


def clip_entries(jobs: list[ClipJob], urls_for: Callable[[ClipJob], dict[str, str]],
                 rate_for: Callable[[str], Fraction | None],
                 made_for: Callable[[ClipJob], tuple[StaticRendition, ...] | None]) -> tuple[list[ClipEntry], int]:
    """The ready jobs, each as a timeline clip of an MP4 Mux has made (:func:`timeline_rendition`; ``made_for``: what
    Mux said of its downloads, services/clip_media.py), else its HLS, at its source's rate (30 when not known); and
    how many were left out (not ready yet). The metadata lists the clip's URLs, but no download Mux has not made."""
    entries: list[ClipEntry] = []
    for job in jobs:
        if job.state is not JobState.READY:  # its playback id comes at once, its media only when ready
            continue
        urls = dict(urls_for(job))
        made = made_for(job)
        ready = {r.name for r in made or () if r.status == "ready"}
        for resolution in job.options.renditions:
            if file_name(resolution) not in ready:
                urls.pop(rendition_label(resolution), None)
        chosen = timeline_rendition(job, made)
        url = urls.get(rendition_label(chosen)) if chosen is not None else urls.get("HLS URL")
        if not url:
            continue
        metadata = {"job_id": job.id, "asset_id": job.asset_id, "source_asset_id": job.source_asset_id,
                    "source_start_ms": job.start_ms, "source_end_ms": job.end_ms,
                    **{url_key(label): value for label, value in urls.items()}}
        entries.append(ClipEntry(job.options.title or f"Clip {job.id}", url, job.end_ms - job.start_ms,
                                 rate_for(job.source_asset_id) or Fraction(30),
                                 {k: v for k, v in metadata.items() if v is not None}))
    return entries, len(jobs) - len(entries)
