"""``muxclipper slates --json`` on every item of the labelled corpus (tests/support/slate_corpus.py), against the
emulator's real pictures: every slate edge exact to the frame, exit 7 and no proposal where there is no slate (the
note says in words what was seen), the evidence per edge in the JSON, at most 30 image requests an edge. The figures
per style are printed, and recorded in docs/PERFORMANCE.md. The command runs in this process, as every test's here
(tests/support/cli_here.py: a process per item cost a second each); test_exit_codes.py runs it as a process."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from muxclipper.core.models import Asset
from muxclipper.emulator import EmulatorServer
from muxclipper.mux.wire import asset_from_wire
from tests.cli.test_cli import _env, _run
from tests.emulator.helpers import Emu
from tests.emulator.media_helpers import wait_settled
from tests.services.test_slate_corpus import advance, ingest, live_stream
from tests.support.slate_corpus import DROPPED, ITEMS, Item
from tests.support.slate_scoring import Scores

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(media_api: httpx.Client) -> dict[str, Asset]:
    return ingest(media_api, (*ITEMS, DROPPED))


@pytest.fixture(scope="module")
def dropped(media_api: httpx.Client, corpus: dict[str, Asset]) -> Asset:
    """DROPPED broadcast live, the encoder away for 2 s in the middle of the programme: a recording whose
    recording_times hold two content sessions and Mux's slate between them, burnt into its pictures."""
    stream = live_stream(media_api)
    started = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                             json={"source_asset_id": corpus[DROPPED.name].id})
    assert started.status_code == 201, started.text
    assert media_api.post("/_emulator/clock/freeze", json={"frozen": True}).status_code == 200
    try:
        advance(media_api, 6)
        assert media_api.post(f"/_emulator/live-streams/{stream['id']}/disconnect").status_code == 200
        advance(media_api, 2)
        assert media_api.post(f"/_emulator/live-streams/{stream['id']}/reconnect").status_code == 200
        advance(media_api, 12)  # the source runs out: the recording is completed, its slate burnt in
    finally:
        media_api.post("/_emulator/clock/freeze", json={"frozen": False})
    recording = asset_from_wire(wait_settled(media_api, started.json()["data"]["id"], timeout=120))
    assert [r.type for r in recording.recording_times] == ["content", "slate", "content"]
    return recording


@pytest.mark.timeout(600)
def test_slates_on_every_corpus_item(emu: Emu, media_server: EmulatorServer, corpus: dict[str, Asset],
                                     dropped: Asset, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = _env(emu, tmp_path, base=media_server.url)
    scores = Scores()
    notes: dict[str, str] = {}
    items: list[tuple[Item, Asset]] = [*((item, corpus[item.name]) for item in ITEMS), (DROPPED, dropped)]
    for item, asset in items:
        shown = _run(env, "slates", asset.id, "--json")
        assert shown.returncode == (0 if item.has_slate else 7), (item.name, shown.stdout, shown.stderr)
        result = json.loads(shown.stdout)
        assert "Traceback" not in shown.stderr
        scores.add(item.name, item.style, (item.programme_start, item.programme_end),
                   (result["start_frame"], result["end_frame"]),
                   (result["requests_per_edge"]["opening"], result["requests_per_edge"]["closing"]),
                   (result["seconds_per_edge"]["opening"], result["seconds_per_edge"]["closing"]), result["note"])
        notes[item.name] = result["note"] or ""
        for side in ("opening", "closing"):
            # The evidence of each edge: how long the picture held, how much of it held still and changed.
            seen = result["evidence"][side]
            assert {"held_ms", "still_share", "cut_share", "drift_share", "after_share", "problem"} <= set(seen)
            assert seen["clear"] == (result["start_frame" if side == "opening" else "end_frame"] is not None)
        if not item.has_slate:
            assert "No slate found on" in shown.stderr and "--start TIME --end TIME" in shown.stderr
    with capsys.disabled():
        print("\n\nmuxclipper slates on the corpus, per style (against the emulator):\n" + scores.table())
    assert not scores.mistakes, "\n".join(scores.mistakes)
    assert scores.max_requests <= 30
    # Without a slate, the note says what was seen and where, in words.
    assert "does not hold" in notes["fade-up-25"]
    assert "keeps changing a little" in notes["presenter-29.97"] and "it cuts at #210" in notes["presenter-29.97"]
    assert "keeps changing a little" in notes["dark-scene-59.94"]
    assert "no opening slate (the opening picture does not hold" in notes["black-middle-25"]
    assert "the picture holds from the first frame to the last" in notes["pattern-29.97"]


@pytest.mark.timeout(120)
def test_the_text_output_says_what_was_seen_at_each_side(emu: Emu, media_server: EmulatorServer,
                                                        corpus: dict[str, Asset], tmp_path: Path) -> None:
    env = _env(emu, tmp_path, base=media_server.url)
    shown = _run(env, "slates", corpus["presenter-29.97"].id)
    assert shown.returncode == 7
    lines = shown.stdout.splitlines()
    assert lines[1].split()[:4] == ["in", "no", "opening", "slate:"]
    assert any(line.startswith("opening: held 7.01 s") and "not proposed: the opening picture holds for 7.01 s, "
               "but" in line for line in lines), lines
    slated = _run(env, "slates", corpus["countdown-25"].id)
    assert slated.returncode == 0
    assert slated.stdout.splitlines()[1].split() == ["in", "00:00:04.000", "first", "frame", "kept", "00:00:04:00",
                                                     "#100"]
    assert any(line.startswith("opening: held 4.00 s, 100% of it still, 100% changed at the cut")
               for line in slated.stdout.splitlines()), slated.stdout
