"""The menu bar holds every action with its keys; the window's mnemonics (Alt+letter) do not collide with each
other or with the editor's keys (Alt+X once opened "Export clips…" instead of clearing in and out)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QMenu

from muxclipper.core.marking import MarkedRange
from muxclipper.qt.window.main_window import MainWindow


def _window(tmp_path: Path) -> MainWindow:
    return MainWindow(None, settings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))


def _mnemonic(text: str) -> str | None:
    at = text.replace("&&", "").find("&")
    return text.replace("&&", "")[at + 1].lower() if 0 <= at < len(text) - 1 else None


def test_every_key_of_the_editor_is_in_a_menu_with_its_shortcut(qapp: QApplication, tmp_path: Path) -> None:
    window = _window(tmp_path)
    titles = [action.text() for action in window.menus.actions()]
    assert titles == ["&File", "&Edit", "Vie&w", "Pla&yback", "&Clip", "&Help"]
    in_menus = {action for menu in window.menus.findChildren(QMenu) for action in menu.actions()}
    for entry in window.editor.keymap:
        if entry.id == "cheat_sheet":  # Help → Keyboard shortcuts carries "?"
            continue
        action = window.editor.actions_by_id.get(entry.id) or window.live_actions[entry.id]  # the live keys: R, F
        assert action in in_menus, entry.id
        assert not action.shortcut().isEmpty(), entry.id
    texts = {action.text(): action for action in in_menus}
    assert texts["&Keyboard shortcuts"].shortcut().toString() == "?"
    assert texts["&Quit"].shortcut().toString() == "Ctrl+Q"
    assert texts["&Open source…"].shortcut().toString() == "Ctrl+L"
    assert texts["&Environments…"].shortcut().toString() == "Ctrl+Shift+E"
    window.close()


def test_mnemonics_are_unique_and_leave_the_editors_alt_keys_alone(qapp: QApplication, tmp_path: Path) -> None:
    window = _window(tmp_path)
    letters = [_mnemonic(action.text()) for action in window.menus.actions()]
    letters += [_mnemonic(button.text()) for button in window.findChildren(QAbstractButton)
                if button.window() is window]
    taken = Counter(letter for letter in letters if letter)
    assert [letter for letter, count in taken.items() if count > 1] == []
    editor_alt = {k.split("+")[-1].lower() for entry in window.editor.keymap for k in entry.keys
                  if k.startswith("Alt+") and len(k.split("+")[-1]) == 1}
    assert editor_alt == {"x"} and not editor_alt & set(taken)
    window.close()


def test_alt_x_belongs_to_clear_in_and_out_alone(qapp: QApplication, tmp_path: Path) -> None:
    # (Pressed for real, Alt+X clearing the marks is checked on screen: tests/screen/driver.py.)
    window = _window(tmp_path)
    bound = [action for action in window.findChildren(QAction)
             if any(key.toString() == "Alt+X" for key in action.shortcuts())]
    assert bound == [window.editor.actions_by_id["clear"]]
    editor = window.editor
    editor.timeline.set_source(10_000, editor.player.rate)
    editor.edit_range(MarkedRange(None, None, 10_000, editor.player.rate).with_in(1_000).with_out(4_000))
    bound[0].trigger()
    assert editor.timeline.marked.in_ms is None and editor.timeline.marked.out_ms is None
    window.close()
