"""The window's loose ends on a real window at 1280x720 and 1920x1080, with real keys and mouse
(tests/screen/leftovers_walkthrough.py): each defect a walk found, asserted as the user saw it."""

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
STREAM = "Saturday night semi-final, second half"
pytestmark = [pytest.mark.slow, pytest.mark.real_window]


@pytest.mark.timeout(240)
@pytest.mark.parametrize("size", ["1280x720", "1920x1080"])
def test_the_windows_loose_ends_on_the_real_window(size: str, tmp_path: Path, generated_cache: Path) -> None:
    missing = missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the real-window tests need {', '.join(missing)} (scripts/setup.sh installs them)")
        pytest.skip(f"missing {', '.join(missing)}")
    env = {**os.environ, "MUXCLIPPER_SCREEN_CACHE": str(generated_cache)}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run([sys.executable, "-m", "tests.screen.leftovers_walkthrough", "--size", size, "--out",
                           str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=230)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-4000:]
    report: dict[str, Any] = json.loads(lines[-1])
    # A broadcast that began is in the Assets list without Refresh, named after its stream, first.
    assert report["assets_listed"] == [f"● LIVE  {STREAM} recording", "Semi-final feed"]
    # The Replay button begins where the stream's name ends (it covered the name's end at 1280 wide).
    button = report["replay_button"]
    assert button["name_right"] <= button["button_left"] and STREAM in button["tooltip"], button
    # The untitled recording is called what the list calls it: status line and clip panel, also once it grew.
    assert report["opened"]["status"].startswith(f"Opened {STREAM} recording (")
    for heading in (report["opened"]["heading"], report["heading_grown"]):
        assert heading.startswith(f"<b>{STREAM[:20]}"), heading
    # End and Home: the last and the first frame; in a field, its cursor (the picture stays on frame 5).
    assert report["end_frame"][0] == report["end_frame"][1] > 0
    assert report["in_field"] == ["#12", 3, 5]
    # Frame 5 at 30 fps is 00:00:00.167 in the field, as on the picture (the stamp said .166).
    assert report["frame5_field"] == "00:00:00.167"
    # Alt+R removes no segment (it was both Remove and Refresh).
    assert report["segments_after_alt_r"] == 1
    # Opened 2 s in, the storyboard strip covered 2 s; grown to 22 s, it covers them.
    assert report["storyboard_first"] < 2_000 and report["storyboard_grown"] >= 15_000
    width, height, screen_w, screen_h = report["window_fits"]
    assert width <= screen_w and height <= screen_h
