"""The frame matrix: on every item of the corpus, through the emulator's real HLS, the player shows exactly the frame
asked for — read back from the stamp on the picture the video sink holds, never from the player's own numbers.

Per item: the emulator streams it as Mux would (as uploaded, or re-encoded); then seeks to every frame within ±3 of
every segment boundary, the first and last 3 frames and 30 random ones; steps across three boundaries each way
(→ then ←); a burst of seeks as a drag on the timeline makes; J/L then K. The counts, by kind of move, are printed
with the run's reliability counts.
Budget (docs/PERFORMANCE.md): the whole matrix within 150 s on the 2-core machine.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import shiboken6
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame
from pytestqt.exceptions import TimeoutError

from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import stamp
from muxclipper.qt.editor.frame_seeker import SEEK_PATIENCE_MS
from muxclipper.qt.editor.player import PlayerController
from tests.support import corpus
from tests.support.relay_thread import RelayThread
from tests.support.reliability_counts import record

# The corpus (tests/support/corpus.py) is made and uploaded once, in the first test's set-up: minutes on two busy
# cores, which the suite's 60 s per test must not cut off (the waits inside are deadlines of their own).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
LANDING_MS = 10_000  # a deadline for a frame that never comes, not a speed expectation


def picture_index(frame: QVideoFrame, source_height: int) -> int:
    """The frame number stamped on ``frame`` (scaled from a ``source_height`` picture): bits outside the picture (a
    portrait frame is narrower than the band) read as 0."""
    image = frame.toImage().convertToFormat(QImage.Format.Format_RGB888)
    scale = image.height() / source_height
    size = stamp.block_size(source_height) * scale
    y = int(size / 2)
    value = 0
    for bit in range(stamp.BITS):
        x = int((bit + 0.5) * size)
        if x >= image.width():
            break
        colour = image.pixelColor(x, y)
        if (colour.red() * 299 + colour.green() * 587 + colour.blue() * 114) // 1000 > 128:
            value |= 1 << bit
    return value


def boundaries(playlist: str, rate: Any) -> list[int]:
    """Frames that start a segment (the first one's excepted), from the media playlist's EXTINF sums."""
    total, starts = 0.0, []
    for duration in re.findall(r"#EXTINF:([\d.]+),", playlist)[:-1]:
        total += float(duration)
        starts.append(round(total * rate))
    return starts


class Watch:
    def __init__(self, qtbot: Any, controller: PlayerController, source_height: int) -> None:
        self.qtbot, self.controller, self.source_height = qtbot, controller, source_height
        self.misses: list[str] = []
        self.lands = 0
        self.deadline_ms = LANDING_MS

    def on_screen(self) -> int:
        return picture_index(self.controller.sink.videoFrame(), self.source_height)

    def land(self, frame: int, how: str) -> None:
        """Wait for the player to report ``frame``; the picture the sink holds must be that frame."""
        c = self.controller
        try:
            self.qtbot.waitUntil(lambda: c.current_frame == frame and c.target_frame == frame,
                                 timeout=self.deadline_ms)
        except TimeoutError as exc:
            raise AssertionError(f"{how} {frame}: the player stayed on {c.current_frame} (going to "
                                 f"{c.target_frame}); misses so far: {self.misses}") from exc
        shown = self.on_screen()
        record(f"frame matrix: {how}")
        self.lands += 1
        if shown != frame:
            self.misses.append(f"{how} {frame}: the picture is frame {shown}")


@pytest.fixture(scope="module")
def relay() -> Iterator[RelayThread]:
    with RelayThread() as running:
        yield running


@pytest.fixture
def player(qtbot: Any) -> Iterator[PlayerController]:
    controller = PlayerController()
    yield controller
    controller.unload()
    shiboken6.delete(controller)


@pytest.mark.qt_log_ignore("Failed to seek")  # Qt's note on a seek the player then makes from earlier
@pytest.mark.parametrize("item", corpus.VIDEO_ITEMS, ids=lambda item: item.name)
def test_every_frame_asked_for_is_the_frame_on_screen(qtbot: Any, player: PlayerController, item: corpus.Item,
                                                      media_server: EmulatorServer, relay: RelayThread,
                                                      corpus_assets: dict[str, dict[str, Any]]) -> None:
    asset = corpus_assets[item.name]
    assert asset["status"] == "ready", asset
    pid = asset["playback_ids"][0]["id"]
    rendition = httpx.get(f"{media_server.stream_url}/{pid}/rendition.m3u8", timeout=10).text
    rate = item.rate
    cuts = boundaries(rendition, rate)
    # Streamed as uploaded (its own GOP), or re-encoded (the emulator's 4 s GOP), as Mux decides.
    reencoded_gop = round(4 * rate)
    first_cut = cuts[0] if cuts else item.frame_count
    if item.passthrough:
        assert first_cut != reencoded_gop or item.frame_count <= reencoded_gop, (item.name, cuts)
    else:
        assert first_cut == min(reencoded_gop, item.frame_count), (item.name, cuts)
    source_height = item.size[1]
    player.segment_starts = relay.segment_starts  # as the app's window gives it
    with qtbot.waitSignal(player.loaded, timeout=LANDING_MS):
        player.load(relay.url_for(f"{media_server.stream_url}/{pid}.m3u8", rate), rate,  # as the app plays it
                    length_ms=round(asset["duration"] * 1000))
    assert player.url is not None and list(relay.segment_starts(player.url)) == cuts  # known before any seek
    watch = Watch(qtbot, player, source_height)
    watch.land(0, "load")
    last = item.frame_count - 1
    # The asset lasts as long as its video (sound starting earlier or ending later does not add frames).
    assert round(asset["duration"] * rate) == item.frame_count

    if "long" in item.tags:  # ~1,300 boundaries: the first three, three in the middle and the last three
        middle = len(cuts) // 2
        cuts = [*cuts[:3], *cuts[middle:middle + 3], *cuts[-3:]]
    targets = sorted({f for cut in cuts for f in range(cut - 3, cut + 4)} | {0, 1, 2, last - 2, last - 1, last})
    rng = random.Random(item.name)
    targets += rng.sample(range(item.frame_count), min(30, item.frame_count))
    for frame in targets:
        player.seek_frame(frame)
        watch.land(frame, "seek")

    for cut in cuts[:3]:  # steps across three boundaries, forward then back
        start = max(cut - 4, 0)
        player.seek_frame(start)
        watch.land(start, "seek")
        for frame in range(start + 1, min(cut + 4, last) + 1):
            player.step(1)
            watch.land(frame, "step →")
        for frame in range(min(cut + 4, last) - 1, start - 1, -1):
            player.step(-1)
            watch.land(frame, "step ←")

    # A drag on the timeline: a burst of seeks, the last one on a frame just before a boundary (or the end).
    aim = (cuts[0] - 1) if cuts else last
    for ms in range(0, round(aim * 1000 / rate), max(round(aim * 1000 / rate) // 12, 1)):
        player.seek_ms(ms)
    player.seek_frame(aim)
    watch.land(aim, "drag")

    # J (backward at 1×) for a few frames, then K; L (forward), then K: the frame reported is the one shown. Backward,
    # each frame is a seek, and a 4K seek deep in a B-frame GOP may take up to the player's patience on a busy machine
    # (the 4K item once missed 10 s here, in a quiet run of the whole suite).
    player.shuttle_backward()
    qtbot.waitUntil(lambda: player.current_frame <= aim - 3, timeout=SEEK_PATIENCE_MS + LANDING_MS)
    player.stop_shuttle()
    watch.land(player.current_frame, "J then K")
    player.shuttle_forward()
    qtbot.waitUntil(lambda: player.current_frame >= min(aim + 5, last) or not player.is_playing,
                    timeout=SEEK_PATIENCE_MS + LANDING_MS)
    player.stop_shuttle()
    watch.land(player.current_frame, "L then K")
    player.seek_frame(last)  # the end: never black, never jammed
    watch.land(last, "end")
    player.step(-1)
    watch.land(last - 1, "step ←")

    assert watch.misses == [], watch.misses


@pytest.mark.qt_log_ignore("Failed to seek")
def test_a_recording_still_growing_from_a_b_frame_encoder(qtbot: Any, player: PlayerController,
                                                          media_server: EmulatorServer, media_api: httpx.Client,
                                                          relay: RelayThread,
                                                          corpus_assets: dict[str, dict[str, Any]]) -> None:
    """A live stream's recording in progress, its encoder sending B-frames with a 2 s GOP: the frames before each
    boundary and at the recorded edge are reached, and frames recorded since it was loaded too."""
    item = next(i for i in corpus.ITEMS if i.name == "gop-2s-29.97")
    stream = media_api.post("/video/v1/live-streams",
                            json={"new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    try:
        recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                                   json={"source_asset_id": corpus_assets[item.name]["id"]}).json()["data"]
        media_api.post("/_emulator/clock/advance", json={"seconds": 6.5})  # three 2 s segments recorded
        url = relay.url_for(f"{media_server.stream_url}/{recording['playback_ids'][0]['id']}.m3u8", item.rate)
        player.load(url, item.rate, growing=True)
        player.set_available(6_000)
        watch = Watch(qtbot, player, item.size[1])
        watch.land(0, "load")
        for frame in (57, 58, 59, 60, 61, 117, 118, 119, 120, 177, 178, 179, 3):
            player.seek_frame(frame)
            watch.land(frame, "seek (recording)")
        media_api.post("/_emulator/clock/advance", json={"seconds": 2})  # a fourth segment: frames 180-239
        player.set_available(8_000)
        for frame in (238, 239, 237, 181, 179):
            player.seek_frame(frame)
            watch.land(frame, "seek (recorded since)")
        assert watch.misses == [], watch.misses
    finally:
        media_api.delete(f"/video/v1/live-streams/{stream['id']}")


@pytest.mark.qt_log_ignore("Failed to seek")
def test_4k_frames_deep_in_a_gop_are_reached_on_a_busy_machine(qtbot: Any, player: PlayerController,
                                                              media_server: EmulatorServer, relay: RelayThread,
                                                              corpus_assets: dict[str, dict[str, Any]]) -> None:
    """A busy machine (a producer's laptop encoding beside the app): the first frame of a seek deep into a 4K B-frame
    GOP takes seconds, and a run-up at speed drops frames. The player still lands on each frame asked for — the last
    ones before the end (run up to), frames late in the GOP (a slow seek, waited for rather than sent again) — and
    the picture is that frame. By hand (``stress-ng --cpu 2`` beside a ``nice`` run) the player gave up on frames 39
    and 47 before this was fixed. Here the two workers run at the test's own priority (a gentler load, which the
    suite's other worker adds to): how harsh it is depends on the machine, so the test that fails without the fix,
    every time, is the slow network's below (the same silence after a seek, made exact)."""
    stress = shutil.which("stress-ng")
    assert stress, "stress-ng is missing: scripts/setup.sh test installs it"
    item = next(i for i in corpus.ITEMS if i.name == "uhd-2160p-uncapped-25")
    asset = corpus_assets[item.name]
    with qtbot.waitSignal(player.loaded, timeout=LANDING_MS):
        player.load(relay.url_for(f"{media_server.stream_url}/{asset['playback_ids'][0]['id']}.m3u8", item.rate),
                    item.rate, length_ms=round(asset["duration"] * 1000))
    watch = Watch(qtbot, player, item.size[1])
    watch.land(0, "load")
    last = item.frame_count - 1
    busy = subprocess.Popen([stress, "--cpu", "2", "--timeout", "60s", "--quiet"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    # The player's own bound for a slow seek, and a run-up after it: a frame that has not come by then never will.
    watch.deadline_ms = SEEK_PATIENCE_MS + LANDING_MS
    try:
        for frame in (2, last - 2, last - 10, last, 1, last - 1, last - 20):
            player.seek_frame(frame)
            watch.land(frame, "seek (busy machine)")
    finally:
        busy.terminate()
        busy.wait(10)
    assert watch.misses == [], watch.misses


@pytest.mark.parametrize("item", corpus.AUDIO_ITEMS, ids=lambda item: item.name)
def test_sound_alone_is_reached_at_every_time_asked(qtbot: Any, player: PlayerController, item: corpus.Item,
                                                    media_server: EmulatorServer,
                                                    corpus_assets: dict[str, dict[str, Any]]) -> None:
    """The audio-only item has no frames to read back: the player is loaded at its millisecond grid, and each time
    asked (the first and the last second, around every segment boundary, random ones, as typed) is where the player
    says it is and where Qt's own position is; J then K goes back, playing reaches the end and stops there, and it
    can be played again."""
    from muxclipper.qt.editor.audio_position import AUDIO_RATE

    asset = corpus_assets[item.name]
    assert asset["status"] == "ready" and [t["type"] for t in asset["tracks"]] == ["audio"], asset
    pid = asset["playback_ids"][0]["id"]
    duration = round(asset["duration"] * 1000)
    rendition = httpx.get(f"{media_server.stream_url}/{pid}/rendition.m3u8", timeout=10).text
    cuts = boundaries(rendition, 1000)  # in milliseconds
    with qtbot.waitSignal(player.loaded, timeout=LANDING_MS):
        player.load(f"{media_server.stream_url}/{pid}.m3u8", AUDIO_RATE, length_ms=duration, audio_only=True)
    qtbot.waitUntil(lambda: player.current_ms == 0 and not player._loading, timeout=LANDING_MS)  # noqa: SLF001
    rng = random.Random(item.name)
    targets = [0, 1, 500, 999, duration - 1000, duration - 21, duration - 1,
               *(ms for cut in cuts[:4] for ms in (cut - 1, cut, cut + 1)), *rng.sample(range(duration), 10)]
    for ms in targets:
        player.seek_ms(ms)
        qtbot.waitUntil(lambda ms=ms: player.current_ms == ms == player.target_frame, timeout=LANDING_MS)
        assert abs(player.player.position() - ms) <= 1, (ms, player.player.position())
        record("frame matrix: seek (audio only)")
    player.seek_ms(10_000)
    player.shuttle_backward()
    qtbot.waitUntil(lambda: player.current_ms <= 9_800, timeout=LANDING_MS)
    player.stop_shuttle()
    assert not player.is_playing
    player.seek_ms(duration - 700)
    player.play()
    qtbot.waitUntil(lambda: not player.is_playing, timeout=LANDING_MS)  # the end: stopped, not jammed
    assert player.current_ms == duration - 1
    player.play()  # from the start again, as players do at the end
    qtbot.waitUntil(lambda: 100 < player.current_ms < 5_000, timeout=LANDING_MS)
    player.pause()


@pytest.mark.qt_log_ignore("Failed to seek")
def test_each_way_in_through_the_editor_lands_on_the_frame_it_names(qtbot: Any, media_server: EmulatorServer,
                                                                    relay: RelayThread,
                                                                    corpus_assets: dict[str, dict[str, Any]]) -> None:
    """The editor as a producer drives it, on an upload with x264's B-frames (GOP 250), around its first segment
    boundary: G and a typed #frame, a typed time, → and ← across the boundary, I and O there, the edit-point jumps
    (↑ ↓, Shift+I, Shift+O), Home and End, J/L then K and a mouse drag on the timeline. Each lands on a frame whose
    stamp is the number the player says, and the frames named are the ones asked for."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from muxclipper.core.timecode import frame_to_ms
    from muxclipper.qt.editor.editor_widget import EditorWidget

    item = next(i for i in corpus.ITEMS if i.name == "x264-defaults-29.97")
    asset = corpus_assets[item.name]
    editor = EditorWidget()
    qtbot.addWidget(editor)
    editor.resize(900, 600)
    editor.show()
    player = editor.player
    player.segment_starts = relay.segment_starts  # as the window gives it
    with qtbot.waitSignal(player.loaded, timeout=LANDING_MS):
        editor.open_source(relay.url_for(f"{media_server.stream_url}/{asset['playback_ids'][0]['id']}.m3u8",
                                         item.rate), round(asset["duration"] * 1000), item.rate)
    watch = Watch(qtbot, player, item.size[1])
    watch.land(0, "load")
    editor.timeline.setFocus()
    boundary = 250
    last = item.frame_count - 1

    def key(k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(editor.timeline, k, mods)

    def typed(text: str) -> None:
        key(Qt.Key.Key_G)
        assert editor.position_field.hasFocus()
        qtbot.keyClicks(editor.position_field, text)
        qtbot.keyClick(editor.position_field, Qt.Key.Key_Return)

    def said_equals_shown(how: str) -> None:
        qtbot.waitUntil(lambda: player.target_frame == player.current_frame, timeout=LANDING_MS)
        watch.land(player.current_frame, how)

    typed(f"#{boundary - 1}")
    watch.land(boundary - 1, "G, typed #frame")
    editor.timeline.setFocus()
    editor.format_box.setCurrentIndex(editor.format_box.findData("hms"))
    typed(editor.position_field.shown(frame_to_ms(boundary - 2, item.rate)))
    watch.land(boundary - 2, "G, typed time")
    editor.timeline.setFocus()
    for frame in range(boundary - 1, boundary + 2):
        key(Qt.Key.Key_Right)
        watch.land(frame, "→ (key)")
    for frame in range(boundary, boundary - 3, -1):
        key(Qt.Key.Key_Left)
        watch.land(frame, "← (key)")
    key(Qt.Key.Key_I)  # in at boundary - 2
    for _ in range(3):
        key(Qt.Key.Key_Right)
    watch.land(boundary + 1, "→ (key)")
    key(Qt.Key.Key_O)  # out: the last frame kept is boundary + 1
    assert (editor.timeline.marked.first_frame, editor.timeline.marked.last_frame) == (boundary - 2, boundary + 1)
    key(Qt.Key.Key_End)
    watch.land(last, "End")
    key(Qt.Key.Key_Home)
    watch.land(0, "Home")
    key(Qt.Key.Key_Down)  # the next edit point: the in
    watch.land(boundary - 2, "↓ (edit point)")
    key(Qt.Key.Key_Down)  # the out
    said_equals_shown("↓ (edit point)")
    key(Qt.Key.Key_Up)
    watch.land(boundary - 2, "↑ (edit point)")
    key(Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    watch.land(boundary + 1, "Shift+O")
    key(Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)
    watch.land(boundary - 2, "Shift+I")
    key(Qt.Key.Key_J)
    qtbot.waitUntil(lambda: player.current_frame <= boundary - 5, timeout=LANDING_MS)
    key(Qt.Key.Key_K)
    said_equals_shown("J then K (keys)")
    key(Qt.Key.Key_L)
    qtbot.waitUntil(lambda: player.current_frame >= boundary + 3, timeout=LANDING_MS)
    key(Qt.Key.Key_K)
    said_equals_shown("L then K (keys)")

    timeline = editor.timeline  # a drag with the mouse, let go near the boundary
    y = timeline.height() / 2
    for ms, kind in ((frame_to_ms(40, item.rate), QEvent.Type.MouseButtonPress),
                     (frame_to_ms(150, item.rate), QEvent.Type.MouseMove),
                     (frame_to_ms(boundary - 1, item.rate), QEvent.Type.MouseMove),
                     (frame_to_ms(boundary - 1, item.rate), QEvent.Type.MouseButtonRelease)):
        point = QPointF(timeline.x_for_ms(ms), y)
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
        QApplication.sendEvent(timeline, QMouseEvent(kind, point, timeline.mapToGlobal(point),
                                                     Qt.MouseButton.LeftButton, buttons, Qt.KeyboardModifier.NoModifier))
    said_equals_shown("drag (mouse)")
    assert abs(player.current_frame - (boundary - 1)) <= 2  # a pixel is about a frame here
    player.unload()
    assert watch.misses == [], watch.misses


@pytest.mark.qt_log_ignore("Failed to seek")
def test_a_seek_whose_segment_comes_slowly_is_waited_for_not_sent_again(
        qtbot: Any, player: PlayerController, media_server: EmulatorServer, media_api: httpx.Client,
        relay: RelayThread, corpus_assets: dict[str, dict[str, Any]]) -> None:
    """A slow network (hotel wifi; the same as a slow decoder to the player): each segment a seek needs comes 2 s
    late (the player used to take 1.5 s of silence for a lost seek). The player waits for it rather than sending the seek again (which asked for the segment again, and again
    late) and lands on the frames asked for, the ones before a boundary too."""
    item = next(i for i in corpus.ITEMS if i.name == "x264-defaults-29.97")
    asset = corpus_assets[item.name]
    pid = asset["playback_ids"][0]["id"]
    player.segment_starts = relay.segment_starts
    with qtbot.waitSignal(player.loaded, timeout=LANDING_MS):
        player.load(relay.url_for(f"{media_server.stream_url}/{pid}.m3u8", item.rate), item.rate,
                    length_ms=round(asset["duration"] * 1000))
    watch = Watch(qtbot, player, item.size[1])
    watch.land(0, "load")
    armed = media_api.post("/_emulator/faults", json={"kind": "delay", "delay_ms": 2000, "method": "GET",
                                                      "path": f"/stream/{pid}/seg_*", "times": 8})
    assert armed.status_code in (200, 201), armed.text
    try:
        for frame in (600, 499):  # each in a segment not loaded yet, the second before a boundary
            player.seek_frame(frame)
            watch.land(frame, "seek (slow network)")
    finally:
        media_api.delete("/_emulator/faults")
    assert watch.misses == [], watch.misses
