"""The live trim on a real window, with real keys, while the recording grows: S proposes the in after the opening
slate (Out open), the recording grows by 10 s on the emulator's clock (stopped otherwise, so the machine's speed
changes nothing) with the proposal staying put, Enter accepts the in, the closing slate appears at the live edge and
is proposed as the out, the Accept button accepts it: both marks. A screenshot per step.

``python -m tests.screen.live_slates_walkthrough --size 1280x720 [--out DIR]`` (its own virtual X screen with a
window manager); prints a JSON report. The recording broadcasts the corpus's live event (tests/support/slate_corpus.py:
4 s card, 8 s programme, 10 s countdown at 25 fps).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.screen import walk_runner
from tests.screen.driver import Screen, centre
from tests.support.waiting import until


async def walk(screen: Screen, report: dict[str, Any]) -> None:
    import httpx
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
    from muxclipper.mux.client import Credentials, Endpoints
    from muxclipper.qt.identity import apply_identity
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.environment import Environment
    from muxclipper.services.session import open_session
    from tests.emulator.helpers import RW
    from tests.emulator.media_helpers import wait_settled
    from tests.support.media_cache import cache_root
    from tests.support.slate_corpus import LIVE_EVENT, item_path

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_identity(app)
    scratch = Path(tempfile.mkdtemp(prefix="muxclipper-live-slates-"))
    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=True, generated_dir=scratch / "generated",
                            file_folders=(cache_root(),))  # the corpus item is ingested as a file:// input
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=RW, timeout=60) as api:
        made = api.post("/video/v1/assets", json={"inputs": [{"url": item_path(LIVE_EVENT).as_uri()}],
                                                  "playback_policies": ["public"]})
        source = wait_settled(api, made.json()["data"]["id"], timeout=300)["id"]
        stream = api.post("/video/v1/live-streams", json={
            "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
            "meta": {"title": "Friday keynote"}}).json()["data"]
        # The recording grows only when this walk moves the emulator's clock.
        api.post("/_emulator/clock/freeze", json={"frozen": True})
        recording = api.post(f"/_emulator/live-streams/{stream['id']}/start",
                             json={"source_asset_id": source}).json()["data"]["id"]

        def grow(seconds: float) -> None:
            api.post("/_emulator/clock/advance", json={"seconds": seconds})

        grow(6.5)  # 6 s recorded: the card (4 s) and 2 s of programme
        environment = Environment("Studio", Endpoints.for_origin(server.url), Credentials(*RW))
        settings = QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat)
        async with open_session(environment, scratch / "jobs.sqlite3") as session:
            window = MainWindow(session, "#2e7d32", settings=settings)
            window.show()
            await until(lambda: window.windowHandle() is not None and window.windowHandle().isExposed(), 10,
                        "the window")
            window.start()
            window.open_asset_id(recording)
            editor, timeline = window.editor, window.editor.timeline
            await until(lambda: window.asset is not None and window.asset.id == recording, 20, "the recording open")
            await until(lambda: timeline.marked.duration_ms >= 6000, 20, "the recording's 6 s on the timeline")
            slates = window.panels.slates
            assert slates is not None
            accept = slates.actions["accept_proposals"]
            editor.focus_timeline()
            screen.key("s")
            await until(lambda: timeline.proposals != (None, None), 30, "the opening proposal")
            report["proposed"] = list(timeline.proposals)
            report["proposed_status"] = window.status.text()
            screen.grab("proposed")

            def recorded_ms() -> int:
                return window.asset.duration_ms or 0 if window.asset is not None else 0

            # The recording grows 4 s (the programme at the live edge): the proposal stays, acceptable by the menu.
            grow(2)
            await until(lambda: recorded_ms() >= 8000, 20, "the recording at 8 s")
            grow(2)
            await until(lambda: recorded_ms() >= 10_000, 20, "the recording at 10 s")
            await until(lambda: timeline.marked.duration_ms >= 10_000, 10, "the timeline at 10 s")
            report["after_growing"] = {"proposals": list(timeline.proposals), "accept_enabled": accept.isEnabled(),
                                       "status": window.status.text()}
            screen.grab("grown")
            screen.key("Return")
            await until(lambda: timeline.marked.in_ms is not None, 15, "the in accepted")
            report["accepted_in"] = {"in_ms": timeline.marked.in_ms, "out_ms": timeline.marked.out_ms,
                                     "status": window.status.text(), "in_field": editor.in_field.text(),
                                     "out_field": editor.out_field.text(), "accept_enabled": accept.isEnabled()}
            screen.grab("in-accepted")
            # 6 s more (10 s of growth since the proposal): the countdown has been on for 4 s at the live edge.
            grow(2)
            await until(lambda: recorded_ms() >= 12_000, 20, "the recording at 12 s")
            grow(2)
            await until(lambda: recorded_ms() >= 14_000, 20, "the recording at 14 s")
            grow(2)
            await until(lambda: recorded_ms() >= 16_000, 20, "the recording at 16 s")
            await until(lambda: timeline.proposals[1] is not None, 40, "the closing slate proposed")
            report["closing_proposed"] = {"proposals": list(timeline.proposals), "status": window.status.text(),
                                          "accept_enabled": accept.isEnabled(),
                                          "live": window.asset is not None and window.asset.is_live}
            screen.grab("closing-proposed")
            # This one by the Accept button, with the mouse.
            assert slates.accept_button.isVisible()
            screen.click(*centre(slates.accept_button))
            await until(lambda: timeline.marked.out_ms is not None, 15, "the out accepted")
            report["accepted"] = {"in_ms": timeline.marked.in_ms, "out_ms": timeline.marked.out_ms,
                                  "status": window.status.text(), "in_field": editor.in_field.text(),
                                  "out_field": editor.out_field.text()}
            await asyncio.sleep(0.3)  # one more paint of the marks before the last screenshot
            screen.grab("both-marks")
            await window.aclose()
            window.close()
        api.post("/_emulator/clock/freeze", json={"frozen": False})


def main() -> int:
    return walk_runner.main("tests.screen.live_slates_walkthrough", __doc__.splitlines()[0], "live-slates", walk)


if __name__ == "__main__":
    sys.exit(main())
