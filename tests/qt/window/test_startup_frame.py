"""Start-up paints the window's frame first and builds its panels after: nothing of the user's layout or choices
is lost on the way, and the frame's module stays light (what makes the first paint quick)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtWidgets import QApplication, QDockWidget

from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run, until

# What the first paint must not wait for (each costs tens of milliseconds to import).
HEAVY = ("asyncio", "qasync", "httpx", "PySide6.QtMultimedia", "muxclipper.core.models", "muxclipper.qt.editor.editor_widget",
         "muxclipper.qt.sources.sources_panel", "keyring", "jwt", "sqlite3")


def test_the_frame_module_imports_nothing_heavy() -> None:
    code = ("import sys, muxclipper.app, muxclipper.qt.window.main_window; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == ""


class PaintCount(QObject):
    def __init__(self, watched: QObject) -> None:
        super().__init__(watched)
        self.count = 0
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        self.count += event.type() == QEvent.Type.Paint
        return False


def test_frame_first_then_panels_with_the_saved_layout(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    environment = Environment("Production", Endpoints.for_origin(emu.url), Credentials(*RW))

    def settings() -> QSettings:
        return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)

    async def scenario() -> None:
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            first = MainWindow(session, settings=settings())
            first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, first.findChild(QDockWidget, "dock-clips"))
            first.clip_options.renditions_button.set_renditions(("highest", "audio-only", "720p"))
            first.resize(700, 500)
            await first.aclose()

            # Closed while starting, before its panels were built: the saved layout and choices stay.
            early = MainWindow(environment, settings=settings(), panels=False)
            painted: list[bool] = []
            early.painted.connect(lambda: painted.append(True))
            early.show()
            await until(lambda: bool(painted), 5, "the frame painted")
            assert early.environment_bar.badge.text().strip() == "Production" and "Connecting" in early.status.text()
            assert early.findChildren(QDockWidget) == [] and (early.width(), early.height()) == (700, 500)
            early.close()

            second = MainWindow(environment, settings=settings(), panels=False)
            second.painted.connect(lambda: painted.append(True))
            second.show()
            await until(lambda: len(painted) == 2, 5, "the second frame painted")  # as start-up does
            second.build_panels()
            editor_painted = PaintCount(second.editor)
            await until(lambda: editor_painted.count > 0, 5, "the panels painted")
            assert not second.editor.isEnabled()  # nothing to click before there is a session
            clips = second.findChild(QDockWidget, "dock-clips")
            assert second.dockWidgetArea(clips) == Qt.DockWidgetArea.LeftDockWidgetArea
            assert second.clip_options.renditions_button.renditions() == ("highest", "audio-only", "720p")
            second.attach(session)
            assert second.editor.isEnabled() and clips.widget().isEnabled()
            await second.aclose()
            second.close()

    run(qapp, scenario)
