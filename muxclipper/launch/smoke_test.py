"""``muxclipper --smoke-test``: start, show a frame of a source, look for its slates, exit 0 (or non-zero with the
reason). The slate search is there for installers: it decodes the image host's pictures (Pillow), which a frozen
build that left a decoder out could not do, and which no frame on screen would show."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from muxclipper.qt.window.main_window import MainWindow

SMOKE_TIMEOUT_S = 60.0
#: The slate search after the frame has its own time: a dozen pictures made and decoded, which on a first start shares
#: the machine with the demo's other videos being packaged (beside stress-ng it ran out of what the frame had left).
SLATES_TIMEOUT_S = 60.0


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
            # Printed first: what start-up benchmarks time is the frame, not the search after it.
            if asset is not None and asset.audio_only:  # sound alone: loaded and positioned, no frame to show
                print(f"smoke test passed: the sound of {asset.id} loaded (audio only)", flush=True)
            else:
                print(f"smoke test passed: frame {self.shown[0]} of {asset.id if asset else '?'} shown", flush=True)
            return await self._slates(time.monotonic() + SLATES_TIMEOUT_S) if asset is not None else 0
        reason = self.failures[0] if self.failures else "no frame was shown in time"
        print(f"smoke test failed: {reason}", file=sys.stderr)
        return 1

    async def _slates(self, deadline: float) -> int:
        from muxclipper.services.slate_finder import SlateSearchError

        asset = self.window.asset
        assert asset is not None
        try:
            report = await asyncio.wait_for(self.window.session.slate_finder().find(asset),
                                            max(deadline - time.monotonic(), 5.0))
        except SlateSearchError as exc:  # a source that cannot be searched (not ready, signed without a key)
            print(f"smoke test: slates not looked for: {exc}")
            return 0
        except Exception as exc:  # noqa: BLE001 - whatever it is, the smoke test reports it
            print(f"smoke test failed: finding the slates: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        edges = report.edges
        last = "the end" if edges.programme_end is None else f"#{edges.programme_end - 1}"
        found = (f"in #{edges.programme_start or 0}, last frame kept {last}" if edges.found
                 else f"none ({edges.note})")
        print(f"smoke test: slates {found}, {report.requests} pictures compared")
        return 0
