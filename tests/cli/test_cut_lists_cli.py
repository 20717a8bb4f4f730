"""``muxclipper segments`` and ``jobs --export`` as a producer runs them, against the emulator: an Avid EDL with
several reels becomes clips of the open source's cuts, on their frames; the clips made go back out as a timeline."""

from __future__ import annotations

import json
import os
from pathlib import Path

from muxclipper.core.timecode import frame_to_ms
from tests.cli.test_cli import _clips, _env, _run
from tests.emulator.helpers import Emu

DATA = Path(__file__).parent.parent / "data" / "interchange"


def test_an_edl_from_a_suite_becomes_clips_of_its_cuts_and_goes_back_out(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 400.0, "frame_rate": 29.97, "title": "Keynote"})
    env = _env(emu, tmp_path)
    edl = DATA / "avid_multireel_2997df.edl"
    listed = _run(env, "segments", source, str(edl), "--json", "--to", str(tmp_path / "cuts.fcpxml"))
    assert listed.returncode == 0, listed.stderr
    assert "Imported 3 segments from track V1 of avid_multireel_2997df.edl; skipped 2 clips from reel B007" \
        in listed.stderr
    cuts = json.loads(listed.stdout)
    assert [(c["first_frame"], c["end_frame"]) for c in cuts] == [(600, 750), (3596, 3896), (8990, 9905)]
    assert (tmp_path / "cuts.fcpxml").read_text().count("<asset-clip") == 3
    assert _clips(emu) == []  # listing creates nothing

    made = _run(env, "segments", source, str(tmp_path / "cuts.fcpxml"), "--create", "--mp4", "--json")
    assert made.returncode == 0, made.stderr
    jobs = json.loads(made.stdout)
    assert [(j["start_ms"], j["end_ms"]) for j in jobs] == [
        (frame_to_ms(a, _ntsc()), frame_to_ms(b, _ntsc())) for a, b in [(600, 750), (3596, 3896), (8990, 9905)]]
    assert sorted(c["meta"]["title"] for c in _clips(emu)) == ["Keynote.mp4"] * 3

    emu.advance(600)
    watched = _run(env, "jobs", "--watch", "--export", str(tmp_path / "clips.edl"))
    assert watched.returncode == 0, watched.stderr
    assert "Exported 3 clips to" in watched.stderr
    text = (tmp_path / "clips.edl").read_text()
    assert text.count("* FROM CLIP: ") == 3 and "/highest.mp4" in text and "FCM: DROP FRAME" in text


def test_a_damaged_cut_list_creates_nothing_and_says_what_to_do(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "frame_rate": 25.0})
    bad = tmp_path / "cut.xml"
    bad.write_text("<xmeml><sequence>")
    result = _run(_env(emu, tmp_path), "segments", source, str(bad), "--create")
    assert result.returncode == 2
    assert "Could not read cut.xml as Final Cut Pro 7 XML" in result.stderr and "Nothing was changed." in result.stderr
    assert _clips(emu) == []


def test_segments_help_names_the_formats(tmp_path: Path) -> None:
    result = _run({"PATH": os.environ.get("PATH", "")}, "segments", "--help")
    assert result.returncode == 0
    for word in (".edl", ".fcpxml", ".otio", "--create", "--to", "skipped"):
        assert word in result.stdout


def _ntsc() -> object:
    from fractions import Fraction

    return Fraction(30000, 1001)


def test_bad_rows_are_refused_with_exit_2_each_named_and_nothing_listed(emu: Emu, tmp_path: Path) -> None:
    """Reversed, zero-length and past-the-end rows were listed with exit 0 (only --create refused them); a label's
    ESC and U+202E reached the terminal and Mux titles."""
    [source] = emu.seed({"duration": 60.0, "frame_rate": 25.0})
    env = _env(emu, tmp_path)
    bad = tmp_path / "cuts.csv"
    bad.write_text("label,start,end\nIntro,1,4\nBack,9,5\nNone,10,10\nLate,50,90\n")
    listed = _run(env, "segments", source, str(bad), "--json")
    assert listed.returncode == 2 and listed.stdout == ""
    assert "Could not import cuts.csv: 3 of its 4 segments cannot be made into clips of this source: Line 3 (Back)," \
        in listed.stderr
    assert "Line 4 (None)" in listed.stderr and "Line 5 (Late)" in listed.stderr and "Traceback" not in listed.stderr
    named = tmp_path / "named.edl"
    assert _run(env, "segments", source, str(tmp_path / "cuts.csv"), "--to", str(named)).returncode == 2
    assert not named.exists()  # nothing converted either
    good = tmp_path / "good.csv"
    good.write_text('label,start,end\n"Op\x1b[31men\u202eevil",1,4\n')
    made = _run(env, "segments", source, str(good), "--create", "--json")
    assert made.returncode == 0, made.stderr
    assert [c["meta"]["title"] for c in _clips(emu)] == ["Op [31men evil"]
