"""Fuzzing the four timeline readers (CMX 3600 EDL, Final Cut Pro 7 XML, FCPXML, OTIO), crash-isolated.

Per reader and run: ``MUXCLIPPER_TIMELINE_FUZZ_CASES`` (10,000) seeded mutations of real timelines
(tests/reliability/timeline_mutations.py) go through the pure-Python pre-checks in this process
(``cut_lists.precheck``: depth, NaN and infinities, entities, NUL), which must answer or refuse with a message naming
the file. Of those that pass, ``MUXCLIPPER_TIMELINE_FUZZ_PARSED`` (300 in CI, ``all`` for a long local run) are sent
in batches to the parser process (``services/timeline_process.py``), exactly as the window and ``segments`` send a
file; each answer must become segments that pass or fail the segment checks in words, or a CutListError. A crash of
the parser process (a segfault in OpenTimelineIO) is counted, said to the user as a CutListError, and the case that
caused it printed; this process never crashes. Goal: 0 crashes (asserted). ``MUXCLIPPER_TIMELINE_FUZZ_SEED`` repeats
a run (the seed is printed).
"""

from __future__ import annotations

import os
import random
from fractions import Fraction
from pathlib import Path

import pytest

from muxclipper.core.interchange import SourceIdentity
from muxclipper.core.segments import Segment, segment_problems
from muxclipper.services import timeline_process
from muxclipper.services.cut_lists import TIMELINE_FORMATS, CutListError, from_parser, precheck, write_segments
from tests.reliability.timeline_mutations import mutate
from tests.support.reliability_counts import record

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

DATA = Path(__file__).resolve().parents[1] / "data" / "interchange"
CASES = int(os.environ.get("MUXCLIPPER_TIMELINE_FUZZ_CASES", "10000"))
PARSED = os.environ.get("MUXCLIPPER_TIMELINE_FUZZ_PARSED", "300")
SEED = int(os.environ.get("MUXCLIPPER_TIMELINE_FUZZ_SEED", str(random.SystemRandom().randrange(1 << 30))))
BATCH = 250
READERS = {"cmx_3600": "EDL", "fcp_xml": "FCP 7 XML", "fcpx_xml": "FCPXML", "otio_json": "OTIO"}


def _bases(suffix: str, tmp_path: Path) -> list[str]:
    """Sound files of one format: muxclipper's own exports at three rates, and the suites' fixtures."""
    texts = []
    for rate, duration in ((Fraction(30), 600_000), (Fraction(30000, 1001), 4_000_000), (Fraction(25), 700_000)):
        source = SourceIdentity("AbCd01", rate, duration, "Keynote")
        path = tmp_path / f"base{suffix}"
        write_segments(path, [Segment("Open", 1_000, 4_000), Segment("Q&A", 5_000, 90_000),
                              Segment("Close", 100_000, 101_000)], source)
        texts.append(path.read_text(encoding="utf-8"))
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(DATA.glob(f"*{suffix}"))]
    return texts


@pytest.mark.parametrize("suffix", list(TIMELINE_FORMATS), ids=lambda s: s.lstrip("."))
def test_a_timeline_reader_never_takes_the_process_down(suffix: str, tmp_path: Path) -> None:
    adapter = TIMELINE_FORMATS[suffix][1]
    reader = READERS[adapter]
    rng = random.Random(f"{SEED}{suffix}")
    print(f"timeline fuzzing {reader}: seed {SEED} (MUXCLIPPER_TIMELINE_FUZZ_SEED), {CASES} cases")
    bases = _bases(suffix, tmp_path)
    name = f"fuzzed{suffix}"
    survivors: list[str] = []
    for _ in range(CASES):
        text = mutate(rng.choice(bases), adapter, rng)
        try:
            text = precheck(text, adapter, name)
        except CutListError as exc:
            assert name in str(exc)
            continue
        survivors.append(text)
    record(f"timeline fuzz cases (pre-checks in process): {reader}", CASES)
    chosen = survivors if PARSED == "all" else rng.sample(survivors, min(int(PARSED), len(survivors)))
    source = SourceIdentity("AbCd01", Fraction(30000, 1001), 4_000_000, "Keynote")
    crashes: list[tuple[str, str]] = []
    outcomes = {"segments": 0, "refused": 0}
    limits = timeline_process.Limits(cpu_s=300, timeout_s=600)
    for start in range(0, len(chosen), BATCH):
        batch = chosen[start:start + BATCH]
        results = timeline_process.read_many([timeline_process.request(t, adapter, source, name) for t in batch],
                                             limits)
        for text, result in zip(batch, results, strict=True):
            if isinstance(result, timeline_process.Crash):
                crashes.append((result.how, text))
            try:
                segments, _ = from_parser(result, adapter, name)
            except CutListError as exc:
                outcomes["refused"] += 1
                assert str(exc) and len(str(exc)) < 2_000
                continue
            outcomes["segments"] += 1
            segment_problems(segments, source.duration_ms)  # words or nothing, never an exception
    record(f"timeline fuzz cases (parser process): {reader}", len(chosen))
    record(f"timeline fuzz parser crashes (isolated): {reader}", len(crashes))
    print(f"  {len(survivors)} passed the pre-checks; {len(chosen)} parsed: {outcomes['segments']} gave segments, "
          f"{outcomes['refused']} refused, {len(crashes)} crashed the parser process")
    for number, (how, text) in enumerate(crashes):
        kept = tmp_path / f"crash-{number}{suffix}"
        kept.write_text(text, encoding="utf-8", errors="surrogateescape")
        print(f"  crash ({how}): {kept}")
    assert crashes == [], f"{len(crashes)} parser crashes (seed {SEED}); the first is printed above"
