"""The source's facts fit their panel: seen on the real window at 1920x1080, an untitled recording's 44-character id
ran past the panel's edge, and the captions line under it went under the Title field."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from muxclipper.core.models import Asset, AssetStatus
from muxclipper.qt.clip_options_panel import ClipOptionsPanel

LIVE_ID = "9KujBD9xmMyVrqfLTfFNlTruiC1e6GppET5gN1R2R0RE"


def test_an_untitled_sources_id_is_shortened_to_fit_and_whole_in_the_tooltip(qtbot: QtBot) -> None:
    panel = ClipOptionsPanel()
    qtbot.addWidget(panel)
    panel.resize(330, 600)  # the right-hand column's width
    panel.show()
    panel.show_source(Asset(LIVE_ID, AssetStatus.PREPARING, 0, duration_ms=28_000, is_live=True))
    label = panel.facts_label
    bold = label.font()
    bold.setBold(True)
    heading = label.text().split("<br>")[0].removeprefix("<b>").removesuffix("</b>")
    assert heading == "9KujBD9x…R0RE"
    assert QFontMetrics(bold).horizontalAdvance(heading) < label.width()
    assert LIVE_ID in label.toolTip()
    panel.show_source(Asset("short-id", AssetStatus.READY, 0, duration_ms=1_000, title="Friday keynote"))
    assert label.text().startswith("<b>Friday keynote</b>") and "short-id" in label.toolTip()
