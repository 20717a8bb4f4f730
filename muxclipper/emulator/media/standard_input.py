"""Mux's "standard input": whether an upload is streamed as it is, or re-encoded first.

Mux's guide "Minimize processing time" lists what standard input is: H.264 (newer versions of the guide add HEVC),
a keyframe at least every 20 seconds, closed GOP, 8 Mbps or below, 8-bit 4:2:0, simple edit lists, AAC audio, and
within the ``max_resolution_tier``. A standard input's video is streamed as uploaded — with its B-frames and its
GOP — and anything else is re-encoded. The emulator checks what it can measure cheaply (docs/emulator.md says which
parts are guessed): codec, pixel format, audio codec, size against the tier, bitrate, the longest keyframe
interval, open GOP (a recovery-point SEI, which x264 writes on an open GOP's non-IDR keyframes) and a variable
frame rate (phones record one; Mux's guide does not name it, the emulator re-encodes it to a constant rate).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from muxclipper.emulator.media import ffmpeg

MAX_KEYFRAME_INTERVAL = 20.0  # seconds
#: Mux's limit for standard input at 1080p and below; the 2160p tier's is higher (the guide's 4K sample encodes at
#: 18 Mbps with a 36 Mbps ceiling: 20 Mbps is a guess).
MAX_KBPS = {1080: 8_000, 1440: 20_000, 2160: 20_000}
#: Open GOP is judged on this much of the video (an encoder setting: it does not change along a file).
GOP_SCAN_SECONDS = 30


@dataclass(frozen=True)
class VideoTiming:
    """What the packets say: the longest keyframe interval (s), whether frames are evenly spaced, open GOP."""

    longest_gop: float
    variable_rate: bool
    open_gop: bool
    kbps: int | None
    frames: int = 0  # video frames (packets) in the file


def video_frames(source: str, timeout: float = 600.0) -> int:
    """How many video frames ``source`` holds (its packets, counted without decoding)."""
    result = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", source, "-map", "0:v:0",
         "-c", "copy", "-f", "framecrc", "-"], capture_output=True, text=True, timeout=timeout, env=ffmpeg.child_env())
    return sum(1 for line in result.stdout.splitlines() if line.startswith("0,"))


def video_delay_of(path: Path) -> float:
    """:func:`video_delay` of a stored file, measured once per file (the stills ask for it at every request)."""
    stat = path.stat()
    return _video_delay_cached(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _video_delay_cached(path: str, size: int, mtime_ns: int) -> float:
    return video_delay(path)


def video_delay(source: str, timeout: float = 120.0) -> float:
    """How long after the file's start (its earliest stream) its first video frame is, in seconds: sound that starts
    before the picture puts it later. A clip's times count from the first video frame, as the player's do."""
    result = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-copyts", "-i", source,
         "-map", "0:v:0", "-c", "copy", "-frames:v", "8", "-f", "framecrc", "-"],
        capture_output=True, text=True, timeout=timeout, env=ffmpeg.child_env())
    base = _seconds_per_tick(result.stdout)
    pts = [int(line.split(",")[2]) for line in result.stdout.splitlines()
           if line.startswith("0,") and line.split(",")[2].strip().lstrip("-").isdigit()]
    if not pts:
        return 0.0
    return max(min(pts) * base - ffmpeg.probe(source).start, 0.0)


def timing(source: str, timeout: float = 600.0) -> VideoTiming:
    """Read the video packets' times and flags (a stream copy: nothing is decoded)."""
    result = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", source, "-map", "0:v:0",
         "-c", "copy", "-f", "framecrc", "-"], capture_output=True, text=True, timeout=timeout, env=ffmpeg.child_env())
    base = _seconds_per_tick(result.stdout)
    pts: list[int] = []
    keys: list[int] = []
    for line in result.stdout.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = [f.strip() for f in line.split(",")]
        if len(fields) < 6 or not fields[2].lstrip("-").isdigit():
            continue
        pts.append(int(fields[2]))
        if "F=0x0" not in line:  # framecrc marks the packets that are not keyframes
            keys.append(int(fields[2]))
    keys.sort()
    gaps = [b - a for a, b in zip(keys, keys[1:], strict=False)]
    if keys and pts:
        gaps.append(max(pts) - keys[-1])
    ordered = sorted(pts)
    deltas = [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
    variable = bool(deltas) and max(deltas) - min(deltas) > max(2, max(deltas) // 50)
    bitrate = re.search(r"bitrate: (\d+) kb/s", _summary(source))
    return VideoTiming(longest_gop=max(gaps, default=0) * base, variable_rate=variable,
                       open_gop=_open_gop(source), kbps=int(bitrate.group(1)) if bitrate else None,
                       frames=len(pts))


def _seconds_per_tick(framecrc: str) -> float:
    """Seconds per tick of the video's time base, from framecrc's ``#tb 0: 1/15360`` header."""
    match = re.search(r"#tb 0: (\d+)/(\d+)", framecrc)
    return int(match.group(1)) / int(match.group(2)) if match else 1 / 90_000


def _summary(source: str) -> str:
    return subprocess.run([ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", source], capture_output=True,
                          text=True, timeout=60, env=ffmpeg.child_env()).stderr


def _open_gop(source: str) -> bool:
    """An H.264 stream whose keyframes carry recovery points (SEI payload 6) instead of being IDR frames only."""
    result = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", source, "-map", "0:v:0",
         "-t", str(GOP_SCAN_SECONDS), "-c", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "h264", "-"],
        capture_output=True, timeout=120, env=ffmpeg.child_env())
    data = result.stdout
    # A start code, an SEI NAL header (nal_ref_idc 0, type 6), then payload type 6: a recovery point.
    return b"\x00\x00\x01\x06\x06" in data


COMMON_RATES = (Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30), Fraction(50),
                Fraction(60000, 1001), Fraction(60))


