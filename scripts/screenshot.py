"""Make docs/screenshot.png: the main window in demo mode, a source playing, markers set, a ready clip.

Run it with scripts/screenshot.sh (a virtual X screen; imagemagick's `import` grabs the real
window, video pixels included, which QWidget.grab() cannot).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

from muxclipper.app import demo_data_dir
from muxclipper.core.jobs import JobState
from muxclipper.emulator import EmulatorConfig, EmulatorServer
from muxclipper.launch.first_source import DEMO_RECORDING
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environments import demo_environment
from muxclipper.services.session import open_session

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshot.png"


async def shoot(app: QApplication, server: EmulatorServer) -> None:
    jobs = demo_data_dir() / "screenshot-jobs.sqlite3"
    for stale in jobs.parent.glob(jobs.name + "*"):  # one clip in the picture, however often it is made
        stale.unlink()
    async with open_session(demo_environment(server.url), jobs) as session:
        window = MainWindow(session, "#6a1b9a")
        window.setGeometry(0, 0, 1600, 1000)
        window.show()
        window.start()
        deadline = time.monotonic() + 180
        asset_id = None
        while asset_id is None and time.monotonic() < deadline:
            page = await session.client.list_assets_page(limit=100)
            asset_id = next((a.id for a in page.assets if a.passthrough == DEMO_RECORDING and a.status.value == "ready"),
                            None)
            await asyncio.sleep(0.5)
        assert asset_id, "the demo recording did not become ready"
        window.open_asset_id(asset_id)
        while window.asset is None:
            await asyncio.sleep(0.05)
        editor = window.editor
        await asyncio.sleep(2)
        editor.player.seek_frame(600)  # the first programme frame after the 20 s slate
        await asyncio.sleep(1)
        editor.mark_in()
        editor.player.seek_frame(5549)  # the last one before the postroll
        await asyncio.sleep(1)
        editor.mark_out()
        window.clip_options.title_field.setText("Friday keynote: replay")
        editor.create_requested.emit(editor.timeline.marked)
        while not (window.clips.jobs_model.rowCount() and window.clips.jobs_model.job_at(0).state is JobState.READY):
            assert time.monotonic() < deadline, "the clip did not become ready"
            await asyncio.sleep(0.2)
        editor.player.seek_ms(95_000)
        await asyncio.sleep(3)  # the frames around the cut arrive from the image host
        OUT.parent.mkdir(exist_ok=True)
        subprocess.run(["import", "-window", "root", "-crop", "1600x1000+0+0", str(OUT)], check=True)
        print(f"wrote {OUT}")
        await window.aclose()


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    config = EmulatorConfig(rate_limits=None, demo_content=True, data_dir=demo_data_dir())
    with EmulatorServer(config) as server:
        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setQuitOnLastWindowClosed(False)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            loop.run_until_complete(shoot(app, server))
    return 0


if __name__ == "__main__":
    sys.exit(main())
