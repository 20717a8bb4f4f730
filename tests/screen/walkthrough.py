"""The producer's workflow in the demo, on a real window, with real key and mouse input, a screenshot per step.

``bash scripts/walkthrough.sh`` runs it at 1280x720 and 1920x1080 (each on its own virtual X screen with a window
manager) and writes the screenshots to ``docs/walkthrough/<size>/``: start, the keynote opened from the list, the
first frame after the opening slate found by a typed time and a frame step, in and out marked by keys, the clip
created with Ctrl+Enter and ready, the live re-run's recording in progress, the keyboard shortcuts and About.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.screen.driver import Screen, centre, device_rect
from tests.support.waiting import until

ROOT = Path(__file__).resolve().parents[2]


async def walk(screen: Screen) -> None:
    from PySide6.QtWidgets import QApplication

    from muxclipper.app import demo_data_dir
    from muxclipper.core.jobs import JobState
    from muxclipper.emulator import EmulatorConfig, EmulatorServer
    from muxclipper.launch.first_source import DEMO_RECORDING
    from muxclipper.qt.identity import apply_identity
    from muxclipper.qt.sources.sources_model import SourceRole
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.environments import demo_environment
    from muxclipper.services.session import open_session

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_identity(app)
    import tempfile

    config = EmulatorConfig(rate_limits=None, demo_content=True, data_dir=demo_data_dir())
    scratch = Path(tempfile.mkdtemp(prefix="muxclipper-walkthrough-"))  # the clips list and layout: not pictures
    jobs = scratch / "jobs.sqlite3"
    with EmulatorServer(config) as server:
        async with open_session(demo_environment(server.url), jobs) as session:
            from PySide6.QtCore import QSettings

            settings = QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat)
            window = MainWindow(session, "#6a1b9a", settings=settings)
            window.show()
            await until(lambda: window.windowHandle() is not None and window.windowHandle().isExposed(), 10,
                        "the window")
            window.start()
            window.show_message("Preparing the demo sources (about 40 s the first time)…")
            screen.grab("start")
            listed = window.sources.filter

            def keynote_row() -> int | None:
                for row in range(listed.rowCount()):
                    asset = listed.index(row, 0).data(SourceRole.ASSET)
                    if asset.passthrough == DEMO_RECORDING and asset.status.value == "ready":
                        return row
                return None

            deadline = time.monotonic() + 300
            while keynote_row() is None:
                assert time.monotonic() < deadline, "the demo recording did not become ready"
                window.sources.load()
                await asyncio.sleep(2)
            row = keynote_row()
            assert row is not None
            view = window.sources.list_view
            rect = view.visualRect(listed.index(row, 0))
            x, y, _, _ = device_rect(view.viewport())
            ratio = view.devicePixelRatioF()
            screen.click(x + round(rect.center().x() * ratio), y + round(rect.center().y() * ratio), double=True)
            player = window.editor.player
            await until(lambda: window.asset is not None and player.frame_on_screen == 0, 20, "the keynote")
            await asyncio.sleep(1)  # the storyboard and the frames around the cut arrive from the image host
            screen.grab("keynote-opened")
            # The opening slate lasts 20 s: type its last frame's time, step one frame into the programme.
            screen.key("g")
            screen.type("00:00:19.967")
            screen.key("Return", "Right")
            await until(lambda: player.current_frame == 600, 10, "the first programme frame")
            screen.key("i")
            await asyncio.sleep(1)
            screen.grab("in-at-the-first-frame-after-the-slate")
            screen.key("g")
            screen.type("00:03:04.967")
            screen.key("Return")
            await until(lambda: player.current_frame == 5549, 10, "the last programme frame")
            screen.key("o")
            await asyncio.sleep(1.5)
            screen.grab("out-at-the-last-frame-before-the-postroll")
            screen.click(*centre(window.clip_options.title_field))
            screen.type("Friday keynote: replay")
            screen.key("Escape", "ctrl+Return")
            await until(lambda: window.clips.jobs_model.rowCount() >= 1, 10, "the clip queued")
            screen.grab("clip-queued")
            await until(lambda: window.clips.jobs_model.job_at(0).state is JobState.READY, 120, "the clip ready")
            screen.grab("clip-ready")
            # The live re-run: its recording in progress, from the Live streams tab.
            tabs = window.sources.tabs
            tab_rect = tabs.tabBar().tabRect(1)
            tx, ty, _, _ = device_rect(tabs.tabBar())
            screen.click(tx + round(tab_rect.center().x() * ratio), ty + round(tab_rect.center().y() * ratio))
            tree = window.sources.streams_tree
            await until(lambda: _recording_now(tree) is not None, 60, "the re-run's recording")
            item = _recording_now(tree)
            assert item is not None
            item_rect = tree.visualItemRect(item)
            vx, vy, _, _ = device_rect(tree.viewport())
            screen.click(vx + round(item_rect.center().x() * ratio), vy + round(item_rect.center().y() * ratio),
                         double=True)
            await until(lambda: window.asset is not None and window.asset.is_live, 20, "the recording in progress")
            await asyncio.sleep(2)
            screen.grab("live-recording-in-progress")
            screen.key("question")
            await asyncio.sleep(0.5)
            screen.grab("keyboard-shortcuts")
            screen.key("Escape")
            window.show_about()
            await asyncio.sleep(0.5)
            screen.grab("about")
            await window.aclose()
            window.close()


def _recording_now(tree: Any) -> Any:
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            if top.child(j).text(0).startswith("● Recording now"):
                return top.child(j)
    return None


def child(out: Path) -> int:
    import qasync
    from PySide6.QtWidgets import QApplication

    from muxclipper.qt.qt_messages import route_to_log

    os.environ["QT_QPA_PLATFORM"] = "xcb"
    route_to_log()
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    screen = Screen(out)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(asyncio.wait_for(walk(screen), 600))
    print("\n".join(str(out / name) for name in screen.steps))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1280x720", help="the virtual screen, WIDTHxHEIGHT")
    parser.add_argument("--out", type=Path, help="where the screenshots go (default: docs/walkthrough/SIZE)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    out = args.out or ROOT / "docs" / "walkthrough" / args.size
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    if args.child:
        return child(out)
    from tests.screen.xserver import x_screen

    width, height = (int(n) for n in args.size.split("x"))
    with x_screen(width, height) as display:
        env = {**os.environ, "DISPLAY": display}
        return subprocess.run([sys.executable, "-m", "tests.screen.walkthrough", "--child", "--size", args.size,
                               "--out", str(out)], cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
