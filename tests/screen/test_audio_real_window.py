"""An audio-only asset on the real window with real keys, at 1280x720 and 1920x1080 (tests/screen/audio_walkthrough.py):
it opens as sound (said so, a card for the picture, the waveform drawn on the timeline and around both cuts, no frame
number anywhere, nothing about a playback id), plays, is marked by I and O to the millisecond, and Ctrl+Enter makes an
audio-only clip of exactly the marked length."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.screen.xserver import missing_tools

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.real_window]


@pytest.mark.timeout(200)
@pytest.mark.parametrize("size", ["1280x720", "1920x1080"])
def test_an_audio_only_asset_opens_plays_is_marked_and_clipped(size: str, tmp_path: Path) -> None:
    missing = missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the real-window tests need {', '.join(missing)} (scripts/setup.sh installs them)")
        pytest.skip(f"missing {', '.join(missing)}")
    env = {**os.environ}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run([sys.executable, "-m", "tests.screen.audio_walkthrough", "--size", size, "--out",
                           str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=190)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-4000:]
    report: dict[str, Any] = json.loads(lines[-1])
    assert report["status_opened"] == "Opened Friday show, the interview (00:00:24.000, audio only)."
    assert report["card_visible"] and not report["frame_label_visible"]
    assert report["wave_on_timeline"] > 2_000, report  # green columns across the timeline's strip
    assert report["wave_around_in"] > 500 and report["wave_around_out"] > 500, report
    assert "Kind: Audio only" in report["facts"] and "Frame rate" not in report["facts"]
    assert report["played_to_ms"] > 1_200
    assert report["marks"] == [2_010, 12_010]
    assert report["fields"] == ["00:00:02.010", "00:00:12.010", "Length 00:00:10.000"]
    assert report["clip"] == {"duration": 10.0, "tracks": ["audio"]}
    assert report["row"][1].startswith("ready") and report["row"][5] == "00:00:10.000", report["row"]
    shown = " ".join(report["texts"])
    assert "#0" not in shown and "playback id" not in shown and "cannot be played" not in shown
    assert [Path(p).name for p in report["screenshots"]] == ["01-opened.png", "02-played.png", "03-marked.png",
                                                             "04-clip-ready.png"]
