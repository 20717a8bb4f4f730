"""A recording in progress, made to look finished to the player: it starts at the first frame, not near the end."""

from __future__ import annotations

import pytest

from muxclipper.mux.playlists import as_finished

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
