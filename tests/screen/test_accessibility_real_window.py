"""A screen reader's walk, as issue 24 found the unnamed controls: the real app on a virtual screen with its
accessibility bridge on, its accessible tree read from another process through AT-SPI (the system's pyatspi, what
Orca reads), with a source open, the Live streams tab showing a broadcast, each tab under the editor in front, the list of keys
and About.
Every focusable control must have a name of its own (a combo box read out only by its value has none: Qt's bridge
names a combo box by its current text on Linux, whatever ``setAccessibleName`` said). One app start, ~10 s."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.screen.accessibility_walk import missing
from tests.screen.xserver import missing_tools

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.real_window, pytest.mark.timeout(200)]
STATES = ("a source open", "the Live streams tab", "the segments tab", "the watermark tab", "the clips tab",
          "the list of keys", "About")


def test_a_screen_reader_finds_a_name_for_every_focusable_control(tmp_path: Path, generated_cache: Path) -> None:
    reason = ", ".join(missing_tools()) or missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the screen reader's walk needs {reason} (scripts/setup.sh installs it)")
        pytest.skip(f"missing {reason}")
    env = {**os.environ, "MUXCLIPPER_SCREEN_CACHE": str(generated_cache)}
    done = subprocess.run([sys.executable, "-m", "tests.screen.accessibility_walk", "--out", str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-4000:]
    report: dict[str, Any] = json.loads(lines[-1])
    assert tuple(report["states"]) == STATES
    unnamed = {state: seen["unnamed"] for state, seen in report["states"].items() if seen["unnamed"]}
    assert unnamed == {}, "focusable controls a screen reader cannot name:\n" + json.dumps(unnamed, indent=1)
    # The walk saw the window's controls (not an empty tree): the editor's, the options', each tab's own.
    for state, seen in report["states"].items():
        assert seen["controls"] >= 40, (state, seen["seen"])
    live = report["states"]["the Live streams tab"]["seen"]
    assert "tree 'Live streams'" in live and "text 'Replay length in seconds'" in live, live
    assert "table 'Segments'" in report["states"]["the segments tab"]["seen"]
    assert "check box 'Show the watermark on the picture'" in report["states"]["the watermark tab"]["seen"]
