"""A window already open hears of a duplicate watch another process left (issue 26 item 1): ``clip --wait`` in
another process sends a create Mux answers 500 without acting, sends it again, gets its clip and exits, leaving the
watch; Mux then acts on the first create after all. The open window takes the watch up (it hears the history file
change; nothing reads the disk on a timer) and deletes the copy exactly once, and its clips list shows the job with
the note."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.clips.jobs_model import COLUMNS
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.cli.test_cli import _env
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run, until
from tests.reliability.test_late_duplicates import clips_of, make_late_copy
from tests.support.reliability_counts import record


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_an_open_window_deletes_a_late_duplicate_a_command_left(qapp: QApplication, emu: Emu,
                                                                tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    emu.ctl("PUT", "config", {"processing_seconds": 0.3})
    env = _env(emu, tmp_path)
    env.update(MUXCLIPPER_LATE_ANSWER_WINDOW_S="1", MUXCLIPPER_DUPLICATE_WATCH_S="12")
    history = tmp_path / "data" / "jobs.sqlite3"
    history.parent.mkdir(parents=True)

    async def scenario() -> None:
        environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, history) as session:
            window = MainWindow(session)
            window.show()
            window.start()
            emu.fault(kind="status", status=500, method="POST", path="/video/v1/assets")
            command = subprocess.Popen([sys.executable, "-m", "muxclipper", "clip", source, "--start", "1", "--end",
                                        "5", "--wait"], env={**os.environ, **env}, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
            await until(lambda: command.poll() is not None, 60, "clip --wait to end")
            _out, err = command.communicate()
            assert command.returncode == 0, err
            model = window.clips.jobs_model
            # the command's job reached the window's list: heard from the history, not from a restart
            await until(lambda: model.rowCount() == 1, 10, "the command's job in the window's list")
            job = model.job_at(0)
            assert job.asset_id is not None
            copy = make_late_copy(emu, source, job.token)
            await until(lambda: [c["id"] for c in clips_of(emu, job.token)] == [job.asset_id], 30,
                        "the window to delete the late copy")
            assert [r["path"] for r in emu.requests(method="DELETE")] == [f"/video/v1/assets/{copy}"]
            await until(lambda: session.jobs.duplicates_deleted, 10, "the deletion recorded")
            assert session.jobs.duplicates_deleted == [(job.id, copy)]
            state = model.index(0, COLUMNS.index("State"))
            await until(lambda: copy in (model.data(state, Qt.ItemDataRole.ToolTipRole) or ""), 10,
                        "the note in the clips list")
            await window.aclose()
            window.close()
        record("late duplicates: deleted by a window already open")

    run(qapp, scenario)
