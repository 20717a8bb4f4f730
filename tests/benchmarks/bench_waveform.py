"""Benchmark: an audio-only source's waveform, made in the client (qt/editor/waveform_loader.py), on a long podcast.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench_waveform [--minutes 60]``.

The emulator makes an audio-only asset of ``--minutes`` of speech-like sound (mono, 48 kHz, AAC); its HLS segments
are fetched once (timed apart: the app fetches one while the one before decodes), then handed to the loader as
the app hands them. Printed beside each other:

- the loader: segments → a complete waveform, seconds; the longest the Qt event loop went without a turn while it
  worked (a 2 ms timer's largest gap: what a producer would feel as the window not answering); its peaks' memory;
- bare: one ``QAudioDecoder`` decoding the same sound, all segments as one buffer, to the same 8 kHz mono format,
  its buffers read and dropped (no peaks, no segment-by-segment hand-over).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QEventLoop, QIODevice, QTimer  # noqa: E402
from PySide6.QtMultimedia import QAudioDecoder, QAudioFormat  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token  # noqa: E402
from muxclipper.qt.editor.waveform_loader import DECODE_RATE, WaveformLoader  # noqa: E402
from tests.benchmarks.machine import describe  # noqa: E402
from tests.emulator.helpers import RW  # noqa: E402
from tests.emulator.media_helpers import wait_settled  # noqa: E402


class Stalls:
    """The largest gap between turns of the event loop, by a 2 ms timer."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(2)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now

    def stop(self) -> None:
        self._timer.stop()


def _loop_until(done: list[bool], timeout: float) -> None:
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    while not done and time.monotonic() < deadline:
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()
    app = QApplication([])
    print(f"Machine: {describe()}")
    seconds = args.minutes * 60
    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=True,
                            data_dir=Path(tempfile.mkdtemp(prefix="bench-waveform-")))
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=RW, timeout=120) as api:
        made = api.post("/video/v1/assets", json={
            "inputs": [{"url": f"emulator://generated?duration={seconds:g}&picture=false&label=PODCAST"}],
            "playback_policies": ["public"]}).json()["data"]
        asset = wait_settled(api, made["id"], timeout=1200)
        pid = asset["playback_ids"][0]["id"]
        rendition = httpx.get(f"{server.stream_url}/{pid}/rendition.m3u8", timeout=30).text
        started = time.perf_counter()
        listed, start = [], 0.0
        lines = rendition.splitlines()
        for index, line in enumerate(lines):
            if line.startswith("#EXTINF:"):
                listed.append((round(start * 1000), lines[index + 1]))
                start += float(line.split(":")[1].rstrip(","))
        with ThreadPoolExecutor(8) as pool:
            datas = list(pool.map(lambda item: httpx.get(f"{server.stream_url}/{pid}/{item[1]}", timeout=60).content,
                                  listed))
        pieces = [(ms, uri, data) for (ms, uri), data in zip(listed, datas, strict=True)]
        fetched = time.perf_counter() - started
    by_uri = {uri: data for _, uri, data in pieces}
    duration_ms = round(asset["duration"] * 1000)

    loader = WaveformLoader()
    done: list[bool] = []
    loader.finished.connect(lambda why: done.append(not why))
    stalls = Stalls()
    started = time.perf_counter()
    wave = loader.start(duration_ms, [(ms, uri) for ms, uri, _ in pieces],
                        lambda uris, then: QTimer.singleShot(0, lambda: then(b"".join(by_uri[u] for u in uris))))
    _loop_until(done, 1200)
    made_in = time.perf_counter() - started
    stalls.stop()
    assert done == [True] and wave.complete, "the waveform was not made"

    whole = b"".join(data for _, _, data in pieces)
    buffer = QBuffer()
    buffer.setData(QByteArray(whole))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    decoder = QAudioDecoder()
    wanted = QAudioFormat()
    wanted.setSampleRate(DECODE_RATE)
    wanted.setChannelCount(1)
    wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    decoder.setAudioFormat(wanted)
    bare_done: list[bool] = []
    decoder.bufferReady.connect(lambda: decoder.read())
    decoder.finished.connect(lambda: bare_done.append(True))
    bare_stalls = Stalls()
    started = time.perf_counter()
    decoder.setSourceDevice(buffer)
    decoder.start()
    _loop_until(bare_done, 1200)
    bare = time.perf_counter() - started
    bare_stalls.stop()
    print(f"sound: {args.minutes:g} min, {len(pieces)} segments, {len(whole) / 1e6:.1f} MB (fetched in {fetched:.1f} s)")
    print(f"waveform (loader): {made_in:.2f} s, longest event-loop gap {stalls.worst * 1000:.0f} ms, "
          f"peaks {len(wave.peaks) / 1024:.0f} KiB")
    print(f"bare QAudioDecoder, one buffer: {bare:.2f} s, longest event-loop gap {bare_stalls.worst * 1000:.0f} ms")
    del app


if __name__ == "__main__":
    main()
