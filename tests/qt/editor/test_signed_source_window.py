"""A recording with only a signed playback id, in the window of an environment with a signing key: it opens, plays
(its frames are shown, through signed URLs) and S proposes the in and out at its slates, as for a public one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from muxclipper.emulator import EmulatorServer
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.mux.urls import SigningKey
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW
from tests.qt.window.test_main_window import run
from tests.services.test_signed_environment import signed_source, signing_key  # noqa: F401 - fixtures
from tests.support.waiting import until


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_signed_only_recording_opens_plays_and_s_finds_its_slates(
        qapp: QApplication, media_server: EmulatorServer, media_api: httpx.Client, signed_source: str,  # noqa: F811
        signing_key: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    environment = Environment("Events", Endpoints.for_origin(media_server.url), Credentials(*RW),
                              signing_key=SigningKey(signing_key["id"], signing_key["private_key"]))

    async def scenario() -> None:
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.resize(1280, 720)
            window.show()
            window.start()
            shown: list[int] = []
            window.editor.player.frame_shown.connect(lambda index, _ms: shown.append(index))
            window.open_asset_id(signed_source)
            await until(lambda: window.asset is not None and window.asset.id == signed_source, 10, "the source open")
            await until(lambda: shown, 20, "a frame of the signed stream on screen")
            QTest.keyClick(window.editor.timeline, Qt.Key.Key_S)
            await until(lambda: window.editor.timeline.proposals != (None, None), 20, "the proposals")
            assert window.editor.timeline.proposals == (1520, 4800)  # frames 38 and 120 at 25 fps
            await window.aclose()
            window.close()

    run(qapp, scenario)
