""""Add a watermark" ticked with no address refuses Create and says what to do, rather than quietly sending a clip
without the watermark; typing the address (or unticking) gives Create back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from muxclipper.core.marking import MarkedRange
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.clip_options.clip_extras_fields import EMPTY_ADDRESS
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run
from tests.support.waiting import until


def test_a_ticked_watermark_without_an_address_refuses_create_and_says_what_to_do(qapp: QApplication, emu: Emu,
                                                                                tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "frame_rate": 25.0})
    emu.ctl("PUT", "config", {"processing_seconds": 600.0})

    async def scenario() -> None:
        environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.show()
            options, extras = window.clip_options, window.clip_options.extras
            asset = await session.client.get_asset(source)
            window.asset = asset
            options.show_source(asset)
            marked = MarkedRange(None, None, 60_000, window.editor.player.rate).with_in(2_000).with_out(8_000)
            window.editor.timeline.set_range(marked)
            window.creator.check(marked)
            assert options.create_button.isEnabled() and options.range_problem.text() == ""
            posts_before = len(emu.requests("POST", "/video/v1/assets"))

            QTest.mouseClick(extras.watermark_box, Qt.MouseButton.LeftButton)  # tick "Add a watermark", the address empty
            assert extras.watermark_box.isChecked()
            assert extras.watermark_problem.text() == EMPTY_ADDRESS  # in the Watermark tab
            assert options.range_problem.text() == EMPTY_ADDRESS  # and beside Create, which is off
            assert not options.create_button.isEnabled()
            assert extras.watermark_summary.text() == "to fix (Watermark tab)"
            window.editor.focus_timeline()
            QTest.keyClick(window.editor.timeline, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            assert window.status.text() == EMPTY_ADDRESS
            assert window.clips.jobs_model.rowCount() == 0
            assert len(emu.requests("POST", "/video/v1/assets")) == posts_before  # nothing sent without it

            # Not previewed: the offscreen platform warns about the preview's window mask.
            extras.preview_box.setChecked(False)
            extras.watermark_url.setFocus()
            QTest.keyClicks(extras.watermark_url, "https://example.com/logo.png")
            assert extras.watermark_problem.text() == "" and options.range_problem.text() == ""
            assert options.create_button.isEnabled()
            window.editor.focus_timeline()
            QTest.keyClick(window.editor.timeline, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            await until(lambda: window.clips.jobs_model.rowCount() == 1, 5, "the clip queued")
            assert window.clips.jobs_model.job_at(0).options.watermark is not None
            window.close()
            await window.aclose()

    run(qapp, scenario)
