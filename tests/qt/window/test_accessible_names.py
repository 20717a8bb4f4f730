"""Every control a keyboard can reach has a name a screen reader can say (Orca read three without one: the sources'
tabs, the watermark's scroll area, the preset's name field). Walked through Qt's accessibility interface, which is
what Qt hands to AT-SPI; with a source open, so that the editor's and the live tools' controls are there too."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QWidget

from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run, until


def _unnamed(window: QWidget) -> list[str]:
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if isinstance(widget.parent(), QAbstractSpinBox):
            continue  # a spin box's own text field: the spin box is the one control a screen reader says
        face = QAccessible.queryAccessibleInterface(widget)
        if face is None or not face.text(QAccessible.Text.Name).strip():
            parent = widget.parent()
            found.append(f"{type(widget).__name__} in {type(parent).__name__} {parent.objectName()}".strip())
    return found


def test_every_focusable_control_has_an_accessible_name(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"title": "Keynote", "duration": 60.0, "frame_rate": 25.0})

    async def scenario() -> None:
        environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
            window = MainWindow(session, settings=settings)
            window.show()
            window.start()
            window.open_asset_id(source)
            await until(lambda: window.asset is not None and window.asset.id == source, 10, "the source open")
            assert _unnamed(window) == []
            await window.aclose()
            window.close()

    run(qapp, scenario)
