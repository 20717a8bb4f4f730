"""The window's run (app.py): closing the window ends it promptly, whatever start-up is waiting for; an
unforeseen error is logged and said, and the window carries on."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from muxclipper.app import build_parser, report_unexpected, run_window
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.services.environment import Environment
from muxclipper.services.environment_choice import DEMO_KEY, EnvironmentChoice
from tests.emulator.helpers import RW, Emu
from tests.qt.environments.test_environment_switching import _window
from tests.qt.window.test_main_window import run, until


def test_closing_the_window_while_the_demo_prepares_ends_the_run(qapp: QApplication, emu: Emu, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo's first start waits for its recording (~40 s); here it never comes.
    monkeypatch.setenv("MUXCLIPPER_DEMO_DIR", str(tmp_path / "demo"))
    (tmp_path / "demo").mkdir()
    startup = EnvironmentChoice(Environment("Demo", Endpoints.for_origin(emu.url), Credentials(*RW)), key=DEMO_KEY)

    async def scenario() -> None:
        window = _window(tmp_path, startup)
        running = asyncio.ensure_future(run_window(build_parser().parse_args(["--demo"]), qapp, window, startup))
        await until(lambda: window.status.text().startswith("Preparing the demo sources"), 10, "the demo to wait")
        window.close()
        assert await asyncio.wait_for(running, 5) == 0

    run(qapp, scenario)


def test_an_unforeseen_error_is_logged_and_said_and_the_window_carries_on(
        qapp: QApplication, emu: Emu, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    startup = EnvironmentChoice(Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW)))
    log_path = tmp_path / "muxclipper.log"

    async def scenario() -> None:
        window = _window(tmp_path, startup)
        previous = sys.excepthook
        loop = asyncio.get_running_loop()
        report_unexpected(window, log_path, loop)
        try:
            # A bug in a slot (PySide reports it through sys.excepthook) ...
            try:
                raise RuntimeError("a bug in a slot")
            except RuntimeError as error:
                sys.excepthook(RuntimeError, error, error.__traceback__)
            assert "RuntimeError" in window.status.text() and str(log_path) in window.status.text()
            window.show_message("")
            # ... and in a callback on the event loop.
            loop.call_soon(lambda: 1 / 0)
            await until(lambda: "ZeroDivisionError" in window.status.text(), 5, "the loop's error said")
        finally:
            sys.excepthook = previous
            loop.set_exception_handler(None)
        assert window.isVisible()
        await window.aclose()
        window.close()

    run(qapp, scenario)
    logged = [r for r in caplog.records if r.exc_info]
    assert [r.exc_info[0] for r in logged if r.exc_info] == [RuntimeError, ZeroDivisionError]
