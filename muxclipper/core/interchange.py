"""Segments and clips as OpenTimelineIO timelines, and segments back from a timeline another tool made.

Pure conversion, no files: ``services/cut_lists.py`` reads and writes them through OTIO's adapters (CMX 3600 EDL,
Final Cut Pro 7 XML, FCPXML, ``.otio``).

Times are frames of the source. A segment's in and out become the frames its clip is cut on (the nearest frame
start, as Mux cuts), and a frame read back becomes the first millisecond of that frame, so a frame survives any
number of round trips at any rate (29.97 drop-frame included: OTIO keeps frame counts, and drop-frame is only a way
of writing them).

A timeline from an editing suite often holds more than the cuts of one source: several reels (other cameras, other
files), audio tracks, a second video track of titles, dissolves. :func:`segments_from_timeline` takes the clips of
the open source from one video track and says what it left, and why.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any
from urllib.parse import unquote

import opentimelineio as otio

from muxclipper.core.segments import MAX_LABEL, MAX_SEGMENTS, Segment, SegmentListError
from muxclipper.core.timecode import format_ms, frame_to_ms, is_drop_frame, smpte_to_frame
from muxclipper.core.visible_text import clean_label
from muxclipper.core.wording import counted

#: Where editing suites start a programme on the record side.
RECORD_START_S = 3600
#: The reel an EDL gives file-based media that has no tape name (Premiere and Resolve write it too).
FILE_REEL = "AX"
#: Reels that name no source: file-based media, black, and the adapters' own stand-ins.
_GENERIC_REELS = {"AX", "BL", "BLACK", "AUX", ""}


@dataclass(frozen=True)
class SourceIdentity:
    """The open source, as a file from a suite may name it: by asset id, playback id, or its title (a suite that
    edited a downloaded MP4 names the file, often after the title)."""

    asset_id: str
    rate: Fraction
    duration_ms: int = 0  # 0: not known (a recording still going): no clip is refused for its end
    title: str = ""
    playback_ids: tuple[str, ...] = ()
    url: str = ""  # what exported segments reference; ``mux://assets/{id}`` when empty
    #: Sound alone: no frames (``rate`` is the app's millisecond grid), so no timecode counts them.
    audio_only: bool = False

    @property
    def reference(self) -> str:
        return self.url or f"mux://assets/{self.asset_id}"

    def is_named_by(self, text: str) -> bool:
        if not text:
            return False
        if self.asset_id and self.asset_id in text:
            return True
        if any(pid and pid in text for pid in self.playback_ids):
            return True
        stem = os.path.splitext(os.path.basename(unquote(text).replace("\\", "/").rstrip("/")))[0].strip().lower()
        return bool(self.title) and stem == self.title.strip().lower()


@dataclass(frozen=True)
class ClipEntry:
    """A clip of the clips list, as a suite will relink it: its own media (MP4 or HLS), from its first frame."""

    name: str
    url: str
    duration_ms: int
    rate: Fraction
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TimelineImport:
    """What a timeline gave for the open source: its segments, the track and reel they came from, what was left."""

    segments: list[Segment]
    track: str
    reel: str
    skipped: list[str]
    notes: list[str]

    def summary(self, file_name: str = "") -> str:
        """One line for the status bar or the terminal, e.g. "Imported 4 segments from track V1; skipped 2 clips
        from reel B007 (another source) and track A1 (audio)"."""
        text = f"Imported {len(self.segments)} segment{'s' if len(self.segments) != 1 else ''} from track {self.track}"
        if file_name:
            text += f" of {file_name}"
        if self.skipped:
            text += "; skipped " + _join(self.skipped)
        if self.notes:
            text += "; " + "; ".join(self.notes)
        return text + "."


def cut_frame(ms: int, rate: Fraction) -> int:
    """The frame a cut at ``ms`` falls on: the nearest frame start, half-way rounding up, as clips are cut."""
    return math.floor(Fraction(ms) * rate / 1000 + Fraction(1, 2))