def constant_rate(average: Fraction) -> Fraction:
    """The rate a variable-rate video is re-encoded at: the common rate nearest its average (a phone's 29.9 is 30),
    else the average itself."""
    whole = [rate for rate in COMMON_RATES if rate.denominator == 1]
    nearest = min(whole, key=lambda rate: abs(rate - average))  # phones record at whole rates
    if abs(nearest - average) > nearest / 100:
        nearest = min(COMMON_RATES, key=lambda rate: abs(rate - average))
    return nearest if abs(nearest - average) <= nearest * Fraction(3, 100) else average


def nonstandard(info: ffmpeg.Probe, video: VideoTiming | None, max_side: int) -> list[str]:
    """Why ``info`` is not standard input for a tier whose shorter side is ``max_side``; empty: it is standard."""
    reasons = []
    if info.video_codec != "h264":
        reasons.append(f"video codec {info.video_codec} (standard: H.264)")
    if info.pix_fmt not in ("yuv420p", "yuvj420p"):
        reasons.append(f"pixel format {info.pix_fmt} (standard: 8-bit 4:2:0)")
    if info.audio_codec not in (None, "aac"):
        reasons.append(f"audio codec {info.audio_codec} (standard: AAC)")
    if min(info.width, info.height) > max_side:
        reasons.append(f"{info.width}x{info.height} is above the resolution tier")
    if video is not None and info.video_codec == "h264":
        if video.longest_gop > MAX_KEYFRAME_INTERVAL:
            reasons.append(f"a keyframe interval of {video.longest_gop:.1f} s (standard: at most 20 s)")
        if video.open_gop:
            reasons.append("open GOP (standard: closed GOP)")
        if video.variable_rate:
            reasons.append("a variable frame rate")
        limit = MAX_KBPS.get(max_side, MAX_KBPS[1080])
        if video.kbps is not None and video.kbps > limit:
            reasons.append(f"{video.kbps} kb/s (standard: at most {limit} kb/s)")
    return reasons
