"""An audio-only source in the editor, on the emulator's real HLS (sound alone): it opens and plays, is marked by keys
and typed times in milliseconds, refuses frame numbers in words, shows no frame number and no pictures but the sound
around the cut, and its waveform is made in the client from the stream (the corpus item's once-a-second bursts
show where they are)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from muxclipper.core.models import Asset
from muxclipper.emulator import EmulatorServer
from muxclipper.mux.endpoints import Endpoints
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.mux.wire import asset_from_wire
from muxclipper.qt.editor.audio_position import AUDIO_RATE
from muxclipper.qt.editor.editor_widget import EditorWidget
from muxclipper.qt.editor.waveform_loader import WaveformLoader
from muxclipper.services.pictures import PictureService
from tests.emulator.media_helpers import wait_settled
from tests.support import corpus

pytestmark = pytest.mark.slow
ITEM = corpus.AUDIO_ITEMS[0]
DURATION_MS = round(ITEM.seconds * 1000)


@pytest.fixture(scope="module")
def audio_source(media_api: httpx.Client) -> dict[str, Any]:
    response = media_api.post("/video/v1/assets", json={"inputs": [{"url": corpus.media(ITEM).as_uri()}],
                                                        "playback_policies": ["public"]})
    assert response.status_code == 201, response.text
    asset = wait_settled(media_api, response.json()["data"]["id"], timeout=120)
    assert asset["status"] == "ready", asset
    return asset


@pytest.fixture
def editor(qtbot: Any, media_server: EmulatorServer, audio_source: dict[str, Any]) -> Any:
    widget = EditorWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    pid = audio_source["playback_ids"][0]["id"]
    with qtbot.waitSignal(widget.player.loaded, timeout=10_000):
        widget.open_source(f"{media_server.stream_url}/{pid}.m3u8", DURATION_MS, AUDIO_RATE, audio_only=True)
    widget.timeline.setFocus()
    yield widget
    widget.player.unload()


def key(qtbot: Any, editor: Any, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(editor.timeline, k, mods)


def test_it_opens_as_sound_marked_in_milliseconds(qtbot: Any, editor: Any) -> None:
    assert editor.audio_card.isVisible() and not editor.video.isVisible()
    assert not any(still.isVisible() for still in editor.stills.values())
    assert all(close_up.isVisible() for close_up in editor.close_ups.values())
    assert not editor.transport.frame_label.isVisible()  # no "#0": there are no frames
    assert not editor.format_box.isEnabled() and editor.format_box.currentData() == "hms"
    qtbot.waitUntil(lambda: editor.position_field.text() == "00:00:00.000", timeout=5_000)
    key(qtbot, editor, Qt.Key.Key_Right)  # a hundredth of a second
    key(qtbot, editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # a second
    qtbot.waitUntil(lambda: editor.player.current_ms == 1_010, timeout=5_000)
    key(qtbot, editor, Qt.Key.Key_I)
    editor.out_field.setText("00:00:05.250")
    editor.out_field.editingFinished.emit()
    marked = editor.timeline.marked
    assert (marked.in_ms, marked.out_ms) == (1_010, 5_250)
    assert editor.length_label.text() == "Length 00:00:04.240"
    assert editor.close_ups["Out"].cut_ms == 5_250
    refusals: list[str] = []
    editor.message.connect(refusals.append)
    editor.in_field.setText("#100")
    editor.in_field.editingFinished.emit()
    assert refusals and "audio only" in refusals[-1] and "no frames" in refusals[-1]
    assert editor.timeline.marked.in_ms == 1_010  # refused, nothing changed
    key(qtbot, editor, Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)  # go to in
    qtbot.waitUntil(lambda: editor.player.current_ms == 1_010, timeout=5_000)
    # The keys that name frames say what they do on sound, in their tooltips and in the list of keys (?).
    assert editor.actions_by_id["frame_forward"].toolTip() == "A hundredth of a second forward (Right)"
    assert editor.actions_by_id["go_first"].text() == "Go to the start"

    def listed() -> set[str]:
        editor.show_cheat_sheet()
        table = editor._cheat_sheet.table
        shown = {table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())
                 if table.item(r, c) is not None}
        editor._cheat_sheet.close()
        return shown

    assert "A hundredth of a second back" in listed() and "One frame back" not in listed()
    editor.close_source()  # another environment: nothing open, nothing says "audio only"
    assert not editor.audio_card.isVisible() and editor.video.isVisible() and editor.format_box.isEnabled()
    assert editor.actions_by_id["frame_forward"].toolTip() == "One frame forward (Right)"
    assert "One frame back" in listed()


def test_it_plays_and_reaches_the_end_without_jamming(qtbot: Any, editor: Any) -> None:
    editor.player.seek_ms(DURATION_MS - 1_500)
    qtbot.waitUntil(lambda: editor.player.current_ms == DURATION_MS - 1_500, timeout=5_000)
    with qtbot.waitSignal(editor.player.playing_changed, timeout=5_000):
        key(qtbot, editor, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: editor.player.current_ms > DURATION_MS - 1_400, timeout=10_000)  # it moves
    qtbot.waitUntil(lambda: not editor.player.is_playing, timeout=15_000)  # and stops at the end
    assert editor.player.current_ms >= DURATION_MS - 100
    editor.player.seek_ms(2_000)  # and can be sought and played again
    qtbot.waitUntil(lambda: editor.player.current_ms == 2_000, timeout=5_000)
    editor.player.play()
    qtbot.waitUntil(lambda: editor.player.current_ms > 2_100, timeout=10_000)
    editor.player.pause()


def test_its_waveform_is_made_from_the_stream(qtbot: Any, media_server: EmulatorServer,
                                              audio_source: dict[str, Any]) -> None:
    asset: Asset = asset_from_wire(audio_source)
    assert asset.audio_only

    async def pieces() -> list[tuple[int, str]]:
        async with httpx.AsyncClient(timeout=10) as http:
            return await PictureService(http, PlaybackUrls(Endpoints.for_origin(media_server.url))).sound_pieces(asset)

    found = asyncio.run(pieces())
    assert len(found) >= ITEM.seconds // 3 and found[0][0] == 0

    def fetch(urls: list[str], then: Callable[[bytes | str], None]) -> None:
        then(b"".join(httpx.get(url, timeout=10).content for url in urls))

    loader = WaveformLoader()
    with qtbot.waitSignal(loader.finished, timeout=30_000) as finished:
        wave = loader.start(DURATION_MS, found, fetch)
    assert finished.args == [""] and wave.complete
    # Each second starts with a burst at 0.9 of full scale; the bed between is at most 0.5.
    bursts = [max(wave.columns(s * 1000, s * 1000 + 40, 1)) for s in range(1, 23)]
    beds = [max(wave.columns(s * 1000 + 200, s * 1000 + 800, 1)) for s in range(1, 23)]
    assert min(bursts) > 0.75 and max(beds) < 0.6, (bursts, beds)


def test_a_waveform_that_cannot_be_made_says_why_and_the_timeline_works_on(qtbot: Any) -> None:
    """Bytes that are no sound, and a piece that could not be fetched: the loader says why (the editor puts it in
    the timeline's tooltip, no dialog), and what was known stays."""
    loader = WaveformLoader()
    with qtbot.waitSignal(loader.finished, timeout=10_000) as garbage:
        loader.start(4_000, [(0, "one"), (2_000, "two")], lambda urls, then: then(b"\x00not sound at all" * 64))
    assert garbage.args[0].startswith("No waveform: the sound could not be decoded here")
    with qtbot.waitSignal(loader.finished, timeout=10_000) as unfetched:
        loader.start(4_000, [(0, "one")], lambda urls, then: then("No waveform: a piece of the sound could not be "
                                                                   "fetched (404)."))
    assert unfetched.args == ["No waveform: a piece of the sound could not be fetched (404)."]
    editor = EditorWidget()
    qtbot.addWidget(editor)
    editor.open_source("http://127.0.0.1:9/none.m3u8", 4_000, AUDIO_RATE, audio_only=True)
    editor.set_waveform(None, unfetched.args[0])
    assert editor.timeline.toolTip() == unfetched.args[0]
    editor.timeline.set_playhead(1_000)
    editor.mark_in()  # marking goes on without a waveform
    editor.player.unload()


def test_a_recording_of_sound_still_growing_is_played_and_its_waveform_follows(
        qtbot: Any, media_server: EmulatorServer, media_api: httpx.Client, audio_source: dict[str, Any],
        frozen_clock: None) -> None:
    """A live show's sound, recording: loaded (through the app's relay) as what is recorded so far; a time recorded
    since it was loaded is reached by loading it again; its waveform goes on as it grows."""
    from muxclipper.qt.editor.player import PlayerController
    from tests.support.relay_thread import RelayThread

    stream = media_api.post("/video/v1/live-streams",
                            json={"new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    player = PlayerController()
    try:
        recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                                   json={"source_asset_id": audio_source["id"]}).json()["data"]
        media_api.post("/_emulator/clock/advance", json={"seconds": 6.5})  # three 2 s segments recorded
        master = f"{media_server.stream_url}/{recording['playback_ids'][0]['id']}.m3u8"
        with RelayThread() as relay:
            with qtbot.waitSignal(player.loaded, timeout=10_000):
                player.load(relay.url_for(master), AUDIO_RATE, growing=True, audio_only=True)
            player.set_available(6_000)
            player.seek_ms(5_000)
            qtbot.waitUntil(lambda: player.current_ms == 5_000 and not player._loading, timeout=10_000)  # noqa: SLF001
            media_api.post("/_emulator/clock/advance", json={"seconds": 4})  # two more segments: up to 10 s
            player.set_available(10_000)
            player.seek_ms(9_000)  # recorded since it was loaded: loaded again, and there
            qtbot.waitUntil(lambda: player.current_ms == 9_000 and not player._loading, timeout=10_000)  # noqa: SLF001
            assert player.duration_ms >= 9_900 and abs(player.player.position() - 9_000) <= 1
            media_api.post("/_emulator/clock/advance", json={"seconds": 4})  # up to 14 s
            player.set_available(14_000)
            player.play()  # plays on past what was loaded (10 s): loaded again on the way, without stopping
            qtbot.waitUntil(lambda: player.current_ms > 10_600 and player.is_playing, timeout=15_000)
            player.pause()

        asset = asset_from_wire(media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"])

        async def pieces() -> list[tuple[int, str]]:
            async with httpx.AsyncClient(timeout=10) as http:
                urls = PlaybackUrls(Endpoints.for_origin(media_server.url))
                return await PictureService(http, urls).sound_pieces(asset)

        def fetch(urls: list[str], then: Callable[[bytes | str], None]) -> None:
            then(b"".join(httpx.get(url, timeout=10).content for url in urls))

        loader = WaveformLoader()
        with qtbot.waitSignal(loader.finished, timeout=30_000):
            wave = loader.start(asset.duration_ms or 0, asyncio.run(pieces()), fetch)
        known = wave.decoded_ms
        media_api.post("/_emulator/clock/advance", json={"seconds": 6})  # three more segments
        asset = asset_from_wire(media_api.get(f"/video/v1/assets/{recording['id']}").json()["data"])
        with qtbot.waitSignal(loader.finished, timeout=30_000):
            loader.more(asset.duration_ms or 0, asyncio.run(pieces()))
        assert wave.decoded_ms >= known + 5_000 and max(wave.columns(known, wave.decoded_ms, 10)) > 0.75
    finally:
        player.unload()
        media_api.delete(f"/video/v1/live-streams/{stream['id']}")
