"""The player on the emulator's real HLS, offscreen: every frame step and seek proved by its stamp."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame

from muxclipper.core.marking import MarkedRange
from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import stamp
from muxclipper.qt.editor.player import PlayerController

FPS = Fraction(25)


def stamped(frame: QVideoFrame) -> int:
    image = frame.toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    raw = bytes(image.constBits())
    return stamp.read_index(b"".join(raw[y * stride: y * stride + width * 3] for y in range(height)), width, height)


@pytest.fixture
def player(qtbot: Any, media_server: EmulatorServer, stamped_source: dict[str, Any]) -> Any:
    controller = PlayerController()
    shown: list[tuple[int, int]] = []  # (the controller's frame index, the stamp on the frame)
    controller.sink.videoFrameChanged.connect(
        lambda f: shown.append((controller.current_frame, stamped(f))) if f.isValid() else None)
    pid = next(p["id"] for p in stamped_source["playback_ids"] if p["policy"] == "public")
    with qtbot.waitSignal(controller.loaded, timeout=10_000) as loaded:
        controller.load(f"{media_server.stream_url}/{pid}.m3u8", FPS)
    assert loaded.args == [12_000]
    controller.shown = shown  # type: ignore[attr-defined]
    yield controller
    dispose(controller)


def dispose(controller: PlayerController) -> None:
    """Unload and delete now, in this thread (see tests/conftest.py on Qt objects and GC)."""
    import shiboken6

    controller.unload()
    shiboken6.delete(controller)


def _land(qtbot: Any, player: Any, frame: int) -> int:
    """Wait until the controller reports ``frame`` on screen; answer the stamp that frame carries."""
    qtbot.waitUntil(lambda: bool(player.shown) and player.shown[-1][0] == frame, timeout=5_000)
    return int(player.shown[-1][1])


def test_first_frame_is_frame_zero(qtbot: Any, player: Any) -> None:
    assert _land(qtbot, player, 0) == 0 and player.current_ms == 0


def test_frame_steps_land_on_the_exact_frame(qtbot: Any, player: Any) -> None:
    _land(qtbot, player, 0)
    for expected in (1, 2, 3):
        player.step(1)
        assert _land(qtbot, player, expected) == expected
    player.step(-1)
    assert _land(qtbot, player, 2) == 2
    player.step(25)  # Shift+→: one second
    assert _land(qtbot, player, 27) == 27
    assert not player.is_playing


@pytest.mark.parametrize(("ms", "frame"), [(5_000, 125), (8_040, 201), (8_059, 201), (11_960, 299), (99_000, 299)])
def test_seeks_show_the_frame_on_screen_at_that_time(qtbot: Any, player: Any, ms: int, frame: int) -> None:
    player.seek_ms(ms)
    assert _land(qtbot, player, frame) == frame


def test_in_and_out_at_the_playhead_record_exactly_the_frame_shown(qtbot: Any, player: Any) -> None:
    player.seek_frame(50)
    on_screen_in = _land(qtbot, player, 50)
    marked = MarkedRange(None, None, 12_000, FPS).with_in(player.current_ms)
    player.seek_frame(224)
    on_screen_last = _land(qtbot, player, 224)
    marked = marked.with_out(player.current_ms + 40)  # O marks after the frame on screen
    assert (marked.first_frame, marked.last_frame) == (on_screen_in, on_screen_last) == (50, 224)


def test_shuttle_plays_forward_and_steps_backward(qtbot: Any, player: Any) -> None:
    player.seek_frame(100)
    _land(qtbot, player, 100)
    player.shuttle_backward()
    qtbot.waitUntil(lambda: player.current_frame <= 97, timeout=5_000)
    player.stop_shuttle()
    assert player.shown[-1][0] == player.shown[-1][1]  # every frame shown is the frame reported
    player.shuttle_forward()
    qtbot.waitUntil(lambda: player.current_frame > 110, timeout=5_000)
    player.stop_shuttle()
    assert not player.is_playing


@pytest.mark.qt_log_ignore("Could not open media")  # Qt's own warning for the 404 this test causes
def test_an_unknown_stream_fails_with_a_message(qtbot: Any, media_server: EmulatorServer) -> None:
    controller = PlayerController()
    with qtbot.waitSignal(controller.failed, timeout=5_000) as failed:
        controller.load(f"{media_server.stream_url}/does-not-exist.m3u8", FPS)
    assert "could not be loaded" in failed.args[0]
    dispose(controller)


@pytest.mark.qt_log_ignore("Could not open media")  # Qt's note when the abandoned load is stopped
def test_a_silent_server_times_out_with_a_message(qtbot: Any, media_server: EmulatorServer,
                                                  stamped_source: dict[str, Any]) -> None:
    import httpx

    pid = next(p["id"] for p in stamped_source["playback_ids"] if p["policy"] == "public")
    httpx.post(f"{media_server.url}/_emulator/faults",
               json={"kind": "delay", "path": f"/stream/{pid}.m3u8", "delay_ms": 3000})
    controller = PlayerController(load_timeout_ms=500)
    with qtbot.waitSignal(controller.failed, timeout=5_000) as failed:
        controller.load(f"{media_server.stream_url}/{pid}.m3u8", FPS)
    assert "did not load in 0.5 s" in failed.args[0] and "certificate" in failed.args[0]
    later: list[str] = []
    controller.failed.connect(later.append)
    qtbot.wait(300)  # nothing more must come of the abandoned load
    assert later == []
    dispose(controller)


def test_signed_playback_through_the_client_token(qtbot: Any, media_server: EmulatorServer, media_api: Any,
                                                  stamped_source: dict[str, Any]) -> None:
    from muxclipper.mux.client import Endpoints
    from muxclipper.mux.urls import PlaybackUrls, SigningKey

    key = media_api.post("/system/v1/signing-keys").json()["data"]
    urls = PlaybackUrls(Endpoints.for_origin(media_server.url), SigningKey(key["id"], key["private_key"]))
    signed = next(p["id"] for p in stamped_source["playback_ids"] if p["policy"] == "signed")
    controller = PlayerController()
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.load(urls.hls(signed, policy="signed"), FPS)
    controller.seek_frame(100)
    qtbot.waitUntil(lambda: controller.current_frame == 100, timeout=5_000)
    dispose(controller)


def test_a_preview_shows_the_picture_and_its_asset_numbers_the_frames(qtbot: Any, media_server: EmulatorServer,
                                                                      stamped_source: dict[str, Any]) -> None:
    """A stream URL named at start-up plays before its asset is known; the asset's rate then numbers the frame
    on screen, without loading the stream again."""
    controller = PlayerController()
    pictures: list[int] = []
    controller.sink.videoFrameChanged.connect(lambda f: pictures.append(stamped(f)) if f.isValid() else None)
    numbered: list[tuple[int, int]] = []
    controller.frame_shown.connect(lambda frame, ms: numbered.append((frame, ms)))
    pid = next(p["id"] for p in stamped_source["playback_ids"] if p["policy"] == "public")
    url = f"{media_server.stream_url}/{pid}.m3u8"
    with qtbot.waitSignal(controller.preview_settled, timeout=10_000) as settled:
        controller.preview(url)
    qtbot.waitUntil(lambda: bool(pictures), timeout=5_000)  # the sink may call this from its own thread
    assert settled.args == [True] and pictures == [0] and numbered == [] and controller.previewing == url
    assert not controller.adopt(f"{media_server.stream_url}/another.m3u8", FPS)  # not this preview's asset
    assert controller.adopt(url, FPS)
    assert numbered == [(0, 0)] and controller.previewing is None
    controller.step(3)
    qtbot.waitUntil(lambda: numbered[-1][0] == 3 and pictures[-1] == 3, timeout=5_000)
    assert pictures.count(0) == 1  # stepped in the stream as loaded, not a new load
    dispose(controller)


@pytest.mark.qt_log_ignore("Could not open media")  # Qt's own warning for the 404s this test causes
def test_a_preview_that_cannot_play_stays_quiet_and_the_asset_load_still_reports(
        qtbot: Any, media_server: EmulatorServer) -> None:
    controller = PlayerController()
    failures: list[str] = []
    controller.failed.connect(failures.append)
    url = f"{media_server.stream_url}/does-not-exist.m3u8"
    with qtbot.waitSignal(controller.preview_settled, timeout=5_000) as settled:
        controller.preview(url)
    assert settled.args == [False] and controller.previewing is None and failures == []  # a signed or unknown stream: the asset, when it comes, says what is wrong
    with qtbot.waitSignal(controller.failed, timeout=5_000) as failed:
        controller.load(url, FPS)
    assert "could not be loaded" in failed.args[0]
    dispose(controller)


def test_reopening_the_open_source_keeps_picture_and_playhead_together(
        qtbot: Any, player: Any, media_server: EmulatorServer, stamped_source: dict[str, Any]) -> None:
    # Seen on screen: double-clicking the open source in Assets left the picture 6 s away from the playhead, and
    # every mark made then was 6 s wrong. The frame reported must be the frame shown, after re-opening too.
    player.seek_frame(150)
    assert _land(qtbot, player, 150) == 150
    pid = next(p["id"] for p in stamped_source["playback_ids"] if p["policy"] == "public")
    player.shown.clear()
    with qtbot.waitSignal(player.loaded, timeout=10_000):
        player.load(f"{media_server.stream_url}/{pid}.m3u8", FPS)
    assert _land(qtbot, player, 0) == 0  # opened afresh at its first frame
    for frame in (40, 200, 7):
        player.seek_frame(frame)
        assert _land(qtbot, player, frame) == frame
    assert all(reported == on_screen for reported, on_screen in player.shown)


def test_a_growing_recording_is_not_reported_as_failing_to_load(
        qtbot: Any, media_server: EmulatorServer, stamped_source: dict[str, Any]) -> None:
    # Seen on the local emulator: a recording in progress said "did not load in 15 s … certificate may not be
    # trusted" while its picture was on screen (Qt reports no duration for a growing playlist).
    import httpx

    from tests.emulator.helpers import RW

    with httpx.Client(base_url=media_server.url, auth=RW, timeout=30) as api:
        stream = api.post("/video/v1/live-streams", json={"new_asset_settings": {"playback_policies": ["public"]}})
        stream_id = stream.json()["data"]["id"]
        recording = api.post(f"/_emulator/live-streams/{stream_id}/start",
                             json={"source_asset_id": stamped_source["id"]}).json()["data"]
        api.post("/_emulator/clock/advance", json={"seconds": 4})
        controller = PlayerController(load_timeout_ms=1_000)
        try:
            with qtbot.waitSignal(controller.frame_shown, timeout=10_000):
                controller.load(f"{media_server.stream_url}/{recording['playback_ids'][0]['id']}.m3u8", FPS)
            # The load timeout (1 s here) passes with the picture on screen: nothing is said.
            with qtbot.assertNotEmitted(controller.failed, wait=1_500):
                pass
        finally:
            dispose(controller)
            api.delete(f"/video/v1/live-streams/{stream_id}")


def test_a_recording_in_progress_plays_from_its_first_frame_and_reaches_what_is_recorded_since(
        qapp: Any, media_server: EmulatorServer, stamped_source: dict[str, Any]) -> None:
    # Seen: a recording 12 s in opened at its 6th second, numbered frame 0 (every mark 6 s wrong), and its first
    # seconds could not be reached: Qt starts a playlist that has not ended three segments from its end.
    import asyncio

    import httpx

    from muxclipper.services.recording_relay import RecordingRelay
    from tests.emulator.helpers import RW
    from tests.qt.window.test_main_window import run, until

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=media_server.url, auth=RW, timeout=30) as api, \
                httpx.AsyncClient(timeout=30) as http:
            stream = (await api.post("/video/v1/live-streams",
                                     json={"new_asset_settings": {"playback_policies": ["public"]}})).json()["data"]
            recording = (await api.post(f"/_emulator/live-streams/{stream['id']}/start",
                                        json={"source_asset_id": stamped_source["id"]})).json()["data"]
            await api.post("/_emulator/clock/advance", json={"seconds": 8})  # four segments recorded
            relay = RecordingRelay(http)
            controller = PlayerController()
            shown: list[tuple[int, int]] = []
            controller.sink.videoFrameChanged.connect(
                lambda f: shown.append((controller.current_frame, stamped(f))) if f.isValid() else None)
            reported: list[int] = []
            controller.frame_shown.connect(lambda frame, ms: reported.append(frame))
            try:
                url = await relay.url_for(f"{media_server.stream_url}/{recording['playback_ids'][0]['id']}.m3u8")
                controller.load(url, FPS, growing=True)
                controller.set_available(8_000)
                await until(lambda: reported and shown and shown[-1] == (0, 0), 10, "the recording's first frame")
                for frame in (25, 180):  # inside the first seconds, and near what was recorded when it loaded
                    controller.seek_frame(frame)
                    await until(lambda f=frame: reported[-1] == f and shown[-1] == (f, f), 5, f"frame {frame}")
                await api.post("/_emulator/clock/advance", json={"seconds": 4})  # all 12 s recorded now
                controller.set_available(12_000)
                controller.seek_frame(280)  # recorded since it was loaded: loaded again, and shown
                await until(lambda: reported[-1] == 280 and shown[-1] == (280, 280), 10, "frame 280")
                assert all(frame <= 280 for frame in reported[reported.index(180):])  # no trip back to 0 on screen
            finally:
                dispose(controller)
                await relay.aclose()
                await api.delete(f"/video/v1/live-streams/{stream['id']}")
                await asyncio.sleep(0)

    run(qapp, scenario)
