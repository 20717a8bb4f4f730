"""The source's facts fit their panel: seen on the real window at 1920x1080, an untitled recording's 44-character id
ran past the panel's edge, and the captions line under it went under the Title field."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from muxclipper.core.models import Asset, AssetStatus
from muxclipper.qt.clip_options.clip_options_panel import ClipOptionsPanel

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


def test_a_long_fact_is_one_line_shortened_to_the_panel_and_whole_in_the_tooltip(qtbot: QtBot) -> None:
    """Seen at 1920x1080: the captions line of a live recording ("English CC (generated) (en, live; final ones after
    the event)") wrapped, and its second line went under the Title field (a dock gives a wrapped label no more height).
    Each fact is now one line, shortened with "…" where the panel is too narrow, and whole once it is wide enough."""
    from muxclipper.core.models import TextTrack

    panel = ClipOptionsPanel()
    qtbot.addWidget(panel)
    panel.resize(330, 600)
    panel.show()
    tracks = (TextTrack("a", "en", "English CC (generated)", False, "ready", "generated_live"),
              TextTrack("b", "en", "English CC (generated)", False, "preparing", "generated_live_final"))
    panel.show_source(Asset(LIVE_ID, AssetStatus.PREPARING, 0, duration_ms=28_000, is_live=True, text_tracks=tracks))
    label = panel.facts_label
    whole = "Captions: English CC (generated) (en, live; final ones after the event)"
    lines = label.text().split("<br>")
    captions = next(line for line in lines if line.startswith("Captions:"))
    assert captions != whole and captions.endswith("…")
    assert all(label.fontMetrics().horizontalAdvance(line) <= label.contentsRect().width() for line in lines[1:])
    assert whole in label.toolTip()
    panel.resize(700, 600)
    qtbot.waitUntil(lambda: whole in label.text().split("<br>"))
