"""The facts shown for the open source."""

from __future__ import annotations

from fractions import Fraction

from muxclipper.core.models import Asset, AssetStatus, TextTrack
from muxclipper.core.source_facts import source_facts


def test_facts_of_a_ready_source_with_captions() -> None:
    asset = Asset("a1", AssetStatus.READY, 0, duration_ms=200_000, frame_rate=Fraction(30000, 1001), width=1920,
                  height=1080, text_tracks=(TextTrack("t1", "en", "English", True, "ready"),))
    assert dict(source_facts(asset)) == {"Duration": "00:03:20.000", "Frame rate": "29.97 fps",
                                         "Resolution": "1920×1080", "Status": "ready", "Captions": "English (en)"}


def test_facts_of_a_recording_in_progress() -> None:
    asset = Asset("a2", AssetStatus.PREPARING, 0, duration_ms=61_500, frame_rate=Fraction(25), is_live=True)
    facts = dict(source_facts(asset))
    assert facts["Duration"] == "00:01:01.500 so far (recording)" and facts["Frame rate"] == "25 fps"
    assert facts["Status"] == "preparing, recording" and facts["Captions"] == "none"
    assert facts["Resolution"] == "unknown"


def test_facts_of_an_audio_only_source_say_what_it_is_and_name_no_frame_rate() -> None:
    asset = Asset("a3", AssetStatus.READY, 0, duration_ms=30_000, audio_only=True, resolution_tier="audio-only")
    facts = dict(source_facts(asset))
    assert facts["Kind"].startswith("Audio only") and "Frame rate" not in facts and "Resolution" not in facts
    assert facts["Duration"] == "00:00:30.000"
