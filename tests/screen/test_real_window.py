"""The real window, as a producer sees it: xcb on a virtual screen with a window manager, driven by real key and
mouse input (xdotool), measured on screen grabs. Each size runs the producer's path once (tests/screen/driver.py):
open a source from the list, step and mark by keys without clicking anything first, look at the focused timeline,
type a time, re-open the open source, open another, create a clip and play it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.screen.xserver import missing_tools, x_screen

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"1280x720": (1280, 720, 1.0), "1920x1080": (1920, 1080, 1.0), "1920x1080-scale-1.5": (1920, 1080, 1.5)}
# The driver runs the whole path once per size (about a minute on two busy cores): its own 300 s limit applies.
pytestmark = [pytest.mark.slow, pytest.mark.real_window, pytest.mark.timeout(320)]


@pytest.fixture(scope="module", params=list(SIZES))
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    missing = missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the real-window tests need {', '.join(missing)} (scripts/setup.sh installs them)")
        pytest.skip(f"missing {', '.join(missing)}")
    width, height, scale = SIZES[request.param]
    out = tmp_path_factory.mktemp(f"screen-{request.param}")
    cache = tmp_path_factory.getbasetemp() / "screen-media"
    cache.mkdir(exist_ok=True)
    with x_screen(width, height) as display:
        env = {**os.environ, "DISPLAY": display, "MUXCLIPPER_SCREEN_CACHE": str(cache)}
        env.pop("QT_QPA_PLATFORM", None)
        done = subprocess.run([sys.executable, "-m", "tests.screen.driver", str(out), "--scale", str(scale)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stderr[-4000:]
    found: dict[str, Any] = json.loads(lines[-1])
    found["size"] = request.param
    found["out"] = str(out)
    yield found


def _no_errors(report: dict[str, Any]) -> None:
    assert report["errors"] == [], f"{report['size']}: " + "\n".join(report["errors"])


def test_the_segments_table_shows_four_rows_and_bad_rows_never_grow_the_window(report: dict[str, Any]) -> None:
    """The segments are a tab under the editor: at 1280×720 four rows and more show (under the clip options, one
    did); a list with nine bad rows names them in the table's place without growing the window past the screen."""
    seen = report["segments"]
    assert seen["rows_shown"] >= 4, f"{report['size']}: {seen}"
    assert seen["window_fits"] and seen["status_bottom"] <= seen["screen_height"], f"{report['size']}: {seen}"
    assert seen["table_kept"] and seen["notice_lines"] >= 9, f"{report['size']}: {seen}"


def test_a_title_typed_on_one_source_stays_with_it(report: dict[str, Any]) -> None:
    """Typed by real keys on the first source: the second opens with no title, its clip is not named after the
    first, nor is the live recording opened later."""
    _no_errors(report)
    assert report["titles"] == {"second_source": "", "second_clip": None, "recording": ""}, report["titles"]


def test_opening_a_live_recording_keeps_the_window_inside_the_screen(report: dict[str, Any]) -> None:
    """Its live tools and program times once grew the window past the screen (684 → 706 px at 1280×720, 1026 →
    1059 at 1.5×) and it never shrank back: the window keeps its size and its status line stays on the screen."""
    _no_errors(report)
    seen = report["live_opened"]
    assert seen["fits"] and seen["after"][2:] == seen["before"][2:], f"{report['size']}: {seen}"
    assert seen["status_bottom"] <= seen["screen_height"], f"{report['size']}: {seen}"


def test_the_window_fits_the_screen(report: dict[str, Any]) -> None:
    assert report["window_fits"], f"{report['size']}: window {report['window']} on a screen of {report['screen']}"


def test_the_status_line_stays_on_the_screen_with_a_source_open(report: dict[str, Any]) -> None:
    _no_errors(report)
    line = report["status_line"]
    assert line["text"].startswith("Opened") and line["bottom"] <= line["screen"], f"{report['size']}: {line}"


def test_every_time_field_shows_its_whole_text(report: dict[str, Any]) -> None:
    _no_errors(report)
    assert report["fields_fit"] and all(report["fields_fit"].values()), report["fields_fit"]


def test_keys_work_at_once_after_opening_a_source_from_the_list(report: dict[str, Any]) -> None:
    _no_errors(report)
    # Three → steps, I, Shift+→ (one second at 25 fps), O: the out point includes the frame on screen.
    assert report["focus_after_open"] == "TimelineWidget"
    assert report["keys_without_clicking"] == {"frame": 28, "in_ms": 120, "out_ms": 1160}


def test_a_click_on_the_picture_plays_and_another_pauses(report: dict[str, Any]) -> None:
    _no_errors(report)
    assert report["click_plays_and_pauses"]


def test_alt_x_clears_the_marks_and_ctrl_z_brings_them_back(report: dict[str, Any]) -> None:
    _no_errors(report)
    assert report["alt_x_then_undo"]


def test_the_focused_timeline_with_markers_shows_ruler_strip_and_markers(report: dict[str, Any]) -> None:
    _no_errors(report)
    # One solid block (the bug) has one or two colours; the ruler, filmstrip, range and markers have dozens.
    assert report["timeline_colours_focused"] >= 12, report["timeline_colours_focused"]


@pytest.mark.parametrize("step", ["opened", "after_keys", "typed_seek", "reopened", "reopened_seek", "switched",
                                  "clip_played", "recording_opened", "recording_seek"])
def test_the_picture_shows_the_frame_the_playhead_names(report: dict[str, Any], step: str) -> None:
    _no_errors(report)
    seen = report[step]
    assert seen["on_screen"] == seen["playhead"], f"{report['size']}, {step}: {seen}"


def test_typing_a_time_gives_the_keys_back_to_the_editor(report: dict[str, Any]) -> None:
    _no_errors(report)
    assert report["focus_after_typing"] == "TimelineWidget"
