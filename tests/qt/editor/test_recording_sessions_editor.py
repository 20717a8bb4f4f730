"""A live recording's sessions in the editor, on real HLS: slate regions on the timeline, ↑ / ↓ to session edges
(landing on the stamped frame, the status line naming the edge), the wall clock beside the timecode, and times of
day typed into the time fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from muxclipper.core.models import RecordingTime
from muxclipper.qt.editor.timeline_regions import REGION_COLOUR, region_tooltip
from tests.qt.editor.test_editor import _type_into, editor, key, on_frame

__all__ = ["editor"]  # the fixture, shared with the editor's tests

LOCAL = ZoneInfo("Etc/GMT-1")  # "local" is UTC+1 here, all year
T0 = round(datetime.fromisoformat("2026-11-30T18:00:00+00:00").timestamp() * 1000)
#: The 12 s stamped source as a recording: content, slate from 4.010 s (the encoder away), content from 8.030 s.
#: Session edges fall inside frames, as wall-clock moments do (frames 100 and 200 straddle them).
SESSIONS = (RecordingTime(T0, 4_010, "content", 0), RecordingTime(T0 + 4_010, 4_020, "slate", 4_010),
            RecordingTime(T0 + 8_030, 3_970, "content", 8_030))


def _open_recording(editor: Any) -> list[str]:
    editor.wall_tz = LOCAL
    editor.set_recording_times(SESSIONS)
    said: list[str] = []
    editor.message.connect(said.append)
    return said


def test_down_and_up_land_on_session_edges_and_say_which(qtbot: Any, editor: Any) -> None:
    on_frame(qtbot, editor, 0)
    said = _open_recording(editor)
    editor.timeline.setFocus()
    for frame, words in ((101, "Slate session starts (19:00:04 local)."),  # the slate's first whole frame
                         (201, "Content session starts (19:00:08 local)."),
                         (299, "Content session ends (19:00:12 local).")):
        key(qtbot, editor, Qt.Key.Key_Down)
        assert on_frame(qtbot, editor, frame) == frame
        assert said[-1] == words
    key(qtbot, editor, Qt.Key.Key_Up)
    assert on_frame(qtbot, editor, 201) == 201


def test_wall_clock_beside_the_timecode_and_typed_times_of_day(qtbot: Any, editor: Any) -> None:
    on_frame(qtbot, editor, 0)
    said = _open_recording(editor)
    label = editor.transport.wall_label
    assert not label.isVisible()
    editor.timeline.setFocus()
    key(qtbot, editor, Qt.Key.Key_W)
    assert label.isVisible() and label.text() == "19:00:00.000 local"
    _type_into(qtbot, editor.position_field, "19:00:06.5 local")
    assert on_frame(qtbot, editor, 162) == 162  # 6.5 s in: the frame on screen then
    assert label.text() == "19:00:06.480 local"
    _type_into(qtbot, editor.in_field, "18:00:09Z")
    assert editor.timeline.marked.in_ms == 9_000
    _type_into(qtbot, editor.out_field, "20:00:00 local")
    assert said[-1] == ("20:00:00 local is outside the recording, which runs from 19:00:00 local to 19:00:12 local "
                        "on 2026-11-30")
    assert editor.timeline.marked.out_ms is None
    qtbot.keyClick(editor.out_field, Qt.Key.Key_Escape)


def test_time_of_day_on_a_source_that_is_not_a_recording_says_so(qtbot: Any, editor: Any) -> None:
    said: list[str] = []
    editor.message.connect(said.append)
    _type_into(qtbot, editor.position_field, "19:00:06 local")
    assert "not a live recording" in said[-1]
    assert not editor.actions_by_id["wall_clock"].isEnabled()


def test_slate_sessions_are_marked_regions_on_the_timeline(qtbot: Any, editor: Any) -> None:
    _open_recording(editor)
    timeline = editor.timeline
    picture = timeline.grab().toImage()
    y = timeline.height() - 4  # the region's band along the bottom
    inside, before = round(timeline.x_for_ms(6_000)), round(timeline.x_for_ms(2_000))
    band = picture.pixelColor(inside, y)
    assert (band.red(), band.green(), band.blue()) == (REGION_COLOUR.red(), REGION_COLOUR.green(), REGION_COLOUR.blue())
    assert picture.pixelColor(before, y) != band
    tip = region_tooltip(timeline, timeline.regions, inside)
    assert tip is not None and "19:00:04.010 local – 19:00:08.030 local" in tip and "18:00:04.010 UTC" in tip
    editor.set_recording_times(())
    assert timeline.regions == []


def test_the_window_marks_the_slate_of_the_recording_it_opens(qapp: Any, emu: Any, tmp_path: Any) -> None:
    """Wired through the window: the open recording's sessions reach the timeline; another source clears them."""
    from PySide6.QtCore import QSettings

    from muxclipper.mux.client import Credentials, Endpoints
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.environment import Environment
    from muxclipper.services.session import open_session
    from tests.cli.test_recording_sessions_cli import _recording_with_a_slate
    from tests.emulator.helpers import RW
    from tests.qt.window.test_main_window import run
    from tests.support.waiting import until

    recording = _recording_with_a_slate(emu)  # 5 min of programme, 25 s of slate, 10 min of programme
    [plain] = emu.seed({"title": "Talk", "duration": 30.0, "frame_rate": 25.0})

    async def scenario() -> None:
        environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session, settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
            window.start()
            window.open_asset_id(recording)
            await until(lambda: window.asset is not None and window.asset.id == recording, 10, "the recording")
            [slate] = window.editor.timeline.regions
            assert (round(slate.start_ms, -2), round(slate.end_ms - slate.start_ms, -2)) == (300_000, 25_000)
            assert window.editor.actions_by_id["wall_clock"].isEnabled()
            window.open_asset_id(plain)
            await until(lambda: window.asset is not None and window.asset.id == plain, 10, "the talk")
            assert window.editor.timeline.regions == []
            assert not window.editor.actions_by_id["wall_clock"].isEnabled()
            await window.aclose()
            window.close()

    run(qapp, scenario)
