"""Cut lists on disk through OpenTimelineIO's adapters: every format round-trips frames at 29.97 drop-frame, 25, 30
and 59.94; files as other suites write them (several reels, tracks, a dissolve) give the open source's cuts and say
what they skipped; a damaged or foreign file changes nothing and says what to do."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muxclipper.core.interchange import ClipEntry, SourceIdentity, cut_frame
from muxclipper.core.segments import Segment
from muxclipper.core.timecode import frame_to_ms
from muxclipper.services.cut_lists import (
    TIMELINE_FORMATS,
    CutListError,
    chosen_path,
    read_segments,
    segment_filters,
    write_clips,
    write_segments,
)

DATA = Path(__file__).parent.parent / "data" / "interchange"
NTSC = Fraction(30000, 1001)


@pytest.mark.parametrize("rate", [NTSC, Fraction(25), Fraction(30), Fraction(60000, 1001)], ids=str)
@pytest.mark.parametrize("suffix", list(TIMELINE_FORMATS))
def test_every_format_gives_the_same_frames_back(tmp_path: Path, suffix: str, rate: Fraction) -> None:
    source = SourceIdentity("asset1", rate, duration_ms=4_000_000, title="Keynote")
    # Late in the hour, where drop-frame timecode is furthest from frame counting, and a frame off a whole second.
    segments = [Segment("Open", 20_000, 185_000), Segment("Q&A", 190_000, 200_020),
                Segment("Late", 3_599_990, 3_650_000)]
    path = tmp_path / f"cuts{suffix}"
    assert write_segments(path, segments, source) == f"Exported 3 segments to {path}."
    back = read_segments(path, source)
    frames = [(cut_frame(s.start_ms, rate), cut_frame(s.end_ms, rate)) for s in segments]
    assert [(cut_frame(s.start_ms, rate), cut_frame(s.end_ms, rate)) for s in back.segments] == frames
    assert [s.label for s in back.segments] == ["Open", "Q&A", "Late"]
    assert back.summary == f"Imported 3 segments from track V1 of {path.name}."  # its own sound is not "skipped"


def test_the_edl_is_drop_frame_from_one_hour_with_picture_and_sound(tmp_path: Path) -> None:
    source = SourceIdentity("abc", NTSC, duration_ms=60_000, title="Launch day")
    path = tmp_path / "cuts.edl"
    write_segments(path, [Segment("Open", 10_010, 20_020), Segment("Next", 30_000, 31_000)], source)
    lines = path.read_text().splitlines()
    assert lines[:2] == ["TITLE: Launch day", "FCM: DROP FRAME"]
    assert lines[3] == "001  AX       AA/V  C        00:00:10;00 00:00:20;00 01:00:00;00 01:00:10;00"
    assert "* FROM CLIP NAME:  Open" in lines and "* FROM CLIP: mux://assets/abc" in lines
    # 30 s at 29.97 is frame 899.1: the cut is on frame 899, 00:00:29;29; 31 s is frame 929.07, 00:00:30;29.
    assert lines[6] == "002  AX       AA/V  C        00:00:29;29 00:00:30;29 01:00:10;00 01:00:11;00"


def test_an_avid_edl_with_reels_a_dissolve_and_music() -> None:
    source = SourceIdentity("AbCd01", NTSC, duration_ms=700_000, title="Keynote")
    found = read_segments(DATA / "avid_multireel_2997df.edl", source)
    assert found.summary == ("Imported 3 segments from track V1 of avid_multireel_2997df.edl; skipped 2 clips from "
                             "reel B007 (another source) and track A1 (audio, 1 clip); 1 transition read as a cut.")
    # 00:00:20;00 is frame 600, 00:02:00;00 frame 3596 (two minutes drop 4 frame numbers), 00:05:00;00 frame 8990 and 00:05:30;15 frame 9905.
    assert [(s.start_ms, s.end_ms) for s in found.segments] == [
        (frame_to_ms(600, NTSC), frame_to_ms(750, NTSC)), (frame_to_ms(3596, NTSC), frame_to_ms(3896, NTSC)),
        (frame_to_ms(8990, NTSC), frame_to_ms(9905, NTSC))]


def test_an_edl_from_muxclippers_own_earlier_writer_comes_back(tmp_path: Path) -> None:
    """Before OTIO, muxclipper named the source in a ``* SOURCE FILE:`` comment, which OTIO keeps unread."""
    path = tmp_path / "earlier.edl"
    path.write_text("TITLE: Launch day\nFCM: NON-DROP FRAME\n\n"
                    "001  AX       AA/V  C        00:00:20:00 00:03:05:00 01:00:00:00 01:02:45:00\n"
                    "* FROM CLIP NAME: Keynote\n* SOURCE FILE: mux://assets/abc\n\n"
                    "002  AX       AA/V  C        00:03:10:00 00:03:20:01 01:02:45:00 01:02:55:01\n"
                    "* FROM CLIP NAME: Q&A live\n* SOURCE FILE: mux://assets/abc\n")
    found = read_segments(path, SourceIdentity("abc", Fraction(30), 600_000))
    assert [(s.label, s.start_ms, s.end_ms) for s in found.segments] == [
        ("Keynote", 20_000, 185_000), ("Q&A live", 190_000, frame_to_ms(6001, Fraction(30)))]
    assert found.summary == "Imported 2 segments from track V1 of earlier.edl."


def test_a_drop_frame_edl_for_a_25_fps_source_says_so() -> None:
    with pytest.raises(CutListError, match=r"^avid_multireel_2997df.edl is in drop-frame timecode \(29.97 or 59.94 "
                                           r"fps\) but this source runs at 25 fps; export the list at 25 fps"):
        read_segments(DATA / "avid_multireel_2997df.edl", SourceIdentity("AbCd01", Fraction(25), 700_000))


def test_a_premiere_xml_with_b_roll_titles_and_audio() -> None:
    source = SourceIdentity("PrOmO02", Fraction(25), duration_ms=100_000, title="Promo")
    found = read_segments(DATA / "premiere_multitrack_25.xml", source)
    assert found.segments == [Segment("Opening", 10_000, 14_000), Segment("Product close-up", 48_120, 53_120)]
    assert found.summary == ("Imported 2 segments from track V1 of premiere_multitrack_25.xml; skipped 1 clip from "
                             "B007_C003_drone.mov (another source), track V2 (another video track, 1 clip) and "
                             "track A1 (audio, 2 clips).")


@pytest.mark.parametrize("name", ["resolve_multireel_5994.fcpxml", "resolve_1_10_media_rep_5994.fcpxml"])
def test_a_resolve_fcpxml_at_5994_by_the_files_name(name: str) -> None:
    """FCPXML 1.8 names an asset's file in ``src``; 1.9 and later in a ``media-rep`` the adapter does not read."""
    rate = Fraction(60000, 1001)
    source = SourceIdentity("MaTcH03", rate, duration_ms=601_000, title="Match replay")
    found = read_segments(DATA / name, source)
    assert [(s.label, s.start_ms, s.end_ms) for s in found.segments] == [
        ("Goal", frame_to_ms(7200, rate), frame_to_ms(7800, rate)),
        ("Celebration", frame_to_ms(7830, rate), frame_to_ms(8430, rate))]
    assert "skipped 1 clip from A002_C011_sideline.mov (another source)" in found.summary


