"""HLS: packaging a master file into segments, and rendering playlists for every way they are asked for.

Playlists are written per request from the manifest, so one set of segments serves a VOD asset, a
live recording that grows (EVENT), the live edge (a sliding window) and instant clips.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from muxclipper.emulator.media import ffmpeg
from muxclipper.emulator.media.store import Manifest

SEGMENT_SECONDS = 2
LIVE_WINDOW_SEGMENTS = 3
CLOSED_CAPTIONS = 'CHARACTERISTICS="public.accessibility.describes-spoken-dialog",'


def package(source: Path, out_dir: Path) -> tuple[list[float], int]:
    """Split ``source`` (stream copy) into ~2 s segments; answer their durations and first PTS."""
    out_dir.mkdir(parents=True, exist_ok=True)
    playlist = out_dir / "index.m3u8"
    # No video is an audio-only asset: its segments hold the sound alone (each AAC frame can start one).
    ffmpeg.run(["-i", str(source), "-map", "0:v:0?", "-map", "0:a:0?", "-c", "copy", "-f", "hls",
                "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
                "-hls_segment_filename", str(out_dir / "seg_%05d.ts"), str(playlist)])
    durations = [float(m) for m in re.findall(r"#EXTINF:([\d.]+)", playlist.read_text())]
    playlist.unlink()
    first = ffmpeg.probe(out_dir / "seg_00000.ts", video_required=False)
    return durations, round(first.start * 90000)


def _suffix(query: str) -> str:
    return f"?{query}" if query else ""


def master(manifest: Manifest, query: str = "", prefix: str = "") -> str:
    """The multivariant playlist: one H.264/AAC rendition, plus a subtitle group when there is text.

    ``prefix`` goes before each child URI (the stream host serves children under the playback id).
    """
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    subs = ""
    for track in manifest.text_tracks:
        subs = ',SUBTITLES="subs"'
        characteristics = CLOSED_CAPTIONS if track.closed_captions else ""
        lines.append(f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="{track.name}",'
                     f'LANGUAGE="{track.language_code}",DEFAULT=NO,AUTOSELECT=YES,{characteristics}'
                     f'URI="{prefix}subs/{track.id}.m3u8{_suffix(query)}"')
    if manifest.audio_only:  # an audio-only rendition: no RESOLUTION nor FRAME-RATE
        lines.append(f'#EXT-X-STREAM-INF:BANDWIDTH=140000,AVERAGE-BANDWIDTH=140000,CODECS="mp4a.40.2"{subs}')
        lines.append(f"{prefix}rendition.m3u8{_suffix(query)}")
        return "\n".join(lines) + "\n"
    codecs = "avc1.640028,mp4a.40.2" if manifest.has_audio else "avc1.640028"
    bandwidth = 1_500_000
    lines.append(f"#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},AVERAGE-BANDWIDTH={bandwidth},"
                 f'CODECS="{codecs}",RESOLUTION={manifest.width}x{manifest.height},'
                 f"FRAME-RATE={float(manifest.rate):.3f}{subs}")
    lines.append(f"{prefix}rendition.m3u8{_suffix(query)}")
    return "\n".join(lines) + "\n"


def select(manifest: Manifest, *, start: float | None = None, end: float | None = None,
           available: float | None = None) -> list[int]:
    """Indexes of the segments to list: those overlapping [start, end), within what is available."""
    chosen = []
    for index, (seg_start, seg_end) in enumerate(manifest.segment_bounds()):
        # A millimetre of slack: segment durations are printed to the microsecond, and their sum can pass the
        # asset's duration by one (a VOD asset's last segment went missing at 24 fps).
        if available is not None and seg_end > available + 1e-3:
            break
        if start is not None and seg_end <= start + 1e-6:
            continue
        if end is not None and seg_start >= end - 1e-6:
            break
        chosen.append(index)
    return chosen


def media_playlist(manifest: Manifest, indexes: list[int], uri: str, *, kind: str, query: str = "") -> str:
    """A media playlist over ``indexes``; ``kind`` is ``vod``, ``event`` (growing) or ``live`` (window)."""
    durations = [manifest.segments[i] for i in indexes]
    target = max((math.ceil(d) for d in durations), default=SEGMENT_SECONDS)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{target}",
             f"#EXT-X-MEDIA-SEQUENCE:{indexes[0] if indexes else 0}"]
    if kind == "vod":
        lines.append("#EXT-X-PLAYLIST-TYPE:VOD")
    elif kind == "event":
        lines.append("#EXT-X-PLAYLIST-TYPE:EVENT")
    for index, duration in zip(indexes, durations, strict=True):
        lines.append(f"#EXTINF:{duration:.6f},")
        lines.append(uri.format(index=index) + _suffix(query))
    if kind == "vod":
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def live_window(indexes: list[int]) -> list[int]:
    return indexes[-LIVE_WINDOW_SEGMENTS:]
