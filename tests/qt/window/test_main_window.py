"""End to end, offscreen, against the demo emulator: find the programme's first and last frames by
keyboard, create the clip, follow it to ready, play it, and prove its frames by their stamps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from muxclipper.core.jobs import JobState
from muxclipper.emulator import EmulatorConfig, EmulatorServer
from muxclipper.launch.first_source import DEMO_RECORDING
from muxclipper.qt.clips.jobs_model import COLUMNS, JobRole
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environments import demo_environment
from muxclipper.services.session import open_session
from tests.emulator.media_helpers import frame_indexes
from tests.qt.editor.test_player import stamped
from tests.support.waiting import finished, until

PREROLL_FRAMES, PROGRAMME_END_FRAME = 600, 5550  # 20 s and 185 s at 30 fps


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    from tests.support.generated_media import generated_dir, pregenerate_demo

    pregenerate_demo()  # made once for every test and worker; each demo emulator still ingests them as uploads
    config = EmulatorConfig(rate_limits=None, demo_content=True, data_dir=tmp_path_factory.mktemp("demo"),
                            generated_dir=generated_dir())
    with EmulatorServer(config) as server:
        yield server




def run(qapp: QApplication, scenario: Callable[[], Awaitable[None]]) -> None:
    """Run an async scenario on a qasync loop: Qt events and asyncio tasks both flow meanwhile."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    # Closing the window at the end would end the whole Qt event loop (and this run) otherwise.
    qapp.setQuitOnLastWindowClosed(False)
    try:
        loop.run_until_complete(asyncio.wait_for(scenario(), 240))
    finally:
        qapp.setQuitOnLastWindowClosed(True)
        loop.close()  # also ends qasync's executor threads; a QThread alive at exit aborts Python
        asyncio.set_event_loop(None)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_live_replay_trim_end_to_end(qapp: QApplication, demo_server: EmulatorServer, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with open_session(demo_environment(demo_server.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.resize(1400, 900)
            window.show()
            window.start()
            stamps: list[tuple[int, int]] = []
            player = window.editor.player
            window.editor.video.videoSink().videoFrameChanged.connect(
                lambda f: stamps.append((player.current_frame, stamped(f))) if f.isValid() else None)

            async def on_frame(frame: int) -> int:
                await until(lambda: stamps and stamps[-1][0] == frame, 10, f"frame {frame}")
                return stamps[-1][1]

            def key(k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
                QTest.keyClick(window.editor.timeline, k, mods)

            async def go_to(seconds: str) -> None:
                key(Qt.Key.Key_G)
                QTest.keyClicks(window.editor.position_field, seconds)
                QTest.keyClick(window.editor.position_field, Qt.Key.Key_Return)
                window.editor.timeline.setFocus()

            # The keynote's recording appears in the sources once its media is made.
            async def recording() -> str | None:
                page = await session.client.list_assets_page(limit=100)
                return next((a.id for a in page.assets if a.passthrough == DEMO_RECORDING and a.status.value == "ready"),
                            None)

            deadline = time.monotonic() + 120
            while (asset_id := await recording()) is None:
                assert time.monotonic() < deadline, "the demo recording was not ready in 120 s"
                await asyncio.sleep(0.5)
            window.open_asset_id(asset_id)
            assert await on_frame(0) == 0
            window.editor.timeline.setFocus()
            # The first programme frame: go near it, then check the slate boundary frame by frame.
            await go_to("20")
            assert await on_frame(PREROLL_FRAMES) == PREROLL_FRAMES
            key(Qt.Key.Key_Left)
            assert await on_frame(PREROLL_FRAMES - 1) == PREROLL_FRAMES - 1
            key(Qt.Key.Key_Right)
            await on_frame(PREROLL_FRAMES)
            key(Qt.Key.Key_I)
            # The last programme frame: the one before the postroll slate.
            await go_to("185")
            await on_frame(PROGRAMME_END_FRAME)
            key(Qt.Key.Key_Left)
            assert await on_frame(PROGRAMME_END_FRAME - 1) == PROGRAMME_END_FRAME - 1
            key(Qt.Key.Key_O)
            marked = window.editor.timeline.marked
            assert (marked.first_frame, marked.last_frame) == (PREROLL_FRAMES, PROGRAMME_END_FRAME - 1)
            # The frames around the cut arrive as stills to check before creating.
            await until(lambda: all(not window.editor.stills[n].pixmap().isNull() for n in window.editor.stills), 15,
                        "the frames around the cut")
            window.clip_options.title_field.setText("Keynote replay")
            key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            model = window.clips.jobs_model
            await until(lambda: model.rowCount() == 1, 5, "the job in the table")
            seen_states: list[str] = []
            await until(lambda: (seen_states.append(model.job_at(0).state.value) or
                                 model.job_at(0).state is JobState.READY), 120, "the clip to be ready")
            assert "preparing" in seen_states
            job = model.job_at(0)
            assert job.asset_id and job.options.title == "Keynote replay"
            # Prove the clip's first and last frames are exactly those marked.
            hls = session.urls.hls(next(pid for pid, policy in job.playback_ids if policy == "public"))
            head, tail, count = frame_indexes(hls, first=1, last=1)  # blocks a second: fine in a test
            assert (head, tail, count) == ([PREROLL_FRAMES], [PROGRAMME_END_FRAME - 1], 4950)
            # Play it from the table: its frame 0 is the keynote's first programme frame.
            stamps.clear()
            window.clips.jobs_view.doubleClicked.emit(window.clips.jobs_filter.index(0, 0))
            await until(lambda: window.asset is not None and window.asset.id == job.asset_id, 10, "the clip to open")
            assert await on_frame(0) == PREROLL_FRAMES
            assert model.data(model.index(0, COLUMNS.index("State"))) == "ready" and model.data(model.index(0, 0), JobRole.JOB).id == job.id
            await window.aclose()
            window.close()

    run(qapp, scenario)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_batch_of_three_segments_and_a_growing_live_recording(qapp: QApplication, demo_server: EmulatorServer,
                                                                 tmp_path: Path) -> None:
    async def scenario() -> None:
        async with open_session(demo_environment(demo_server.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.show()
            window.start()
            client = session.client

            async def ready_asset(passthrough: str) -> Any:
                page = await client.list_assets_page(limit=100)
                return next((a for a in page.assets if a.passthrough == passthrough and a.status.value == "ready"),
                            None)

            deadline = time.monotonic() + 120
            while (talk := await ready_asset("muxclipper-demo:talk")) is None:
                assert time.monotonic() < deadline, "the demo talk was not ready in 120 s"
                await asyncio.sleep(0.5)
            window.open_asset(talk)
            await until(lambda: window.editor.player.current_frame == 0 and window.asset is talk, 10, "the talk")
            # The window tells its player where the talk's segments start (the relay read its playlist): the frame
            # before the first boundary (an upload's B-frames: a seek alone shows the next one) is reached directly.
            player = window.editor.player
            assert player.url is not None and player.segment_starts is not None
            await until(lambda: player.sink.videoFrame().isValid(), 10, "the talk's first picture")
            boundary = player.segment_starts(player.url)[0]
            player.seek_frame(boundary - 1)
            await until(lambda: player.current_frame == boundary - 1 == player.target_frame, 10, "the frame before it")
            assert stamped(player.sink.videoFrame()) == boundary - 1
            assert player._boundaries == set()  # known, not learnt from a seek that missed
            facts = window.clip_options.facts_label.text()
            assert "Frame rate: 30 fps" in facts and "Resolution: 640×360" in facts and "Status: ready" in facts
            ranges = [(10_000, 15_000), (100_000, 112_500), (590_000, 600_000)]
            for index, (start, end) in enumerate(ranges):
                window.editor.edit_range(window.editor.timeline.marked.cleared().with_in(start).with_out(end))
                window.clip_options.title_field.setText(f"Highlight {index + 1}")
                window.segments.add_requested.emit()
            csv_path = tmp_path / "highlights.csv"
            await finished(window.segments.export_to(csv_path))
            window.segments.set_segments([])
            await finished(window.segments.import_from(csv_path))  # the list survives a round trip through CSV
            assert [s.label for s in window.segments.segments()] == ["Highlight 1", "Highlight 2", "Highlight 3"]
            edl_path = tmp_path / "highlights.edl"
            await finished(window.segments.export_to(edl_path))  # for the editing suite: the talk's frames, named
            edl = edl_path.read_text().splitlines()
            assert edl[6].endswith("00:01:40:00 00:01:52:15 01:00:05:00 01:00:17:15")
            assert f"* FROM CLIP: mux://assets/{talk.id}" in edl
            window.segments.create_all_requested.emit(window.segments.segments())
            model = window.clips.jobs_model
            await until(lambda: model.rowCount() == 3, 5, "three jobs")
            await until(lambda: all(model.job_at(r).state is JobState.READY for r in range(3)), 150, "three clips")
            for row in range(3):
                job = model.job_at(row)
                first, stop = job.start_ms * 30 // 1000, job.end_ms * 30 // 1000
                hls = session.urls.hls(next(pid for pid, policy in job.playback_ids if policy == "public"))
                assert frame_indexes(hls, first=1, last=1) == ([first], [stop - 1], stop - first), job.options.title
            # The always-on channel is still recording: clip what it has recorded so far.
            streams = await client.list_live_streams(status="active")
            [channel] = [s for s in streams if s.title == "Demo: keynote re-run (live now)"]
            recording = await client.get_asset(str(channel.active_asset_id))
            assert recording.is_live and recording.duration_ms is not None and recording.duration_ms >= 4_000
            window.open_asset(recording)
            await until(lambda: window.editor.player.current_frame == 0 and window.asset is recording, 10, "the recording")
            grown = await until(lambda: window.editor.timeline.marked.duration_ms > recording.duration_ms, 10,
                                "the recording to grow on the timeline")
            assert grown
            # No out point on a recording still growing: said at once, and nothing can be sent.
            window.editor.edit_range(window.editor.timeline.marked.with_in(1_000))
            assert "set an out point" in window.clip_options.range_problem.text() and not window.clip_options.create_button.isEnabled()
            window.editor.edit_range(window.editor.timeline.marked.with_in(1_000).with_out(3_000))
            assert window.clip_options.range_problem.text() == "" and window.clip_options.create_button.isEnabled()
            window.clip_options.title_field.setText("Live so far")
            window.editor.create_requested.emit(window.editor.timeline.marked)
            await until(lambda: model.rowCount() == 4 and model.job_at(0).state is JobState.READY, 60, "the live clip")
            live_clip = model.job_at(0)
            hls = session.urls.hls(next(pid for pid, policy in live_clip.playback_ids if policy == "public"))
            assert frame_indexes(hls, first=1, last=1) == ([30], [89], 60)
            await window.aclose()
            window.close()

    run(qapp, scenario)
