"""Benchmark: the player facade and the timeline, beside a bare QMediaPlayer + QVideoWidget.

Run offscreen: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench_player``.
Prints, for loopback HLS from the emulator (a 60 s 640x360 30 fps source): load → first frame,
seek → frame shown, frame step → frame shown (median, p95), for both; and the timeline's paint time
for a 3-hour source at 1920 px with a 100-tile filmstrip. Goals: first frame ≤ 150 ms, seek and
step ≤ 80 ms median and ≤ 200 ms p95, paint ≤ 4 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx  # noqa: E402
from PySide6.QtCore import QEventLoop, QRect, QUrl  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPixmap  # noqa: E402
from PySide6.QtMultimedia import QMediaPlayer  # noqa: E402
from PySide6.QtMultimediaWidgets import QVideoWidget  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from muxclipper.emulator import EmulatorConfig, EmulatorServer  # noqa: E402
from muxclipper.emulator.config import DEMO_TOKEN  # noqa: E402
from muxclipper.qt.editor.player import PlayerController  # noqa: E402
from muxclipper.qt.editor.timeline import StoryboardTile, TimelineWidget  # noqa: E402
from tests.benchmarks.machine import describe  # noqa: E402

SOURCE = "emulator://generated?duration=60&fps=30&width=640&height=360&label=BENCH"
RATE = Fraction(30)
RUNS = 30


def wait(condition: Callable[[], bool], timeout_ms: int = 5000) -> None:
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_ms / 1000
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step timed out")
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def stats(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"


def bare(url: str) -> tuple[float, list[float], list[float]]:
    widget = QVideoWidget()
    widget.resize(640, 360)
    widget.show()
    player = QMediaPlayer()
    player.setVideoOutput(widget)
    frames: list[int] = []
    widget.videoSink().videoFrameChanged.connect(lambda f: frames.append(f.startTime()) if f.isValid() else None)
    started = time.perf_counter()
    player.setSource(QUrl(url))
    player.pause()
    wait(lambda: bool(frames))
    first = time.perf_counter() - started
    offset = frames[0]
    seeks, steps = [], []
    rng = random.Random(7)
    for _ in range(RUNS):
        target = rng.randrange(0, 1790)
        frames.clear()
        started = time.perf_counter()
        player.setPosition(round(offset / 1000 + (target + 0.5) * 1000 / 30))
        wait(lambda t=target: any(abs((s - offset) * 30 / 1e6 - t) < 0.5 for s in frames))
        seeks.append(time.perf_counter() - started)
    current = round((frames[-1] - offset) * 30 / 1e6)
    for i in range(RUNS):
        frames.clear()
        started = time.perf_counter()
        player.setPosition(round(offset / 1000 + (current + i + 1.5) * 1000 / 30))
        wait(lambda t=current + i + 1: any(abs((s - offset) * 30 / 1e6 - t) < 0.5 for s in frames))
        steps.append(time.perf_counter() - started)
    player.stop()
    widget.close()
    return first, seeks, steps


def facade(url: str) -> tuple[float, list[float], list[float]]:
    widget = QVideoWidget()
    widget.resize(640, 360)
    widget.show()
    controller = PlayerController(widget.videoSink())
    shown: list[int] = []
    controller.frame_shown.connect(lambda index, ms: shown.append(index))
    started = time.perf_counter()
    controller.load(url, RATE)
    wait(lambda: bool(shown))
    first = time.perf_counter() - started
    seeks, steps = [], []
    rng = random.Random(7)
    for _ in range(RUNS):
        target = rng.randrange(0, 1790)
        shown.clear()
        started = time.perf_counter()
        controller.seek_frame(target)
        wait(lambda t=target: t in shown)
        seeks.append(time.perf_counter() - started)
    for _ in range(RUNS):
        target = controller.current_frame + 1
        shown.clear()
        started = time.perf_counter()
        controller.step(1)
        wait(lambda t=target: t in shown)
        steps.append(time.perf_counter() - started)
    controller.unload()
    widget.close()
    return first, seeks, steps


def timeline_paint() -> list[float]:
    widget = TimelineWidget()
    widget.resize(1920, 80)
    widget.set_source(3 * 3600 * 1000, Fraction(30000, 1001))
    sprite = QPixmap(2560, 1440)
    sprite.fill(QColor("darkgreen"))
    step = 3 * 3600 * 1000 // 100
    widget.set_storyboard(sprite, [StoryboardTile(i * step, QRect((i % 10) * 256, (i // 10) * 144, 256, 144))
                                   for i in range(100)])
    marked = widget.marked.with_in(20 * 60 * 1000).with_out(150 * 60 * 1000)
    widget.set_range(marked)
    widget.set_playhead(90 * 60 * 1000)
    image = QImage(1920, 80, QImage.Format.Format_ARGB32_Premultiplied)
    times = []
    for i in range(100):
        if i % 2:
            widget.zoom(1.3, 90 * 60 * 1000)
        started = time.perf_counter()
        widget.render(image)  # the widget's own paintEvent, into an image
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp, EmulatorServer(EmulatorConfig(rate_limits=None, data_dir=Path(tmp))) as server:
        with httpx.Client(base_url=server.url, auth=(DEMO_TOKEN.id, DEMO_TOKEN.secret), timeout=60) as api:
            asset = api.post("/video/v1/assets", json={"inputs": [{"url": SOURCE}],
                                                       "playback_policies": ["public"]}).json()["data"]
            while api.get(f"/video/v1/assets/{asset['id']}").json()["data"]["status"] == "preparing":
                time.sleep(0.1)
        url = f"{server.stream_url}/{asset['playback_ids'][0]['id']}.m3u8"
        bare(url)  # warm-up: the first load in a process pays for FFmpeg's and Qt's start-up
        b_first, b_seeks, b_steps = bare(url)
        f_first, f_seeks, f_steps = facade(url)
    paint = timeline_paint()
    print(f"machine: {describe()}; Qt offscreen, loopback HLS (60 s 640x360 30 fps), {RUNS} seeks/steps")
    print(f"load → first frame   bare {b_first * 1000:6.1f} ms   muxclipper {f_first * 1000:6.1f} ms   (goal ≤ 150)")
    print(f"seek → frame shown   bare {stats(b_seeks)}   muxclipper {stats(f_seeks)}")
    print(f"step → frame shown   bare {stats(b_steps)}   muxclipper {stats(f_steps)}")
    print(f"timeline paint, 3 h source at 1920 px with filmstrip: {stats(paint)}   (goal ≤ 4 ms)")
    app.quit()


if __name__ == "__main__":
    main()
