"""Run a program the way a user starts it and print when its main window first paints.

``python -m tests.benchmarks.startup_probe bare`` shows an empty QMainWindow (the floor: PySide6 alone);
``python -m tests.benchmarks.startup_probe muxclipper ARGS…`` starts muxclipper with ARGS. Either prints
``painted <unix time>`` on the first paint of a QMainWindow and exits at once.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow


class FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            print(f"painted {time.time():.6f}", flush=True)
            os._exit(0)  # measured: what happens after the first paint is not
        return False


def main() -> None:
    which, args = sys.argv[1], sys.argv[2:]
    app = QApplication([sys.argv[0]])  # muxclipper takes the existing instance
    probe = FirstPaint()
    app.installEventFilter(probe)
    if which == "bare":
        window = QMainWindow()
        window.resize(1400, 900)
        window.show()
        app.exec()
    else:
        from muxclipper.__main__ import main as muxclipper_main

        muxclipper_main(args)


if __name__ == "__main__":
    main()
