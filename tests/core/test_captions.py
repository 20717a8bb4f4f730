from __future__ import annotations

from fractions import Fraction

from muxclipper.core.captions import CaptionTrack, parse_vtt
from muxclipper.core.timecode import format_as

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:02.500 line:90%
<v Ann>Hello</v>

00:00:02.000 --> 00:00:04.000
overlapping

01:00:00.000 --> 01:00:01.000
late
"""


def test_parse_and_find_cues() -> None:
    track = CaptionTrack(parse_vtt(VTT))
    assert [c.text for c in track.cues] == ["Hello", "overlapping", "late"]
    assert track.at(500) is None
    assert track.at(1_000).text == "Hello"  # type: ignore[union-attr]
    assert track.at(2_600).text == "overlapping"  # type: ignore[union-attr]
    assert track.at(3_600_500).text == "late"  # type: ignore[union-attr]
    assert track.at(5_000) is None


def test_display_formats() -> None:
    rate = Fraction(30000, 1001)
    assert format_as(60_060, rate, "hms") == "00:01:00.060"
    assert format_as(60_060, rate, "smpte") == "00:01:00;02"
    assert format_as(60_060, rate, "frames") == "#1800"
    assert format_as(60_060, rate, "seconds") == "60.060"
