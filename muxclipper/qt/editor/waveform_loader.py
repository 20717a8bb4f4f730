"""An audio-only source's waveform, made in the client: its HLS segments (fetched by the picture service, a batch of
:data:`SEGMENTS_PER_DECODE` at once, joined: MPEG-TS segments of one stream follow on) are decoded by ``QAudioDecoder``
(Qt Multimedia's FFmpeg backend, on its own thread) from memory, at 8 kHz mono, and their peaks are added to a
:class:`~muxclipper.core.waveform.Waveform` as its buffers come. One batch at a time, the next fetched when one is
decoded: the window stays responsive and the waveform fills in from the start. (One decoder per segment took 2.5×
as long as one decoder for all: docs/PERFORMANCE.md.)

The decoder reads from a ``QBuffer``, never from the network itself: opening an address it blocks its caller, and
the demo's emulator (or a test's) answers from this same process.
"""

from __future__ import annotations

import array
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal
from PySide6.QtMultimedia import QAudioDecoder, QAudioFormat

from muxclipper.core.waveform import Waveform

DECODE_RATE = 8_000
#: Segments fetched together and decoded by one decoder (~20 s of sound at the emulator's 2 s, a minute at Mux's).
SEGMENTS_PER_DECODE = 10


class WaveformLoader(QObject):
    """Signals: ``grown()`` more of the waveform is known; ``finished(str)`` done ("") or why it stopped."""

    grown = Signal()
    finished = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.wave: Waveform | None = None
        self._pieces: list[tuple[int, str]] = []
        self._fetch: Callable[[list[str], Callable[[bytes | str], None]], None] | None = None
        self._decoder: QAudioDecoder | None = None
        self._buffer: QBuffer | None = None
        self._piece_start = 0
        self._first_us: int | None = None
        self._generation = 0
        self._busy = False  # a batch is being fetched or decoded
        self._queued_until = -1  # the start (ms) of the last piece taken: a recording's newer ones come after it

    def start(self, duration_ms: int, pieces: list[tuple[int, str]],
              fetch: Callable[[list[str], Callable[[bytes | str], None]], None]) -> Waveform:
        """Decode ``pieces`` (start ms, address) in order; ``fetch(addresses, then)`` gets a batch of pieces and calls
        ``then`` with their bytes joined, or with why not (a string)."""
        self.stop()
        self.wave = Waveform(duration_ms)
        self._pieces, self._fetch = list(pieces), fetch
        self._queued_until = pieces[-1][0] if pieces else -1
        self._next()
        return self.wave

    def more(self, duration_ms: int, pieces: list[tuple[int, str]]) -> None:
        """A recording in progress grew: its pieces after those taken are decoded too (``pieces``: all it lists)."""
        if self.wave is None or self._fetch is None:
            return
        self.wave.grow(duration_ms)
        fresh = [piece for piece in pieces if piece[0] > self._queued_until]
        if not fresh:
            return
        self._queued_until = fresh[-1][0]
        self._pieces += fresh
        if not self._busy:
            self._next()

    def stop(self) -> None:
        """Another source: what is under way is dropped (a late answer for it is ignored)."""
        self._generation += 1
        self._pieces = []
        self._busy = False
        self._drop_decoder()

    def _next(self) -> None:
        if not self._pieces:
            self._busy = False
            self.finished.emit("")
            return
        self._busy = True
        batch, self._pieces = self._pieces[:SEGMENTS_PER_DECODE], self._pieces[SEGMENTS_PER_DECODE:]
        generation, start = self._generation, batch[0][0]
        assert self._fetch is not None
        self._fetch([url for _, url in batch], lambda data: self._decode(generation, start, data))

    def _decode(self, generation: int, start_ms: int, data: bytes | str) -> None:
        if generation != self._generation:
            return
        if isinstance(data, str):
            self._busy = False
            self.finished.emit(data)
            return
        self._drop_decoder()
        self._piece_start, self._first_us = start_ms, None
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        decoder = QAudioDecoder(self)
        wanted = QAudioFormat()
        wanted.setSampleRate(DECODE_RATE)
        wanted.setChannelCount(1)
        wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        decoder.setAudioFormat(wanted)
        decoder.bufferReady.connect(self._on_buffer_ready)
        decoder.finished.connect(self._on_decoder_finished)
        decoder.error.connect(self._on_decoder_error)
        decoder.setSourceDevice(self._buffer)
        self._decoder = decoder
        decoder.start()

    def _on_buffer_ready(self) -> None:
        decoder = self._decoder
        if decoder is None or self.wave is None:
            return
        buffer = decoder.read()
        if not buffer.isValid():
            return
        if self._first_us is None:
            self._first_us = buffer.startTime()
        offset_ms = (buffer.startTime() - self._first_us) / 1000
        # An array, not a memoryview: the waveform slices it every 10 ms, and slices of an array are not objects the
        # garbage collector tracks (a memoryview's are: tens of thousands a minute brought on its full collections).
        samples = array.array("h")
        samples.frombytes(buffer.constData())
        self.wave.add(samples, buffer.format().sampleRate() or DECODE_RATE, self._piece_start + offset_ms)
        self.grown.emit()

    def _on_decoder_finished(self) -> None:
        self._drop_decoder()
        self._next()

    def _on_decoder_error(self, error: QAudioDecoder.Error) -> None:
        why = self._decoder.errorString() if self._decoder is not None else str(error)
        self._drop_decoder()
        self._busy = False
        self.finished.emit(f"No waveform: the sound could not be decoded here ({why}).")

    def _drop_decoder(self) -> None:
        if self._decoder is not None:
            self._decoder.bufferReady.disconnect(self._on_buffer_ready)
            self._decoder.finished.disconnect(self._on_decoder_finished)
            self._decoder.error.disconnect(self._on_decoder_error)
            self._decoder.stop()
            self._decoder.deleteLater()
            self._decoder = None
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
