"""``muxclipper clip``'s resolution tier, quality, watermark and preset flags, as a user runs them: what Mux receives
(the emulator's request log) and what the job history keeps."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.cli.test_cli import _clips, _env, _run
from tests.emulator.helpers import Emu

LOGO = "https://example.com/logo.png"


def _posted(emu: Emu) -> list[dict[str, Any]]:
    return [r["body"] for r in emu.requests("POST", "/video/v1/assets") if r["status"] == 201]


def _history_options(tmp_path: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(f"file:{tmp_path / 'data' / 'jobs.sqlite3'}?mode=ro", uri=True)
    try:
        return [json.loads(row[0]) for row in conn.execute("SELECT options FROM jobs ORDER BY id")]
    finally:
        conn.close()


def test_as_the_source_sends_a_4k_sources_tier_and_quality(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "width": 3840, "height": 2160})
    result = _run(_env(emu, tmp_path), "clip", source, "--start", "1", "--end", "5")
    assert result.returncode == 0, result.stderr
    [body] = _posted(emu)
    # Without it Mux would make the 4K source's clip at 1080p, in the account's default quality.
    assert (body["max_resolution_tier"], body["video_quality"]) == ("2160p", "plus")
    assert "copy_overlays" not in body and len(body["inputs"]) == 1
    [kept] = _history_options(tmp_path)
    assert (kept["max_resolution_tier"], kept["video_quality"]) == ("2160p", "plus")  # what was sent, not "source"


def test_tier_quality_and_watermark_flags_reach_mux(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "width": 3840, "height": 2160})
    result = _run(_env(emu, tmp_path), "clip", source, "--start", "1", "--end", "5", "--max-resolution", "1080p",
                  "--video-quality", "basic", "--watermark", LOGO, "--watermark-align", "bottom-right",
                  "--watermark-margin", "20px,3%", "--watermark-width", "20%", "--watermark-opacity", "60%",
                  "--no-copy-overlays")
    assert result.returncode == 0, result.stderr
    [body] = _posted(emu)
    assert (body["max_resolution_tier"], body["video_quality"], body["copy_overlays"]) == ("1080p", "basic", False)
    assert body["inputs"][1] == {"url": LOGO, "overlay_settings": {
        "vertical_align": "bottom", "vertical_margin": "20px", "horizontal_align": "right",
        "horizontal_margin": "3%", "width": "20%", "opacity": "60%"}}


def test_a_tier_above_the_source_is_the_sources(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "width": 1920, "height": 1080})
    result = _run(_env(emu, tmp_path), "clip", source, "--start", "1", "--end", "5", "--max-resolution", "2160p")
    assert result.returncode == 0, result.stderr
    assert _posted(emu)[0]["max_resolution_tier"] == "1080p"


def test_bad_watermark_flags_exit_2_saying_what_to_type(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    env = _env(emu, tmp_path)
    bad = _run(env, "clip", source, "--start", "1", "--end", "5", "--watermark", LOGO, "--watermark-opacity", "150%")
    assert bad.returncode == 2 and "opacity must be a percentage from \"0%\" to \"100%\"; got '150%'" in bad.stderr
    alone = _run(env, "clip", source, "--start", "1", "--end", "5", "--watermark-align", "bottom-right")
    assert alone.returncode == 2 and "give the image too, with --watermark URL" in alone.stderr
    local = _run(env, "clip", source, "--start", "1", "--end", "5", "--watermark", "logo.png")
    assert local.returncode == 2 and "http:// or https:// address" in local.stderr
    tier = _run(env, "clip", source, "--start", "1", "--end", "5", "--max-resolution", "720p")
    assert tier.returncode == 2 and "invalid choice: '720p'" in tier.stderr
    assert _clips(emu) == []


def test_a_saved_preset_is_applied_by_name_and_as_the_environments_own(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "width": 2560, "height": 1440})
    env = _env(emu, tmp_path)
    first = _run(env, "clip", source, "--start", "1", "--end", "5", "--title", "Replay 1", "--policy", "signed",
                 "--max-resolution", "1080p", "--watermark", LOGO, "--watermark-align", "top-right",
                 "--no-copy-overlays", "--save-preset", "Replay")
    assert first.returncode == 0, first.stderr
    by_name = _run(env, "clip", source, "--start", "2", "--end", "6", "--title", "Replay 2", "--preset", "Replay")
    own = _run(env, "clip", source, "--start", "3", "--end", "7", "--preset", "env", "--video-quality", "premium")
    assert by_name.returncode == 0 and own.returncode == 0, by_name.stderr + own.stderr
    bodies = _posted(emu)
    for body in bodies:
        assert body["playback_policies"] == ["signed"] and body["max_resolution_tier"] == "1080p"
        assert body["copy_overlays"] is False
        assert body["inputs"][1] == {"url": LOGO, "overlay_settings": {"vertical_align": "top",
                                                                       "horizontal_align": "right"}}
    assert [b.get("meta", {}).get("title") for b in bodies] == ["Replay 1", "Replay 2", None]  # not in the preset
    assert bodies[2]["video_quality"] == "premium"  # a flag given wins over the preset
    missing = _run(env, "clip", source, "--start", "1", "--end", "5", "--preset", "Keynote")
    assert missing.returncode == 2 and "No preset named 'Keynote'" in missing.stderr and "Replay" in missing.stderr