def otio_rate(rate: Fraction) -> float:
    """OTIO keeps rates as doubles; 30000/1001 as a double is what its timecode code recognises as 29.97."""
    return float(rate)


def _frames(frame: int, rate: Fraction) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frame, otio_rate(rate))


def _range(first: int, end: int, rate: Fraction) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_frames(first, rate), _frames(end - first, rate))


def _timeline(name: str, rate: Fraction) -> tuple[otio.schema.Timeline, otio.schema.Track]:
    timeline = otio.schema.Timeline(name=name)
    # 01:00:00:00 as a suite counts it: in drop-frame at 29.97 and 59.94, as their EDLs are written.
    hours = RECORD_START_S // 3600
    timeline.global_start_time = _frames(smpte_to_frame(hours, 0, 0, 0, rate, is_drop_frame(rate)), rate)
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    return timeline, track


def segments_to_timeline(segments: list[Segment], source: SourceIdentity) -> otio.schema.Timeline:
    """One video track, the segments end to end from 01:00:00:00, each a clip of the source on its frames."""
    rate = source.rate
    timeline, track = _timeline(source.title or "muxclipper", rate)
    available = (_range(0, cut_frame(source.duration_ms, rate), rate) if source.duration_ms > 0 else None)
    for segment in segments:
        first, end = cut_frame(segment.start_ms, rate), cut_frame(segment.end_ms, rate)
        media = otio.schema.ExternalReference(target_url=source.reference, available_range=available)
        media.name = source.title or source.asset_id
        clip = otio.schema.Clip(name=segment.label, media_reference=media, source_range=_range(first, end, rate))
        clip.metadata["muxclipper"] = {"source_asset_id": source.asset_id}
        clip.metadata["cmx_3600"] = {"reel": FILE_REEL}  # a Mux asset is no tape; its id is in FROM CLIP
        track.append(clip)
    return timeline


def clips_to_timeline(entries: list[ClipEntry], name: str) -> otio.schema.Timeline:
    """The clips end to end, each from its own first frame, referencing its own media (MP4, else HLS), so a suite
    relinks each to the file or stream it downloads. The timeline runs at the first clip's rate."""
    rate = entries[0].rate if entries else Fraction(30)
    timeline, track = _timeline(name, rate)
    for entry in entries:
        frames = cut_frame(entry.duration_ms, entry.rate)
        available = _range(0, frames, entry.rate)
        media = otio.schema.ExternalReference(target_url=entry.url, available_range=available)
        media.name = entry.name
        clip = otio.schema.Clip(name=entry.name, media_reference=media, source_range=available)
        clip.metadata["muxclipper"] = dict(entry.metadata)
        clip.metadata["cmx_3600"] = {"reel": FILE_REEL}
        track.append(clip)
    return timeline


# ---------------------------------------------------------------------------------------------------- reading back
def _reel(clip: otio.schema.Clip) -> str:
    metadata = clip.metadata
    for suite in ("cmx_3600", "fcp_xml"):
        found = metadata.get(suite)
        if found is not None and hasattr(found, "get") and str(found.get("reel") or "").strip():
            return str(found.get("reel")).strip()
    return ""


def _source_file(clip: otio.schema.Clip) -> str:
    """An EDL's ``* SOURCE FILE:`` comment (Avid's, and muxclipper's own before OTIO), which the adapter keeps
    only as an unread comment."""
    found = clip.metadata.get("cmx_3600")
    comments = found.get("comments") if found is not None and hasattr(found, "get") else None
    for comment in comments or []:
        if str(comment).upper().startswith("SOURCE FILE:"):
            return str(comment).split(":", 1)[1].strip()
    return ""


def _media_texts(clip: otio.schema.Clip) -> list[str]:
    """What names a clip's media: its reel, its file or URL, the media's name, the clip's name."""
    media = clip.media_reference
    texts = [_reel(clip), str(getattr(media, "target_url", "") or ""), str(getattr(media, "name", "") or ""),
             _source_file(clip)]
    ours = clip.metadata.get("muxclipper")
    if ours is not None and hasattr(ours, "get"):
        texts.append(str(ours.get("source_asset_id") or ""))
    texts.append(clip.name or "")
    return [t for t in texts if t]


