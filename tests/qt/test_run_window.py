"""The window's run (app.run_window): closing the window ends it promptly, whatever start-up is waiting for."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from muxclipper.app import DEMO_KEY, Startup, build_parser, run_window
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.services.environment import Environment
from tests.emulator.helpers import RW, Emu
from tests.qt.test_environment_switching import _window
from tests.qt.test_main_window import run, until


def test_closing_the_window_while_the_demo_prepares_ends_the_run(qapp: QApplication, emu: Emu, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo's first start waits for its recording (~40 s); here it never comes.
    monkeypatch.setenv("MUXCLIPPER_DEMO_DIR", str(tmp_path / "demo"))
    (tmp_path / "demo").mkdir()
    startup = Startup(Environment("Demo", Endpoints.for_origin(emu.url), Credentials(*RW)), key=DEMO_KEY)

    async def scenario() -> None:
        window = _window(tmp_path, startup)
        running = asyncio.ensure_future(run_window(build_parser().parse_args(["--demo"]), qapp, window, startup))
        await until(lambda: window.status.text().startswith("Preparing the demo sources"), 10, "the demo to wait")
        window.close()
        assert await asyncio.wait_for(running, 5) == 0

    run(qapp, scenario)
