"""Two-stage delivery in the clips table: the instant clip from the moment a clip is queued, the frame-exact asset's
URLs and downloads (each rendition ready, or skipped by Mux) once it is ready."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from muxclipper.core.jobs import JobState
from muxclipper.core.marking import MarkedRange
from muxclipper.core.models import Asset, AssetStatus, PlaybackId
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.clips.jobs_model import COLUMNS
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run, until


def _texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions()]


def test_instant_clip_first_then_the_frame_exact_downloads(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "frame_rate": 25.0, "width": 1280, "height": 720})
    pid = emu.asset(source)["playback_ids"][0]["id"]
    emu.ctl("PUT", "config", {"processing_seconds": 600.0})  # the clip stays in the making until finished below

    async def scenario() -> None:
        environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.asset = Asset(source, AssetStatus.READY, 0, 60_000, height=720,
                                 playback_ids=(PlaybackId(pid, "public"),))
            window.clip_options.renditions_button.set_renditions(("highest", "audio-only", "1080p", "720p"))
            marked = MarkedRange(None, None, 60_000, window.editor.player.rate).with_in(2_000).with_out(8_000)
            window.editor.create_requested.emit(marked)
            await until(lambda: window.clips.jobs_model.rowCount() == 1, 5, "the job")
            model = window.clips.jobs_model
            state = model.index(0, COLUMNS.index("State"))
            assert model.data(state).endswith("· instant")  # the row says it is shareable already
            job = model.job_at(0)
            assert not job.state.finished
            menu = window.clips.job_menu(job)
            [copy] = [a for a in menu.actions() if a.text().startswith("Copy the instant clip URL")]
            copy.trigger()
            instant = f"{emu.url}/stream/{pid}.m3u8?asset_start_time=2.0&asset_end_time=8.0"
            assert QGuiApplication.clipboard().text() == instant
            assert "Do&wnloads" not in _texts(menu)  # nothing to download yet

            await until(lambda: model.job_at(0).asset_id is not None, 10, "the clip asset")
            emu.ctl("POST", f"assets/{model.job_at(0).asset_id}/finish")
            await until(lambda: model.job_at(0).state is JobState.READY, 20, "ready")
            job = model.job_at(0)
            assert model.data(state) == "ready"
            menu = window.clips.job_menu(job)
            assert not any(t.startswith("Copy the instant clip URL") for t in _texts(menu))  # the asset's now
            assert "Copy HLS URL" in _texts(menu)

            def downloads() -> list[str]:
                [sub] = [a.menu() for a in window.clips.job_menu(job).actions() if a.text() == "Do&wnloads"]
                return _texts(sub)

            assert all(t.endswith("checking with Mux…") for t in downloads())  # asked of Mux on first opening
            await until(lambda: not any("checking" in t for t in downloads()), 10, "the downloads' states")
            assert downloads() == ["MP4, highest: ready", "Audio only (M4A): ready",
                                   "MP4, 1080p: skipped: taller than the source", "MP4, 720p: ready"]
            [sub] = [a.menu() for a in window.clips.job_menu(job).actions() if a.text() == "Do&wnloads"]
            [audio] = [a.menu() for a in sub.actions() if a.text().startswith("Audio only")]
            [copy_audio] = [a for a in audio.actions() if a.text() == "Copy Audio URL"]
            copy_audio.trigger()
            clip_pid = next(p for p, policy in job.playback_ids if policy == "public")
            assert QGuiApplication.clipboard().text() == f"{emu.url}/stream/{clip_pid}/audio.m4a"
            await window.aclose()

    run(qapp, scenario)


def test_a_live_recording_offers_its_range_by_program_time(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    stream = emu.api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    live_pid = stream["playback_ids"][0]["id"]
    recording = emu.ctl("POST", f"live-streams/{stream['id']}/start")
    emu.advance(30)

    async def scenario() -> None:
        environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            asset = await session.client.get_asset(recording["id"])
            assert asset.is_live and asset.recording_times
            window.asset = asset
            options = window.clip_options
            window.creator.look_up_live_stream(asset, window.bridge)
            marked = MarkedRange(None, None, asset.duration_ms or 0, window.editor.player.rate)
            window.creator.check(marked.with_in(2_000).with_out(8_000))
            await until(lambda: options.program_field.text() != "", 5, "the program-time URL")
            start = asset.recording_times[0].started_at_ms  # the recording's wall clock: epoch seconds in the URL
            assert options.program_field.text() == (f"{emu.url}/stream/{live_pid}.m3u8?program_start_time="
                                                    f"{(start + 2_000) / 1000}&program_end_time={(start + 8_000) / 1000}")
            assert not options.program_field.isHidden()
            assert "segment-accurate" in options.instant_note.text().lower()
            emu.api.put(f"/video/v1/live-streams/{stream['id']}/complete")
            ended = await session.client.get_asset(recording["id"])
            window.asset = ended
            window.creator.look_up_live_stream(ended, window.bridge)
            assert options.program_field.isHidden()  # the stream has ended: no program time to offer
            await window.aclose()

    run(qapp, scenario)


def test_at_1280x720_the_instant_note_and_state_are_in_sight(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    """Seen on the real window: the note under the instant URL was cut off by the panel's height, and the
    "· instant" mark sat in the Ready-in column, scrolled out of the clips table."""
    async def scenario() -> None:
        environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.resize(1280, 720)
            window.show()
            window.clip_options.renditions_button.set_renditions(("highest", "audio-only", "1080p", "720p", "360p"))
            await until(lambda: window.clip_options.instant_note.isVisible(), 5, "the panel")
            note = window.clip_options.instant_note
            # One line: on the real 1280x720 screen the panel had no room for the three lines of the first note.
            assert note.heightForWidth(note.width()) < 2 * note.fontMetrics().lineSpacing()
            assert note.visibleRegion().boundingRect().height() >= note.heightForWidth(note.width())
            button = window.clip_options.renditions_button
            assert button.text() == "MP4, Audio, 3 sizes"
            await until(lambda: button.width() >= button.sizeHint().width(), 2, "the button's whole text")
            view = window.clips.jobs_view
            state = COLUMNS.index("State")
            assert view.columnViewportPosition(state) + view.columnWidth(state) <= view.viewport().width()
            window.close()  # a shown window left open keeps the next tests' windows from ending their run
            await window.aclose()

    run(qapp, scenario)
