"""The frozen application's entry point: ``muxclipper`` exactly as the ``muxclipper`` console script runs it.

``MUXCLIPPER_PAINT_PROBE=1`` makes it print ``painted <unix time>`` when the main window first paints and exit at
once, as ``tests/benchmarks/startup_probe.py`` does for a venv install: the only way to time a frozen build's
first paint the same way (``tests/benchmarks/bench_packaging.py``). It costs a start one environment lookup.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any


def _report_first_paint() -> None:
    from muxclipper.qt.window.main_window import MainWindow

    paint = MainWindow.paintEvent

    def paint_event(self: MainWindow, event: Any) -> None:
        paint(self, event)
        print(f"painted {time.time():.6f}", flush=True)
        os._exit(0)

    MainWindow.paintEvent = paint_event  # type: ignore[method-assign]


if __name__ == "__main__":
    if os.environ.get("MUXCLIPPER_PAINT_PROBE") == "1":
        _report_first_paint()
    from muxclipper.__main__ import main

    sys.exit(main())
