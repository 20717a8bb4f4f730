"""QMediaPlayer (offscreen) plays the emulator's HLS and a seek lands on the right frame."""

from __future__ import annotations

from typing import Any

import pytest

from muxclipper.emulator import EmulatorServer
from muxclipper.emulator.media import stamp

pytest.importorskip("PySide6.QtMultimedia")

from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink  # noqa: E402

FPS = 25


def _index(frame: QVideoFrame) -> int:
    image = frame.toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    raw = bytes(image.constBits())
    rgb = b"".join(raw[y * stride: y * stride + width * 3] for y in range(height))
    return stamp.read_index(rgb, width, height)


def test_player_plays_and_seeks_to_the_exact_frame(qtbot: Any, media_server: EmulatorServer,
                                                  stamped_source: dict[str, Any]) -> None:
    pid = next(p["id"] for p in stamped_source["playback_ids"] if p["policy"] == "public")
    player = QMediaPlayer()
    sink = QVideoSink()
    player.setVideoSink(sink)
    seen: list[tuple[int, int]] = []  # (frame start in ms, stamped index)
    sink.videoFrameChanged.connect(lambda frame: seen.append((frame.startTime() // 1000, _index(frame))))
    with qtbot.waitSignal(sink.videoFrameChanged, timeout=10_000):
        player.setSource(QUrl(f"{media_server.stream_url}/{pid}.m3u8"))
        player.pause()  # load and show the first frame without playing
    qtbot.waitUntil(lambda: player.duration() > 0 and bool(seen), timeout=5_000)
    assert player.duration() == pytest.approx(12_000, abs=40)
    assert player.isSeekable()
    # Frame 0 comes first. Qt starts its clock at the earliest packet, which is audio: AAC priming
    # puts video ~21 ms later, so frame positions are measured from frame 0's own timestamp.
    offset_ms, first_index = seen[0]
    assert first_index == 0
    assert 0 <= offset_ms < 1000 / FPS
    for target_ms in (5_000, 8_040, 1_000, 11_960):
        seen.clear()
        # Aim at the middle of the frame: at its exact start Qt still shows the frame before.
        player.setPosition(target_ms + offset_ms + 1000 // FPS // 2)
        qtbot.waitUntil(lambda: any(abs(ms - offset_ms - target_ms) < 1000 / FPS / 2 for ms, _ in seen),  # noqa: B023 - awaited here, in this iteration
                        timeout=5_000)
        index = next(i for ms, i in seen if abs(ms - offset_ms - target_ms) < 1000 / FPS / 2)
        assert index == round(target_ms * FPS / 1000), (target_ms, seen)
    player.stop()
    player.setSource(QUrl())
    import shiboken6

    shiboken6.delete(player)  # now, in this thread
    shiboken6.delete(sink)
