"""Hostile files: every file muxclipper reads from outside (cut lists in six formats, the two settings files), as an
adversary makes them: special files (a FIFO, /dev/zero, a folder), too big, not UTF-8, 100,000 levels deep, NaN and
infinite times, rates of 0, OpenTimelineIO's known crashers, control characters in labels, bad segments.

For each: a clear refusal naming the file and the reason (CutListError for a cut list: exit 2 for ``segments``, the
status line in the window; a notice for a settings file, which is set aside with its copy kept), within the test's
timeout (no hang), nothing else raised, and the process alive (OTIO's segfaults happen in the parser process).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from muxclipper.core.interchange import SourceIdentity
from muxclipper.core.segments import Segment
from muxclipper.services import timeline_process
from muxclipper.services.clip_presets import PresetStore
from muxclipper.services.credentials import KeyringSecrets
from muxclipper.services.cut_lists import CutListError, from_parser, read_segments, write_segments
from muxclipper.services.environments import EnvironmentStore
from tests.support.reliability_counts import record

pytestmark = pytest.mark.timeout(60)

SOURCE = SourceIdentity("AbCd01", Fraction(30), 60_000, "Keynote")
FORMATS = (".csv", ".txt", ".edl", ".xml", ".fcpxml", ".otio")


def _good(suffix: str, tmp_path: Path) -> str:
    path = tmp_path / f"good{suffix}"
    write_segments(path, [Segment("Open", 1_000, 4_000), Segment("Close", 5_000, 9_000)], SOURCE)
    return path.read_text(encoding="utf-8")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _folder(path: Path) -> None:
    path.mkdir()


def _huge(path: Path) -> None:
    with path.open("wb") as handle:  # sparse: 30 MB on paper, nothing on disk
        handle.truncate(30_000_000)


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[Path], None]
    said: str


#: Damage any file can have, whatever its format.
ANY_FILE = [
    Hostile("a FIFO", _fifo, "it is a pipe (FIFO), not a file"),
    Hostile("/dev/zero", _dev_zero, "it is a device, not a file"),
    Hostile("a folder", _folder, "a folder is where the file should be"),
    Hostile("30 MB", _huge, "30,000,000 bytes"),
]


def _otio(mutate: Callable[[dict], None]) -> Callable[[Path], None]:  # type: ignore[type-arg]
    def make(path: Path) -> None:
        good = tmp_good[".otio"]
        data = json.loads(good)
        mutate(data)
        path.write_text(json.dumps(data), encoding="utf-8")
    return make


def _clips(data: dict) -> list[dict]:  # type: ignore[type-arg]
    return [c for c in data["tracks"]["children"][0]["children"] if c["OTIO_SCHEMA"].startswith("Clip")]


def _set_last_clip_schema(data: dict) -> None:  # type: ignore[type-arg]
    _clips(data)[-1]["OTIO_SCHEMA"] = "Clip.1"


def _set_rate(rate: float) -> Callable[[dict], None]:  # type: ignore[type-arg]
    def mutate(data: dict) -> None:  # type: ignore[type-arg]
        for clip in _clips(data):
            clip["source_range"]["duration"]["rate"] = rate
            clip["source_range"]["start_time"]["rate"] = rate
    return mutate


def _text(name: str, edit: Callable[[str], str]) -> Callable[[Path], None]:
    return lambda path: path.write_text(edit(tmp_good[name]), encoding="utf-8")


tmp_good: dict[str, str] = {}

#: Damage of one format: (suffix, hostile). Reasons are the parser's or the limit's own words.
BY_FORMAT: list[tuple[str, Hostile]] = [
    (".otio", Hostile("100,000 deep", _bytes(b"[" * 100_000 + b"]" * 100_000), "nested 100,000 levels deep")),
    (".otio", Hostile("a name that is a list (OTIO segfaulted)",
                      _otio(lambda d: _clips(d)[0]["media_references"]["DEFAULT_MEDIA"].__setitem__("name", [[1]])),
                      "track 1, item 1's media's name is not text")),
    (".otio", Hostile("a schema version that is not a number", _text(".otio", lambda t: t.replace(
        '"Clip.2"', '"Clip.1e-320"', 1)), "unknown schema 'Clip.1e-320'")),
    (".otio", Hostile("rate 0", _otio(_set_rate(0.0)), "track 1, item 1's range's start has a rate of 0")),
    (".otio", Hostile("NaN time", _text(".otio", lambda t: t.replace('"value": 30.0', '"value": NaN', 1)),
                      "NaN, which is not a number")),
    (".otio", Hostile("infinite time", _text(".otio", lambda t: t.replace('"value": 30.0', '"value": 1e400', 1)),
                      "a number too big to use")),
    (".xml", Hostile("<timebase>0", _text(".xml", lambda t: t.replace("<timebase>30</timebase>",
                                                                       "<timebase>0</timebase>")),
                     "not a number muxclipper can use")),
    (".xml", Hostile("100,000 deep", _bytes(b"<a>" * 100_000 + b"</a>" * 100_000), "more than 200 elements deep")),
    (".xml", Hostile("an entity bomb", _bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                                              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>'),
                     "declares XML entities")),
    (".fcpxml", Hostile("100,000 deep", _bytes(b"<a>" * 100_000 + b"</a>" * 100_000), "more than 200 elements")),
    (".fcpxml", Hostile("NaN duration", _text(".fcpxml", lambda t: t.replace('duration="', 'duration="NaN', 1)),
                        "Could not")),
    (".edl", Hostile("not UTF-8, timecodes lost", _bytes(b"TITLE: \xff\xfe\n001  AX V C 99:99:99:99\n"),
                     "Could not")),
    (".csv", Hostile("a reversed row", _bytes(b"Back,00:00:05.000,00:00:01.000\n"),
                     "Line 1 (Back), 00:00:05.000–00:00:01.000: The out point must come after the in point")),
    (".csv", Hostile("a zero-length row", _bytes(b"Good,1,3\nNone,00:00:02.000,00:00:02.000\n"), "Line 2 (None)")),
    (".csv", Hostile("a row past the end", _bytes(b"Late,00:00:50.000,00:02:00.000\n"), "past the end")),
    (".csv", Hostile("a row under 0.5 s", _bytes(b"Blink,1.0,1.2\n"), "Mux needs at least 0.5 s")),
    (".otio", Hostile("a reversed clip (negative length)",
                      _otio(lambda d: _clips(d)[0]["source_range"]["duration"].__setitem__("value", -30.0)),
                      "Clip 1 (Open)")),
]

CASES = [(suffix, h) for suffix in FORMATS for h in ANY_FILE] + BY_FORMAT


@pytest.mark.parametrize(("suffix", "hostile"), CASES, ids=[f"{s} {h.name}" for s, h in CASES])
def test_a_hostile_cut_list_is_refused_naming_the_file_and_the_reason(suffix: str, hostile: Hostile,
                                                                      tmp_path: Path) -> None:
    record("hostile files (cut lists)")
    if not tmp_good:
        tmp_good.update({s: _good(s, tmp_path) for s in FORMATS})
    path = tmp_path / f"hostile{suffix}"
    hostile.make(path)
    with pytest.raises(CutListError) as caught:
        read_segments(path, SOURCE)
    message = str(caught.value)
    assert path.name in message and hostile.said in message, message
    assert len(message) < 2_000 and all(ch.isprintable() for ch in message), message


def test_an_old_otio_clip_is_read_not_crashed_on(tmp_path: Path) -> None:
    """``Clip.1`` (OTIO before 0.15): OTIO's own upgrade of it segfaulted when it was the last clip; it is upgraded in
    Python now (core/otio_subset.py) and read."""
    record("hostile files (cut lists)")
    if not tmp_good:
        tmp_good.update({s: _good(s, tmp_path) for s in FORMATS})
    path = tmp_path / "old.otio"
    data = json.loads(tmp_good[".otio"])
    for clip in _clips(data):
        clip["OTIO_SCHEMA"] = "Clip.1"
        clip["media_reference"] = clip.pop("media_references")["DEFAULT_MEDIA"]
        del clip["active_media_reference_key"]
    path.write_text(json.dumps(data))
    assert read_segments(path, SOURCE).segments == [Segment("Open", 1_000, 4_000), Segment("Close", 5_000, 9_000)]


def test_a_crash_in_the_parser_process_is_said_and_this_process_goes_on(tmp_path: Path) -> None:
    """The isolation itself: the file that segfaulted OpenTimelineIO, sent to the parser process without the
    pre-check, ends that process; the user is told which file and how."""
    record("hostile files (cut lists)")
    data = json.loads(_good(".otio", tmp_path))
    _set_last_clip_schema(data)
    result = timeline_process.read_one(timeline_process.request(json.dumps(data), "otio_json", SOURCE, "crash.otio"))
    assert isinstance(result, timeline_process.Crash) and result.how == "crashed (SIGSEGV)"
    with pytest.raises(CutListError, match=r"^Could not read crash.otio as OTIO: the reader crashed \(SIGSEGV\) on "):
        from_parser(result, "otio_json", "crash.otio")


def test_control_characters_in_a_cut_list_never_reach_a_label(tmp_path: Path) -> None:
    """An EDL's FROM CLIP NAME (the clip's name, a clip title in Mux) with ESC and U+202E: read as spaces."""
    record("hostile files (cut lists)")
    path = tmp_path / "names.edl"
    write_segments(path, [Segment("Open", 1_000, 4_000)], SOURCE)
    path.write_text(path.read_text().replace("FROM CLIP NAME:  Open", "FROM CLIP NAME:  Op\x1b[31men\u202eevil"))
    [segment] = read_segments(path, SOURCE).segments
    assert segment.label == "Op [31men evil"
    csv = tmp_path / "names.csv"
    csv.write_text("\"A\x1b]0;title\x07\u202eB\",1,3\n")
    [segment] = read_segments(csv, SOURCE).segments
    assert segment.label == "A ]0;title  B"


SETTINGS_SPECIAL = [*ANY_FILE,
                    Hostile("not UTF-8", _bytes(b'{"x": "\xff"}'), "it is not UTF-8 text"),
                    Hostile("100,000 deep", _bytes(b"[" * 100_000 + b"]" * 100_000), "nested 100,000 levels deep"),
                    Hostile("NaN", _bytes(b'{"environments": NaN, "profiles": NaN}'), "NaN, which is not a number"),
                    Hostile("1e400", _bytes(b'{"environments": 1e400, "profiles": 1e400}'), "too big to use")]
SETTINGS_FILES = ("clip-presets.json", "environments.json")
SETTINGS_CASES = [(f, h) for f in SETTINGS_FILES for h in SETTINGS_SPECIAL]


@pytest.mark.parametrize(("name", "hostile"), SETTINGS_CASES, ids=[f"{f} {h.name}" for f, h in SETTINGS_CASES])
def test_a_hostile_settings_file_is_set_aside_with_a_notice(name: str, hostile: Hostile, tmp_path: Path) -> None:
    record("hostile files (settings)")
    path = tmp_path / name
    hostile.make(path)
    was_regular = path.is_file() and not path.is_symlink()
    before = path.read_bytes() if was_regular else None
    if name == "clip-presets.json":
        store: PresetStore | EnvironmentStore = PresetStore(path)
        assert store.names("any") == []
    else:
        store = EnvironmentStore(path, KeyringSecrets())
        assert store.profiles == []
    assert store.notice is not None and str(path) in store.notice and hostile.said in store.notice, store.notice
    [kept] = tmp_path.glob(f"{name}.damaged-*")
    if before is not None:
        assert kept.read_bytes() == before  # the copy is what was found, byte for byte
    assert os.path.exists("/dev/zero") and not os.path.islink("/dev/zero")  # a link is moved, never its target
