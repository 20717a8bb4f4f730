"""``--smoke-test``'s stages each have their own time: a frame that comes late (a first start that made the demo's
videos on a busy machine) still leaves the slate search its own time. Beside stress-ng the ``.tar.gz``'s first start
showed its frame near the end of one shared deadline and failed "finding the slates: TimeoutError" (docs/
PERFORMANCE.md, session 9). The window is a stand-in: what is tested is the watch's timing, not Qt's."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from muxclipper.launch.smoke_test import SmokeWatch


class _Signal:
    def __init__(self) -> None:
        self.slots: list[Callable[[Any], None]] = []

    def connect(self, slot: Callable[[Any], None]) -> None:
        self.slots.append(slot)

    def emit(self, value: Any) -> None:
        for slot in self.slots:
            slot(value)


class _SlowFinder:
    """Finds the slates in ``seconds``, as the image host of a busy machine answers a dozen pictures."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def find(self, asset: object) -> SimpleNamespace:
        await asyncio.sleep(self.seconds)
        edges = SimpleNamespace(found=True, programme_start=600, programme_end=5551, note="")
        return SimpleNamespace(edges=edges, requests=12)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_frame_shown_at_the_deadline_leaves_the_slate_search_its_own_time(
        capsys: pytest.CaptureFixture[str]) -> None:
    finder = _SlowFinder(6.0)  # longer than the 5 s the search was left at the least
    window = SimpleNamespace(frame_on_screen=_Signal(), editor=SimpleNamespace(player=SimpleNamespace(failed=_Signal())),
                             bridge=SimpleNamespace(failed=_Signal()),
                             asset=SimpleNamespace(id="keynote", audio_only=False),
                             session=SimpleNamespace(slate_finder=lambda: finder))
    watch = SmokeWatch(window)  # type: ignore[arg-type]
    deadline = time.monotonic() + 1.0
    asyncio.get_running_loop().call_later(0.9, window.frame_on_screen.emit, 0)  # the frame, just in time

    assert await watch.verdict(deadline) == 0
    out = capsys.readouterr()
    assert "smoke test passed: frame 0 of keynote shown" in out.out
    assert "smoke test: slates in #600, last frame kept #5550, 12 pictures compared" in out.out
    assert "failed" not in out.err
