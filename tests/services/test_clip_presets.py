"""Presets per environment: saved, listed, applied; a damaged file or entry is set aside with a notice, not a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from muxclipper.core.models import ClipOptions
from muxclipper.core.watermark import Watermark
from muxclipper.services.clip_presets import PresetError, PresetStore, applied

REPLAY = ClipOptions(("signed",), "premium", ("highest",), "Not kept", "not kept either", "1440p", False,
                     Watermark("https://example.com/logo.png", "bottom", opacity="50%"))


def test_presets_are_kept_per_environment_without_title_or_passthrough(tmp_path: Path) -> None:
    path = tmp_path / "clip-presets.json"
    PresetStore(path).save("prod", "Replay", REPLAY)
    store = PresetStore(path)
    assert store.names("prod") == ["Replay"] and store.names("staging") == []
    kept = store.get("prod", "Replay")
    assert (kept.title, kept.passthrough) == (None, None)
    assert applied(kept, ClipOptions(title="Keynote")) == ClipOptions(
        ("signed",), "premium", ("highest",), "Keynote", None, "1440p", False, REPLAY.watermark)
    assert store.get("prod", "env") == kept  # the environment's own: the one saved last
    with pytest.raises(PresetError, match="no preset yet"):
        store.get("staging", "env")
    with pytest.raises(PresetError, match="presets: Replay"):
        store.get("prod", "Keynote")
    with pytest.raises(PresetError, match="not 'env'"):
        store.save("prod", "env", REPLAY)


def test_a_damaged_entry_is_left_out_and_the_file_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "clip-presets.json"
    PresetStore(path).save("prod", "Replay", REPLAY)
    data = json.loads(path.read_text())
    data["environments"]["prod"]["named"]["Broken"] = {"copy_overlays": "sometimes"}
    path.write_text(json.dumps(data))
    store = PresetStore(path)
    assert store.notice is not None and "copy_overlays" in store.notice and "Save those presets again" in store.notice
    assert store.names("prod") == ["Replay"]
    [aside] = tmp_path.glob("clip-presets.json.damaged-*")
    assert "sometimes" in aside.read_text()  # nothing lost
    assert PresetStore(path).notice is None  # the sound rest was written back


def test_a_file_that_is_not_json_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "clip-presets.json"
    path.write_text("{not json")
    store = PresetStore(path)
    assert store.notice is not None and "not readable JSON" in store.notice
    assert store.names("prod") == [] and list(tmp_path.glob("clip-presets.json.damaged-*"))
    store.save("prod", None, REPLAY)
    assert PresetStore(path).own("prod") == applied(REPLAY, ClipOptions())


def test_a_preset_saved_by_another_muxclipper_meanwhile_is_kept(tmp_path: Path) -> None:
    """The window reads the presets when it connects and may stay open for hours; a preset saved meanwhile from the
    command line (another process, another store on the same file) survives the window's next save."""
    path = tmp_path / "clip-presets.json"
    window, command_line = PresetStore(path), PresetStore(path)
    command_line.save("prod", "Podcast", ClipOptions(renditions=("audio-only",)))
    window.save("prod", "Replay", REPLAY)
    assert PresetStore(path).names("prod") == ["Podcast", "Replay"]
    command_line.remove("prod", "Podcast")
    assert PresetStore(path).names("prod") == ["Replay"]
