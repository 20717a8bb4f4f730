"""HLS playlists as muxclipper hands them to its player: a recording still in progress, made to look finished.

Qt's player (its FFmpeg) starts a playlist that has not ended three segments from its end and numbers that frame 0:
on a live stream's recording so far (Mux's DVR playlist) the first seconds cannot be reached, and every frame number
is off by what was skipped. :func:`as_finished` rewrites such a playlist so that it starts at the recording's first
frame and ends where the recording is now (``#EXT-X-ENDLIST``); the player loads it again to see what was recorded
since. Child playlists (renditions, subtitles) are handed to ``relay`` so that they get the same treatment; segments
point at the stream host itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin

_URI_ATTRIBUTE = re.compile(r'URI="([^"]*)"')


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
