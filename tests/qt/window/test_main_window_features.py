"""Main-window behaviour around the editor: production confirmation, clip actions, settings."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from muxclipper.core.jobs import JobState
from muxclipper.core.marking import MarkedRange
from muxclipper.core.models import Asset, AssetStatus, PlaybackId
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run, until
from tests.support.waiting import finished


def _environment(emu: Emu) -> Environment:
    return Environment("Production", Endpoints.for_origin(emu.url), Credentials(*RW))


def test_production_asks_twice_then_the_clip_is_followed_to_ready(qapp: QApplication, emu: Emu,
                                                                 tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "frame_rate": 25.0})
    emu.ctl("PUT", "config", {"processing_seconds": 1.0})

    async def scenario() -> None:
        async with open_session(_environment(emu), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session, confirm_create=True)
            window.asset = Asset(source, AssetStatus.READY, 0, 60_000, playback_ids=(PlaybackId("p", "public"),))
            marked = MarkedRange(None, None, 60_000, window.editor.player.rate).with_in(2_000).with_out(8_000)
            window.editor.create_requested.emit(marked)
            assert "again" in window.status.text() and window.clips.jobs_model.rowCount() == 0
            window.editor.create_requested.emit(marked)
            await until(lambda: window.clips.jobs_model.rowCount() == 1, 5, "the job")
            await until(lambda: window.clips.jobs_model.job_at(0).state is JobState.READY, 20, "ready")
            assert window.status.text().endswith("is ready")  # told without a dialog
            job = window.clips.jobs_model.job_at(0)
            menu = window.clips.job_menu(job)
            labels = [a.text() for a in menu.actions()]
            assert "Copy HLS URL" in labels and "Copy Instant clip URL" in labels
            [copy] = [a for a in menu.actions() if a.text() == "Copy HLS URL"]
            copy.trigger()
            pid = next(p for p, policy in job.playback_ids if policy == "public")
            assert QGuiApplication.clipboard().text() == f"{emu.url}/stream/{pid}.m3u8"
            [retry] = [a for a in menu.actions() if a.text() == "&Retry"]
            assert not retry.isEnabled()  # only failed jobs
            # Export, then delete with time to undo: Undo keeps the clip, a second delete goes through.
            export = tmp_path / "clips.csv"
            await finished(window.clips.export_clips(export))
            lines = export.read_text().splitlines()
            assert lines[0].startswith("id,title,source_asset_id,start,end,state,clip_asset_id,hls_url")
            assert f"{emu.url}/stream/{pid}.m3u8" in lines[1]
            window.clips.only_this_source.setChecked(True)
            assert window.clips.jobs_filter.rowCount() == 1
            window.clips.set_source("another-source")  # as opening another source does
            assert window.clips.jobs_filter.rowCount() == 0
            window.clips.only_this_source.setChecked(False)
            window.clips.DELETE_GRACE_MS = 200
            window.clips.delete_clip(job)
            assert not window.clips.undo_delete_button.isHidden()
            window.clips.undo_delete_button.click()
            await asyncio.sleep(0.4)  # past the grace period: nothing may be deleted
            assert emu.api.get(f"/video/v1/assets/{job.asset_id}").status_code == 200
            window.clips.delete_clip(job)
            await until(lambda: window.clips.jobs_model.job_at(0).state is JobState.CANCELLED, 5, "the delete")
            assert emu.api.get(f"/video/v1/assets/{job.asset_id}").status_code == 404
            await window.aclose()
            window.close()

    run(qapp, scenario)


def test_clip_options_and_layout_are_remembered(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with open_session(_environment(emu), tmp_path / "jobs.sqlite3") as session:
            first = MainWindow(session)
            first.clip_options.renditions_button.set_renditions(("highest", "audio-only", "720p"))
            first.clip_options.quality_box.setCurrentIndex(first.clip_options.quality_box.findData("premium"))
            first.editor.format_box.setCurrentIndex(first.editor.format_box.findData("smpte"))
            extras = first.clip_options.extras  # the watermark and the Cut seconds were forgotten
            extras.watermark_url.setText("https://example.com/logo.png")
            extras.watermark_box.setChecked(True)
            extras.position_box.setCurrentIndex(extras.position_box.findData("bottom right"))
            extras.opacity_field.setText("80%")
            first.sources.head_box.setValue(12.5)
            first.sources.tail_box.setValue(3)
            first.resize(700, 500)  # the offscreen screen is 800x800
            await first.aclose()
            second = MainWindow(session)
            assert second.clip_options.renditions_button.renditions() == ("highest", "audio-only", "720p")
            assert second.clip_options.quality_box.currentData() == "premium"
            assert second.editor.format_box.currentData() == "smpte"
            mark = second.clip_options.extras.watermark()
            assert mark is not None and (mark.url, mark.vertical_align, mark.horizontal_align, mark.opacity) == (
                "https://example.com/logo.png", "bottom", "right", "80%")
            assert (second.sources.head_box.value(), second.sources.tail_box.value()) == (12.5, 3.0)
            # Put back: the settings file is shared with the next tests of this process.
            second.clip_options.extras.watermark_box.setChecked(False)
            second.sources.head_box.setValue(0)
            second.sources.tail_box.setValue(0)
            assert (second.width(), second.height()) == (700, 500)
            await second.aclose()
            await asyncio.sleep(0)

    run(qapp, scenario)


def test_marks_and_segments_are_kept_across_restarts_per_environment_and_source(
        qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    [first, second] = emu.seed({"title": "Keynote", "duration": 60.0, "frame_rate": 25.0},
                               {"title": "Talk", "duration": 30.0, "frame_rate": 25.0})
    settings = str(tmp_path / "window.ini")

    async def scenario() -> None:
        from PySide6.QtCore import QSettings

        from muxclipper.core.segments import Segment

        async with open_session(_environment(emu), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session, settings=QSettings(settings, QSettings.Format.IniFormat))
            window.start()
            window.open_asset_id(first)
            await until(lambda: window.asset is not None and window.asset.id == first, 10, "the keynote open")
            rate = window.editor.player.rate
            window.editor.edit_range(MarkedRange(None, None, 60_000, rate).with_in(4_000).with_out(9_000))
            window.segments.add(Segment("Opening", 1_000, 3_000))
            window.open_asset_id(second)  # the keynote's work is kept while another source is open
            await until(lambda: window.asset is not None and window.asset.id == second, 10, "the talk open")
            assert window.editor.timeline.marked.in_ms is None and window.segments.segments() == []
            asked: list[list[tuple[str, int]]] = []
            window.editor.stills_requested.connect(asked.append)
            window.open_asset_id(first)
            await until(lambda: window.asset is not None and window.asset.id == first, 10, "the keynote again")
            assert (window.editor.timeline.marked.in_ms, window.editor.timeline.marked.out_ms) == (4_000, 9_000)
            # The four pictures around the kept cut are asked for again (reopened, they stayed empty): frames 99,
            # 100 (in at 4 s), 224 (the last before 9 s) and 225, each at its middle.
            assert asked and [name for name, _ in asked[-1]] == ["before in", "in", "last", "after out"]
            assert [ms for _, ms in asked[-1]] == [3_980, 4_020, 8_980, 9_020], asked[-1]
            await window.aclose()
            window.close()
            # A restart: the keynote (the source open last) comes back with its marks and segments.
            again = MainWindow(session, settings=QSettings(settings, QSettings.Format.IniFormat))
            again.start()
            assert again.open_last_source()
            await until(lambda: again.asset is not None and again.asset.id == first, 10, "the keynote reopened")
            marked = again.editor.timeline.marked
            assert (marked.in_ms, marked.out_ms) == (4_000, 9_000)
            assert again.segments.segments() == [Segment("Opening", 1_000, 3_000)]
            await again.aclose()
            again.close()

    run(qapp, scenario)


def test_a_title_belongs_to_its_source_and_never_names_a_clip_of_another(
        qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    """"Keynote trim" typed on the keynote sat on the next recording opened and named its clip; top and tail named
    another recording's clip after it. Each source keeps its own draft title (and passthrough), across restarts."""
    [keynote, rerun] = emu.seed({"title": "Keynote", "duration": 60.0, "frame_rate": 25.0},
                                {"title": "Live rerun", "duration": 30.0, "frame_rate": 25.0, "status": "ready"})
    settings = str(tmp_path / "window.ini")

    async def scenario() -> None:
        from PySide6.QtCore import QSettings
        from PySide6.QtTest import QTest

        async with open_session(_environment(emu), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session, settings=QSettings(settings, QSettings.Format.IniFormat))
            window.confirm_create = False
            window.start()
            title, passthrough = window.clip_options.title_field, window.clip_options.passthrough_field
            window.open_asset_id(keynote)
            await until(lambda: window.asset is not None and window.asset.id == keynote, 10, "the keynote open")
            QTest.keyClicks(title, "Keynote trim")
            QTest.keyClicks(passthrough, "cms-7")
            window.open_asset_id(rerun)
            await until(lambda: window.asset is not None and window.asset.id == rerun, 10, "the rerun open")
            assert (title.text(), passthrough.text()) == ("", "")
            rate = window.editor.player.rate
            window.create_clip(MarkedRange(None, None, 30_000, rate).with_in(1_000).with_out(3_000))
            QTest.keyClicks(title, "Live rerun part")
            window.open_asset_id(keynote)
            await until(lambda: window.asset is not None and window.asset.id == keynote, 10, "the keynote again")
            assert (title.text(), passthrough.text()) == ("Keynote trim", "cms-7")
            # Top and tail both with the keynote open: the keynote's clip has its typed title, the rerun its own name.
            assets = [await session.client.get_asset(asset_id) for asset_id in (keynote, rerun)]
            window.creator.top_and_tail(assets, 2_000, 2_000, {})
            titles = [job.options.title for job in reversed(session.jobs.history())]
            assert titles == [None, "Keynote trim", "Live rerun"], titles
            await window.aclose()
            window.close()
            # A restart: the keynote comes back with its title; the rerun keeps its own.
            again = MainWindow(session, settings=QSettings(settings, QSettings.Format.IniFormat))
            again.start()
            assert again.open_last_source()
            await until(lambda: again.asset is not None and again.asset.id == keynote, 10, "the keynote reopened")
            assert again.clip_options.title_field.text() == "Keynote trim"
            again.open_asset_id(rerun)
            await until(lambda: again.asset is not None and again.asset.id == rerun, 10, "the rerun reopened")
            assert again.clip_options.title_field.text() == "Live rerun part"
            await again.aclose()
            again.close()

    run(qapp, scenario)


def test_an_audio_only_source_is_described_as_what_it_is(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    """It said "cannot be played here yet: it needs a public playback id" of an asset with a public one and no
    picture; then "the editor cannot open audio-only sources yet". It opens now, as sound (tests/qt/editor/
    test_audio_editor.py plays and marks one); without a playback id it is still called what it is."""
    async def scenario() -> None:
        async with open_session(_environment(emu), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.start()
            window.open_asset(Asset("a0", AssetStatus.READY, 0, duration_ms=12_000, title="Podcast 11",
                                    audio_only=True))
            said = window.status.text()
            assert said.startswith("Podcast 11 is audio only (sound, no picture)") and window.asset is None
            window.open_asset(Asset("a1", AssetStatus.READY, 0, duration_ms=12_000, title="Podcast 12",
                                    playback_ids=(PlaybackId("p1", "public"),), audio_only=True))
            said = window.status.text()
            assert said == "Opened Podcast 12 (00:00:12.000, audio only).", said
            assert window.asset is not None and window.asset.id == "a1" and window.editor.audio_only
            assert not window.editor.transport.frame_label.isVisibleTo(window.editor)
            await window.aclose()
            window.close()

    run(qapp, scenario)
