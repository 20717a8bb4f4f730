"""Which caption track the editor shows, and a live recording's program time."""

from __future__ import annotations

from muxclipper.core.caption_choice import shown_track, shown_tracks
from muxclipper.core.models import RecordingTime, TextTrack
from muxclipper.core.program_time import program_ms


def _track(track_id: str, source: str, status: str = "ready", language: str = "en") -> TextTrack:
    return TextTrack(track_id, language, "English", False, status, source)


def test_the_final_live_captions_replace_the_interim_ones_once_ready() -> None:
    interim, final = _track("a", "generated_live"), _track("b", "generated_live_final", "preparing")
    assert shown_tracks([interim, final]) == [interim]
    ready = _track("b", "generated_live_final")
    assert shown_tracks([interim, ready]) == [ready]  # never both: no doubled captions
    spanish = _track("c", "generated_live", language="es")
    assert shown_tracks([interim, ready, spanish]) == [ready, spanish]
    assert shown_track([_track("u", "uploaded", "preparing")]) is None


def test_program_time_follows_the_sessions() -> None:
    sessions = (RecordingTime(1_000_000, 10_000, "content", 0), RecordingTime(1_030_000, 5_000, "slate", 10_000),
                RecordingTime(1_040_000, 8_000, "content", 15_000))
    assert program_ms(sessions, 2_500) == 1_002_500
    assert program_ms(sessions, 12_000) == 1_032_000
    assert program_ms(sessions, 30_000) == 1_055_000  # past the last reported: a recording still going


def test_the_facts_name_the_captions_shown() -> None:
    from muxclipper.core.caption_choice import captions_fact

    interim, final = _track("a", "generated_live"), _track("b", "generated_live_final", "preparing")
    assert captions_fact([interim, final]) == "English (en, live; final ones after the event)"
    assert captions_fact([interim, _track("b", "generated_live_final")]) == "English (en)"
    assert captions_fact([]) == "none"
