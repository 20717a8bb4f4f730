"""The editor driven by the keyboard on real HLS: marks land on the exact frames shown."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from muxclipper.core.captions import parse_vtt
from muxclipper.emulator import EmulatorServer
from muxclipper.qt.editor.editor_widget import EditorWidget
from muxclipper.qt.editor.keymap import CheatSheet
from tests.qt.editor.test_player import stamped

FPS = Fraction(25)


@pytest.fixture
def editor(qtbot: Any, media_server: EmulatorServer, stamped_source: dict[str, Any]) -> Any:
    widget = EditorWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    widget.activateWindow()
    qtbot.waitActive(widget)
    stamps: list[tuple[int, int]] = []
    widget.video.videoSink().videoFrameChanged.connect(
        lambda f: stamps.append((widget.player.current_frame, stamped(f))) if f.isValid() else None)
    widget.stamps = stamps
    pid = next(p["id"] for p in stamped_source["playback_ids"] if p["policy"] == "public")
    with qtbot.waitSignal(widget.player.loaded, timeout=10_000):
        widget.open_source(f"{media_server.stream_url}/{pid}.m3u8", 12_000, FPS)
    widget.timeline.setFocus()
    yield widget
    widget.player.unload()


def key(qtbot: Any, editor: Any, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(editor.timeline, k, mods)


def on_frame(qtbot: Any, editor: Any, frame: int) -> int:
    qtbot.waitUntil(lambda: bool(editor.stamps) and editor.stamps[-1][0] == frame, timeout=5_000)
    return int(editor.stamps[-1][1])


def test_keyboard_marking_lands_on_the_frames_shown(qtbot: Any, editor: Any) -> None:
    on_frame(qtbot, editor, 0)
    for n in (1, 2, 3):
        key(qtbot, editor, Qt.Key.Key_Right)
        on_frame(qtbot, editor, n)
    key(qtbot, editor, Qt.Key.Key_I)
    key(qtbot, editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # one second: 25 frames
    assert on_frame(qtbot, editor, 28) == 28
    key(qtbot, editor, Qt.Key.Key_O)
    marked = editor.timeline.marked
    assert (marked.first_frame, marked.last_frame) == (3, 28)
    assert (marked.in_ms, marked.out_ms) == (120, 1_160)
    assert editor.in_field.text() == "00:00:00.120" and editor.length_label.text().startswith("Length 00:00:01.040")
    key(qtbot, editor, Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)  # go to in
    assert on_frame(qtbot, editor, 3) == 3
    key(qtbot, editor, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)  # go to out: the last frame inside
    assert on_frame(qtbot, editor, 28) == 28


def test_undo_redo_and_clear_by_keyboard(qtbot: Any, editor: Any) -> None:
    on_frame(qtbot, editor, 0)
    key(qtbot, editor, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # ten seconds
    on_frame(qtbot, editor, 250)
    key(qtbot, editor, Qt.Key.Key_O)
    key(qtbot, editor, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    assert editor.timeline.marked.out_ms is None
    key(qtbot, editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.timeline.marked.out_ms == 10_040
    key(qtbot, editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.timeline.marked.out_ms is None
    key(qtbot, editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert editor.timeline.marked.out_ms == 10_040


def test_typed_and_pasted_times_in_every_form(qtbot: Any, editor: Any) -> None:
    messages: list[str] = []
    editor.message.connect(messages.append)
    for text, ms in (("00:00:02:00", 2_000), ("#75", 3_000), ("4.5", 4_520), ("00:00:01.000", 1_000)):
        editor.in_field.setText(text)
        editor.in_field.editingFinished.emit()
        assert editor.timeline.marked.in_ms == ms, text  # 4.5 s lands on frame 113's start (4 520 ms)
    editor.out_field.setText("soon")
    editor.out_field.editingFinished.emit()
    assert editor.timeline.marked.out_ms is None and "not a time" in messages[-1]
    editor.format_box.setCurrentIndex(editor.format_box.findData("smpte"))
    assert editor.in_field.text() == "00:00:01:00"
    editor.format_box.setCurrentIndex(editor.format_box.findData("frames"))
    assert editor.in_field.text() == "#25"


def test_frames_around_the_cut_are_checked_with_exact_thumbnails(
        qtbot: Any, editor: Any, media_server: EmulatorServer, stamped_source: dict[str, Any]) -> None:
    from PySide6.QtGui import QPixmap

    from muxclipper.mux.client import Endpoints
    from muxclipper.mux.urls import PlaybackUrls
    from tests.emulator.test_media_hosts import _png_index

    urls = PlaybackUrls(Endpoints.for_origin(media_server.url))
    pid = next(p["id"] for p in stamped_source["playback_ids"] if p["policy"] == "public")
    with qtbot.waitSignal(editor.stills_requested) as requested:
        editor.in_field.setText("2")
        editor.in_field.editingFinished.emit()
    stills = dict(requested.args[0])
    assert stills == {"before in": 1_980, "in": 2_020, "last": 11_980, "after out": 12_020}
    shown = {}
    for name, ms in stills.items():
        if ms < 12_000:  # "after out" is past the end of this source
            png = httpx.get(urls.thumbnail(pid, ms, fmt="png")).content
            shown[name] = _png_index(png)
            pixmap = QPixmap()
            pixmap.loadFromData(png)
            editor.set_still(name, pixmap)
    assert shown == {"before in": 49, "in": 50, "last": 299}
    assert not editor.stills["in"].pixmap().isNull()


def test_the_filmstrip_loads_from_the_storyboard(qtbot: Any, editor: Any, media_server: EmulatorServer,
                                                 stamped_source: dict[str, Any]) -> None:
    import asyncio

    from muxclipper.mux.client import Endpoints
    from muxclipper.mux.storyboard import fetch_storyboard
    from muxclipper.mux.urls import PlaybackUrls
    from muxclipper.qt.editor.timeline import tiles_from_storyboard

    pid = next(p["id"] for p in stamped_source["playback_ids"] if p["policy"] == "public")

    async def load() -> Any:
        async with httpx.AsyncClient() as http:
            return await fetch_storyboard(http, PlaybackUrls(Endpoints.for_origin(media_server.url)).storyboard(pid))

    board, sprite = asyncio.run(load())
    assert len(board.tiles) == 50 and board.duration_ms == 12_000
    pixmap, tiles = tiles_from_storyboard(board, sprite)
    assert (pixmap.width(), pixmap.height()) == (2560, 720) and tiles[1].start_ms == 240
    editor.set_storyboard(pixmap, tiles)
    assert not editor.timeline.grab().toImage().isNull()


def test_captions_follow_the_playhead_and_toggle(qtbot: Any, editor: Any, media_server: EmulatorServer,
                                                 stamped_source: dict[str, Any]) -> None:
    pid = next(p["id"] for p in stamped_source["playback_ids"] if p["policy"] == "public")
    [track] = [t for t in stamped_source["tracks"] if t["type"] == "text"]
    editor.set_captions(parse_vtt(httpx.get(f"{media_server.stream_url}/{pid}/text/{track['id']}.vtt").text))
    editor.player.seek_ms(5_000)
    on_frame(qtbot, editor, 125)
    assert editor.caption_label.text().startswith("Caption 2")
    key(qtbot, editor, Qt.Key.Key_C)
    assert editor.caption_label.text() == ""


def test_cheat_sheet_and_create(qtbot: Any, editor: Any) -> None:
    qtbot.keyClicks(editor.timeline, "?")
    sheet = editor.findChild(CheatSheet)
    assert sheet is not None and sheet.isVisible()
    labels = [item.text() for r in range(sheet.table.rowCount()) for c in (1, 3)
              if (item := sheet.table.item(r, c)) is not None]
    assert "Set in at the playhead" in labels and not sheet.isModal()
    assert len(labels) == len(editor.keymap)  # every key listed, in two columns
    # Readable without scrolling: the table is as large as its rows and columns.
    assert sheet.table.verticalScrollBar().maximum() == 0 and sheet.table.horizontalScrollBar().maximum() == 0
    sheet.close()
    editor.timeline.setFocus()
    with qtbot.waitSignal(editor.create_requested) as created:
        key(qtbot, editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert created.args[0] == editor.timeline.marked


def test_a_growing_live_recording_reaches_the_timeline(qtbot: Any, media_server: EmulatorServer,
                                                       media_api: httpx.Client, stamped_source: dict[str, Any]) -> None:
    stream = media_api.post("/video/v1/live-streams", json={"new_asset_settings": {"playback_policies": ["public"]}})
    stream_id = stream.json()["data"]["id"]
    recording = media_api.post(f"/_emulator/live-streams/{stream_id}/start",
                               json={"source_asset_id": stamped_source["id"]}).json()["data"]
    media_api.post("/_emulator/clock/advance", json={"seconds": 4})
    widget = EditorWidget()
    qtbot.addWidget(widget)
    stamps: list[tuple[int, int]] = []
    widget.video.videoSink().videoFrameChanged.connect(
        lambda f: stamps.append((widget.player.current_frame, stamped(f))) if f.isValid() else None)
    duration = media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"]["duration"]
    with qtbot.waitSignal(widget.player.frame_shown, timeout=10_000):
        widget.open_source(f"{media_server.stream_url}/{recording['playback_ids'][0]['id']}.m3u8",
                           round(duration * 1000), FPS)
    assert widget.timeline.marked.duration_ms == 4_000
    media_api.post("/_emulator/clock/advance", json={"seconds": 6})
    grown = media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"]["duration"]
    widget.follow_live = True
    widget.set_duration(round(grown * 1000))  # as the app does on each poll of the asset
    assert widget.timeline.marked.duration_ms == 10_000
    qtbot.waitUntil(lambda: bool(stamps) and stamps[-1][0] == 249, timeout=10_000)
    assert stamps[-1][1] == 249  # the newest frame recorded is on screen, the right one
    widget.player.unload()
    media_api.put(f"/video/v1/live-streams/{stream_id}/complete")


def _type_into(qtbot: Any, field: Any, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_typed_times_are_refused_with_words_never_changed(qtbot: Any, editor: Any) -> None:
    # Seen: an Out before In became In + 1 frame, an In past Out and an Out past the end were clamped, silently.
    said: list[str] = []
    editor.message.connect(said.append)
    _type_into(qtbot, editor.in_field, "00:00:05.000")
    _type_into(qtbot, editor.out_field, "00:00:08.000")
    assert (editor.timeline.marked.in_ms, editor.timeline.marked.out_ms) == (5_000, 8_000)
    assert editor.timeline.hasFocus()  # Enter on a time taken: the keys are the editor's again
    for field, text, words in ((editor.out_field, "00:00:03.000", "is not after In"),
                               (editor.in_field, "00:00:09.000", "is not before Out"),
                               (editor.out_field, "00:00:30.000", "outside the video"),
                               (editor.position_field, "00:01:00.000", "outside the video")):
        _type_into(qtbot, field, text)
        assert words in said[-1] and words in field.toolTip(), (text, said[-1])
        assert (editor.timeline.marked.in_ms, editor.timeline.marked.out_ms) == (5_000, 8_000)
        assert field.text() == text and field.hasFocus()  # kept to fix, where it was typed
        qtbot.keyClick(field, Qt.Key.Key_Escape)  # gives up the edit: the field shows the mark again
        assert field.text() != text and editor.timeline.hasFocus() and said[-1] == ""
    _type_into(qtbot, editor.out_field, "00:00:09.000")
    assert editor.timeline.marked.out_ms == 9_000
    assert said[-1] == ""  # the last refusal does not stay in the status line


def test_up_and_down_go_to_the_previous_and_next_edit_point(qtbot: Any, editor: Any) -> None:
    # In, out (its last frame inside) and segment edges, as editing suites' ↑ / ↓ do (LosslessCut users ask for it).
    from muxclipper.core.marking import MarkedRange

    on_frame(qtbot, editor, 0)
    editor.edit_range(MarkedRange(None, None, 12_000, FPS).with_in(2_000).with_out(6_000))  # frames 50 … 149
    editor.set_edit_points([4_000, 9_000])  # a segment from frame 100 to frame 225
    editor.timeline.setFocus()
    for expected in (50, 100, 149, 225):
        key(qtbot, editor, Qt.Key.Key_Down)
        assert on_frame(qtbot, editor, expected) == expected
    said: list[str] = []
    editor.message.connect(said.append)
    key(qtbot, editor, Qt.Key.Key_Down)
    assert said == ["No edit point after the playhead."] and editor.player.current_frame == 225
    for expected in (149, 100):
        key(qtbot, editor, Qt.Key.Key_Up)
        assert on_frame(qtbot, editor, expected) == expected


def test_typed_out_points_follow_os_rule_and_lengths_and_refusals_speak_the_display(qtbot: Any, editor: Any) -> None:
    """`#61` typed into Out excluded frame 61 while O on frame 61 includes it; 10 frames showed as "0.400 s" and
    refusals spoke milliseconds with the display in SMPTE."""
    said: list[str] = []
    editor.message.connect(said.append)
    editor.player.seek_frame(61)
    on_frame(qtbot, editor, 61)
    key(qtbot, editor, Qt.Key.Key_O)
    by_key = editor.timeline.marked.out_ms
    key(qtbot, editor, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    for text in ("#61", "00:00:02:11"):  # frame 61 at 25 fps, by number and by SMPTE
        _type_into(qtbot, editor.out_field, text)
        assert editor.timeline.marked.out_ms == by_key, text
    editor.format_box.setCurrentIndex(editor.format_box.findData("frames"))
    assert editor.out_field.text() == "#61"  # the last frame in, as O was pressed on it
    _type_into(qtbot, editor.in_field, "#52")
    assert editor.length_label.text().startswith("Length 10 frames")
    editor.format_box.setCurrentIndex(editor.format_box.findData("smpte"))
    assert editor.length_label.text().startswith("Length 00:00:00:10") and editor.out_field.text() == "00:00:02:11"
    _type_into(qtbot, editor.out_field, "#40")
    assert said[-1].startswith("Out 00:00:01:15 is not after In (00:00:02:02)"), said[-1]
    _type_into(qtbot, editor.position_field, "00:05:00:00")
    assert "(00:00:00:00 – 00:00:12:00)" in said[-1], said[-1]


def test_home_and_end_go_to_the_first_and_last_frame_but_stay_a_text_fields(qtbot: Any, editor: Any) -> None:
    """Home / End to the first and last frame, as in every editing suite (no key did); typing in a time field, they
    move its cursor and the picture stays."""
    on_frame(qtbot, editor, 0)
    key(qtbot, editor, Qt.Key.Key_End)
    assert on_frame(qtbot, editor, 299) == 299  # 12 s at 25 fps: frames 0 … 299
    key(qtbot, editor, Qt.Key.Key_Home)
    assert on_frame(qtbot, editor, 0) == 0
    field = editor.in_field
    field.setFocus()
    qtbot.keyClicks(field, "12")
    qtbot.keyClick(field, Qt.Key.Key_Home)
    qtbot.keyClicks(field, "#")
    assert field.text() == "#12" and field.cursorPosition() == 1
    qtbot.keyClick(field, Qt.Key.Key_End)
    assert field.cursorPosition() == 3 and editor.player.target_frame == 0


def test_the_storyboard_of_a_recording_opened_early_follows_it_as_it_grows(
        qapp: Any, media_server: EmulatorServer, media_api: httpx.Client, stamped_source: dict[str, Any],
        frozen_clock: None) -> None:
    """Opened 2 s into the broadcast, the strip under the timeline kept showing those 2 s over the whole recording:
    it is asked for again as the recording grows (by a quarter, at least 5 s, at most a minute), and when it ends.
    The emulator's clock moves only as the test advances it: on a loaded machine real time grew the recording past
    2 s before its first storyboard came."""
    from muxclipper.core.models import Asset
    from muxclipper.mux.client import Endpoints
    from muxclipper.mux.urls import PlaybackUrls
    from muxclipper.mux.wire import asset_from_wire
    from muxclipper.qt.bridge import Bridge
    from muxclipper.qt.editor.editor_pictures import EditorPictures, storyboard_due
    from muxclipper.services.pictures import PictureService
    from tests.qt.window.test_main_window import run
    from tests.support.waiting import until

    assert not storyboard_due(2_000, 6_000) and storyboard_due(2_000, 7_000)
    assert not storyboard_due(600_000, 659_000) and storyboard_due(600_000, 660_000)
    stream_id = media_api.post("/video/v1/live-streams", json={
        "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]["id"]
    recording_id = media_api.post(f"/_emulator/live-streams/{stream_id}/start",
                                  json={"source_asset_id": stamped_source["id"]}).json()["data"]["id"]

    def now() -> Asset:
        return asset_from_wire(media_api.get(f"/video/v1/assets/{recording_id}").json()["data"])

    async def scenario() -> None:
        media_api.post("/_emulator/clock/advance", json={"seconds": 2})
        editor = EditorWidget()
        pictures = EditorPictures(editor, Bridge(editor))
        async with httpx.AsyncClient() as http:
            pictures.attach(PictureService(http, PlaybackUrls(Endpoints.for_origin(media_server.url))))
            pictures.show(now())

            def covered_ms() -> int:
                tiles = editor.timeline._tiles  # noqa: SLF001 - what the strip draws
                return tiles[-1].start_ms if tiles else -1

            await until(lambda: 0 <= covered_ms() < 2_000, 10, "the first storyboard")
            media_api.post("/_emulator/clock/advance", json={"seconds": 3})
            pictures.follow(now())  # grown by 3 s only: the same storyboard, not asked again
            assert pictures._storyboard_ms == 2_000  # noqa: SLF001
            media_api.post("/_emulator/clock/advance", json={"seconds": 3})
            grown = now()
            assert grown.is_live
            pictures.follow(grown)
            await until(lambda: covered_ms() >= 5_000, 20, "the storyboard of what is recorded now")
            media_api.post("/_emulator/clock/advance", json={"seconds": 10})  # the 12 s broadcast has ended
            ended = now()
            assert not ended.is_live
            pictures.follow(ended)
            await until(lambda: covered_ms() >= 11_000, 20, "the storyboard of the whole recording")
            editor.deleteLater()

    try:
        run(qapp, scenario)
    finally:
        media_api.put(f"/video/v1/live-streams/{stream_id}/complete")


def test_a_time_being_typed_stays_while_the_recording_grows(qtbot: Any, editor: Any) -> None:
    """The marks are shown again whenever a recording in progress grows (every few seconds): the In field being
    typed in was wiped mid-word each time; a mark that really changes is still shown."""
    qtbot.mouseClick(editor.in_field, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(editor.in_field.hasFocus, timeout=5_000)
    qtbot.keyClicks(editor.in_field, "00:00:1")
    editor.timeline.set_duration(24_000)  # grown: the range is re-shown
    assert editor.in_field.text() == "00:00:1"
    editor.timeline.set_range(editor.timeline.marked.with_in(2_000))  # I pressed: the new mark is shown
    assert editor.in_field.text() == editor.in_field.shown(2_000)
