"""Importing segments into the panel: each row checked against the open source before anything changes, every bad
row named in the panel (in the table's place, no dialog), and, when there are segments already, a choice between
replacing them and adding after them (issue 24: "Imported 4 segments" replaced two, a reversed row and one past the
end among them)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from pytestqt.qtbot import QtBot

from muxclipper.core.segments import Segment
from muxclipper.qt.segments.segments_panel import SegmentsPanel

GOOD = "label,start,end\nIntro,1,4\nTalk,20,60\n"
BAD = "label,start,end\nIntro,1,4\nBackwards,9,5\nBlink,10,10\nLate,50,90\n"


def _panel(qtbot: QtBot, *existing: Segment) -> tuple[SegmentsPanel, list[str]]:
    panel = SegmentsPanel()
    qtbot.addWidget(panel)
    panel.set_source(60_000, Fraction(25), "Talk", "mux://assets/talk")
    panel.set_segments(list(existing))
    messages: list[str] = []
    panel.message.connect(messages.append)
    return panel, messages


def test_bad_rows_are_each_named_and_nothing_changes(qtbot: QtBot, tmp_path: Path) -> None:
    panel, messages = _panel(qtbot, Segment("Kept", 1_000, 2_000))
    (tmp_path / "cuts.csv").write_text(BAD)
    panel.import_from(tmp_path / "cuts.csv")
    assert panel.segments() == [Segment("Kept", 1_000, 2_000)]
    text = panel.notice.text()
    assert text.startswith("Not imported: 3 of the rows of cuts.csv cannot be made into clips of this source.")
    assert "Line 3 (Backwards), 00:00:09.000–00:00:05.000: The out point must come after the in point." in text
    assert "Line 4 (Blink)" in text and "Line 5 (Late), 00:00:50.000–00:01:30.000: The out point is past the end" in text
    assert not panel.notice_area.isHidden() and panel.body.isHidden() and not panel.back_button.isHidden()
    assert messages == ["Could not import cuts.csv: 3 rows cannot be clipped (listed in Segments). Nothing was "
                        "changed."]
    panel.back_button.click()
    assert panel.notice_area.isHidden() and not panel.body.isHidden()


def test_into_an_empty_list_the_rows_come_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    panel, messages = _panel(qtbot)
    (tmp_path / "cuts.csv").write_text(GOOD)
    panel.import_from(tmp_path / "cuts.csv")
    assert panel.segments() == [Segment("Intro", 1_000, 4_000), Segment("Talk", 20_000, 60_000)]
    assert messages == ["Imported 2 segments from cuts.csv."] and panel.notice_area.isHidden()


def test_over_segments_already_there_it_asks_replace_or_add(qtbot: QtBot, tmp_path: Path) -> None:
    kept = Segment("Kept", 30_000, 32_000)
    (tmp_path / "cuts.csv").write_text(GOOD)
    imported = [Segment("Intro", 1_000, 4_000), Segment("Talk", 20_000, 60_000)]

    panel, messages = _panel(qtbot, kept)
    panel.import_from(tmp_path / "cuts.csv")
    assert panel.segments() == [kept]  # nothing yet: asked first
    assert "Replace the 1 here with them (Alt+N), or add them after (Alt+M)?" in panel.notice.text()
    assert not panel.replace_button.isHidden() and panel.back_button.isHidden()
    panel.add_to_button.click()
    assert panel.segments() == [kept, *imported] and panel.notice_area.isHidden()
    assert messages[-1] == "Added 2 segments from cuts.csv."

    panel, messages = _panel(qtbot, kept)
    panel.import_from(tmp_path / "cuts.csv")
    panel.replace_button.click()
    assert panel.segments() == imported and messages[-1] == "Imported 2 segments from cuts.csv."

    panel, messages = _panel(qtbot, kept)
    panel.import_from(tmp_path / "cuts.csv")
    panel.cancel_button.click()
    assert panel.segments() == [kept] and messages[-1] == "Import cancelled; the segments are unchanged."

    panel, messages = _panel(qtbot, kept)
    panel.import_from(tmp_path / "cuts.csv")
    panel.set_source(90_000, Fraction(25), "Other", "mux://assets/other")  # another source: the question goes
    assert panel.notice_area.isHidden() and panel.segments() == [kept]


def test_one_bad_row_and_one_good_row_are_said_in_the_singular(qtbot: QtBot, tmp_path: Path) -> None:
    """"1 rows cannot be clipped" was in the status line; "Imported 1 segments" too."""
    panel, messages = _panel(qtbot)
    (tmp_path / "cuts.csv").write_text("label,start,end\nIntro,1,4\nBackwards,9,5\n")
    panel.import_from(tmp_path / "cuts.csv")
    assert messages == ["Could not import cuts.csv: 1 row cannot be clipped (listed in Segments). Nothing was "
                        "changed."]
    (tmp_path / "one.csv").write_text("label,start,end\nIntro,1,4\n")
    panel.import_from(tmp_path / "one.csv")
    assert messages[-1] == "Imported 1 segment from one.csv."
