"""The renditions a clip can ask for, as typed on the command line."""

from __future__ import annotations

import pytest

from muxclipper.core.renditions import RenditionError, clip_renditions, file_name, parse_list, parse_sizes


def test_lists_are_read_in_the_offered_order_each_once() -> None:
    assert parse_list("720p, highest,720") == ("highest", "720p")
    assert parse_list("audio,360p") == ("audio-only", "360p")
    assert clip_renditions(True, None, audio_only=True) == ("highest", "audio-only")
    assert clip_renditions(False, "720,highest", audio_only=False) == ("highest", "720p")
    assert clip_renditions(False, None, audio_only=False) == ()
    assert [file_name(r) for r in ("highest", "audio-only", "540p")] == ["highest.mp4", "audio.m4a", "540p.mp4"]


def test_an_unknown_size_names_the_known_ones() -> None:
    with pytest.raises(RenditionError, match="highest, audio-only, 1080p, 720p"):
        parse_list("4k")
    with pytest.raises(RenditionError, match="use highest, 1080p, 720p"):
        parse_sizes("4k")
    with pytest.raises(RenditionError, match="add --audio-only"):
        parse_sizes("720p,m4a")
