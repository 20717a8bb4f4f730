"""Several ranges on one source, made together: the segment list, and its CSV and YouTube-chapters forms.

CSV: ``label,start,end`` with times as ``HH:MM:SS.mmm`` (any form :func:`parse_ms` reads is accepted
back). YouTube chapters: one ``H:MM:SS Label`` line per segment start, as YouTube descriptions use;
read back, each chapter ends where the next begins (the last at the source's end). EDL: a CMX 3600
edit list for an editing suite, one event per segment on the source's frames, laid end to end from
01:00:00:00 on the record side (export only).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from fractions import Fraction

from muxclipper.core.timecode import (
    TimecodeError,
    format_ms,
    frame_to_smpte,
    is_drop_frame,
    parse_ms,
    smpte_to_frame,
)

EDL_RECORD_START_S = 3600  # 01:00:00:00, where editing suites start a programme


class SegmentListError(ValueError):
    """A list that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Segment:
    label: str
    start_ms: int
    end_ms: int


def to_csv(segments: list[Segment]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["label", "start", "end"])
    for segment in segments:
        writer.writerow([segment.label, format_ms(segment.start_ms), format_ms(segment.end_ms)])
    return out.getvalue()


def from_csv(text: str, rate: Fraction | None = None) -> list[Segment]:
    rows = list(csv.reader(io.StringIO(text.strip())))
    if rows and [c.strip().lower() for c in rows[0][:3]] == ["label", "start", "end"]:
        rows = rows[1:]
    segments = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            raise SegmentListError(f"Line {number}: expected label,start,end.")
        try:
            segments.append(Segment(row[0].strip(), parse_ms(row[1], rate), parse_ms(row[2], rate)))
        except TimecodeError as exc:
            raise SegmentListError(f"Line {number}: {exc}") from exc
    return segments


def _chapter_time(ms: int) -> str:
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def to_youtube_chapters(segments: list[Segment]) -> str:
    return "\n".join(f"{_chapter_time(s.start_ms)} {s.label}".rstrip() for s in segments) + "\n"


_CHAPTER = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2})\s+[-–]?\s*(.*)$")


def from_youtube_chapters(text: str, duration_ms: int) -> list[Segment]:
    starts: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _CHAPTER.match(line)
        if not match:
            raise SegmentListError(f"Line {number}: expected a time and a title, like 1:23 Intro.")
        parts = [int(p) for p in match.group(1).split(":")]
        seconds = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)
        starts.append((seconds * 1000, match.group(2).strip()))
    starts.sort()
    return [Segment(label, start, starts[i + 1][0] if i + 1 < len(starts) else duration_ms)
            for i, (start, label) in enumerate(starts)]


def to_edl(segments: list[Segment], rate: Fraction, title: str, source: str) -> str:
    """CMX 3600: source in/out are the segment's first frame and the frame after its last."""
    lines = [f"TITLE: {_edl_text(title)[:70]}", f"FCM: {'DROP FRAME' if is_drop_frame(rate) else 'NON-DROP FRAME'}", ""]
    record = smpte_to_frame(EDL_RECORD_START_S // 3600, 0, 0, 0, rate, is_drop_frame(rate))
    for number, segment in enumerate(segments, start=1):
        first, end = _cut_frame(segment.start_ms, rate), _cut_frame(segment.end_ms, rate)
        times = " ".join(frame_to_smpte(f, rate) for f in (first, end, record, record + end - first))
        lines += [f"{number:03d}  AX       AA/V  C        {times}",
                  f"* FROM CLIP NAME: {_edl_text(segment.label)}", f"* SOURCE FILE: {_edl_text(source)}", ""]
        record += end - first
    return "\n".join(lines)


def _cut_frame(ms: int, rate: Fraction) -> int:
    """The frame a cut at ``ms`` falls on: the nearest frame start, half-way rounding up, as clips are cut."""
    return math.floor(Fraction(ms) * rate / 1000 + Fraction(1, 2))


def _edl_text(text: str) -> str:
    """One line of plain text: an EDL is read line by line."""
    return " ".join(text.split())
