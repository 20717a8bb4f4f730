"""The clip options' tier, watermark and presets without a window around them: tiers above the source are off, a
preset applied shows in every field and is what the form then gives, the environment's own preset fills the options
when it is attached, and a damaged presets file is said, not a crash."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from muxclipper.core.models import Asset, AssetStatus, ClipOptions
from muxclipper.core.watermark import Watermark
from muxclipper.qt.clip_options.clip_options_panel import ClipOptionsPanel
from muxclipper.qt.clip_options.clip_presets_controller import PresetController
from muxclipper.services.clip_presets import PresetStore, presets_file

REPLAY = ClipOptions(("signed",), "premium", ("audio-only",), None, None, "1440p", False,
                     Watermark("https://example.com/logo.png", "bottom", "2%", "right", "40px", "15%", None, "80%"))


def _source(tier: str) -> Asset:
    return Asset("src", AssetStatus.READY, 0, duration_ms=60_000, width=2560, height=1440, resolution_tier=tier,
                 video_quality="plus")


def test_a_preset_applied_fills_every_field_and_comes_back_out(qtbot: QtBot, tmp_path: Path) -> None:
    panel = ClipOptionsPanel()
    qtbot.addWidget(panel)
    panel.show_source(_source("1440p"))
    store = PresetStore(tmp_path / "clip-presets.json")
    store.save("prod", "Replay", REPLAY)
    controller = PresetController(panel, store)
    panel.title_field.setText("Keynote")
    controller.attach("prod", "Production")  # its own preset (saved last) fills the options
    assert panel.options() == ClipOptions(("signed",), "premium", ("audio-only",), "Keynote", None, "1440p", False,
                                          REPLAY.watermark)
    assert panel.extras.position_box.currentText() == "Bottom right"
    panel.extras.watermark_box.setChecked(False)
    panel.extras.tier_box.setCurrentIndex(0)
    with qtbot.waitSignal(panel.message) as said:
        panel.extras.preset_box.setEditText("Replay")
        panel.extras.preset_apply_requested.emit("Replay")
    assert said.args == ["Preset 'Replay' applied."]
    assert panel.options().watermark == REPLAY.watermark and panel.options().max_resolution_tier == "1440p"


def test_tiers_above_the_source_are_off_and_a_preset_asking_for_one_falls_back(qtbot: QtBot, tmp_path: Path) -> None:
    panel = ClipOptionsPanel()
    qtbot.addWidget(panel)
    panel.show_source(_source("1080p"))
    tiers = panel.extras.tier_box
    enabled = [tiers.model().item(i).isEnabled() for i in range(tiers.count())]  # type: ignore[attr-defined]
    assert [tiers.itemText(i) for i in range(tiers.count())] == ["As the source (1080p)", "1080p", "1440p", "2160p"]
    assert enabled == [True, True, False, False]
    assert panel.extras.tier_note.text() == "1440p, 2160p off: above the source (1080p)."
    panel.set_options(REPLAY)
    assert panel.options().max_resolution_tier is None  # as the source: 1440p would change nothing


def test_a_watermark_typed_wrong_is_said_and_not_previewed(qtbot: QtBot) -> None:
    panel = ClipOptionsPanel()
    qtbot.addWidget(panel)
    previews: list[object] = []
    panel.extras.preview_changed.connect(previews.append)
    panel.extras.watermark_box.setChecked(True)
    panel.extras.watermark_url.setText("https://example.com/logo.png")
    assert isinstance(previews[-1], Watermark)
    panel.extras.v_margin_field.setText("10")
    assert "vertical margin must be a percentage or pixels" in panel.extras.watermark_problem.text()
    assert previews[-1] is None


def test_a_damaged_presets_file_is_said_in_the_status_line(qtbot: QtBot) -> None:
    path = presets_file()  # in the test's own config folder (tests/conftest.py)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{damaged")
    panel = ClipOptionsPanel()
    qtbot.addWidget(panel)
    controller = PresetController(panel)
    with qtbot.waitSignal(panel.message) as said:
        controller.attach("prod", "Production")
    assert "could not be read" in said.args[0] and "kept as clip-presets.json.damaged-" in said.args[0]
    assert controller.store.names("prod") == []  # and the window goes on, with no preset
