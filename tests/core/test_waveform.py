"""The waveform's peaks: the loudest sample of each 10 ms lands in its own column, wherever the pieces of sound
start and in whatever order they come; silence stays silent; columns read back the loudest of their share."""

from __future__ import annotations

import array
import math

from muxclipper.core.waveform import Waveform


def tone(seconds: float, rate: int, level: float) -> array.array[int]:
    return array.array("h", (round(level * 32767 * math.sin(2 * math.pi * 220 * i / rate))
                             for i in range(round(seconds * rate))))


def test_a_loud_second_between_quiet_ones_shows_where_it_is() -> None:
    wave = Waveform(3_000)
    rate = 8_000
    # Out of order, as decoded segments may come: the loud middle second first.
    wave.add(tone(1, rate, 0.9), rate, 1_000)
    wave.add(tone(1, rate, 0.1), rate, 0)
    wave.add(array.array("h", [0] * rate), rate, 2_000)
    levels = wave.columns(0, 3_000, 30)
    assert all(0.08 < v < 0.12 for v in levels[:10]), levels[:10]
    assert all(0.85 < v < 0.92 for v in levels[10:20]), levels[10:20]
    assert levels[20:] == [0.0] * 10
    assert wave.complete and wave.decoded_ms == 3_000


def test_a_click_is_kept_at_its_own_10_ms_and_not_beyond() -> None:
    wave = Waveform(1_000)
    samples = array.array("h", [0] * 48_000)
    samples[24_000 + 100] = 32_000  # 502 ms in
    wave.add(memoryview(samples.tobytes()).cast("h"), 48_000, 0)
    assert [i for i, v in enumerate(wave.peaks) if v] == [50]
    assert max(wave.columns(490, 520, 3)) > 0.9 and wave.columns(0, 490, 7) == [0.0] * 7


def test_sound_past_either_end_is_dropped_and_the_unknown_rest_is_not_complete() -> None:
    wave = Waveform(500)
    wave.add(tone(1, 8_000, 0.5), 8_000, -250)  # 250 ms before the start: those samples are not the source's
    assert len(wave.peaks) == 50 and wave.complete and min(wave.peaks) > 100
    half = Waveform(2_000)
    half.add(tone(1, 8_000, 0.5), 8_000, 0)
    assert not half.complete and half.columns(1_000, 2_000, 5) == [0.0] * 5
    empty = Waveform(0)
    empty.add(tone(0.1, 8_000, 0.5), 8_000, 0)
    assert empty.columns(0, 100, 4) == [0.0] * 4