@pytest.mark.parametrize(("name", "content", "said"), [
    ("cut.edl", "001  AX  V  C  garbage\n", "Could not read cut.edl as an EDL"),
    ("cut.xml", "<xmeml><sequence><media>", "Could not read cut.xml as Final Cut Pro 7 XML ("),
    ("cut.fcpxml", "not xml at all", "Could not read cut.fcpxml as FCPXML ("),
    ("cut.otio", "{\"OTIO_SCHEMA\": \"Nonsense.1\"", "Could not read cut.otio as OTIO"),
    ("cut.mov", "", "muxclipper reads and writes .csv, .txt, .edl, .xml, .fcpxml, .otio"),
])
def test_a_damaged_or_foreign_file_says_what_to_do(tmp_path: Path, name: str, content: str, said: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(CutListError) as raised:
        read_segments(path, SourceIdentity("abc", Fraction(30), 60_000))
    assert said in str(raised.value)
    with pytest.raises(CutListError, match="Check the file is there"):
        read_segments(tmp_path / "gone.edl", SourceIdentity("abc", Fraction(30), 60_000))


def test_clips_as_a_timeline_a_suite_relinks(tmp_path: Path) -> None:
    entries = [ClipEntry("Goal", "https://stream.mux.com/P1/highest.mp4", 10_000, Fraction(25))]
    path = tmp_path / "clips.xml"
    assert write_clips(path, entries, "Clips", left_out=2) == (
        f"Exported 1 clip to {path}; left out 2 not ready yet (no media to link to).")
    assert "<pathurl>https://stream.mux.com/P1/highest.mp4</pathurl>" in path.read_text()
    with pytest.raises(CutListError, match="No clip is ready"):
        write_clips(tmp_path / "none.edl", [], "Clips")


def test_a_name_typed_without_extension_takes_the_chosen_formats() -> None:
    assert chosen_path("/x/cuts", "FCPXML (Final Cut Pro, Resolve) (*.fcpxml)") == Path("/x/cuts.fcpxml")
    assert chosen_path("/x/cuts.edl", "CSV (*.csv)") == Path("/x/cuts.edl")  # what was typed wins


def test_the_file_chooser_offers_every_format() -> None:
    assert segment_filters(True).startswith("Cut lists (*.csv *.txt *.edl *.xml *.fcpxml *.otio);;CSV (*.csv)")
    assert "FCPXML (Final Cut Pro, Resolve) (*.fcpxml)" in segment_filters(False)


FIXTURES = sorted(DATA.iterdir())


# Each read starts a parser process (~0.3 s): the volume is in tests/reliability/test_fuzz_timelines.py, batched.
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FIXTURES), st.data())
def test_a_damaged_suite_file_only_ever_says_what_is_wrong(tmp_path: Path, fixture: Path, data: st.DataObject) -> None:
    """Cut short, lines lost or doubled, as files copied badly or edited by hand are: an answer or a CutListError,
    never another exception (which the window would report as a bug)."""
    lines = fixture.read_text().splitlines(keepends=True)
    start = data.draw(st.integers(0, len(lines)))
    stop = data.draw(st.integers(start, len(lines)))
    how = data.draw(st.sampled_from(["drop", "double", "cut"]))
    if how == "drop":
        damaged = lines[:start] + lines[stop:]
    elif how == "double":
        damaged = lines[:stop] + lines[start:]
    else:
        text = "".join(lines)
        damaged = [text[:data.draw(st.integers(0, len(text)))]]
    path = tmp_path / fixture.name
    path.write_text("".join(damaged))
    try:
        read_segments(path, SourceIdentity("AbCd01", Fraction(30000, 1001), 700_000, "Keynote"))
    except CutListError as exc:
        assert fixture.name in str(exc)  # which file, and (each message's own words) what to do


def test_segments_of_sound_alone_go_by_the_millisecond_and_no_timeline_counts_frames_it_has_not(tmp_path: Path) -> None:
    """An audio-only source: CSV and chapters round-trip to the millisecond; an EDL, XML or OTIO is refused in words
    (it would count frames sound has none of), and so is a frame number in a CSV."""
    source = SourceIdentity("pod", Fraction(1000), duration_ms=60_000, title="Podcast", audio_only=True)
    segments = [Segment("Intro", 1_234, 9_876, 1), Segment("Interview", 10_001, 59_999, 2)]
    path = tmp_path / "podcast.csv"
    write_segments(path, segments, source)
    assert [(s.start_ms, s.end_ms) for s in read_segments(path, source).segments] == [(1_234, 9_876),
                                                                                      (10_001, 59_999)]
    for suffix in TIMELINE_FORMATS:
        with pytest.raises(CutListError, match="audio only"):
            write_segments(tmp_path / f"podcast{suffix}", segments, source)
    framed = tmp_path / "framed.csv"
    framed.write_text("label,start,end\nIntro,#10,5.0\n")
    with pytest.raises(CutListError) as refused:
        read_segments(framed, source)
    assert "frame" in str(refused.value) + " ".join(refused.value.problems)
