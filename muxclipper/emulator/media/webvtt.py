"""WebVTT cues: parse, trim and shift for clips, and split into HLS subtitle segments."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIME = re.compile(r"(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})")
_CUE_TIMES = re.compile(rf"^\s*({_TIME.pattern})\s*-->\s*({_TIME.pattern})")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def _seconds(match: re.Match[str], offset: int) -> float:
    hours = int(match.group(offset + 1) or 0)
    return hours * 3600 + int(match.group(offset + 2)) * 60 + int(match.group(offset + 3)) \
        + int(match.group(offset + 4)) / 1000


def parse(text: str) -> list[Cue]:
    """Cues of a WebVTT (or SRT) document; notes, styles and cue settings are dropped."""
    cues: list[Cue] = []
    for block in re.split(r"\r?\n\s*\r?\n", text.replace("\ufeff", "")):
        lines = [line for line in block.splitlines() if line.strip()]
        for i, line in enumerate(lines):
            match = _CUE_TIMES.match(line)
            if match:
                body = "\n".join(lines[i + 1:]).strip()
                if body:
                    cues.append(Cue(_seconds(match, 1), _seconds(match, 6), body))
                break
    return cues


def timestamp(seconds: float) -> str:
    millis = max(round(seconds * 1000), 0)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def render(cues: list[Cue], header: str = "WEBVTT") -> str:
    parts = [header, ""]
    for cue in cues:
        parts += [f"{timestamp(cue.start)} --> {timestamp(cue.end)}", cue.text, ""]
    return "\n".join(parts)


def clip(cues: list[Cue], start: float, end: float) -> list[Cue]:
    """The cues seen between ``start`` and ``end``, cut to that range and shifted to start at 0."""
    result = []
    for cue in cues:
        if cue.end <= start or cue.start >= end:
            continue
        result.append(Cue(max(cue.start, start) - start, min(cue.end, end) - start, cue.text))
    return result


def segment(cues: list[Cue], boundaries: list[tuple[float, float]], mpegts_start: int) -> list[str]:
    """One WebVTT document per video segment ``(start, end)``, for an HLS subtitle rendition.

    ``X-TIMESTAMP-MAP`` ties cue time 0 to the first video PTS (90 kHz), as HLS requires.
    """
    header = f"WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:{mpegts_start},LOCAL:00:00:00.000"
    return [render([c for c in cues if c.end > seg_start and c.start < seg_end], header)
            for seg_start, seg_end in boundaries]
