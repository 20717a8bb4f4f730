"""Several ranges on one source, made together: the segment list, and its CSV and YouTube-chapters forms.

CSV: ``label,start,end`` with times as ``HH:MM:SS.mmm`` (any form :func:`parse_ms` reads is accepted
back). YouTube chapters: one ``H:MM:SS Label`` line per segment start, as YouTube descriptions use;
read back, each chapter ends where the next begins (the last at the source's end). Editing suites'
formats (EDL, FCP 7 XML, FCPXML, OTIO) go through OpenTimelineIO: ``core/interchange.py``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise

from muxclipper.core.clip_rules import check_range
from muxclipper.core.timecode import TimecodeError, format_ms, parse_ms
from muxclipper.core.visible_text import clean_label, visible


class SegmentListError(ValueError):
    """A list that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Segment:
    label: str
    start_ms: int
    end_ms: int
    #: Where it was read: the file's line (CSV, chapters) or the clip's place on its track (a suite's timeline); 0
    #: when made in the window. Not part of what the segment is.
    line: int = field(default=0, compare=False)
    where: str = field(default="Line", compare=False)


def to_csv(segments: list[Segment]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["label", "start", "end"])
    for segment in segments:
        writer.writerow([segment.label, format_ms(segment.start_ms), format_ms(segment.end_ms)])
    return out.getvalue()


#: More rows than any cut list a producer makes; a bigger file is not a cut list, and would freeze the table.
MAX_SEGMENTS = 5000
#: Mux keeps a title (meta.title, where a segment's label goes) of at most 512 characters.
MAX_LABEL = 512
_DELIMITERS = (",", ";", "\t")  # Excel writes ";" where the decimal mark is a comma


def _clean_label(label: str, number: int) -> str:
    """The label as one line (a CR or LF inside a quoted field becomes a space), within Mux's title limit."""
    label = clean_label(label)  # the rule clip --title holds titles to (core/visible_text.py)
    if len(label) > MAX_LABEL:
        raise SegmentListError(f"Line {number}: the label is {len(label):,} characters long; Mux keeps at most "
                               f"{MAX_LABEL}. Shorten it and import again.")
    return label


def _delimiter(text: str) -> str:
    """The separator of the first non-empty line: the first of ``,``, ``;`` and tab that splits it in three or
    more."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    for delimiter in _DELIMITERS:
        try:
            if len(next(csv.reader([first], delimiter=delimiter), [])) >= 3:
                return delimiter
        except csv.Error:
            break  # from_csv reads it again with the comma, and says what is wrong on which line
    return ","


def from_csv(text: str, rate: Fraction | None = None) -> list[Segment]:
    """Segments from ``label,start,end`` rows, with or without that header line.

    Line numbers in messages are those of the file as an editor shows them (a quoted label spanning lines
    counts them all). A UTF-8 byte order mark (Excel's "CSV UTF-8") is ignored, and ``;`` or tab separators
    are read as well as commas. Raises :class:`SegmentListError` and nothing else.
    """
    text = text.removeprefix("\ufeff")
    # newline="" lets the csv module see CR, LF and CRLF itself, so a line break inside a quoted label is
    # part of the label, and files from old Macs (CR only) read as lines.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    segments: list[Segment] = []
    first_row = True
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise SegmentListError(f"Line {line}: {exc}; save the list again as CSV (label,start,end).") from exc
        number, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if first_row:
            first_row = False
            if [c.strip().lower() for c in row[:3]] == ["label", "start", "end"]:
                continue
        if len(segments) >= MAX_SEGMENTS:
            raise SegmentListError(f"Line {number}: more than {MAX_SEGMENTS:,} segments; split the list.")
        if len(row) < 3:
            raise SegmentListError(f"Line {number}: expected label,start,end.")
        label = _clean_label(row[0], number)
        try:
            segments.append(Segment(label, parse_ms(row[1], rate), parse_ms(row[2], rate), number))
        except TimecodeError as exc:
            raise SegmentListError(f"Line {number}: {exc}") from exc
    return segments


def _chapter_time(ms: int) -> str:
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def to_youtube_chapters(segments: list[Segment]) -> str:
    return "\n".join(f"{_chapter_time(s.start_ms)} {s.label}".rstrip() for s in segments) + "\n"


_CHAPTER = re.compile(r"^\s*((?:[0-9]+:)?[0-9]{1,2}:[0-9]{2})\s+[-–]?\s*(.*)$", re.ASCII)


def from_youtube_chapters(text: str, duration_ms: int) -> list[Segment]:
    """Segments from ``H:MM:SS Title`` lines: each chapter ends where the next begins, the last at
    ``duration_ms``. A chapter at or past the end, or two at the same time, are refused with their line:
    either would make a segment that ends before it starts. Raises :class:`SegmentListError` only."""
    text = text.removeprefix("\ufeff")
    starts: list[tuple[int, str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _CHAPTER.match(line)
        if not match or len(match.group(1)) > 12:
            raise SegmentListError(f"Line {number}: expected a time and a title, like 1:23 Intro.")
        parts = [int(p) for p in match.group(1).split(":")]
        if parts[-1] >= 60 or (len(parts) == 3 and parts[-2] >= 60):
            raise SegmentListError(f"Line {number}: minutes and seconds go up to 59 ({match.group(1)}).")
        if len(starts) >= MAX_SEGMENTS:
            raise SegmentListError(f"Line {number}: more than {MAX_SEGMENTS:,} chapters; split the list.")
        seconds = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)
        start_ms = seconds * 1000
        if start_ms >= duration_ms:
            raise SegmentListError(f"Line {number}: the chapter at {match.group(1)} starts at or after the end of the "
                                   f"source ({format_ms(duration_ms)}); remove it or open the source it belongs to.")
        starts.append((start_ms, _clean_label(match.group(2), number), number))
    starts.sort()
    for (start, _, _), (following, _, number) in pairwise(starts):
        if following == start:
            raise SegmentListError(f"Line {number}: another chapter also starts at {_chapter_time(start)}; "
                                   "chapters need different times.")
    return [Segment(label, start, starts[i + 1][0] if i + 1 < len(starts) else duration_ms, number)
            for i, (start, label, number) in enumerate(starts)]


#: How many bad rows a refusal lists by name (the rest are counted).
LISTED_PROBLEMS = 5


def segment_problems(segments: list[Segment], duration_ms: int | None) -> list[str]:
    """Each segment that could not be made into a clip of a source ``duration_ms`` long (None or 0: not known), in
    words naming its row: reversed, zero-length, negative, too short for Mux, past the end. The rules are the ones
    a clip is held to (core/clip_rules.py), so a list that passes here passes at creation too."""
    problems: list[str] = []
    for index, segment in enumerate(segments, start=1):
        problem = check_range(segment.start_ms, segment.end_ms, duration_ms or None)
        if problem is not None:
            where = f"{segment.where} {segment.line or index}"
            label = f" ({visible(segment.label, 40)})" if segment.label else ""
            span = f"{format_ms(segment.start_ms)}–{format_ms(segment.end_ms)}"
            problems.append(f"{where}{label}, {span}: {problem.message}")
    return problems


def problems_summary(problems: list[str]) -> str:
    """The first few problems, and how many more."""
    shown = "; ".join(problems[:LISTED_PROBLEMS])
    more = len(problems) - LISTED_PROBLEMS
    return shown + (f"; and {more} more" if more > 0 else "")
