"""The instant-clip URL beside the clip options belongs to the open source: a source with no public playback id
(signed only) leaves the field empty and Copy (Alt+I) off, never the previous source's URL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from muxclipper.core.marking import MarkedRange
from muxclipper.core.models import Asset
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run
from tests.support.waiting import until


def test_a_signed_only_source_shows_no_instant_url_and_alt_i_copies_nothing(qapp: QApplication, emu: Emu,
                                                                          tmp_path: Path) -> None:
    [public_id] = emu.seed({"duration": 60.0, "frame_rate": 25.0})
    signed = emu.api.post("/video/v1/assets", json={"inputs": [{"url": f"mux://assets/{public_id}"}],
                                                    "playback_policies": ["signed"]}).json()["data"]["id"]
    emu.ctl("POST", f"assets/{signed}/finish")

    async def scenario() -> None:
        environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.show()
            options = window.clip_options
            copy = next(b for b in options.findChildren(type(options.create_button))
                        if b.accessibleName() == "Copy the instant clip URL")
            window.activateWindow()
            await until(lambda: window.isActiveWindow() and copy.isVisible(), 5, "the window active")

            def mark(asset: Asset) -> None:
                window.asset = asset  # as opening it (or following it as it changes) does
                options.show_source(asset)
                window.creator.check(MarkedRange(None, None, asset.duration_ms or 60_000,
                                                 window.editor.player.rate).with_in(2_000).with_out(8_000))

            public: Asset = await session.client.get_asset(public_id)
            mark(public)
            pid = public.playback_ids[0].id
            url = f"{emu.url}/stream/{pid}.m3u8?asset_start_time=2.0&asset_end_time=8.0"
            assert options.instant_field.text() == url and copy.isEnabled()
            QTest.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
            await until(lambda: QGuiApplication.clipboard().text() == url, 5, "Alt+I copied the URL")

            only_signed: Asset = await session.client.get_asset(signed)
            assert only_signed.playback_id("public") is None
            QGuiApplication.clipboard().setText("something the user copied")
            mark(only_signed)
            assert options.instant_field.text() == ""  # not the other source's URL
            assert "public playback id" in options.instant_field.placeholderText()
            assert not copy.isEnabled()
            QTest.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
            await asyncio.sleep(0.5)  # a button's shortcut clicks after 100 ms (animateClick): nothing may come
            assert QGuiApplication.clipboard().text() == "something the user copied"
            window.close()
            await window.aclose()

    run(qapp, scenario)
