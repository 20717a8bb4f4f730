"""One mnemonic per key in the window: Alt+R was both the segments' Remove and the sources' Refresh, so the key did
whichever Qt found first. Every Alt+letter among the window's buttons, check boxes, labels, tabs and its menu bar,
with a source open, is one control's only (each menu's own items are their own scope)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QMenu, QTabBar, QWidget

from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run, until

_MNEMONIC = re.compile(r"&([^&\s])")


def _key(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _window_keys(window: QWidget) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = defaultdict(list)
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QMenu) or widget.window() is not window:
            continue
        texts: list[str] = []
        if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None):
            texts = [widget.text()]
        elif isinstance(widget, QGroupBox):
            texts = [widget.title()]
        elif isinstance(widget, QTabBar):
            texts = [widget.tabText(i) for i in range(widget.count())]
        for text in texts:
            key = _key(text)
            if key:
                keys[key].append(text)
    menu_bar = window.menuBar() if hasattr(window, "menuBar") else None
    if menu_bar is not None:
        for action in menu_bar.actions():
            key = _key(action.text())
            if key:
                keys[key].append(f"menu {action.text()}")
    return keys


def _menu_clashes(window: QWidget) -> list[str]:
    clashes = []
    for menu in window.findChildren(QMenu):
        keys: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            key = _key(action.text())
            if key:
                keys[key].append(action.text())
        clashes += [f"{menu.title()}: Alt+{k.upper()} {v} in {[a.text() for a in menu.actions()]}" for k, v in keys.items() if len(v) > 1]
    return clashes


def test_each_alt_key_opens_one_control(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"title": "Keynote", "duration": 60.0, "frame_rate": 25.0})

    async def scenario() -> None:
        environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session, settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
            window.show()
            window.start()
            window.open_asset_id(source)
            await until(lambda: window.asset is not None and window.asset.id == source, 10, "the source open")
            clashes = {k: v for k, v in _window_keys(window).items() if len(v) > 1}
            assert clashes == {}, clashes
            menu_clashes = _menu_clashes(window)
            assert menu_clashes == [], "\n".join(menu_clashes)
            await window.aclose()
            window.close()

    run(qapp, scenario)
