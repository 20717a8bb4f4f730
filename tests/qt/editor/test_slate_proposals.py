"""Finding the slate in the window, offscreen against the emulator's real media: S proposes in and out at the
slates (ghost markers, not marks), Enter accepts them as one undoable step, E finds where the picture on screen ends,
another source cancels a search, and top and tail cuts each selected recording at its own slates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from muxclipper.emulator import EmulatorServer
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.sources.sources_model import SourceRole
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.cli.test_cli import _env, _run
from tests.cli.test_slates_cli import KEYNOTE, NO_SLATE, _ingest
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run
from tests.support.waiting import until

SLATE_IN_MS, SLATE_OUT_MS = 20_000, 185_000  # frames 600 and 5550 at 30 fps


@pytest.fixture(scope="module")
def sources(media_api: httpx.Client) -> Iterator[tuple[str, str]]:
    yield _ingest(media_api, KEYNOTE, "Friday keynote"), _ingest(media_api, NO_SLATE, "Bars")


def _environment(server: EmulatorServer) -> Environment:
    return Environment("Studio", Endpoints.for_origin(server.url), Credentials(*RW))


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_s_proposes_enter_accepts_undo_takes_back_e_finds_the_picture_end(
        qapp: QApplication, media_server: EmulatorServer, sources: tuple[str, str], tmp_path: Path) -> None:
    keynote, bars = sources

    async def scenario() -> None:
        async with open_session(_environment(media_server), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.resize(1280, 720)
            window.show()
            window.start()
            editor, timeline = window.editor, window.editor.timeline

            def key(k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
                QTest.keyClick(timeline, k, mods)

            window.open_asset_id(keynote)
            await until(lambda: window.asset is not None and window.asset.id == keynote, 10, "the keynote open")
            assert window.panels.slates is not None and window.panels.slates.accept_button.isHidden()
            key(Qt.Key.Key_S)
            await until(lambda: timeline.proposals != (None, None), 20, "the proposals")
            assert timeline.proposals == (SLATE_IN_MS, SLATE_OUT_MS)
            assert timeline.marked.in_ms is None and timeline.marked.out_ms is None  # proposed, not marked yet
            assert "Proposed in 00:00:20.000 (#600" in window.status.text()
            assert "out 00:03:05.000 (last frame #5549" in window.status.text() and "Enter accepts" in window.status.text()
            assert ". ." not in window.status.text()
            assert not window.panels.slates.accept_button.isHidden()
            # Enter in a time field still commits the typed time (the proposals keep waiting).
            editor.position_field.setFocus()
            editor.position_field.selectAll()
            QTest.keyClicks(editor.position_field, "5")
            QTest.keyClick(editor.position_field, Qt.Key.Key_Return)
            await until(lambda: editor.player.target_frame == 150, 5, "the playhead at 5 s")
            assert timeline.proposals == (SLATE_IN_MS, SLATE_OUT_MS)
            # Enter on the editor accepts: in at the first programme frame, out at the closing slate's first.
            key(Qt.Key.Key_Return)
            marked = timeline.marked
            assert (marked.first_frame, marked.last_frame) == (600, 5549)
            assert timeline.proposals == (None, None) and window.panels.slates.accept_button.isHidden()
            # Undo takes them back.
            key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
            assert timeline.marked.in_ms is None and timeline.marked.out_ms is None
            # The slate edges are edit points: Down from 5 s goes to the first programme frame.
            key(Qt.Key.Key_Down)
            await until(lambda: editor.player.target_frame == 600, 5, "the next edit point")
            # "Where does this picture end", from inside the opening slate.
            editor.player.seek_frame(90)
            await until(lambda: editor.player.target_frame == 90, 5, "frame 90")
            key(Qt.Key.Key_E)
            await until(lambda: "The picture ends" in window.status.text(), 20, "the picture's end")
            assert editor.player.target_frame == 600 and "#600" in window.status.text()
            # The search's pictures were cached: only the one on screen was new.
            assert window.status.text().endswith("1 picture looked at.")
            # Proposals, then marking by hand instead: the proposals go.
            key(Qt.Key.Key_S)
            await until(lambda: timeline.proposals != (None, None), 20, "the proposals again")
            key(Qt.Key.Key_I)
            assert timeline.proposals == (None, None)
            # While proposals wait, Enter in the sources list opens the source picked there (it is the list's Enter,
            # not the proposals').
            key(Qt.Key.Key_S)
            await until(lambda: timeline.proposals != (None, None), 20, "the proposals once more")
            await until(lambda: window.sources.model.find(bars) is not None, 20, "the bars listed")
            view, listed = window.sources.list_view, window.sources.filter
            row = next(r for r in range(listed.rowCount()) if listed.index(r, 0).data(SourceRole.ASSET).id == bars)
            view.setFocus()
            view.setCurrentIndex(listed.index(row, 0))
            marked_before = timeline.marked
            QTest.keyClick(view, Qt.Key.Key_Return)
            assert timeline.marked == marked_before  # not accepted
            # A source without a slate says so.
            await until(lambda: window.asset is not None and window.asset.id == bars, 10, "the bars opened by Enter")
            key(Qt.Key.Key_S)
            await until(lambda: "No slate proposed on Bars" in window.status.text(), 20, "no slate")
            assert timeline.proposals == (None, None)
            # A search under way is cancelled by opening another source: nothing of it lands there.
            window.open_asset_id(keynote)
            await until(lambda: window.asset is not None and window.asset.id == keynote, 10, "the keynote again")
            session.slate_finder()._pictures.clear()  # noqa: SLF001 - a search that has to ask again
            session.slate_finder()._boards.clear()  # noqa: SLF001
            key(Qt.Key.Key_S)
            assert window.panels.slates.busy
            window.open_asset_id(bars)
            await until(lambda: window.asset is not None and window.asset.id == bars, 10, "the bars again")
            await until(lambda: not window.panels.slates.busy, 5, "the search cancelled")
            assert timeline.proposals == (None, None) and "Proposed" not in window.status.text()
            await window.aclose()
            window.close()

    run(qapp, scenario)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_cut_the_slates_of_the_selected_recordings_lists_those_it_cannot_decide(
        qapp: QApplication, media_server: EmulatorServer, media_api: httpx.Client, sources: tuple[str, str],
        tmp_path: Path) -> None:
    keynote, bars = sources

    async def scenario() -> None:
        async with open_session(_environment(media_server), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.show()
            window.start()
            model = window.sources.model
            await until(lambda: model.find(keynote) is not None and model.find(bars) is not None, 10, "the sources")
            listed = window.sources.filter
            window.sources.select_rows([row for row in range(listed.rowCount())
                                        if listed.index(row, 0).data(SourceRole.ASSET).id in (keynote, bars)])
            button = window.sources.slates_button
            assert button.isEnabled() and button.text() == "Cut the s&lates of 2 selected"
            button.click()
            await until(lambda: "cut at its slates queued" in window.status.text() or
                        "No clip made" in window.status.text(), 30, "the trims")
            assert window.status.text().startswith("1 clip cut at its slates queued.")
            assert "Not cut, to mark by hand: Bars: no slate found" in window.status.text()
            await until(lambda: window.clips.jobs_model.rowCount() == 1, 10, "the job")
            job = window.clips.jobs_model.job_at(0)
            assert (job.source_asset_id, job.start_ms, job.end_ms) == (keynote, SLATE_IN_MS, SLATE_OUT_MS)
            await window.aclose()
            window.close()

    run(qapp, scenario)


TAIL_ONLY = "emulator://generated?duration=12&fps=30&width=192&height=108&audio=0&postroll=4"  # out at 8 s only


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_only_an_out_proposed_enter_cuts_from_the_start_as_the_command_line_does(
        qapp: QApplication, emu: Emu, media_server: EmulatorServer, media_api: httpx.Client, tmp_path: Path) -> None:
    """One rule for a side the search found no slate on: the video's own start (or end) — in the window as in
    ``clip --trim-slates`` — whatever in was marked before; the status line says so when proposing."""
    panel = _ingest(media_api, TAIL_ONLY, "Panel")

    async def scenario() -> None:
        async with open_session(_environment(media_server), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.resize(1280, 720)
            window.show()
            window.start()
            editor, timeline = window.editor, window.editor.timeline
            window.open_asset_id(panel)
            await until(lambda: window.asset is not None and window.asset.id == panel, 10, "the panel open")
            editor.player.seek_frame(60)
            await until(lambda: editor.player.target_frame == 60, 5, "2 s")
            QTest.keyClick(timeline, Qt.Key.Key_I)  # an in marked by hand (or kept from an earlier visit)
            assert timeline.marked.in_ms == 2_000
            QTest.keyClick(timeline, Qt.Key.Key_S)
            await until(lambda: timeline.proposals != (None, None), 20, "the proposal")
            assert timeline.proposals == (None, 8_000)
            assert "No opening slate" in window.status.text()
            assert "; in goes to the start. Enter accepts" in window.status.text()
            QTest.keyClick(timeline, Qt.Key.Key_Return)
            marked = timeline.marked
            assert (marked.in_ms, marked.out_ms) == (0, 8_000)  # what was proposed, nothing else
            assert window.status.text().startswith("In 00:00:00.000, out 00:00:08.000")
            assert editor.in_field.text() == "00:00:00.000"
            await window.aclose()
            window.close()

    run(qapp, scenario)
    # The command line cuts the same range.
    made = _run(_env(emu, tmp_path, base=media_server.url), "clip", panel, "--trim-slates", "--json")
    assert made.returncode == 0, made.stderr
    job = json.loads(made.stdout)
    assert (job["start_ms"], job["end_ms"]) == (0, 8_000)


def test_proposals_are_drawn_as_dashed_amber_markers_apart_from_the_marks(qtbot: object) -> None:
    from fractions import Fraction

    from PySide6.QtGui import QColor

    from muxclipper.qt.editor.timeline import RULER_HEIGHT, STRIP_HEIGHT, TimelineWidget

    timeline = TimelineWidget()
    timeline.resize(800, 90)
    timeline.set_source(200_000, Fraction(30))

    def amber_rows(x: int) -> int:
        image = timeline.grab().toImage()
        amber = QColor(239, 108, 0)
        return sum(1 for y in range(RULER_HEIGHT, RULER_HEIGHT + STRIP_HEIGHT)
                   if image.pixelColor(x, y) == amber)

    x_in = round(timeline.x_for_ms(20_000))
    assert amber_rows(x_in) == 0
    timeline.set_proposals(20_000, 185_000)
    assert timeline.marked.in_ms is None  # a proposal is not a mark
    drawn = amber_rows(x_in)
    assert 0 < drawn < STRIP_HEIGHT  # a dashed line: amber with gaps
    assert amber_rows(round(timeline.x_for_ms(185_000))) > 0
    assert "Enter accepts" in timeline.toolTip()
    timeline.set_proposals(None, None)
    assert amber_rows(x_in) == 0 and timeline.toolTip() == ""


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_live_a_card_in_the_middle_is_withdrawn_when_the_programme_comes_back(
        qapp: QApplication, media_server: EmulatorServer, media_api: httpx.Client, tmp_path: Path) -> None:
    """A recording still growing (the emulator's clock stopped, moved by the test): searched while its opening slate
    is still on, the in is proposed by itself once it has ended, and taken; a card held 3 s in the middle of the programme is proposed as the closing slate while it is on at the live edge,
    and withdrawn, said, once the programme is on again; the real closing slate is proposed later and taken."""
    from muxclipper.mux.wire import asset_from_wire
    from tests.emulator.media_helpers import wait_settled
    from tests.support.slate_corpus import INTERLUDE, item_path

    made = media_api.post("/video/v1/assets", json={"inputs": [{"url": item_path(INTERLUDE).as_uri()}],
                                                    "playback_policies": ["public"]}).json()["data"]["id"]
    source = asset_from_wire(wait_settled(media_api, made, timeout=120))
    stream = media_api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                               json={"source_asset_id": source.id}).json()["data"]["id"]
    media_api.post("/_emulator/clock/freeze", json={"frozen": True})

    def grow(seconds: float) -> None:
        media_api.post("/_emulator/clock/advance", json={"seconds": seconds})

    async def scenario() -> None:
        async with open_session(_environment(media_server), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.resize(1280, 720)
            window.show()
            window.start()
            timeline = window.editor.timeline

            def recorded(ms: int) -> bool:
                return window.asset is not None and (window.asset.duration_ms or 0) >= ms

            grow(2.5)  # 2 s: the card still on at the live edge
            window.open_asset_id(recording)
            await until(lambda: recorded(2000), 20, "the recording open, 2 s long")
            QTest.keyClick(timeline, Qt.Key.Key_S)
            await until(lambda: "yet" in window.status.text(), 30, "the search said")
            assert window.status.text().startswith("No slate proposed on")
            assert "the opening picture holds up to the live edge" in window.status.text()
            assert timeline.proposals == (None, None)
            grow(4)  # 6 s: the card (4 s), then the programme: the in is proposed by itself
            await until(lambda: timeline.proposals != (None, None), 40, "the opening proposal")
            assert timeline.proposals == (4000, None)
            QTest.keyClick(timeline, Qt.Key.Key_Return)
            assert (timeline.marked.in_ms, timeline.marked.out_ms) == (4000, None)
            grow(4)  # 10 s: the card in the middle on for 2 s at the live edge
            await until(lambda: timeline.proposals[1] is not None, 40, "a closing slate proposed")
            assert timeline.proposals == (4000, 8000)
            assert window.status.text().startswith("The closing slate has appeared: out 00:00:08.000")
            grow(4)  # 14 s: the programme again
            await until(lambda: timeline.proposals == (None, None), 40, "the out withdrawn")
            assert window.status.text().startswith("What looked like the closing slate at 00:00:08.000 did not "
                                                   "last: the programme is on again at the live edge")
            assert (timeline.marked.in_ms, timeline.marked.out_ms) == (4000, None)
            grow(6)  # 20 s: the countdown on for 3 s
            await until(lambda: timeline.proposals[1] is not None, 40, "the closing slate proposed")
            assert timeline.proposals == (4000, 17000)
            QTest.keyClick(timeline, Qt.Key.Key_Return)
            assert (timeline.marked.in_ms, timeline.marked.out_ms) == (4000, 17000)
            await window.aclose()
            window.close()

    try:
        run(qapp, scenario)
    finally:
        media_api.post("/_emulator/clock/freeze", json={"frozen": False})
        media_api.put(f"/video/v1/live-streams/{stream['id']}/complete")
