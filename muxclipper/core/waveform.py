"""A source's waveform: the loudest sample of every 10 ms, built as the sound is decoded, piece by piece and in any
order, and read back as columns for the timeline (or a close-up around a cut).

Samples come as signed 16-bit integers (any sequence of ints; an ``array("h")`` is best: its slices are not objects
the garbage collector tracks), at any rate, with the time of the first. Levels are kept in a ``bytearray`` (0–255): an hour is 360,000
bytes. Qt-free and numpy-free: ``max``/``min`` over a slice run in C.
"""

from __future__ import annotations

from collections.abc import Sequence

PEAKS_PER_SECOND = 100
FULL_SCALE = 32767


class Waveform:
    def __init__(self, duration_ms: int) -> None:
        self.duration_ms = max(duration_ms, 0)
        self.peaks = bytearray(-(-self.duration_ms * PEAKS_PER_SECOND // 1000))
        #: How far the sound has been decoded from the start (ms): the columns after it are not known yet.
        self.decoded_ms = 0

    def add(self, samples: Sequence[int], rate: int, start_ms: float) -> None:
        """``samples`` (mono, 16-bit) at ``rate`` Hz, the first one at ``start_ms`` into the source."""
        count = len(samples)
        if count == 0 or rate <= 0:
            return
        bucket = max(int(start_ms * PEAKS_PER_SECOND // 1000), 0)
        index = 0
        if start_ms < 0:  # sound before the source's start: skipped
            index = min(round(-start_ms * rate / 1000), count)
        while index < count and bucket < len(self.peaks):
            end = round(((bucket + 1) * 1000 / PEAKS_PER_SECOND - start_ms) * rate / 1000)
            end = min(max(end, index + 1), count)
            chunk = samples[index:end]
            level = max(max(chunk), -min(chunk)) * 255 // FULL_SCALE
            if level > self.peaks[bucket]:
                self.peaks[bucket] = min(level, 255)
            index, bucket = end, bucket + 1
        self.decoded_ms = max(self.decoded_ms, min(round(start_ms + count * 1000 / rate), self.duration_ms))

    def grow(self, duration_ms: int) -> None:
        """A recording in progress is longer now: room for the new sound (what is known stays)."""
        if duration_ms > self.duration_ms:
            self.duration_ms = duration_ms
            self.peaks.extend(bytes(-(-duration_ms * PEAKS_PER_SECOND // 1000) - len(self.peaks)))

    def columns(self, start_ms: int, end_ms: int, count: int) -> list[float]:
        """``count`` levels (0.0–1.0) from ``start_ms`` to ``end_ms``, each the loudest of its share."""
        if count <= 0 or end_ms <= start_ms or not self.peaks:
            return [0.0] * max(count, 0)
        per = (end_ms - start_ms) / count
        out = []
        for column in range(count):
            first = int((start_ms + column * per) * PEAKS_PER_SECOND // 1000)
            last = int((start_ms + (column + 1) * per) * PEAKS_PER_SECOND // 1000)
            first = min(max(first, 0), len(self.peaks) - 1)
            last = min(max(last, first + 1), len(self.peaks))
            out.append(max(self.peaks[first:last]) / 255)
        return out

    @property
    def complete(self) -> bool:
        return self.decoded_ms >= self.duration_ms - 1000 // PEAKS_PER_SECOND
