"""The installed program as the packaging checks run it: ``muxclipper --smoke-test SOURCE`` starts, shows a
frame of the source named on its command line, and exits 0; a source it cannot show makes it exit non-zero
with the reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from muxclipper.emulator import EmulatorServer
from tests.emulator.helpers import RW

pytestmark = pytest.mark.slow


def _smoke(server: EmulatorServer, source: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MUX_TOKEN_ID": RW[0], "MUX_TOKEN_SECRET": RW[1],
           "MUXCLIPPER_DATA_DIR": str(tmp_path / "data"), "MUXCLIPPER_CONFIG_DIR": str(tmp_path / "config"),
           "MUXCLIPPER_LOG_DIR": str(tmp_path / "log")}
    return subprocess.run([sys.executable, "-m", "muxclipper", "--smoke-test", "--api-base-url", server.url, *extra,
                           source],
                          env=env, capture_output=True, text=True, timeout=90, check=False)


def test_smoke_test_shows_a_frame_of_the_source_on_the_command_line(
        media_server: EmulatorServer, stamped_source: dict[str, Any], tmp_path: Path) -> None:
    playback = stamped_source["playback_ids"][0]["id"]
    done = _smoke(media_server, f"https://stream.mux.com/{playback}.m3u8", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"smoke test passed: frame 0 of {stamped_source['id']} shown")
    assert RW[1] not in done.stdout + done.stderr + (tmp_path / "log" / "muxclipper.log").read_text()


def test_smoke_test_fails_with_the_reason(media_server: EmulatorServer, tmp_path: Path) -> None:
    done = _smoke(media_server, "NoSuchAssetAnywhere0123", tmp_path)
    assert done.returncode == 1
    assert "smoke test failed: Opening the source:" in done.stderr


def test_ffmpeg_lines_go_to_the_log_not_the_terminal(
        media_server: EmulatorServer, stamped_source: dict[str, Any], tmp_path: Path) -> None:
    # Seen on a terminal: "[hls @ 0x…] Opening '…seg_00003.ts' for reading", a line per segment, from Qt's FFmpeg.
    playback = stamped_source["playback_ids"][0]["id"]
    done = _smoke(media_server, f"https://stream.mux.com/{playback}.m3u8", tmp_path, "--log-level", "debug")
    assert done.returncode == 0, done.stderr
    assert "[hls @" not in done.stderr and "Opening '" not in done.stderr, done.stderr
    logged = (tmp_path / "log" / "muxclipper.log").read_text()
    assert "DEBUG qt: FFmpeg log: " in logged and ".m3u8" in logged
