"""Finding the slate on a real window, with real key and mouse input, a screenshot per step.

``python -m tests.screen.slates_walkthrough --size 1920x1080`` (each size on its own virtual X screen with a window
manager) opens the demo's keynote recording from the list, presses S (the proposals on the timeline), Enter in the
sources list (the list's: the keynote opened afresh, nothing accepted), S again, Enter (accepted as in and out), Ctrl+Z (taken back), then E from inside the opening slate, and writes the screenshots to
``docs/walkthrough/slates-SIZE/``; ``--readme`` also copies the proposals to ``docs/slate-proposals.png``.
The keynote's media is made on the first run and cached (``MUXCLIPPER_SCREEN_CACHE``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.screen.driver import Screen, device_rect
from tests.support.waiting import until

ROOT = Path(__file__).resolve().parents[2]
KEYNOTE = "emulator://generated/live-event"  # the demo's: 20 s STARTING SOON, 165 s programme, 15 s THANKS


async def walk(screen: Screen, report: dict[str, object], source: str = KEYNOTE) -> None:
    import httpx
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
    from muxclipper.mux.client import Credentials, Endpoints
    from muxclipper.qt.identity import apply_identity
    from muxclipper.qt.sources.sources_model import SourceRole
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.environment import Environment
    from muxclipper.services.session import open_session
    from tests.emulator.helpers import RW
    from tests.emulator.media_helpers import wait_settled

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_identity(app)
    cache = Path(os.environ.get("MUXCLIPPER_SCREEN_CACHE", Path(tempfile.gettempdir()) / "muxclipper-screen-cache"))
    scratch = Path(tempfile.mkdtemp(prefix="muxclipper-slates-"))
    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=True, generated_dir=cache)
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=RW, timeout=60) as api:
        made = api.post("/video/v1/assets", json={"inputs": [{"url": source}], "playback_policies": ["public"],
                                                  "meta": {"title": "Friday keynote (recording)"}})
        keynote = wait_settled(api, made.json()["data"]["id"], timeout=300)["id"]
        environment = Environment("Studio", Endpoints.for_origin(server.url), Credentials(*RW))
        settings = QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat)
        async with open_session(environment, scratch / "jobs.sqlite3") as session:
            window = MainWindow(session, "#2e7d32", settings=settings)
            window.show()
            await until(lambda: window.windowHandle() is not None and window.windowHandle().isExposed(), 10,
                        "the window")
            window.start()
            await until(lambda: window.sources.model.find(keynote) is not None, 20, "the keynote listed")
            listed, view = window.sources.filter, window.sources.list_view
            row = next(r for r in range(listed.rowCount()) if listed.index(r, 0).data(SourceRole.ASSET).id == keynote)
            rect = view.visualRect(listed.index(row, 0))
            x, y, _, _ = device_rect(view.viewport())
            ratio = view.devicePixelRatioF()
            screen.click(x + round(rect.center().x() * ratio), y + round(rect.center().y() * ratio), double=True)
            player, timeline = window.editor.player, window.editor.timeline
            await until(lambda: window.asset is not None and player.frame_on_screen == 0, 20, "the keynote open")
            await until(lambda: timeline.has_storyboard, 20, "the storyboard")  # from the image host
            screen.key("s")
            await until(lambda: timeline.proposals != (None, None), 30, "the proposals")
            await asyncio.sleep(0.5)
            report["proposals"] = list(timeline.proposals)
            report["status"] = window.status.text()
            # Seen: with the proposals waiting, the Accept button widened the in/out row and pushed the window past
            # a 1280-pixel screen's right edge (Save, Copy and Create all cut off).
            available = QApplication.primaryScreen().availableGeometry()
            report["window_width_while_proposed"] = [window.frameGeometry().width(), available.width()]
            image = screen.grab("proposals")
            frame, ratio = window.frameGeometry(), window.devicePixelRatioF()
            image.copy(round(frame.x() * ratio), round(frame.y() * ratio), round(frame.width() * ratio),
                       round(frame.height() * ratio)).save(str(screen.out / "proposals-window.png"))
            # While the proposals wait, Enter in the sources list is the list's: it opens the source picked there
            # (the keynote again: a fresh start, its proposals gone, nothing accepted), then S proposes once more.
            rect = view.visualRect(listed.index(row, 0))
            x, y, _, _ = device_rect(view.viewport())
            ratio = view.devicePixelRatioF()
            screen.click(x + round(rect.center().x() * ratio), y + round(rect.center().y() * ratio))
            await until(lambda: view.hasFocus(), 15, "the sources list focused")
            window.show_message("")
            screen.key("Return")
            await until(lambda: window.status.text().startswith("Opened "), 10, "the keynote opened by Enter")
            report["list_enter"] = {"status": window.status.text(), "proposals": list(timeline.proposals),
                                    "in_ms": timeline.marked.in_ms}
            screen.grab("list-enter")
            window.editor.focus_timeline()
            screen.key("s")
            await until(lambda: timeline.proposals != (None, None), 30, "the proposals again")
            screen.key("Return")
            await until(lambda: timeline.marked.in_ms is not None, 15, "accepted")
            marked = timeline.marked
            report["accepted"] = [marked.first_frame, marked.last_frame]
            stills = window.editor.stills
            await until(lambda: all(not stills[n].pixmap().isNull() for n in stills), 15, "the frames around the cut")
            screen.grab("accepted")
            screen.key("ctrl+z")
            await until(lambda: timeline.marked.in_ms is None, 15, "undone")
            report["undone"] = timeline.marked.in_ms is None
            player.seek_frame(300)
            await until(lambda: player.current_frame == 300, 10, "inside the opening slate")
            window.editor.focus_timeline()
            screen.key("e")
            await until(lambda: "The picture ends" in window.status.text(), 20, "the picture's end")
            await until(lambda: player.current_frame == 600, 10, "the first frame after the picture")
            report["picture_end"] = player.current_frame
            await asyncio.sleep(0.5)
            screen.grab("picture-end")
            await window.aclose()
            window.close()


def child(out: Path, source: str) -> int:
    import json

    import qasync
    from PySide6.QtWidgets import QApplication

    from muxclipper.qt.qt_messages import route_to_log

    os.environ["QT_QPA_PLATFORM"] = "xcb"
    route_to_log()
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    screen = Screen(out)
    report: dict[str, object] = {}
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(asyncio.wait_for(walk(screen, report, source), 600))
    report["screenshots"] = [str(out / name) for name in screen.steps]
    print(json.dumps(report))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1920x1080", help="the virtual screen, WIDTHxHEIGHT")
    parser.add_argument("--out", type=Path, help="where the screenshots go (default: docs/walkthrough/slates-SIZE)")
    parser.add_argument("--readme", action="store_true", help="also copy the proposals to docs/slate-proposals.png")
    parser.add_argument("--keynote", default=KEYNOTE, help="the recording to open (default: the demo's keynote)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    out = args.out or ROOT / "docs" / "walkthrough" / f"slates-{args.size}"
    out.mkdir(parents=True, exist_ok=True)
    if args.child:
        return child(out, args.keynote)
    for old in out.glob("*.png"):
        old.unlink()
    from tests.screen.xserver import x_screen

    width, height = (int(n) for n in args.size.split("x"))
    with x_screen(width, height) as display:
        env = {**os.environ, "DISPLAY": display}
        code = subprocess.run([sys.executable, "-m", "tests.screen.slates_walkthrough", "--child", "--size",
                               args.size, "--out", str(out), "--keynote", args.keynote], cwd=ROOT, env=env, check=False).returncode
    if code == 0 and args.readme:
        shutil.copy(out / "proposals-window.png", ROOT / "docs" / "slate-proposals.png")
    return code


if __name__ == "__main__":
    sys.exit(main())
