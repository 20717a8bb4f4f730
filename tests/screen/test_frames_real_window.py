"""The real window at 1280x720 stepping through a segment boundary of an ordinary upload (B-frames, GOP 250): the
frame on screen, read from the stamp in the screen grab, is the playhead's frame at every step
(tests/screen/frames_walkthrough.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.screen.xserver import missing_tools, x_screen

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.real_window, pytest.mark.timeout(300)]


def test_stepping_through_a_segment_boundary_shows_each_frame(tmp_path: Path) -> None:
    missing = missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the real-window tests need {', '.join(missing)} (scripts/setup.sh installs them)")
        pytest.skip(f"missing {', '.join(missing)}")
    with x_screen(1280, 720) as display:
        env = {**os.environ, "DISPLAY": display}
        env.pop("QT_QPA_PLATFORM", None)
        done = subprocess.run([sys.executable, "-m", "tests.screen.frames_walkthrough", str(tmp_path)], env=env,
                              cwd=ROOT, capture_output=True, text=True, timeout=280)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["errors"] == [], report["errors"]
    steps = report["steps"]
    assert [s["playhead"] for s in steps[:13]] == [247, *range(248, 254), *range(252, 246, -1)], steps
    assert all(s["on_screen"] == s["playhead"] for s in steps), steps
    assert [s["playhead"] for s in steps[13:]] == [249, 279, 249, 786, 785], steps  # in, jump back, end, ←
