"""Finding the slate on the real window with real keys (xdotool on a virtual X screen with a window manager): S
shows the proposals, Enter accepts them (not a field's Enter, not a button's, not a list's: Enter in the sources list
opens the source picked there), Ctrl+Z takes them back, E from inside
the opening slate lands on the first frame after it. The demo's keynote at a smaller size, as in
tests/screen/slates_walkthrough.py (which makes the README's screenshot at full size)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_slates_cli import KEYNOTE
from tests.screen.xserver import missing_tools

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.real_window]


@pytest.mark.timeout(180)
def test_s_enter_ctrl_z_and_e_on_the_real_window(tmp_path: Path, generated_cache: Path) -> None:
    missing = missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the real-window tests need {', '.join(missing)} (scripts/setup.sh installs them)")
        pytest.skip(f"missing {', '.join(missing)}")
    env = {**os.environ, "MUXCLIPPER_SCREEN_CACHE": str(generated_cache)}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run([sys.executable, "-m", "tests.screen.slates_walkthrough", "--size", "1280x720",
                           "--out", str(tmp_path), "--keynote", KEYNOTE], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=170)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-4000:]
    report = json.loads(lines[-1])
    assert report["proposals"] == [20_000, 185_000]
    assert "Proposed in 00:00:20.000 (#600" in report["status"]
    width, screen_width = report["window_width_while_proposed"]
    assert width <= screen_width, "the window grew past the screen's edge while the proposals waited"
    assert report["accepted"] == [600, 5549] and report["undone"] is True and report["picture_end"] == 600
    # Enter in the sources list while the proposals waited opened the source picked there; nothing was accepted.
    assert report["list_enter"]["status"].startswith("Opened Friday keynote")
    assert report["list_enter"]["proposals"] == [None, None] and report["list_enter"]["in_ms"] is None
    assert [Path(p).name for p in report["screenshots"]] == ["01-proposals.png", "02-list-enter.png",
                                                             "03-accepted.png", "04-picture-end.png"]
