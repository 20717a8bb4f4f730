"""``muxclipper --smoke-test``: start, show a frame of a source, exit 0 (or non-zero with the reason)."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from muxclipper.qt.main_window import MainWindow

SMOKE_TIMEOUT_S = 60.0


class SmokeWatch:
    """What ``--smoke-test`` waits for: a frame on screen, or the first failure. Listening starts before the
    source is opened, so that an answer arriving at once is not missed."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.shown: list[int] = []
        self.failures: list[str] = []
        window.frame_on_screen.connect(self.shown.append)
        window.editor.player.failed.connect(self.failures.append)
        window.bridge.failed.connect(self.failures.append)

    async def verdict(self, deadline: float) -> int:
        while time.monotonic() < deadline and not self.shown and not self.failures:
            await asyncio.sleep(0.05)
        if self.shown:
            asset = self.window.asset
            print(f"smoke test passed: frame {self.shown[0]} of {asset.id if asset else '?'} shown")
            return 0
        reason = self.failures[0] if self.failures else "no frame was shown in time"
        print(f"smoke test failed: {reason}", file=sys.stderr)
        return 1
