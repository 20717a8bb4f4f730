"""The application's identity as the desktop knows it: its id, its name and its icon.

``APP_ID`` is the one reverse-DNS id used everywhere the desktop matches a window to its entry: the Linux desktop
file (``<APP_ID>.desktop``), the AppStream metainfo id, the hicolor icon name, the macOS bundle identifier, and
:meth:`QGuiApplication.setDesktopFileName` (Wayland's app id, so the dock shows the icon and the name).

The window icon is package data, ``muxclipper/resources/icons/muxclipper-N.png`` (written by
``resources/make_icons.py`` from ``resources/muxclipper.svg``). It is found beside this package, which is where
both a venv install (``pip install``, editable or not) and the frozen bundle (``packaging/muxclipper.spec`` copies
the folder to ``_internal/muxclipper/resources``) put it.

This module imports no Qt at import time: the packaging scripts read the constants without a display.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QGuiApplication, QIcon

APP_ID = "io.github.muxclipper.MuxClipper"
APP_NAME = "muxclipper"
ICON_DIR = Path(__file__).resolve().parents[1] / "resources" / "icons"


def icon_files() -> list[Path]:
    """The window icon's PNG files, smallest first (empty if the package data is missing)."""
    files = ICON_DIR.glob("muxclipper-*.png")
    return sorted(files, key=lambda path: int(path.stem.rsplit("-", 1)[1]))


def app_icon() -> QIcon:
    """The icon in every size there is a file for: Qt picks the nearest for the title bar, task bar and dock."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for path in icon_files():
        size = int(path.stem.rsplit("-", 1)[1])
        icon.addFile(str(path), QSize(size, size))  # the size given: Qt reads a file only when it is drawn
    return icon


def apply_identity(app: QGuiApplication) -> None:
    """Give the application its icon (every window's, unless one sets its own) and its desktop file name.
    Called once, where the QApplication is made (muxclipper/app.py)."""
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