def _source_key(clip: otio.schema.Clip) -> str:
    """A short name for the clip's source, to group a track's clips and to say which were skipped."""
    reel = _reel(clip)
    if reel.upper() not in _GENERIC_REELS:
        return f"reel {reel}"
    media = clip.media_reference
    url = str(getattr(media, "target_url", "") or "") or _source_file(clip)
    if url:
        return os.path.basename(unquote(url).replace("\\", "/").rstrip("/")) or url
    name = str(getattr(media, "name", "") or "")
    return name or (f"reel {reel}" if reel else (clip.name or "an unnamed clip"))


def _track_name(track: otio.schema.Track, index: int, kind_index: int) -> str:
    letter = "A" if track.kind == otio.schema.TrackKind.Audio else "V"
    name = (track.name or "").strip()
    # An EDL's channels read as tracks "V", "A1"…; an FCPXML's lanes as numbers: named as a suite shows them.
    return f"{letter}{kind_index}" if name in ("", "V", "A") or name.lstrip("-").isdigit() else name


def _span(clip: otio.schema.Clip) -> tuple[float, float, float]:
    part = clip.trimmed_range()
    return part.start_time.to_seconds(), part.duration.to_seconds(), part.start_time.rate


#: Frames beyond any source (about 10 years at 120 fps): a number past this is a damaged file, not a cut.
_MAX_FRAME = 40_000_000_000


def _finite_time(time: otio.opentime.RationalTime, what: str) -> None:
    if not (math.isfinite(time.value) and math.isfinite(time.rate) and time.rate > 0):
        raise ValueError(f"{what} {time.value:g} at rate {time.rate:g}")


