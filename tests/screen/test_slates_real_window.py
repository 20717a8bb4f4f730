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


@pytest.mark.timeout(300)
def test_the_live_trim_on_the_real_window_while_the_recording_grows(tmp_path: Path) -> None:
    """S on a recording still growing proposes the in; 10 s of recording later (the emulator's clock, moved by the
    walk) the proposal is still there and Enter accepts it, Out open; the closing slate, once on at the live edge, is
    proposed and the Accept button (a real click) accepts it: both marks, as the status line said. Real keys and
    mouse, 1280x720."""
    missing = missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the real-window tests need {', '.join(missing)} (scripts/setup.sh installs them)")
        pytest.skip(f"missing {', '.join(missing)}")
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run([sys.executable, "-m", "tests.screen.live_slates_walkthrough", "--size", "1280x720",
                           "--out", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=280)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-4000:]
    report = json.loads(lines[-1])
    assert report["proposed"] == [4000, None]
    assert report["proposed_status"].startswith("Proposed in 00:00:04.000 (#100, after the opening slate)")
    assert "Out stays open until the closing slate appears. Enter accepts" in report["proposed_status"]
    # The recording grew: the proposal stayed, and the menu's Accept with it.
    grown = report["after_growing"]
    assert grown["proposals"] == [4000, None] and grown["accept_enabled"] is True
    assert grown["status"] == report["proposed_status"]
    # Accepted: the marks are what the status line said.
    accepted_in = report["accepted_in"]
    assert (accepted_in["in_ms"], accepted_in["out_ms"]) == (4000, None)
    assert (accepted_in["in_field"], accepted_in["out_field"]) == ("00:00:04.000", "")
    assert accepted_in["status"].startswith("In 00:00:04.000: the opening slate is cut. Out stays open")
    assert accepted_in["accept_enabled"] is False
    closing = report["closing_proposed"]
    assert closing["live"] is True and closing["proposals"] == [4000, 12000] and closing["accept_enabled"] is True
    assert closing["status"].startswith("The closing slate has appeared: out 00:00:12.000 (last frame #299, before it)")
    accepted = report["accepted"]
    assert (accepted["in_ms"], accepted["out_ms"]) == (4000, 12000)
    assert (accepted["in_field"], accepted["out_field"]) == ("00:00:04.000", "00:00:12.000")
    assert accepted["status"].startswith("In 00:00:04.000, out 00:00:12.000: the slates are cut")
    assert [Path(p).name for p in report["screenshots"]] == ["01-proposed.png", "02-grown.png", "03-in-accepted.png",
                                                             "04-closing-proposed.png", "05-both-marks.png"]
