"""What the window opens first: the source named on the command line, or the demo's recording (made on the demo's
first start, ~40 s), or for ``--smoke-test`` any playable source; and the smoke test's verdict on it."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from muxclipper.launch.smoke_test import SMOKE_TIMEOUT_S, SmokeWatch

if TYPE_CHECKING:
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.session import Session

DEMO_RECORDING = "muxclipper-demo:live-event"
SOURCE_FIRST_WAIT_S = 5.0
#: How long the demo's first start may take to make its videos and have its recording ready.
DEMO_MEDIA_TIMEOUT_S = 600.0


def freeze_startup_objects() -> None:
    """Modules, Qt wrappers and settings made at start-up live as long as the program: leave them out of
    Python's full garbage collections, which otherwise scan them all and stall the window ~50 ms each."""
    import gc

    gc.collect()
    gc.freeze()


class DemoMediaFailed(Exception):
    """The demo's recording could not be made; the message is the emulator's reason."""


async def wait_for_demo_recording(window: MainWindow, deadline: float) -> str | None:
    """The demo keynote's asset id once it is ready (its media is made on first start); :class:`DemoMediaFailed`
    when its media could not be made (it is made again at the next start)."""
    while time.monotonic() < deadline:
        page = await window.session.client.list_assets_page(limit=100)
        for asset in page.assets:
            if asset.passthrough == DEMO_RECORDING and asset.status.value == "ready":
                return asset.id
            if asset.passthrough == DEMO_RECORDING and asset.status.value == "errored":
                raise DemoMediaFailed("; ".join(asset.error_messages) or "the emulator could not make its media")
        await asyncio.sleep(1.0)
    return None


async def unless_closed(work: Coroutine[Any, Any, int | None], closed: asyncio.Event) -> int | None:
    """``work``'s answer, or None as soon as the window is closed (the demo's first start waits ~40 s for its
    recording: a window closed meanwhile must end the program, not wait with it)."""
    task = asyncio.ensure_future(work)
    closing = asyncio.ensure_future(closed.wait())
    try:
        await asyncio.wait([task, closing], return_when=asyncio.FIRST_COMPLETED)
    finally:
        closing.cancel()
        if not task.done():
            task.cancel()
            await asyncio.wait([task])
    return None if task.cancelled() else task.result()


async def open_first(args: argparse.Namespace, window: MainWindow, session: Session) -> int | None:
    """The first session: the source named on the command line, or the demo's recording; for ``--smoke-test``
    the verdict (an exit code), else None once the window is working."""
    watch = SmokeWatch(window) if args.smoke_test else None
    if args.source:
        # What was asked for gets the network (and the emulator's CPU) first: the lists of sources and
        # clips load once it is open, or has failed, or after SOURCE_FIRST_WAIT_S.
        opening = window.open_text(args.source)
        if opening is not None:
            await asyncio.wait([opening], timeout=SOURCE_FIRST_WAIT_S)
    window.start()
    freeze_startup_objects()
    if not (args.source or args.demo or args.smoke_test):
        window.open_last_source()  # where the producer left off, marks and segments included
    if args.source:
        if watch is not None:
            return await watch.verdict(time.monotonic() + SMOKE_TIMEOUT_S - 5)
    elif args.demo or args.smoke_test:
        # Making the demo's videos is progress, not a hang (about 40 s the first time on two quiet cores, minutes on a
        # busy one; a failure is said at once): the smoke test's own deadline counts from when the source is there.
        # It counted from the start, and a first start on a loaded machine failed "no playable source appeared in time".
        deadline = time.monotonic() + DEMO_MEDIA_TIMEOUT_S
        if args.demo:
            window.show_message("Preparing the demo sources (about 40 s the first time)…")
            try:
                asset_id = await wait_for_demo_recording(window, deadline)
            except DemoMediaFailed as exc:
                message = f"The demo's videos could not be made: {exc}. They are made again at the next start."
                window.show_message(message)
                if watch is not None:
                    print(f"smoke test failed: {message}", file=sys.stderr)
                    return 1
                return None
        else:
            page = await session.client.list_assets_page(limit=25)
            asset_id = next((a.id for a in page.assets if a.status.value == "ready"), None)
        if asset_id is None:
            if watch is not None:
                print("smoke test failed: no playable source appeared in time", file=sys.stderr)
                return 1
        else:
            window.open_asset_id(asset_id)
        if watch is not None:
            return await watch.verdict(time.monotonic() + SMOKE_TIMEOUT_S - 5)
    return None