def _frames_of(clip: otio.schema.Clip, rate: Fraction) -> tuple[int, int]:
    """The frames ``clip`` takes of its media, at the source's ``rate``: first, and the one after its last. Raises
    ValueError for a time or rate that is not a finite number (NaN, infinite, a rate of 0), or is beyond any
    source."""
    part = clip.trimmed_range()
    _finite_time(part.start_time, "a start of")
    _finite_time(part.duration, "a length of")
    start = part.start_time
    available = getattr(clip.media_reference, "available_range", None)
    if available is not None and available.start_time.value != 0:  # media with a start timecode: from its start
        _finite_time(available.start_time, "a media start of")
        start = start - available.start_time.rescaled_to(start.rate)
    first_value = start.rescaled_to(otio_rate(rate)).value
    length_value = part.duration.rescaled_to(otio_rate(rate)).value
    if not (math.isfinite(first_value) and math.isfinite(length_value)):
        raise ValueError("a time that is not a number once converted")
    if abs(first_value) > _MAX_FRAME or abs(length_value) > _MAX_FRAME:
        raise ValueError("a time beyond any source")
    first = round(first_value)
    return first, first + round(length_value)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def segments_from_timeline(timeline: otio.schema.Timeline, source: SourceIdentity,
                           file_name: str = "the file") -> TimelineImport:
    """The clips of ``source`` on one video track of ``timeline``, as segments, and what was left.

    The track is the first video track with a clip naming the source (its id, a playback id, or a file named
    after its title); when none names it, the first video track with clips, and of its clips those of the reel
    or file used most (a suite's cut of one programme), which the summary says. Other tracks, clips of other
    sources and clips past the source's end are skipped and listed; dissolves are read as cuts. Raises
    :class:`SegmentListError` when nothing applies, naming what the file holds.
    """
    tracks: list[tuple[str, otio.schema.Track, list[otio.schema.Clip]]] = []
    counts: Counter[str] = Counter()
    for index, track in enumerate(timeline.tracks):
        kind = "A" if track.kind == otio.schema.TrackKind.Audio else "V"
        counts[kind] += 1
        clips = [item for item in track if isinstance(item, otio.schema.Clip) and item.enabled]
        tracks.append((_track_name(track, index, counts[kind]), track, clips))
    video = [t for t in tracks if t[1].kind != otio.schema.TrackKind.Audio and t[2]]
    if not video:
        raise SegmentListError(f"{file_name} has no video clips to take cuts from; export the timeline's video "
                               "track from the editing suite (EDL, XML, FCPXML or OTIO) and import that.")
    named = next((t for t in video if any(source.is_named_by(x) for c in t[2] for x in _media_texts(c))), None)
    notes: list[str] = []
    if named is not None:
        chosen = named
        keep = [c for c in chosen[2] if any(source.is_named_by(x) for x in _media_texts(c))]
        reel = _source_key(keep[0])
    else:
        chosen = video[0]
        by_source = Counter(_source_key(c) for c in chosen[2])
        reel = by_source.most_common(1)[0][0]
        keep = [c for c in chosen[2] if _source_key(c) == reel]
        if len(by_source) > 1:
            notes.append(f"no clip names this source, so the cuts of {reel} (the most used) were taken")
    name, track, clips = chosen
    skipped: list[str] = []
    kept = {id(c) for c in keep}  # by identity: two clips alike (a repeated cut) are still two
    others = Counter(_source_key(c) for c in clips if id(c) not in kept)
    for key, count in others.items():
        skipped.append(f"{counted(count, 'clip')} from {key} (another source)")
    segments: list[Segment] = []
    past_end = 0
    rescaled = False
    places = {id(c): n for n, c in enumerate(clips, start=1)}
    for clip in keep:
        try:
            first, end = _frames_of(clip, source.rate)
        except (ArithmeticError, ValueError) as exc:  # NaN or infinite times, a rate of 0: the file is damaged
            raise SegmentListError(f"{file_name}: clip {places[id(clip)]} of track {chosen[0]} has a time or rate "
                                   f"that is not a number muxclipper can use ({exc}); export the list again from "
                                   "the editing suite. The segments are unchanged.") from exc
        if abs(clip.trimmed_range().duration.rate - otio_rate(source.rate)) > 1e-6:
            rescaled = True
        start_ms, end_ms = frame_to_ms(first, source.rate), frame_to_ms(end, source.rate)
        if first < 0 or (source.duration_ms > 0 and end_ms > source.duration_ms + 1):
            past_end += 1
            continue
        if len(segments) >= MAX_SEGMENTS:
            raise SegmentListError(f"{file_name} has more than {MAX_SEGMENTS:,} clips of this source; split it.")
        label = " ".join(clean_label(clip.name or "").split())[:MAX_LABEL] or f"Segment {len(segments) + 1}"
        segments.append(Segment(label, start_ms, end_ms, places[id(clip)], "Clip"))
    if past_end:
        skipped.append(f"{counted(past_end, 'clip')} outside the source (it is {format_ms(source.duration_ms)} long)")
    cuts = {(_source_key(c), _span(c)) for c in keep}
    for other_name, other, other_clips in tracks:
        if other is track or not other_clips:
            continue
        if other.kind == otio.schema.TrackKind.Audio and all(
                (_source_key(c), _span(c)) in cuts for c in other_clips):
            continue  # the sound of the cuts taken (an EDL's AA/V event): nothing is left out
        what = "audio" if other.kind == otio.schema.TrackKind.Audio else "another video track"
        skipped.append(f"track {other_name} ({what}, {counted(len(other_clips), 'clip')})")
    transitions = sum(1 for item in track if isinstance(item, otio.schema.Transition))
    if transitions:
        notes.append(f"{counted(transitions, 'transition')} read as {'cuts' if transitions != 1 else 'a cut'}")
    if rescaled:
        notes.append(f"times converted to the source's {float(source.rate):g} fps")
    if not segments:
        found = sorted({_source_key(c) for _, _, cs in video for c in cs})
        raise SegmentListError(f"{file_name} has no clip of this source within its length (it holds "
                               f"{_join(found[:5])}{' and more' if len(found) > 5 else ''}); open the source it "
                               "was cut from, or export the cuts of this one. The segments are unchanged.")
    return TimelineImport(segments, name, reel, skipped, notes)
