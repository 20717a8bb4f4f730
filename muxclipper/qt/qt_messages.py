"""Qt's and FFmpeg's messages go to muxclipper's log file, not to the terminal.

Qt's multimedia plays through its own FFmpeg, which prints a line per HLS segment (``[hls @ 0x…] Opening '…seg_3.ts'
for reading``) and per connection problem straight to stderr. With ``QT_FFMPEG_DEBUG`` set before Qt's multimedia
starts, Qt hands FFmpeg's lines to its message handler instead, which :func:`route_to_log` points at the log (at
debug level); it also turns FFmpeg's level up to debug, which :func:`set_ffmpeg_level` turns back down once the
player exists (a line per decoded frame would cost more than it tells).
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")
FFMPEG_PREFIX = "FFmpeg log: "
AV_LOG_FATAL, AV_LOG_ERROR, AV_LOG_WARNING, AV_LOG_INFO = 8, 16, 24, 32
#: Qt's probes of optional hardware and sound libraries that a machine without them answers "no" to.
PROBES = ("Couldn't load", "Couldn't resolve", "PulseAudioService", "No audio device", "No HW decoder",
          "Using Qt multimedia with FFmpeg")
LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
          QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
          QtMsgType.QtFatalMsg: logging.CRITICAL}


def _handle(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    message = message.strip('"') if message.startswith('"') else message  # qDebug() << QString quotes it
    if message.startswith(FFMPEG_PREFIX) or message.startswith(PROBES):
        log.debug("%s", message)
        return
    category = getattr(context, "category", None) or "qt"
    log.log(LEVELS.get(kind, logging.WARNING), "%s: %s", category, message)


_routed = False


def route_to_log() -> None:
    """Call before the first player is made: from then on Qt's and FFmpeg's messages reach the log only."""
    global _routed
    if "QT_FFMPEG_DEBUG" not in os.environ:  # set by someone debugging FFmpeg: their level stays
        os.environ["QT_FFMPEG_DEBUG"] = "1"
        _routed = True
    qInstallMessageHandler(_handle)


def player_created() -> None:
    """Qt's multimedia has started (and set FFmpeg's level to debug): back to one line per event worth it."""
    global _routed
    if _routed:
        _routed = False
        set_ffmpeg_level(AV_LOG_INFO)


def _libavutil() -> Any | None:
    """Qt's own FFmpeg utility library, as the multimedia plugin loads it (None if it cannot be found)."""
    import PySide6

    base = Path(PySide6.__file__).parent
    patterns = {"win32": ("avutil-*.dll",), "darwin": ("Qt/lib/libavutil*.dylib",)}.get(
        sys.platform, ("Qt/lib/libavutil.so.*",))
    for pattern in patterns:
        for path in sorted(base.glob(pattern)):
            try:
                return ctypes.CDLL(str(path))
            except OSError:
                continue
    return None


def set_ffmpeg_level(level: int) -> bool:
    """Which of FFmpeg's lines are written at all (``AV_LOG_*``). False if Qt's FFmpeg could not be reached."""
    library = _libavutil()
    if library is None:
        return False
    library.av_log_set_level(ctypes.c_int(level))
    return True
