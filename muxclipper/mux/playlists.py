"""HLS playlists as muxclipper hands them to its player: a recording still in progress, made to look finished.

Qt's player (its FFmpeg) starts a playlist that has not ended three segments from its end and numbers that frame 0:
on a live stream's recording so far (Mux's DVR playlist) the first seconds cannot be reached, and every frame number
is off by what was skipped. :func:`as_finished` rewrites such a playlist so that it starts at the recording's first
frame and ends where the recording is now (``#EXT-X-ENDLIST``); the player loads it again to see what was recorded
since. Child playlists (renditions, subtitles) are handed to ``relay`` so that they get the same treatment; segments
point at the stream host itself.

:func:`timed_in_frames` fixes what FFmpeg's HLS demuxer (in Qt's player) makes of segment durations. It picks the
segment for a seek from the sums of ``#EXTINF``, and keeps the segment's first keyframe only if that keyframe's
decoding time is not before the segment's start by those sums. Durations written rounded up (10.427089 s for 250
frames at 23.976, which last 10.427083 s) put every segment's start a few microseconds after its keyframe: a seek
into the segment then skipped the whole of it and showed the next segment's first frame. Durations are rewritten
as whole frames at the source's rate, and the first one a millisecond shorter, so every segment starts just before
its keyframe.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction
from urllib.parse import urljoin

_URI_ATTRIBUTE = re.compile(r'URI="([^"]*)"')
_EXTINF = re.compile(r"#EXTINF:([0-9.]+)(,.*)?$")
#: How much earlier than its keyframe each segment is made to start (well under a frame at any rate).
LEAD_SECONDS = Fraction(1, 1000)


def as_finished(text: str, base_url: str, relay: Callable[[str], str]) -> str:
    """``text``, the playlist at ``base_url``, as a finished playlist: an EVENT playlist becomes VOD and ends; URIs
    are made absolute; child playlists' URIs (a variant, a subtitle group) become ``relay(absolute URI)``."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("#EXTM3U"):
        raise ValueError("not an HLS playlist")
    media = any(line.startswith("#EXTINF") for line in lines)
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#EXT-X-PLAYLIST-TYPE"):
            continue  # written below: VOD
        if stripped == "#EXT-X-ENDLIST":
            continue  # written once, at the end
        if stripped.startswith("#EXT-X-MEDIA:") or stripped.startswith("#EXT-X-I-FRAME-STREAM-INF"):
            out.append(_URI_ATTRIBUTE.sub(lambda m: f'URI="{relay(urljoin(base_url, m.group(1)))}"', stripped))
        elif stripped.startswith("#EXT-X-KEY") or stripped.startswith("#EXT-X-MAP"):
            out.append(_URI_ATTRIBUTE.sub(lambda m: f'URI="{urljoin(base_url, m.group(1))}"', stripped))
        elif stripped and not stripped.startswith("#"):
            absolute = urljoin(base_url, stripped)
            out.append(absolute if media else relay(absolute))  # a segment, or a variant's playlist
        else:
            out.append(stripped)
    if media:
        at = 1 + next((i for i, line in enumerate(out[1:]) if line.startswith("#EXT-X-TARGETDURATION")), 0)
        out.insert(at + 1, "#EXT-X-PLAYLIST-TYPE:VOD")
        out.append("#EXT-X-ENDLIST")
    return "\n".join(out) + "\n"


def timed_in_frames(text: str, rate: Fraction) -> str:
    """A media playlist's ``#EXTINF`` durations as whole frames at ``rate``, the first one :data:`LEAD_SECONDS`
    shorter (see the module's docstring); any other playlist, unchanged."""
    out: list[str] = []
    first = True
    longest = 0
    for line in text.splitlines():
        match = _EXTINF.match(line.strip())
        if match is None:
            out.append(line)
            continue
        frames = max(round(Fraction(match.group(1)) * rate), 1)
        seconds = Fraction(frames) / rate - (LEAD_SECONDS if first else 0)
        first = False
        longest = max(longest, math.ceil(seconds))
        out.append(f"#EXTINF:{float(seconds):.6f}{match.group(2) or ','}")
    if first:
        return text
    # The target duration must not be below any segment's (rounded) duration.
    return "\n".join(re.sub(r"^#EXT-X-TARGETDURATION:(\d+)",
                             lambda m: f"#EXT-X-TARGETDURATION:{max(int(m.group(1)), longest)}", line)
                      for line in out) + "\n"


def segment_starts(text: str, rate: Fraction) -> tuple[int, ...]:
    """The frames that start a segment of a media playlist (the first segment's excepted), counted as
    :func:`timed_in_frames` times them; empty for any other playlist. A player knows from these, before any seek,
    which frames sit just before a boundary."""
    starts: list[int] = []
    total = 0
    for line in text.splitlines():
        match = _EXTINF.match(line.strip())
        if match is not None:
            if total:
                starts.append(total)
            total += max(round(Fraction(match.group(1)) * rate), 1)
    return tuple(starts)


def variant_uris(text: str) -> list[str]:
    """The video renditions' playlist URIs of a multivariant playlist (the line after each ``#EXT-X-STREAM-INF``)."""
    lines = [line.strip() for line in text.splitlines()]
    return [uri for tag, uri in zip(lines, lines[1:], strict=False)
            if tag.startswith("#EXT-X-STREAM-INF") and uri and not uri.startswith("#")]
