"""The live side of the window against the emulator: the Live streams tab keeping itself current (a broadcast
starting, counting, ending) within its request budget, and the replay key: the instant URL on the clipboard, the
exact clip in one clips row, and the undo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QTreeWidget

from muxclipper.core.jobs import JobState
from muxclipper.core.live_poll import PollBackoff
from muxclipper.core.marking import MarkedRange
from muxclipper.core.models import Asset, AssetStatus, PlaybackId
from muxclipper.qt.clips.jobs_model import COLUMNS
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.session import open_session
from tests.emulator.helpers import Emu
from tests.qt.sources.test_sources import _environment
from tests.qt.window.test_main_window import run
from tests.support.waiting import until

pytestmark = pytest.mark.qt_log_ignore("Could not open media")  # the emulator's live streams here carry no media


def tree_lines(tree: QTreeWidget) -> list[str]:
    lines = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        assert top is not None
        lines.append(top.text(0))
        lines += [f"  {top.child(j).text(0)}" for j in range(top.childCount())]  # type: ignore[union-attr]
    return lines


def _stream(emu: Emu, title: str) -> dict[str, Any]:
    return dict(emu.api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
        "meta": {"title": title}}).json()["data"])


def test_the_live_streams_tab_keeps_itself_current_and_the_replay_key(qapp: QApplication, emu: Emu,
                                                                       tmp_path: Path) -> None:
    stream = _stream(emu, "Saturday match")

    async def scenario() -> None:
        async with open_session(_environment(emu.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            live = window.sources.live
            live.backoff = PollBackoff(0.2, 0.4, 0.8)  # the pauses shrunk; their shape is the user's
            window.sources.load()
            tree = window.sources.streams_tree
            await until(lambda: tree_lines(tree)[:1] == ["Saturday match  [idle]"], 10, "the idle stream")
            window.live_actions["replay"].trigger()
            assert "No live stream is broadcasting now" in window.status.text()

            emu.ctl("POST", f"live-streams/{stream['id']}/start", {"length": 3600})
            emu.advance(40)  # no Refresh from here on: the tab asks by itself
            await until(lambda: tree_lines(tree)[0] == "● Saturday match  [active]"
                        and tree_lines(tree)[1].startswith("  ● Recording now  00:00:4"), 10, "the broadcast, counting")

            window.live_actions["replay"].trigger()
            clipboard = QGuiApplication.clipboard()
            url = await until(lambda: clipboard.text() if "program_start_time" in clipboard.text() else "", 5,
                              "the instant URL on the clipboard")
            assert url.startswith(f"{emu.url}/stream/{stream['playback_ids'][0]['id']}.m3u8?")
            replay = window.panels.replay
            assert replay is not None
            job = replay.undoable
            assert job is not None and job.id is not None
            assert job.end_ms - job.start_ms == 30_000 and job.end_ms >= 40_000
            model = window.clips.jobs_model
            await until(lambda: model.rowCount() == 1 and model.job_at(0).state is JobState.PREPARING, 10,
                        "the exact clip being made")
            state = model.index(0, COLUMNS.index("State")).data()
            assert state == "preparing · instant"  # one row: the instant URL now, the exact clip when ready
            assert window.clips.delivery.instant_url(model.job_at(0)) == url
            assert replay.undo_button.isVisibleTo(window)

            window.live_actions["undo_replay"].trigger()
            await until(lambda: model.job_at(0).state is JobState.CANCELLED, 10, "the replay taken back")
            assert "taken back" in window.status.text() and clipboard.text() == ""
            assert model.index(0, COLUMNS.index("Progress")).data() == ""  # no bar for a clip taken back
            clip_id = model.job_at(0).asset_id
            assert clip_id is not None and emu.api.get(f"/video/v1/assets/{clip_id}").status_code == 404
            assert len(emu.requests(method="DELETE")) == 1

            # An environment that asks before creating asks before a replay too: the first R only says where.
            window.confirm_create = True
            window.live_actions["replay"].trigger()
            assert "press R (or Replay) again" in window.status.text() and model.rowCount() == 1
            window.live_actions["replay"].trigger()
            await until(lambda: model.rowCount() == 2, 10, "the replay, confirmed")
            window.confirm_create = False

            emu.api.put(f"/video/v1/live-streams/{stream['id']}/complete")
            await until(lambda: tree_lines(tree)[0] == "Saturday match  [idle]"
                        and "Recording now" not in " ".join(tree_lines(tree)), 10, "the broadcast ended")
            assert tree_lines(tree)[1].endswith("00:00:4" + tree_lines(tree)[1][-5:])  # its length, not a count
            window.live_actions["replay"].trigger()
            assert "No live stream is broadcasting now" in window.status.text()

            # Within the budget: never two list requests closer than the fastest pause; backing off when quiet.
            await until(lambda: live.backoff.pause_s == live.backoff.quiet_slowest_s, 10, "backing off")
            times = [r["time"] for r in emu.requests(method="GET", path_prefix="/video/v1/live-streams")
                     if r["path"] == "/video/v1/live-streams"]
            assert all(b - a >= 0.19 for a, b in zip(times, times[1:], strict=False)), times
            await window.aclose()

    run(qapp, scenario)


def test_a_replay_and_a_clip_when_the_job_history_cannot_be_written(qapp: QApplication, emu: Emu,
                                                                     tmp_path: Path) -> None:
    """A full disk (here the history's connection made read-only: SQLite answers as it does to a read-only file) is
    the machine, not a bug: the status line says what it is and what to do, not 'something unexpected went wrong,
    please send a report'; the instant URL is still on the clipboard."""
    stream = _stream(emu, "Sunday match")
    [source] = emu.seed({"title": "Upload", "duration": 60.0, "frame_rate": 25.0})
    emu.ctl("POST", f"live-streams/{stream['id']}/start", {"length": 3600})
    emu.advance(40)

    async def scenario() -> None:
        async with open_session(_environment(emu.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.sources.load()
            tree = window.sources.streams_tree
            await until(lambda: tree_lines(tree)[:1] == ["● Sunday match  [active]"], 10, "the live stream")
            session.jobs._repo._conn.execute("PRAGMA query_only = ON")  # noqa: SLF001 - writes now fail
            window.live_actions["replay"].trigger()
            await until(lambda: "job history" in window.status.text(), 10, "the replay refused in words")
            assert "unexpected" not in window.status.text()
            assert "program_start_time" in QGuiApplication.clipboard().text()
            assert window.clips.jobs_model.rowCount() == 0

            window.asset = Asset(source, AssetStatus.READY, 0, 60_000, frame_rate=25.0,
                                 playback_ids=(PlaybackId("p", "public"),))
            window.editor.timeline.set_source(60_000, window.editor.player.rate)
            marked = MarkedRange(None, None, 60_000, window.editor.player.rate).with_in(2_000).with_out(8_000)
            window.editor.edit_range(marked)
            window.editor.create_requested.emit(marked)
            assert "job history" in window.status.text() and "unexpected" not in window.status.text()
            assert len(emu.requests(method="POST", path_prefix="/video/v1/assets")) == 0
            session.jobs._repo._conn.execute("PRAGMA query_only = OFF")  # noqa: SLF001
            await window.aclose()

    run(qapp, scenario)
