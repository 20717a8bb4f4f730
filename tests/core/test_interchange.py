"""Segments to OpenTimelineIO timelines and back, pure: frames exact at every rate, and what a suite's timeline
with several reels and tracks gives for the open source."""

from __future__ import annotations

from fractions import Fraction

import opentimelineio as otio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muxclipper.core.interchange import (
    ClipEntry,
    SourceIdentity,
    clips_to_timeline,
    cut_frame,
    segments_from_timeline,
    segments_to_timeline,
)
from muxclipper.core.segments import Segment, SegmentListError
from muxclipper.core.timecode import frame_to_ms

RATES = [Fraction(24000, 1001), Fraction(25), Fraction(30000, 1001), Fraction(30), Fraction(50),
         Fraction(60000, 1001), Fraction(60)]


def on_frames(segments: list[Segment], rate: Fraction) -> list[Segment]:
    """What a segment becomes once cut: its in and out on the frames Mux cuts on."""
    return [Segment(s.label, frame_to_ms(cut_frame(s.start_ms, rate), rate), frame_to_ms(cut_frame(s.end_ms, rate), rate))
            for s in segments]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(RATES), st.lists(st.tuples(st.integers(0, 10_000_000), st.integers(500, 600_000)),
                                        min_size=1, max_size=6))
def test_segments_come_back_on_the_same_frames_at_every_rate(rate: Fraction, spans: list[tuple[int, int]]) -> None:
    source = SourceIdentity("asset1", rate, duration_ms=11_000_000, title="Keynote")
    segments = [Segment(f"Part {i}", start, start + length) for i, (start, length) in enumerate(spans)]
    back = segments_from_timeline(segments_to_timeline(segments, source), source)
    assert back.segments == on_frames(segments, rate)
    assert back.skipped == [] and back.track == "V1"
    # Once on frames, a segment is a fixed point: any number of round trips keeps it.
    assert segments_from_timeline(segments_to_timeline(back.segments, source), source).segments == back.segments


def test_the_timeline_starts_at_one_hour_in_drop_frame_at_2997() -> None:
    source = SourceIdentity("asset1", Fraction(30000, 1001), duration_ms=60_000)
    timeline = segments_to_timeline([Segment("a", 0, 1_000)], source)
    assert otio.opentime.to_timecode(timeline.global_start_time, 30000 / 1001) == "01:00:00;00"
    [clip] = timeline.find_clips()
    assert clip.media_reference.target_url == "mux://assets/asset1"


def _clip(name: str, url: str, first: int, frames: int, rate: float, reel: str = "") -> otio.schema.Clip:
    clip = otio.schema.Clip(name=name, media_reference=otio.schema.ExternalReference(target_url=url),
                            source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(first, rate),
                                                                 otio.opentime.RationalTime(frames, rate)))
    if reel:
        clip.metadata["cmx_3600"] = {"reel": reel}
    return clip


def test_a_suites_timeline_gives_the_open_sources_cuts_and_says_what_it_skipped() -> None:
    source = SourceIdentity("abcDEF123", Fraction(25), duration_ms=600_000, title="Launch keynote",
                            playback_ids=("PLAY42",))
    timeline = otio.schema.Timeline(name="Cut")
    v1 = otio.schema.Track(name="V1")
    v1.extend([_clip("Intro", "https://stream.mux.com/PLAY42/highest.mp4", 250, 100, 25),
               _clip("Crowd", "file:///media/B007.mov", 0, 50, 25, reel="B007"),
               _clip("Talk", "https://stream.mux.com/PLAY42/highest.mp4", 1000, 500, 25),
               _clip("Crowd 2", "file:///media/B007.mov", 80, 50, 25, reel="B007"),
               _clip("Past the end", "https://stream.mux.com/PLAY42/highest.mp4", 15_000, 100, 25)])
    titles = otio.schema.Track(name="V2")
    titles.append(_clip("Lower third", "file:///gfx/lt.png", 0, 50, 25))
    music = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    music.append(_clip("Music", "file:///audio/bed.wav", 0, 300, 25))
    timeline.tracks.extend([v1, titles, music])
    found = segments_from_timeline(timeline, source)
    assert found.segments == [Segment("Intro", 10_000, 14_000), Segment("Talk", 40_000, 60_000)]
    assert found.summary("cut.xml") == (
        "Imported 2 segments from track V1 of cut.xml; skipped 2 clips from reel B007 (another source), 1 clip "
        "outside the source (it is 00:10:00.000 long), track V2 (another video track, 1 clip) and track A1 (audio, "
        "1 clip).")


def test_without_a_clip_naming_the_source_the_most_used_reel_is_taken_and_said() -> None:
    source = SourceIdentity("abc", Fraction(30), duration_ms=600_000, title="Show")
    timeline = otio.schema.Timeline()
    track = otio.schema.Track()
    track.extend([_clip("a", "", 0, 30, 30, reel="A001"), _clip("b", "", 60, 30, 30, reel="B002"),
                  _clip("c", "", 90, 30, 30, reel="A001")])
    timeline.tracks.append(track)
    found = segments_from_timeline(timeline, source)
    assert [s.label for s in found.segments] == ["a", "c"]
    assert "the cuts of reel A001 (the most used) were taken" in found.summary()


def test_a_timeline_with_nothing_of_the_source_is_refused_with_what_it_holds() -> None:
    source = SourceIdentity("abc", Fraction(30), duration_ms=1_000, title="Show")
    timeline = otio.schema.Timeline()
    track = otio.schema.Track()
    track.append(_clip("late", "file:///x/Show.mp4", 900, 30, 30))
    timeline.tracks.append(track)
    with pytest.raises(SegmentListError, match=r"no clip of this source within its length \(it holds Show.mp4\)"):
        segments_from_timeline(timeline, source)
    with pytest.raises(SegmentListError, match="no video clips"):
        segments_from_timeline(otio.schema.Timeline(), source)


def test_clips_reference_their_own_media_from_their_first_frame() -> None:
    entries = [ClipEntry("Goal", "https://stream.mux.com/P1/highest.mp4", 10_010, Fraction(30000, 1001),
                         {"source_asset_id": "src", "start_ms": 5_000}),
               ClipEntry("Save", "https://stream.mux.com/P2.m3u8", 4_000, Fraction(30000, 1001))]
    timeline = clips_to_timeline(entries, "Clips")
    goal, save = timeline.find_clips()
    assert goal.media_reference.target_url == "https://stream.mux.com/P1/highest.mp4"
    assert (goal.source_range.start_time.value, goal.source_range.duration.value) == (0, 300)
    assert goal.metadata["muxclipper"]["source_asset_id"] == "src"
    assert save.media_reference.target_url == "https://stream.mux.com/P2.m3u8"
    assert timeline.tracks[0].range_of_child(save).start_time.value == 300
