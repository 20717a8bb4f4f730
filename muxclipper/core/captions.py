"""Caption cues from WebVTT text, for the player's own caption overlay.

Qt detects HLS WebVTT renditions but never delivers their text, so the app fetches the track
(``stream.mux.com/{PLAYBACK_ID}/text/{TRACK_ID}.vtt``) and draws the current cue itself.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_TIME = r"(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})"
_CUE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_TAGS = re.compile(r"</?[^>]+>")


@dataclass(frozen=True)
class CaptionCue:
    start_ms: int
    end_ms: int
    text: str


def _ms(parts: tuple[str | None, ...]) -> int:
    hours, minutes, seconds, millis = (int(p or 0) for p in parts)
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def parse_vtt(text: str) -> list[CaptionCue]:
    cues = []
    for block in re.split(r"\r?\n\s*\r?\n", text.replace("\ufeff", "")):
        lines = [line for line in block.splitlines() if line.strip()]
        for index, line in enumerate(lines):
            match = _CUE.match(line)
            if match:
                body = _TAGS.sub("", "\n".join(lines[index + 1:])).strip()
                if body:
                    cues.append(CaptionCue(_ms(match.groups()[:4]), _ms(match.groups()[4:]), body))
                break
    return sorted(cues, key=lambda c: c.start_ms)


class CaptionTrack:
    """Finds the cue on screen at a time in O(log n)."""

    def __init__(self, cues: list[CaptionCue]) -> None:
        self.cues = cues
        self._starts = [c.start_ms for c in cues]

    def at(self, ms: int) -> CaptionCue | None:
        """The latest-starting cue showing at ``ms`` (a few earlier ones may still overlap it)."""
        index = bisect.bisect_right(self._starts, ms)
        for cue in reversed(self.cues[max(index - 4, 0):index]):
            if cue.start_ms <= ms < cue.end_ms:
                return cue
        return None
