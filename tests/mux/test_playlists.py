"""A recording in progress, made to look finished to the player: it starts at the first frame, not near the end."""

from __future__ import annotations

from fractions import Fraction

import pytest

from muxclipper.mux.playlists import as_finished, segment_starts, timed_in_frames, variant_uris

MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",URI="pid/subs/t1.m3u8?token=abc"
#EXT-X-STREAM-INF:BANDWIDTH=1500000,RESOLUTION=640x360,SUBTITLES="subs"
pid/rendition.m3u8?token=abc
"""
EVENT = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:EVENT
#EXTINF:2.000000,
seg_00000.ts?token=abc
#EXTINF:2.000000,
https://cdn.example/seg_00001.ts
"""


def _relay(url: str) -> str:
    return f"http://127.0.0.1:9/r/{len(url)}"


def test_a_growing_recording_becomes_a_finished_playlist_of_absolute_segments() -> None:
    text = as_finished(EVENT, "https://stream.mux.com/pid/rendition.m3u8?token=abc", _relay)
    lines = text.splitlines()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in lines and "#EXT-X-PLAYLIST-TYPE:EVENT" not in lines
    assert lines[-1] == "#EXT-X-ENDLIST" and lines.count("#EXT-X-ENDLIST") == 1
    assert "https://stream.mux.com/pid/seg_00000.ts?token=abc" in lines  # straight from the stream host
    assert "https://cdn.example/seg_00001.ts" in lines
    assert as_finished(text, "https://stream.mux.com/pid/rendition.m3u8", _relay).count("#EXT-X-ENDLIST") == 1


def test_a_multivariant_playlist_sends_its_children_through_the_relay() -> None:
    seen: list[str] = []

    def relay(url: str) -> str:
        seen.append(url)
        return f"http://127.0.0.1:9/r/{len(seen)}.m3u8"

    text = as_finished(MASTER, "https://stream.mux.com/pid.m3u8?token=abc", relay)
    assert seen == ["https://stream.mux.com/pid/subs/t1.m3u8?token=abc",
                    "https://stream.mux.com/pid/rendition.m3u8?token=abc"]
    assert 'URI="http://127.0.0.1:9/r/1.m3u8"' in text and "http://127.0.0.1:9/r/2.m3u8" in text.splitlines()
    assert "#EXT-X-ENDLIST" not in text  # a multivariant playlist has none


def test_what_is_not_a_playlist_is_refused() -> None:
    with pytest.raises(ValueError, match="not an HLS playlist"):
        as_finished("<html>captive portal</html>", "https://stream.mux.com/pid.m3u8", _relay)


def test_segment_starts_are_counted_in_whole_frames_as_the_player_is_given_them() -> None:
    """29.97 fps segments of 60 frames (2.002 s; Mux writes rounded durations): boundaries at 60 and 120; the last
    segment's end is no boundary. A multivariant playlist has none, and names its video rendition (not subtitles)."""
    rate = Fraction(30000, 1001)
    media = "#EXTM3U\n#EXT-X-TARGETDURATION:3\n" + "".join(f"#EXTINF:{d},\nseg_{i}.ts\n" for i, d in
                                                          enumerate(("2.002000", "2.002", "1.0010")))
    assert segment_starts(timed_in_frames(media, rate), rate) == (60, 120)
    assert segment_starts(media, rate) == (60, 120)
    assert segment_starts(MASTER, rate) == ()
    assert variant_uris(MASTER) == ["pid/rendition.m3u8?token=abc"]
