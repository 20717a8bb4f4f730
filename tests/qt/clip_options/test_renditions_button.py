"""The clip options' Downloads button: a menu that stays open while several files are ticked, and the choice
remembered, settings from before it (one "MP4 download" box) included."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from muxclipper.qt.clip_options.clip_options_panel import ClipOptionsPanel


# The offscreen platform cannot grab the keyboard for a popup (a real screen can; the walkthrough used one).
@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")
def test_ticking_several_keeps_the_menu_open(qapp: QApplication) -> None:
    panel = ClipOptionsPanel()
    panel.show()
    menu = panel.renditions_button.menu()
    menu.popup(panel.mapToGlobal(panel.rect().center()))
    QTest.qWaitForWindowExposed(menu)
    for text in ("Audio only (M4A)", "MP4, 720p"):
        action = next(a for a in menu.actions() if a.text() == text)
        QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
        assert menu.isVisible()  # still open for the next one
    menu.hide()
    assert panel.options().renditions == ("audio-only", "720p")
    assert panel.renditions_button.text() == "Audio, 720p"
    panel.close()


def test_the_choice_is_remembered_and_old_settings_read(qapp: QApplication, tmp_path: Path) -> None:
    old = QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)
    old.setValue("clip/mp4", True)  # what the window saved before renditions could be chosen
    panel = ClipOptionsPanel()
    panel.restore(old)
    assert panel.options().renditions == ("highest",)
    panel.renditions_button.set_renditions(("highest", "270p", "audio-only"))
    panel.save(old)
    again = ClipOptionsPanel()
    again.restore(QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat))
    assert again.options().renditions == ("highest", "audio-only", "270p")
    again.renditions_button.set_renditions(())
    again.save(old)
    empty = ClipOptionsPanel()
    empty.restore(old)
    assert empty.options().renditions == ()
