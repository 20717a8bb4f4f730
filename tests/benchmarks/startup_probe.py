"""Run a program the way a user starts it and print when its main window first paints.

``python -m tests.benchmarks.startup_probe bare`` shows an empty QMainWindow (the floor: PySide6 alone);
``python -m tests.benchmarks.startup_probe muxclipper ARGS…`` starts muxclipper with ARGS. Either prints
``painted <unix time>`` when its main window's ``paintEvent`` first runs, and exits at once.
``python -m tests.benchmarks.startup_probe muxclipper-ready ARGS…`` prints ``painted <unix time>`` once the window
is ready for input instead: its panels built and its session attached; ``muxclipper-frame ARGS…`` when the first
frame of a video reaches the player's picture.

The window's own ``paintEvent`` is wrapped, in both cases alike. An application-wide event filter would be
simpler but is not neutral: PySide calls it in Python for every event of every widget (and builds a Python
type for each new kind of event), which cost a window of a few hundred widgets ~0.1 s more than the bare one.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from PySide6.QtWidgets import QApplication, QMainWindow


def report(*_: Any) -> None:
    print(f"painted {time.time():.6f}", flush=True)
    os._exit(0)  # measured: what happens after the first paint is not


class BareWindow(QMainWindow):
    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        report()


def main() -> None:
    which, args = sys.argv[1], sys.argv[2:]
    if which == "bare":
        app = QApplication([sys.argv[0]])
        window = BareWindow()
        window.resize(1400, 900)
        window.show()
        app.exec()
    else:
        # The class the application paints first; importing it here is no extra work, it is needed before the
        # first paint anyway.
        from muxclipper.qt.window.main_window import MainWindow

        if which == "muxclipper-frame":
            build_editor = MainWindow.build_editor

            def built(self: MainWindow, *args: Any, **kwargs: Any) -> bool:
                previewing = build_editor(self, *args, **kwargs)
                self.editor.player.sink.videoFrameChanged.connect(
                    lambda frame: report() if frame.isValid() else None)
                return previewing

            MainWindow.build_editor = built  # type: ignore[method-assign]
        elif which == "muxclipper-ready":
            attach = MainWindow.attach

            def attached(self: MainWindow, session: Any) -> None:
                attach(self, session)
                report()

            MainWindow.attach = attached  # type: ignore[method-assign]
        else:
            painted = MainWindow.paintEvent

            def paint_event(self: MainWindow, event: Any) -> None:
                painted(self, event)
                report()

            MainWindow.paintEvent = paint_event  # type: ignore[method-assign]
        from muxclipper.__main__ import main as muxclipper_main

        muxclipper_main(args)


if __name__ == "__main__":
    main()
