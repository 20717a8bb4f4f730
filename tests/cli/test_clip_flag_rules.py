"""How ``muxclipper clip``'s flags combine, as a producer's scripts run them against the emulator: ``--mp4`` as a
plain flag with ``--mp4-sizes`` beside it, presets that one-off flags leave alone, a presets file that cannot be
written, ``--instant`` with flags that do not apply, and a time of day typed without quotes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from muxclipper.cli.clip_flags import remember_preset
from muxclipper.core.models import ClipOptions
from muxclipper.services.clip_presets import PresetStore
from tests.cli.test_cli import _clips, _env, _run
from tests.emulator.helpers import Emu


def _posted(emu: Emu) -> list[dict[str, Any]]:
    return [r["body"] for r in emu.requests("POST", "/video/v1/assets") if r["status"] == 201]


def _resolutions(body: dict[str, Any]) -> list[str]:
    return [r["resolution"] for r in body.get("static_renditions", [])]


# ---------------------------------------------------------------- finding 4: --mp4 is a plain flag again
def test_mp4_is_a_plain_flag_before_the_source_and_sizes_have_their_own_flag(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "width": 1920, "height": 1080})
    env = _env(emu, tmp_path)
    # A script written before sizes existed: --mp4 right before SOURCE must not swallow it.
    old = _run(env, "clip", "--mp4", source, "--start", "0", "--end", "5")
    assert old.returncode == 0, old.stderr
    sized = _run(env, "clip", source, "--start", "0", "--end", "5", "--mp4-sizes", "720p,highest", "--audio-only")
    assert sized.returncode == 0, sized.stderr
    assert [_resolutions(b) for b in _posted(emu)] == [["highest"], ["highest", "audio-only", "720p"]]
    audio = _run(env, "clip", source, "--start", "0", "--end", "5", "--mp4-sizes", "720p,audio")
    assert audio.returncode == 2 and "--audio-only" in audio.stderr
    unknown = _run(env, "clip", source, "--start", "0", "--end", "5", "--mp4-sizes", "4k")
    assert unknown.returncode == 2 and "Unknown MP4 size '4k'" in unknown.stderr
    assert len(_clips(emu)) == 2


def test_segments_take_the_same_download_flags_as_clip(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "width": 1920, "height": 1080})
    env = _env(emu, tmp_path)
    cuts = tmp_path / "cuts.csv"
    cuts.write_text("label,start,end\nOpening,00:00:01.000,00:00:04.000\n", encoding="utf-8")
    plain = _run(env, "segments", "--mp4", source, str(cuts), "--create")
    sized = _run(env, "segments", source, str(cuts), "--create", "--mp4-sizes", "540p", "--audio-only")
    assert plain.returncode == 0 and sized.returncode == 0, plain.stderr + sized.stderr
    assert [_resolutions(b) for b in _posted(emu)] == [["highest"], ["audio-only", "540p"]]


# ---------------------------------------------------------------- finding 2: one-off flags leave the preset alone
def test_flags_given_with_a_preset_are_for_this_clip_only_and_add_downloads(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "width": 1920, "height": 1080})
    env = _env(emu, tmp_path)
    saved = _run(env, "clip", source, "--start", "1", "--end", "5", "--mp4", "--audio-only", "--save-preset",
                 "Replay")
    once = _run(env, "clip", source, "--start", "1", "--end", "5", "--preset", "Replay", "--mp4-sizes", "720p",
                "--no-copy-overlays", "--video-quality", "basic")
    again = _run(env, "clip", source, "--start", "1", "--end", "5", "--preset", "env")
    by_name = _run(env, "clip", source, "--start", "1", "--end", "5", "--preset", "Replay")
    assert {saved.returncode, once.returncode, again.returncode, by_name.returncode} == {0}, (
        saved.stderr + once.stderr + again.stderr + by_name.stderr)
    first, one_off, own, named = _posted(emu)
    # A size asked for is added to the preset's downloads: the podcast M4A is not lost.
    assert _resolutions(one_off) == ["highest", "audio-only", "720p"]
    assert one_off["copy_overlays"] is False and one_off["video_quality"] == "basic"
    # The environment's own preset is the preset as applied, not this clip's extras; the named one is untouched.
    for body in (own, named):
        assert _resolutions(body) == ["highest", "audio-only"]
        assert "copy_overlays" not in body and body["video_quality"] == first["video_quality"] == "plus"


# ---------------------------------------------------------------- finding 3: presets that cannot be saved
def test_a_preset_that_cannot_be_saved_says_where_and_nothing_is_created(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    env = _env(emu, tmp_path)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")  # a file where the settings folder should be: it cannot be written
    env["MUXCLIPPER_CONFIG_DIR"] = str(blocked)
    result = _run(env, "clip", source, "--start", "1", "--end", "5", "--save-preset", "Replay")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert str(blocked / "clip-presets.json") in result.stderr and "Nothing was created" in result.stderr
    assert "MUXCLIPPER_CONFIG_DIR" in result.stderr
    assert _clips(emu) == []


def test_a_refused_clip_leaves_the_presets_as_they_were(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    env = _env(emu, tmp_path)
    saved = _run(env, "clip", source, "--start", "1", "--end", "5", "--video-quality", "basic", "--save-preset",
                 "Replay")
    assert saved.returncode == 0, saved.stderr
    refused = _run(env, "clip", source, "--start", "10", "--end", "5", "--video-quality", "premium", "--save-preset",
                   "Replay")
    assert refused.returncode == 2 and "The out point must come after the in point" in refused.stderr
    reused = _run(env, "clip", source, "--start", "1", "--end", "5", "--preset", "Replay")
    assert reused.returncode == 0, reused.stderr
    assert [b["video_quality"] for b in _posted(emu)] == ["basic", "basic"]


def test_applying_a_preset_when_its_file_became_unwritable_only_warns(tmp_path: Path) -> None:
    # Running as root, no permission stops a write: the folder is replaced by a file once the presets are read.
    folder = tmp_path / "config"
    folder.mkdir()
    store = PresetStore(folder / "clip-presets.json")
    store.save("env-key", "Replay", ClipOptions(video_quality="basic"))
    store = PresetStore(folder / "clip-presets.json")
    os.replace(folder, tmp_path / "moved")
    folder.write_text("", encoding="utf-8")
    warning = remember_preset(store, "env-key", applied_name="Replay", saved_name=None,
                              options=ClipOptions(video_quality="premium"))
    assert warning is not None and str(folder / "clip-presets.json") in warning
    assert "the clip is made with it" in warning


# ---------------------------------------------------------------- finding 6: --instant
def test_instant_checks_the_range_before_printing_a_url(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    result = _run(_env(emu, tmp_path), "clip", source, "--start", "10", "--end", "5", "--instant")
    assert result.returncode == 2 and "The out point must come after the in point" in result.stderr
    assert result.stdout == ""


def test_instant_refuses_flags_that_make_a_clip(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    env = _env(emu, tmp_path)
    for flags in (["--save-preset", "Replay"], ["--preset", "env"], ["--mp4"], ["--wait"], ["--policy", "signed"],
                  ["--title", "Keynote"], ["--watermark", "https://example.com/logo.png"]):
        result = _run(env, "clip", source, "--start", "1", "--end", "5", "--instant", *flags)
        assert result.returncode == 2, (flags, result.stderr)
        assert f"--instant makes no clip, so {flags[0]} does not apply" in result.stderr, result.stderr
        assert result.stdout == ""
    assert not (Path(env["MUXCLIPPER_CONFIG_DIR"]) / "clip-presets.json").exists()
    assert _clips(emu) == []
    fine = _run(env, "clip", source, "--start", "1", "--end", "5", "--instant", "--json")
    assert fine.returncode == 0 and "instant_url" in json.loads(fine.stdout)


def test_instant_of_a_signed_only_source_says_what_to_do_instead(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "policies": ["signed"]})
    result = _run(_env(emu, tmp_path), "clip", source, "--start", "1", "--end", "5", "--instant")
    assert result.returncode == 2
    assert "no public playback id" in result.stderr and "leave out --instant" in result.stderr
    assert "create a clip with --policy public" not in result.stderr


# ---------------------------------------------------------------- finding 13: a time of day without quotes
def test_a_time_of_day_typed_without_quotes_is_told_to_quote_it(emu: Emu, tmp_path: Path) -> None:
    env = _env(emu, tmp_path)
    for args in (["clip", "ASSET", "--start", "19:04:05", "local", "--end", "19:05:00", "local"],
                 ["clip", "--start", "19:04:05", "local", "--end", "5"],
                 ["clip", "ASSET", "--start", "1", "--end=17:05:00", "UTC"]):
        result = _run(env, *args)
        assert result.returncode == 2, result.stderr
        assert "token secret" not in result.stderr, result.stderr
        assert "quote" in result.stderr
    assert '--start "19:04:05 local"' in _run(env, "clip", "--start", "19:04:05", "local", "--end", "5").stderr
    assert '--end "17:05:00 UTC"' in _run(env, "clip", "A", "--start", "1", "--end=17:05:00", "UTC").stderr


# ---------------------------------------------------------------- clip --help, read as a newcomer
def test_clip_help_groups_the_flags_in_the_order_a_clip_is_thought_of(emu: Emu, tmp_path: Path) -> None:
    text = _run(_env(emu, tmp_path), "clip", "--help").stdout
    groups = {"times:": ["--start", "--end", "--trim-slates"],
              "what the clip is:": ["--title", "--quality", "--max-resolution", "--policy", "--mp4 ", "--mp4-sizes",
                                    "--audio-only", "--passthrough"],
              "watermark:": ["--watermark ", "--watermark-align", "--watermark-opacity", "--no-copy-overlays"],
              "presets:": ["--preset", "--save-preset"],
              "output:": ["--wait ", "--wait-timeout", "--json"],
              "or no clip at all:": ["--instant"],
              "environment:": ["--env", "--api-base-url", "--log-level"]}
    places = [text.index(f"\n{title}\n") for title in groups]
    assert places == sorted(places), "the groups in reading order"
    for (title, flags), start in zip(groups.items(), places, strict=True):
        section = text[start:text.find("\n\n", text.find("\n  --", start))]
        for flag in flags:
            assert f"\n  {flag}" in section, (title, flag)
    assert text.startswith("usage: muxclipper clip SOURCE --start TIME --end TIME [options]")
    assert "[SIZES]" not in text and '--start "19:04:05 local"' in text
