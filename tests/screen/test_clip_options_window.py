"""The clip options on the real window at 1280x720 and 1920x1080 (tests/screen/clip_options_driver.py drives it by
real keys and mouse): the resolution tier says what the source allows, every new field is shown whole, a watermark
typed wrong is refused with the reason and one typed right is previewed where Mux will put it, a saved preset comes
back with Ctrl+Shift+R, and the clip's POST carries the tier, the quality and the watermark."""

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
SIZES = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}
# The driver's own deadline (300 s) bounds the run that the first test of each size waits for; the suite's 60 s would
# end it first on a loaded machine.
pytestmark = [pytest.mark.slow, pytest.mark.real_window, pytest.mark.timeout(320)]


@pytest.fixture(scope="module", params=list(SIZES))
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    missing = missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the real-window tests need {', '.join(missing)} (scripts/setup.sh installs them)")
        pytest.skip(f"missing {', '.join(missing)}")
    width, height = SIZES[request.param]
    out = tmp_path_factory.mktemp(f"clip-options-{request.param}")
    cache = tmp_path_factory.getbasetemp() / "screen-media"
    cache.mkdir(exist_ok=True)
    with x_screen(width, height) as display:
        env = {**os.environ, "DISPLAY": display, "MUXCLIPPER_SCREEN_CACHE": str(cache)}
        env.pop("QT_QPA_PLATFORM", None)
        done = subprocess.run([sys.executable, "-m", "tests.screen.clip_options_driver", str(out)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stderr[-4000:]
    found: dict[str, Any] = json.loads(lines[-1])
    assert found["errors"] == [], f"{request.param}: " + "\n".join(found["errors"])
    yield found


def test_the_tier_offers_what_the_source_allows_and_says_why_not_more(report: dict[str, Any]) -> None:
    # The source is 640x360 (Mux's 720p tier): as the source, or the 1080p cap; 1440p and 2160p disabled, and why.
    assert report["tier_items"] == [["As the source (720p)", True], ["1080p", True], ["1440p", False],
                                    ["2160p", False]]
    assert report["tier_note"] == "1440p, 2160p off: above the source (720p)."
    assert report["quality_first"] == "As the source (basic)"


def test_every_new_field_is_shown_whole_on_the_screen(report: dict[str, Any]) -> None:
    # The window still fits the screen (the options scroll rather than push the status line off it) ...
    assert report["window_fits"], report["window"]
    # ... and each field, scrolled to, is shown whole.
    for field in report["fields"]:
        assert field["visible"] and field["on_screen"], field
        assert field["height"] >= field["wanted"] and field["width"] >= 60, field


def test_a_watermark_typed_wrong_says_what_to_fix(report: dict[str, Any]) -> None:
    assert report["opacity_problem"] == ("The watermark's opacity must be a percentage from \"0%\" to \"100%\"; "
                                         "got '150%'.")
    assert report["summary_to_fix"] == "to fix (Watermark tab)"  # said beside the clip options too


def test_add_a_watermark_ticked_without_an_address_says_so_and_refuses_create(report: dict[str, Any]) -> None:
    wanted = "Type the watermark image's address, or untick Add a watermark."
    assert report["empty_address"] == {"problem": wanted, "beside_create": wanted, "create_enabled": False}
    assert report["create_enabled_typed"] is True


def test_the_clip_options_say_what_watermark_the_clip_gets(report: dict[str, Any]) -> None:
    assert report["summary_before"] == "none added (the source's kept)"
    assert report["summary"] == "watermark.png, bottom right, 70%"


def test_the_watermark_is_previewed_where_mux_puts_it(report: dict[str, Any]) -> None:
    x, y, w, h = report["preview"]["box"]
    px, py, pw, ph = report["preview"]["picture"]
    assert w == pytest.approx(pw / 4, abs=1)  # 25 % of the picture's width
    assert x + w == pytest.approx(px + pw, abs=1) and y + h == pytest.approx(py + ph, abs=1)  # bottom right
    red, green, blue = report["preview"]["outline_rgb"]
    assert red > 200 and 150 < green < 230 and blue < 60  # its amber label is on the screen, over the picture
    red, green, blue = report["preview"]["inside_rgb"]
    assert red > 200 and green < 60 and blue < 60  # the image itself (a red one) in the box
    assert report["preview"]["label"] == "watermark 70%"
    assert report["preview_toggles"]


def test_a_saved_preset_comes_back_with_one_keystroke(report: dict[str, Any]) -> None:
    assert report["saved_status"] == "Preset 'Replay' saved in Staging; Ctrl+Shift+R applies it."
    assert report["applied_status"] == "This environment's preset applied."


def test_the_clip_request_carries_tier_quality_and_watermark(report: dict[str, Any]) -> None:
    body = report["posted"]
    assert (body["max_resolution_tier"], body["video_quality"]) == ("1080p", "basic")  # as the source, made concrete
    assert body["inputs"][1]["overlay_settings"] == {"vertical_align": "bottom", "horizontal_align": "right",
                                                     "width": "25%", "opacity": "70%"}
    assert "/_emulator/images/watermark.png" in body["inputs"][1]["url"]
    assert report["clips_in_front"]  # the new clip is seen, though the Watermark tab was in front
