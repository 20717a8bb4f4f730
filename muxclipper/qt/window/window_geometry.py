"""Where the main window opens and how large: inside the screen it opens on, whatever was saved on another screen
or at another scale, its title bar and status line included."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow


def first_size(window: QMainWindow) -> None:
    """No saved size: 1400×900 where the screen has room for it, else as much of it as there is, the window
    manager's title bar included. (Not maximized: some window managers then give the window less height than Qt
    lays it out for, and its status line falls off the bottom of the screen.)"""
    screen = window.screen().availableGeometry()
    window.resize(min(1400, screen.width() - 8), min(900, screen.height() - 40))
    window.move(screen.topLeft())


def fit_to_screen(window: QMainWindow) -> None:
    """A size saved on a larger screen, or at another scale, is brought back inside this screen (the window
    manager's frame and title bar included). A maximized window is the window manager's to place."""
    if window.windowState() & Qt.WindowState.WindowMaximized:
        return
    screen = window.screen().availableGeometry()
    width, height = min(window.width(), screen.width() - 8), min(window.height(), screen.height() - 40)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    if not screen.contains(window.geometry()):  # moved only when some of it is off the screen
        window.move(min(max(window.x(), screen.left()), screen.right() - width),
                    min(max(window.y(), screen.top() + 30), screen.bottom() - height))
