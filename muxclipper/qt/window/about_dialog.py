"""Help → About: the icon, muxclipper's version and those of Qt, PySide6 and FFmpeg (what a bug report needs, to
copy), and the licences. Non-modal, like every window of the app."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from muxclipper.qt.identity import app_icon
from muxclipper.qt.versions import version_lines

LICENCES = ("muxclipper is free software under the MIT licence. It runs on Qt and PySide6 (LGPLv3) and plays video "
            "through Qt's FFmpeg libraries (LGPL); the demo and the emulator make their videos with the ffmpeg "
            "program (GPLv3 when it is the one shipped with muxclipper). The licence texts are installed with it.")


ABOUT_WIDTH = 600


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About muxclipper")
        self.setAccessibleName("About muxclipper")
        self.setModal(False)
        self.lines = version_lines()
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(96, 96))
        # Long lines wrap (a path may break after each '/'): the copied text stays as it is.
        self.versions = QLabel("<br>".join(html.escape(line).replace("/", "/\u200b") for line in self.lines), self)
        self.versions.setWordWrap(True)
        self.versions.setAccessibleName("Versions")
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title = QLabel("<h2>muxclipper</h2>Frame-exact clips from your Mux videos and live recordings.", self)
        licences = QLabel(LICENCES, self)
        licences.setWordWrap(True)
        copy = QPushButton("&Copy versions", self)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText("\n".join(self.lines)))
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(self.versions)
        text.addWidget(licences)
        top.addLayout(text, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(copy)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        # A window is not given the height its wrapped text needs at its width (Qt does not apply height-for-width
        # to top-level windows): asked for a sizeHint, the licence paragraph got 63 of the 70 pixels it needed and
        # ran over the version lines (seen in the installed app). So: the height the layout needs at this width.
        layout.activate()
        width = max(ABOUT_WIDTH, layout.minimumSize().width())
        height = layout.totalHeightForWidth(width)
        self.setMinimumSize(width, height)
        self.resize(width, height)
