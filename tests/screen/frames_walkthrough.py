"""The real window stepping through a segment boundary of an ordinary upload (x264's defaults: B-frames, GOP 250,
29.97 fps): a typed ``#247``, then → across the boundary at frame 250 and ← back, G to the end and ← from it, each
step grabbed from the X screen and its stamp read off the picture as it is on screen.

``python -m tests.screen.frames_walkthrough OUT_DIR`` on an X display with a window manager (see
tests/screen/test_frames_real_window.py); prints one JSON report: per step, the playhead's frame and the frame on
screen.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from tests.screen.driver import Screen, stamp_on_screen
from tests.support.waiting import until

ITEM = "x264-defaults-29.97"


async def settled(screen: Screen, window: Any, step: str, item: Any, expect: int) -> dict[str, Any]:
    """Wait for the playhead to reach ``expect`` (the keys are X events: they come in a moment), then grab until the
    picture on screen holds still; its stamp beside the playhead's frame."""
    player = window.editor.player
    try:
        await until(lambda: player.current_frame == expect == player.target_frame, 10, f"{step}: frame {expect}")
    except AssertionError:
        pass  # reported below: the playhead is not where the step should have taken it
    reads: list[int | None] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        image = screen.grab(step)
        reads.append(stamp_on_screen(image, window.editor.video, item.size[0], item.size[1]))
        if len(reads) >= 2 and reads[-1] == reads[-2] == player.current_frame:
            break
        await asyncio.sleep(0.1)
    return {"step": step, "playhead": player.current_frame, "on_screen": reads[-1],
            "field": window.editor.position_field.text()}


async def scenario(out: Path, report: dict[str, Any]) -> None:
    import httpx
    from PySide6.QtCore import QSettings

    from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
    from muxclipper.mux.client import Credentials, Endpoints
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.environment import Environment
    from muxclipper.services.session import open_session
    from tests.emulator.helpers import RW
    from tests.emulator.media_helpers import wait_settled
    from tests.screen.driver import centre
    from tests.support import corpus

    item = next(i for i in corpus.ITEMS if i.name == ITEM)
    screen = Screen(out)
    from tests.support.media_cache import cache_root

    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=True, processing_seconds=1.0,
                            data_dir=Path(tempfile.mkdtemp()), file_folders=(cache_root(),))  # corpus: file://
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=RW, timeout=60) as api:
        made = api.post("/video/v1/assets", json={"inputs": [{"url": corpus.media(item).as_uri()}],
                                                  "playback_policies": ["public"]}).json()["data"]
        asset_id = wait_settled(api, made["id"])["id"]
        environment = Environment("Staging", Endpoints.for_origin(server.url), Credentials(*RW))
        settings = QSettings(str(out / "window.ini"), QSettings.Format.IniFormat)
        async with open_session(environment, out / "jobs.sqlite3") as session:
            window = MainWindow(session, settings=settings)
            window.show()
            await until(lambda: window.isVisible() and window.windowHandle() is not None
                        and window.windowHandle().isExposed(), 10, "the window on screen")
            window.start()
            window.open_asset_id(asset_id)
            await until(lambda: window.asset is not None and window.asset.id == asset_id, 20, "the source opened")
            player = window.editor.player
            await until(lambda: player.frame_on_screen == 0 and player.duration_ms > 0, 20, "the first frame")
            steps = report["steps"]
            # Type a frame number in the playhead's field, as a producer does.
            screen.click(*centre(window.editor.position_field))
            screen.key("ctrl+a")
            screen.type("#247")
            screen.key("Return")
            steps.append(await settled(screen, window, "typed-247", item, 247))
            window.editor.focus_timeline()
            for frame in range(248, 254):  # → across the boundary at 250
                screen.key("Right")
                steps.append(await settled(screen, window, f"right-{frame}", item, frame))
            for frame in range(252, 246, -1):  # ← back across it
                screen.key("Left")
                steps.append(await settled(screen, window, f"left-{frame}", item, frame))
            screen.key("Right", "Right", "i")  # in at 249, the last frame before the boundary
            steps.append(await settled(screen, window, "in-at-249", item, 249))
            screen.key("shift+Right")  # a second on, then back to the in point by the edit-point jump
            steps.append(await settled(screen, window, "a-second-on", item, 279))
            screen.key("Up")
            steps.append(await settled(screen, window, "previous-edit-point", item, 249))
            screen.key("shift+o")  # go to out: with none marked, the source's last frame
            steps.append(await settled(screen, window, "end", item, 786))
            screen.key("Left")
            steps.append(await settled(screen, window, "end-left", item, 785))
            await window.aclose()
            window.close()


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    import qasync
    from PySide6.QtWidgets import QApplication

    from muxclipper.qt.qt_messages import route_to_log

    route_to_log()
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    report: dict[str, Any] = {"errors": [], "steps": []}
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(asyncio.wait_for(scenario(out, report), 240))
    except Exception:  # noqa: BLE001 - reported: the test says which step failed and why
        report["errors"].append(traceback.format_exc())
    finally:
        loop.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
