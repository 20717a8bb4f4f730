"""Running the ffmpeg binary that the ``imageio-ffmpeg`` wheel ships, and reading what it says.

The wheel has no ffprobe, so :func:`probe` reads the stream summary ``ffmpeg -i`` prints.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path


class FfmpegError(RuntimeError):
    """ffmpeg failed; ``detail`` is the last meaningful line it printed."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


NO_FFMPEG = ("no ffmpeg program was found, and the emulator makes its videos with one: install it (Debian, Ubuntu: "
             "sudo apt install ffmpeg; Fedora: sudo dnf install ffmpeg-free; elsewhere: an ffmpeg build from "
             "https://ffmpeg.org/download.html on the PATH), or set IMAGEIO_FFMPEG_EXE to an ffmpeg program")


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """The ffmpeg program: ``IMAGEIO_FFMPEG_EXE``, else the one imageio-ffmpeg's wheel (or the installer) carries,
    else the system's on PATH (the Debian package carries none). :class:`FfmpegError` if there is none."""
    import imageio_ffmpeg

    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise FfmpegError(NO_FFMPEG) from exc


# The variables through which a frozen app's bootloader (PyInstaller) makes its bundle's libraries found first.
_LIBRARY_PATHS = ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "LIBPATH")


def child_env() -> dict[str, str] | None:
    """The environment ffmpeg runs with: this process's, less the frozen bundle's library folder.

    In an installed (frozen) app the bootloader puts the bundle first in ``LD_LIBRARY_PATH`` and keeps the user's
    value in ``LD_LIBRARY_PATH_ORIG``; a system ffmpeg inheriting it would load the bundle's libav and OpenSSL
    instead of its own and fail to start. None (inherit as is) when nothing needs undoing.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    env = dict(os.environ)
    changed = False
    for name in _LIBRARY_PATHS:
        original = env.pop(f"{name}_ORIG", None)
        changed |= original is not None
        value = env.get(name)
        if value is None or bundle is None or str(bundle) not in value.split(os.pathsep):
            continue
        changed = True
        if original is not None:
            env[name] = original
        else:
            del env[name]
    return env if changed else None


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "ffmpeg failed without saying why"


def run(args: Sequence[str], *, timeout: float = 600.0, progress: Callable[[float], None] | None = None,
        ) -> None:
    """Run ffmpeg with ``args``; ``progress`` gets the output position in seconds as it moves."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    if progress is None:
        result = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=timeout,
                                env=child_env())
        if result.returncode != 0:
            raise FfmpegError(_last_line(result.stderr))
        return
    # stderr goes to a file: a pipe read only at the end would fill up on a chatty input and
    # block ffmpeg while we wait on its stdout.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as errors:
        process = subprocess.Popen([*cmd, "-progress", "pipe:1", "-nostats", *args], stdout=subprocess.PIPE,
                                   stderr=errors, text=True, env=child_env())
        assert process.stdout is not None
        try:
            for line in process.stdout:
                if line.startswith("out_time_us="):
                    value = line.split("=", 1)[1].strip()
                    if value.lstrip("-").isdigit():
                        progress(max(int(value), 0) / 1e6)
            code = process.wait(timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
        errors.seek(0)
        stderr = errors.read()
    if code != 0:
        raise FfmpegError(_last_line(stderr))


@dataclass(frozen=True)
class Probe:
    duration: float
    start: float
    width: int
    height: int
    frame_rate: Fraction
    video_codec: str
    pix_fmt: str
    audio_codec: str | None
    #: The first audio stream's sample rate (Hz), 0 without one.
    sample_rate: int = 0

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    @property
    def has_video(self) -> bool:
        """False for sound alone (an M4A: Mux makes an audio-only asset of it); its size and rate are then 0."""
        return bool(self.video_codec)


_COMMON_RATES = [Fraction(24000, 1001), Fraction(30000, 1001), Fraction(60000, 1001)]


def exact_rate(value: float) -> Fraction:
    """The rational frame rate behind a printed one (29.97 → 30000/1001)."""
    for rate in _COMMON_RATES:
        if abs(float(rate) - value) < 0.006:
            return rate
    return Fraction(value).limit_denominator(1001)


@lru_cache(maxsize=4)
def _major_version(exe: str) -> int | None:
    try:
        result = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True, timeout=30,
                                env=child_env())
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.match(r"ffmpeg version n?(\d+)\.", result.stdout)  # "n9.0.2-…" (a build), "5.1.6-0+deb12u1" (Debian)
    return int(found.group(1)) if found else None


