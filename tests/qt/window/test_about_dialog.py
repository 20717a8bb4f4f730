"""Help → About: every line readable, nothing drawn over anything else, whatever the version lines hold (the
installed app's, a missing ffmpeg's long advice, a deep install path)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from muxclipper.qt.window import about_dialog

INSTALLED = ["muxclipper 0.1.0", "Qt 6.11.3 (PySide6 6.11.3)",
             "Qt Multimedia FFmpeg (LGPL): libavformat 61, libavcodec 61, libavutil 59",
             "ffmpeg 5.1.7-0+deb12u1: /usr/bin/ffmpeg", "Python 3.11.2 on Linux x86_64 (installed bundle)"]
NO_FFMPEG = [*INSTALLED[:3], "ffmpeg: not found; the demo and the emulator need it to make their videos: install it "
             "(Debian, Ubuntu: sudo apt install ffmpeg) or set IMAGEIO_FFMPEG_EXE to an ffmpeg program", INSTALLED[4]]
DEEP = [*INSTALLED[:3], "ffmpeg n9.0.2: /home/producer/Applications/muxclipper-0.1.0-linux-x86_64/_internal/"
        "imageio_ffmpeg/binaries/ffmpeg-linux-x86_64-v9.0.2", INSTALLED[4]]


@pytest.mark.parametrize("lines", [INSTALLED, NO_FFMPEG, DEEP], ids=["installed", "no-ffmpeg", "deep-path"])
def test_the_about_box_gives_each_paragraph_the_height_it_needs(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
                                                                lines: list[str]) -> None:
    monkeypatch.setattr(about_dialog, "version_lines", lambda: lines)
    dialog = about_dialog.AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    labels = [w for w in dialog.findChildren(QLabel) if w.text()]
    for label in labels:
        assert label.height() >= label.heightForWidth(label.width()), label.text()[:40]  # no line cut or run over
    boxes = [w.geometry() for w in labels]
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert dialog.width() <= 700, "a long line wraps instead of widening the box past a small screen"
    assert "\u200b" not in "\n".join(dialog.lines)
