"""How a real-window walkthrough runs: a parent that starts a virtual X screen and runs the walk's own module in a
child process on it (``--child``), and the child's Qt application and event loop that run the walk and print its
report as one JSON line (the tests read the last such line)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from tests.screen.driver import Screen

ROOT = Path(__file__).resolve().parents[2]

Walk = Callable[[Screen, dict[str, Any]], Awaitable[None]]


@contextlib.contextmanager
def studio_emulator(processing_seconds: float) -> Iterator[tuple[Any, Any]]:
    """In the child: the app named as the installed one, and an emulator with media (its generated sources in the
    suite's cache, ``MUXCLIPPER_SCREEN_CACHE``) with an HTTP client on it: ``(server, api)``."""
    import httpx
    from PySide6.QtWidgets import QApplication

    from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
    from muxclipper.qt.identity import apply_identity
    from tests.emulator.helpers import RW

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_identity(app)
    cache = Path(os.environ.get("MUXCLIPPER_SCREEN_CACHE", Path(tempfile.gettempdir()) / "muxclipper-screen-cache"))
    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=True, generated_dir=cache,
                            processing_seconds=processing_seconds)
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=RW, timeout=60) as api:
        yield server, api


@contextlib.asynccontextmanager
async def studio_window(server: Any, scratch: Path) -> AsyncIterator[tuple[Any, Any]]:
    """A session of the "Studio" environment on ``server`` (its history and window settings in ``scratch``) and
    its main window, not shown yet: ``(session, window)``."""
    from PySide6.QtCore import QSettings

    from muxclipper.mux.client import Credentials, Endpoints
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.environment import Environment
    from muxclipper.services.session import open_session
    from tests.emulator.helpers import RW

    environment = Environment("Studio", Endpoints.for_origin(server.url), Credentials(*RW))
    settings = QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat)
    async with open_session(environment, scratch / "jobs.sqlite3") as session:
        yield session, MainWindow(session, "#2e7d32", settings=settings)


def run_child(out: Path, walk: Walk) -> int:
    """In the child, on the screen the parent made: the walk on the real window (xcb), its report on stdout."""
    import qasync
    from PySide6.QtWidgets import QApplication

    from muxclipper.qt.qt_messages import route_to_log

    os.environ["QT_QPA_PLATFORM"] = "xcb"
    route_to_log()
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    screen = Screen(out)
    report: dict[str, Any] = {}
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(asyncio.wait_for(walk(screen, report), 600))
    report["screenshots"] = [str(out / name) for name in screen.steps]
    print(json.dumps(report))
    return 0


def main(module: str, description: str, name: str, walk: Walk) -> int:
    """The walkthrough's command line: ``--size``, ``--out`` (default docs/walkthrough/NAME-SIZE); the parent clears
    the old screenshots and runs ``module`` as the child on a new virtual screen of that size."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", default="1280x720", help="the virtual screen, WIDTHxHEIGHT")
    parser.add_argument("--out", type=Path, help=f"where the screenshots go (default: docs/walkthrough/{name}-SIZE)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    out = args.out or ROOT / "docs" / "walkthrough" / f"{name}-{args.size}"
    out.mkdir(parents=True, exist_ok=True)
    if args.child:
        return run_child(out, walk)
    for old in out.glob("*.png"):
        old.unlink()
    from tests.screen.xserver import x_screen

    width, height = (int(n) for n in args.size.split("x"))
    with x_screen(width, height) as display:
        env = {**os.environ, "DISPLAY": display}
        return subprocess.run([sys.executable, "-m", module, "--child", "--size", args.size, "--out", str(out)],
                              cwd=ROOT, env=env, check=False).returncode
