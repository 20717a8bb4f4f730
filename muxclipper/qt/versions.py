"""What ``muxclipper --version`` prints and the About box shows: muxclipper's version and those of what it runs on.

Imported by the app's argument parser at every start, so it imports little until asked. In the Qt layer because it asks PySide6 for Qt's version (imported only when asked: ``--version`` opens no window
and pays for QtCore alone). The FFmpeg lines are found without loading anything:
- Qt Multimedia plays video through the FFmpeg libraries that ship inside PySide6 (LGPL); their version is read
  from the libraries' file names (libavformat.so.61.7.103), which is what a bug report needs;
- the ``ffmpeg`` program makes the demo's and the emulator's media: the one ``imageio-ffmpeg`` finds, as the
  emulator does (``IMAGEIO_FFMPEG_EXE``, else the one it or the installer carries, else the system's on PATH);
  ``ffmpeg -version`` says which it is.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from muxclipper import __version__

NO_FFMPEG = ("ffmpeg: not found; the demo and the emulator need it to make their videos: install it (Debian, Ubuntu: "
             "sudo apt install ffmpeg) or set IMAGEIO_FFMPEG_EXE to an ffmpeg program")


def qt_line() -> str:
    try:
        import PySide6
        from PySide6.QtCore import qVersion
    except ImportError as exc:  # a broken install: say so rather than fail to say the version
        return f"Qt: not available ({exc})"
    return f"Qt {qVersion()} (PySide6 {PySide6.__version__})"


def qt_ffmpeg_line() -> str:
    """The versions of the FFmpeg libraries Qt Multimedia plays with, from their file names."""
    try:
        import PySide6
    except ImportError:
        return "Qt Multimedia FFmpeg: not available"
    base = Path(PySide6.__file__).parent
    found: dict[str, str] = {}
    for name in ("avformat", "avcodec", "avutil"):
        # libavformat.so.61.7.103 (Linux), libavformat.61.dylib (macOS), avformat-61.dll (Windows)
        pattern = re.compile(rf"^(?:lib)?{name}(?:\.so\.|\.|-)(\d+(?:\.\d+)*)(?:\.dylib|\.dll)?$")
        versions = [match.group(1) for path in base.rglob(f"*{name}*")
                    if (match := pattern.match(path.name))]
        if versions:
            found[name] = max(versions, key=lambda v: (len(v.split(".")), [int(p) for p in v.split(".")]))
    if not found:
        return "Qt Multimedia FFmpeg: not found beside PySide6 (video playback will fail)"
    return "Qt Multimedia FFmpeg (LGPL): " + ", ".join(f"lib{name} {version}" for name, version in found.items())


def ffmpeg_line(timeout: float = 10.0) -> str:
    """The ffmpeg program the emulator would run, and its version."""
    import subprocess

    try:
        import imageio_ffmpeg

        exe = str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        return NO_FFMPEG
    try:
        done = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"ffmpeg: {exe} does not run ({exc}); {NO_FFMPEG.split('; ', 1)[1]}"
    first = done.stdout.splitlines()[0] if done.stdout else ""
    match = re.match(r"ffmpeg version (\S+)", first)
    if not Path(exe).is_absolute():  # the system's, found on PATH: say which
        import shutil

        exe = shutil.which(exe) or exe
    return f"ffmpeg {match.group(1) if match else '(unknown version)'}: {exe}"


def version_lines() -> list[str]:
    """The lines ``--version`` prints and the About box shows, one fact each."""
    import platform

    return [
        f"muxclipper {__version__}",
        qt_line(),
        qt_ffmpeg_line(),
        ffmpeg_line(),
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}"
        + (" (installed bundle)" if getattr(sys, "frozen", False) else ""),
    ]


class PrintVersions(argparse.Action):
    """``--version``: print :func:`version_lines` and exit 0, before any window or emulator exists."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        kwargs.setdefault("help", "print the versions of muxclipper, Qt and FFmpeg, and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        print("\n".join(version_lines()))
        parser.exit()