def major_version() -> int | None:
    """The ffmpeg program's major version (7 and later run demuxing, filters and encoding in threads of their own),
    or None when it does not say (a git build)."""
    return _major_version(ffmpeg_exe())


def probe(path: Path | str, timeout: float = 60.0, *, video_required: bool = True) -> Probe:
    """What ``path`` holds. Without a video stream: :class:`FfmpegError`, unless ``video_required`` is False and it
    has sound (an audio-only input: the answer's size and frame rate are then 0)."""
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
                            capture_output=True, text=True, timeout=timeout, env=child_env())
    text = result.stderr
    video = re.search(r"Stream #\S+.*?: Video: (\w+)[^,]*, (\w+)(?:\([^)]*\))?, (\d+)x(\d+)(.*)", text)
    audio = re.search(r"Stream #\S+.*?: Audio: (\w+)[^\n]*?, (\d+) Hz", text)
    if video is None and (video_required or audio is None):
        raise FfmpegError(_last_line(text) if "Invalid data" in text or "No such file" in text
                          else "the input has no video stream" if video_required
                          else "the input has neither a video nor an audio stream")
    duration = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", text)
    start = re.search(r"start: (-?\d+(?:\.\d+)?)", text)
    seconds = 0.0
    if duration:
        seconds = int(duration.group(1)) * 3600 + int(duration.group(2)) * 60 + float(duration.group(3))
    sample_rate = int(audio.group(2)) if audio else 0
    if video is None:
        return Probe(duration=seconds, start=float(start.group(1)) if start else 0.0, width=0, height=0,
                     frame_rate=Fraction(0), video_codec="", pix_fmt="", audio_codec=audio.group(1) if audio else None,
                     sample_rate=sample_rate)
    rate = re.search(r"([\d.]+) fps", video.group(5)) or re.search(r"([\d.]+) tbr", video.group(5))
    return Probe(
        duration=seconds,
        start=float(start.group(1)) if start else 0.0,
        width=int(video.group(3)),
        height=int(video.group(4)),
        frame_rate=exact_rate(float(rate.group(1))) if rate else Fraction(-1),
        video_codec=video.group(1),
        pix_fmt=video.group(2),
        audio_codec=audio.group(1) if audio else None,
        sample_rate=sample_rate,
    )


def audio_samples(source: str, timeout: float = 600.0) -> int:
    """How many samples (per channel) the first audio stream decodes to: an audio-only asset's exact length.
    Decoded to mono 16-bit through a pipe and counted, never held (a long podcast is a few hundred MB of it)."""
    process = subprocess.Popen([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", source,
                                "-map", "0:a:0", "-ac", "1", "-f", "s16le", "-c:a", "pcm_s16le", "-"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=child_env())
    assert process.stdout is not None
    total = 0
    try:
        while chunk := process.stdout.read(1 << 20):
            total += len(chunk)
        code = process.wait(timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    if code != 0:
        raise FfmpegError("the input's sound could not be decoded")
    return total // 2


def read_frames_rgb(path: Path | str, *, start: float | None = None, frames: int = 1,
                    last: bool = False) -> tuple[int, int, list[bytes]]:
    """Decode ``frames`` frames as raw RGB24 (for tests and checks); ``last`` reads the final ones."""
    info = probe(path)
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error"]
    if last:
        args += ["-sseof", f"-{max(frames + 2, 3) / float(info.frame_rate):.6f}"]
    elif start is not None:
        args += ["-ss", f"{start:.6f}"]
    args += ["-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-fps_mode", "passthrough", "-"]
    if not last:
        args[-1:-1] = ["-frames:v", str(frames)]
    data = subprocess.run(args, capture_output=True, timeout=120, check=True, env=child_env()).stdout
    size = info.width * info.height * 3
    chunks = [data[i:i + size] for i in range(0, len(data) - size + 1, size)]
    return info.width, info.height, chunks[-frames:] if last else chunks
