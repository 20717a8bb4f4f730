"""The live side on the real window with real keys (xdotool on a virtual X screen with a window manager), at
1280x720 and 1920x1080: the Live streams tab keeping itself current without Refresh, R putting the instant URL on
the clipboard and the exact clip in one clips row, Shift+R taking it back, F following the live edge with the zoomed
timeline keeping the playhead in view, the editor's Replay button (tests/screen/replay_walkthrough.py)."""

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


@pytest.mark.timeout(240)
@pytest.mark.parametrize("size", ["1280x720", "1920x1080"])
def test_replay_key_and_the_self_updating_list_on_the_real_window(size: str, tmp_path: Path,
                                                                   generated_cache: Path) -> None:
    missing = missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the real-window tests need {', '.join(missing)} (scripts/setup.sh installs them)")
        pytest.skip(f"missing {', '.join(missing)}")
    env = {**os.environ, "MUXCLIPPER_SCREEN_CACHE": str(generated_cache)}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run([sys.executable, "-m", "tests.screen.replay_walkthrough", "--size", size, "--out",
                           str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=230)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-4000:]
    report: dict[str, Any] = json.loads(lines[-1])
    # The list kept itself current: the broadcast seen without Refresh, counting up, its end seen too.
    assert report["seen_live_after_s"] < 6
    first, then = report["counting"]
    assert first.startswith("● Recording now") and then > first
    assert report["ended"][0] == "Saturday match  [idle]" and "Recording now" not in report["ended"][1]
    # R: the instant URL on the clipboard, the exact clip in one row; Shift+R took it back, exactly once.
    assert "program_start_time" in report["url"] and report["key_to_url_ms"] < 1000
    assert report["row_after_r"][1] == "preparing · instant" and report["row_after_r"][0].startswith("Replay ")
    assert report["undo_shown"] and "Shift+R takes it back" in report["status_after_r"]
    assert report["after_undo"] == {"state": "cancelled", "status": "Replay #1 taken back: its clip is deleted in Mux.",
                                    "clipboard": "", "clip_gone": 404}
    # F: the player held 10 s behind the live edge as the recording grew; zoomed in, the playhead stayed in view.
    assert report["live_tools_visible"] == [True, True]
    assert all(abs(ms - 10_000) < 2500 for ms in report["behind_ms"]), report["behind_ms"]
    assert report["playhead_in_view"] == [True, True, True]
    assert report["editor_replay_source"] and "Stopped following" in report["status_after_pause"]
    # The live tools do not widen the editor (its widest row, the marks, decides its width).
    assert report["hints_after"]["editor"] == report["editor_min_without_live_tools"]
    assert [Path(p).name for p in report["screenshots"]] == ["01-idle.png", "02-live.png", "03-replayed.png",
                                                             "04-undone.png", "05-ready.png", "06-following.png",
                                                             "07-ended.png"]
