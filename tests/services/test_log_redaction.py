"""Every log path hides signed-URL tokens, and a log that cannot be written fails quietly (issue 26 items 14, 15).

Each case is a real process (the window's logging is set up once per process, on the root logger)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwbGF5YmFjayIsImF1ZCI6InYifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
SIGNED = f"https://stream.mux.com/abc/seg_3.ts?token={JWT}"


def _run(code: str, log_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MUXCLIPPER_LOG_DIR": str(log_dir), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                          check=False)


def test_ffmpeg_and_qt_lines_at_debug_level_reach_the_log_without_tokens(tmp_path: Path) -> None:
    done = _run(f"""
import logging
from PySide6.QtCore import QCoreApplication, qWarning
from muxclipper.app import setup_logging
from muxclipper.qt.qt_messages import route_to_log
app = QCoreApplication([])
setup_logging("debug")
route_to_log()
qWarning("FFmpeg log: [hls @ 0x5581] Opening '{SIGNED}' for reading")   # what Qt hands over from FFmpeg
qWarning("qt.multimedia: could not open {SIGNED}")                       # Qt's own message quoting a URL
logging.getLogger("muxclipper.qt.player").debug("loading %s", "{SIGNED}")
logging.getLogger("somebody.else").info("a bare token %s", "{JWT}")
""", tmp_path)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "muxclipper.log").read_text()
    assert "Opening 'https://stream.mux.com/abc/seg_3.ts?token=<hidden>' for reading" in log
    assert log.count("<hidden>") == 4
    assert JWT not in log and JWT[:30] not in log + done.stderr


def test_a_log_that_cannot_be_written_is_said_once_not_a_traceback_per_line(tmp_path: Path) -> None:
    (tmp_path / "muxclipper.log").symlink_to("/dev/full")  # every write: no space left on the device
    done = _run("""
import logging
from muxclipper.app import setup_logging
from muxclipper.services.log_redaction import logging_failure, on_logging_failure
told = []
on_logging_failure(told.append)
setup_logging("info")
for n in range(20):
    logging.getLogger("muxclipper").warning("line %d", n)
print(len(told), logging_failure())
""", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Logging error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.startswith("1 The log file ") and "No space left on device" in done.stdout, done.stdout
    assert "Free some disk space" in done.stdout
