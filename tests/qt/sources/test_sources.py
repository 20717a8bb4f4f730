"""The Sources panel against the emulator: pages loaded as the list scrolls, filters, search, live streams
with their recordings, thumbnails, opening by drop, recent sources, and top and tail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import QApplication

from muxclipper.core.jobs import JobState
from muxclipper.core.models import Asset, AssetStatus
from muxclipper.emulator import EmulatorServer
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.sources.live_streams_tab import ASSET_ID_ROLE
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run, until


def _environment(url: str) -> Environment:
    return Environment("Staging", Endpoints.for_origin(url), Credentials(*RW))


def _titles(window: MainWindow) -> list[str]:
    view = window.sources.filter
    return [view.index(r, 0).data().split("\n")[0] for r in range(view.rowCount())]


def test_assets_load_page_by_page_as_the_list_scrolls(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    emu.seed({"title": "Oldest", "status": "errored"}, {"title": "Still coming", "status": "preparing"})
    emu.seed(count=248, template={"title": "Weekly show"})
    emu.seed({"title": "Morning show", "passthrough": "cms-101"})

    async def scenario() -> None:
        async with open_session(_environment(emu.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.resize(1000, 780)
            window.show()
            model, view = window.sources.model, window.sources.list_view
            window.sources.load()
            await until(lambda: model.rowCount() == 100, 10, "the first page")
            assert _titles(window)[0] == "Morning show"  # newest first
            assert "scroll for more" in window.sources.loaded_label.text()
            for loaded in (200, 251):
                view.scrollToBottom()  # the user scrolls to the end: the next page comes
                await until(lambda n=loaded: model.rowCount() == n, 10, f"{loaded} rows")  # type: ignore[misc]
            assert not model.has_more and _titles(window)[-1] == "Oldest"
            assert window.sources.loaded_label.text() == "251 shown of 251 loaded"

            window.sources.status_box.setCurrentIndex(window.sources.status_box.findData("errored"))
            assert _titles(window) == ["Oldest"]
            window.sources.status_box.setCurrentIndex(window.sources.status_box.findData("preparing"))
            assert _titles(window) == ["Still coming"]
            window.sources.status_box.setCurrentIndex(0)
            window.sources.search_field.setText("CMS-101")  # id, title or passthrough, any case
            assert _titles(window) == ["Morning show"]
            window.sources.search_field.setText("show morning")
            assert _titles(window) == ["Morning show"]
            window.sources.search_field.clear()
            assert len(_titles(window)) == 251
            await window.aclose()
            window.close()

    run(qapp, scenario)


@pytest.mark.qt_log_ignore("Could not open media")  # seeded recordings have no media to play
def test_live_streams_list_their_recordings_and_filter_the_assets(qapp: QApplication, emu: Emu,
                                                                  tmp_path: Path) -> None:
    stream = emu.api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
        "meta": {"title": "Town hall"}}).json()["data"]
    emu.seed({"title": "Unrelated upload"})
    emu.seed({"title": "Last week", "live_stream_id": stream["id"]}, {"title": "Yesterday",
                                                                      "live_stream_id": stream["id"]})
    emu.ctl("POST", f"live-streams/{stream['id']}/start", {"length": 600})

    async def scenario() -> None:
        async with open_session(_environment(emu.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            opened: list[Asset] = []
            window.source_opened.connect(opened.append)
            window.sources.load()
            tree = window.sources.streams_tree
            await until(lambda: tree.topLevelItemCount() == 1, 10, "the live stream")
            top = tree.topLevelItem(0)
            assert top is not None
            assert top.text(0).startswith("● Town hall")
            children = [top.child(i).text(0).split("  ")[0]  # type: ignore[union-attr]
                        for i in range(top.childCount())]
            assert children == ["● Recording now", "Yesterday", "Last week"]
            assert _titles(window)[0] == "● LIVE  Town hall recording"  # untitled: named after its stream
            recording = window.sources.model.find(top.child(0).data(0, ASSET_ID_ROLE))  # type: ignore[union-attr]
            assert recording is not None and recording.is_live
            window.sources.status_box.setCurrentIndex(window.sources.status_box.findData("live"))
            assert len(_titles(window)) == 1

            window.sources.status_box.setCurrentIndex(0)
            box = window.sources.stream_box
            box.setCurrentIndex(box.findData(stream["id"]))
            box.activated.emit(box.currentIndex())
            await until(lambda: "Unrelated upload" not in _titles(window), 10, "only the stream's recordings")
            assert sorted(_titles(window)[1:]) == ["Last week", "Yesterday"]

            tree.itemActivated.emit(tree.topLevelItem(0).child(1), 0)  # type: ignore[union-attr]  # listed again
            await until(lambda: opened, 10, "the recording to open")
            assert opened[0].title == "Yesterday"
            await window.aclose()

    run(qapp, scenario)


@pytest.mark.slow
def test_thumbnails_are_fetched_for_the_rows_on_screen(qapp: QApplication, media_server: EmulatorServer,
                                                       stamped_source: dict[str, object], tmp_path: Path) -> None:
    async def scenario() -> None:
        async with open_session(_environment(media_server.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.resize(1000, 780)
            window.show()
            window.sources.load()
            model = window.sources.model
            await until(lambda: model.find(str(stamped_source["id"])), 10, "the source")
            row = next(r for r in range(model.rowCount()) if model.asset_at(r).id == stamped_source["id"])

            def thumbnail() -> QPixmap | None:
                pixmap = model.index(row).data(Qt.ItemDataRole.DecorationRole)
                return pixmap if isinstance(pixmap, QPixmap) and not pixmap.isNull() else None

            pixmap = await until(thumbnail, 10, "the thumbnail")
            assert pixmap.width() == 96
            await window.aclose()
            window.close()

    run(qapp, scenario)


def _drop(window: MainWindow, data: QMimeData) -> None:
    """What a drag from another program delivers: an enter the window must accept, then the drop."""
    where = window.rect().center()
    enter = QDragEnterEvent(where, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window, QDropEvent(QPointF(where), Qt.DropAction.CopyAction, data,
                                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


@pytest.mark.qt_log_ignore("Could not open media")
def test_a_dropped_stream_url_opens_its_asset_and_is_remembered(qapp: QApplication, emu: Emu,
                                                                tmp_path: Path) -> None:
    [first, second] = emu.seed({"title": "Morning show"}, {"title": "Evening news"})
    playback = emu.api.get(f"/video/v1/assets/{second}").json()["data"]["playback_ids"][0]["id"]

    async def scenario() -> None:
        async with open_session(_environment(emu.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            opened: list[Asset] = []
            window.source_opened.connect(opened.append)
            data = QMimeData()
            data.setUrls([QUrl(f"https://stream.mux.com/{playback}.m3u8")])
            _drop(window, data)
            await until(lambda: opened, 10, "the dropped source")
            assert opened[0].id == second
            text = QMimeData()
            text.setText(f"  {first}\n")  # dragged out of a spreadsheet cell
            _drop(window, text)
            await until(lambda: len(opened) == 2, 10, "the second source")
            assert opened[1].id == first
            assert [window.sources.recent_box.itemText(i) for i in range(1, 3)] == ["Morning show", "Evening news"]
            window.open_text("not a source")
            assert "is not an asset id" in window.status.text()
            await window.aclose()
            again = MainWindow(session)
            assert again.sources.recent_box.itemText(1) == "Morning show"  # remembered for the next start
            await again.aclose()

    run(qapp, scenario)


def test_top_and_tail_clips_each_selected_recording(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    emu.seed({"title": "Match 1", "duration": 60.0, "frame_rate": 25.0},
             {"title": "Match 2", "duration": 90.0, "frame_rate": 30000 / 1001},
             {"title": "Match 3", "duration": 6.0, "frame_rate": 25.0},
             {"title": "Match 4", "status": "preparing"})

    async def scenario() -> None:
        async with open_session(_environment(emu.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.sources.load()
            await until(lambda: window.sources.model.rowCount() == 4, 10, "the sources")
            panel = window.sources
            assert not panel.trim_button.isEnabled()
            panel.select_rows([0, 1, 2, 3])
            assert panel.trim_button.text() == "Top and &tail 4 selected"
            window.clip_options.title_field.setText("Replay")
            panel.head_box.setValue(5)
            panel.tail_box.setValue(2.5)
            panel.trim_button.click()
            await until(lambda: window.clips.jobs_model.rowCount() == 2, 10, "two jobs")
            message = window.status.text()
            assert message.startswith("2 top-and-tail clips queued.")
            assert "Match 4 is preparing, not ready" in message and "Match 3 is 00:00:06.000 long" in message
            jobs = sorted((window.clips.jobs_model.job_at(r) for r in range(2)), key=lambda j: j.options.title or "")
            assert [(j.options.title, j.start_ms, j.end_ms) for j in jobs] == [
                ("Replay — Match 1", 5_000, 57_520),  # 57.5 s is half-way through frame 1437: rounds up
                ("Replay — Match 2", 5_005, 87_488)]  # 29.97 fps: both cuts on frame starts
            await until(lambda: all(window.clips.jobs_model.job_at(r).state is JobState.READY for r in range(2)), 20,
                        "both clips ready")
            await window.aclose()

    run(qapp, scenario)


def test_a_refresh_of_the_live_streams_keeps_what_the_user_collapsed_and_chose(qtbot: Any) -> None:
    from muxclipper.core.models import LiveStream
    from muxclipper.qt.sources.sources_panel import SourcesPanel

    panel = SourcesPanel()
    qtbot.addWidget(panel)
    first = LiveStream("s1", "idle", 0, recent_asset_ids=("a1",), title="Morning show")
    second = LiveStream("s2", "active", 0, active_asset_id="b2", recent_asset_ids=("b1",), title="Keynote")
    panel.set_live_streams([first, second], lambda _: None)
    tree = panel.streams_tree
    tree.topLevelItem(0).setExpanded(False)
    tree.setCurrentItem(tree.topLevelItem(1).child(1))  # Keynote's earlier recording
    assert tree.currentItem().data(0, ASSET_ID_ROLE) == "b1"

    # Refreshed: the recording in progress has ended and a new one started.
    second = LiveStream("s2", "active", 0, active_asset_id="b3", recent_asset_ids=("b1", "b2"), title="Keynote")
    panel.set_live_streams([first, second], lambda _: None)
    assert not tree.topLevelItem(0).isExpanded() and tree.topLevelItem(1).isExpanded()
    assert tree.currentItem().data(0, ASSET_ID_ROLE) == "b1"
    assert [tree.topLevelItem(1).child(i).data(0, ASSET_ID_ROLE) for i in range(3)] == ["b3", "b2", "b1"]


def test_the_lazy_sources_model_and_its_filter_pass_the_model_tester(qapp: QApplication, qtmodeltester: Any) -> None:
    """Qt's own checks over every state the list goes through: empty, a first page with more to fetch, a fetch
    asked for, a page appended (overlapping the last one, as new uploads shift pages), a reset and filtering."""
    from muxclipper.core.models import AssetStatus
    from muxclipper.qt.sources.sources_model import SourceFilter, SourcesModel

    def page(first: int, count: int) -> list[Asset]:
        return [Asset(f"asset-{i}", AssetStatus.READY if i % 3 else AssetStatus.ERRORED, 1_000 - i,
                      title=f"Show {i}") for i in range(first, first + count)]

    qtmodeltester.check(SourcesModel())  # empty
    model = SourcesModel()  # (a tester, once attached, checks again on every change, fetching more itself)
    wanted: list[str] = []
    model.more_wanted.connect(wanted.append)
    model.reset(page(0, 10), "cursor-2")
    assert model.canFetchMore()
    model.fetchMore()
    assert wanted == ["cursor-2"] and not model.canFetchMore()  # one page asked for at a time
    qtmodeltester.check(model)
    model.page_failed()  # the page did not come: the view may ask again (the tester does)
    qtmodeltester.check(model)
    model.append_page(page(8, 10), None)  # two rows overlap the first page: listed once
    assert model.rowCount() == 18 and not model.has_more
    qtmodeltester.check(model)
    model.set_thumbnail("asset-3", QPixmap(4, 4))
    proxy = SourceFilter()
    proxy.setSourceModel(model)
    proxy.set_search("Show 1")
    qtmodeltester.check(proxy)
    proxy.set_status("errored")
    qtmodeltester.check(proxy)
    model.reset([], None)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


def test_an_asset_made_ready_shows_ready_in_the_list_without_a_refresh(qapp: QApplication, emu: Emu,
                                                                        tmp_path: Path) -> None:
    # Seen: an asset stayed "[preparing]" in the list until Refresh while the clip panel said it was ready.
    [made] = emu.seed({"title": "Interview", "status": "preparing"})

    async def scenario() -> None:
        async with open_session(_environment(emu.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.sources._fresh.setInterval(200)  # noqa: SLF001 - every few seconds in the app; here, sooner
            window.sources.load()
            await until(lambda: _titles(window) == ["Interview"], 10, "the list")
            label = window.sources.filter.index(0, 0).data()
            assert "[preparing]" in label
            emu.ctl("POST", f"assets/{made}/finish")
            await until(lambda: "[preparing]" not in window.sources.filter.index(0, 0).data(), 10,
                        "the row to say ready")
            await window.aclose()

    run(qapp, scenario)


def test_a_stream_that_is_idle_shows_no_recording_in_progress_even_if_it_still_names_one(qtbot: Any) -> None:
    """Mux may leave ``active_asset_id`` on a stream whose broadcast has ended (only the emulator drops it): its
    recording, last known while still recording, must not go on counting 'Recording now' (the issue's defect), and it
    is asked for again so that its final length shows."""
    from muxclipper.core.models import LiveStream
    from muxclipper.qt.bridge import Bridge
    from muxclipper.qt.sources.live_streams_tab import LiveStreamsTab

    tab = LiveStreamsTab(Bridge(), lambda _: None)
    qtbot.addWidget(tab)
    recording = Asset("r1", AssetStatus.PREPARING, 0, 215_000, is_live=True, live_stream_id="s1")
    tab.learn(recording)
    tab.show_streams([LiveStream("s1", "active", 0, active_asset_id="r1", title="Keynote")])
    assert tab.tree.topLevelItem(0).child(0).text(0).startswith("● Recording now")  # type: ignore[union-attr]

    ended = LiveStream("s1", "idle", 0, active_asset_id="r1", recent_asset_ids=("r1",), title="Keynote")
    tab.show_streams([ended])
    tab.count()
    assert "Recording now" not in tab.tree.topLevelItem(0).child(0).text(0)  # type: ignore[union-attr]
    assert tab.recordings_to_ask_for([ended]) == ["r1"]  # its final length is asked for


def test_the_replay_button_leaves_the_stream_name_readable(qtbot: Any) -> None:
    """At 1280 px wide the Replay button sat over the end of a live stream's name: the name's column now ends where
    the button begins (a long name is cut short with '…' and said whole in its tooltip)."""
    from muxclipper.core.models import LiveStream
    from muxclipper.qt.bridge import Bridge
    from muxclipper.qt.sources.live_streams_tab import LiveStreamsTab

    tab = LiveStreamsTab(Bridge(), lambda _: None)
    qtbot.addWidget(tab)
    tab.resize(260, 300)  # the Sources column's width at 1280×720
    tab.show()
    title = "Saturday night semi-final, second half"
    tab.show_streams([LiveStream("s1", "active", 0, active_asset_id="r1", title=title)])
    tree = tab.tree
    top = tree.topLevelItem(0)
    assert top is not None
    button = tree.itemWidget(top, 1)
    assert button is not None and button.isVisible()
    name_rect = tree.visualItemRect(top)
    name_rect.setWidth(tree.header().sectionSize(0) - name_rect.left())
    assert name_rect.right() < button.geometry().left(), (name_rect, button.geometry())
    assert button.geometry().right() <= tree.viewport().width()
    assert title in top.toolTip(0)


def test_an_untitled_recording_is_named_after_its_stream_everywhere_in_the_window(qapp: QApplication, emu: Emu,
                                                                                   tmp_path: Path) -> None:
    """The sources list named it "Town hall recording"; the clip panel's heading, the status line and the segments'
    exports named it by its id."""
    stream = emu.api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "meta": {"title": "Town hall"}}).json()["data"]
    [recording] = emu.seed({"live_stream_id": stream["id"], "duration": 60.0, "frame_rate": 25.0})

    async def scenario() -> None:
        async with open_session(_environment(emu.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.show()
            window.start()
            await until(lambda: "Town hall recording" in _titles(window), 10, "the recording listed by its stream")
            window.open_asset_id(recording)
            await until(lambda: window.asset is not None and window.asset.id == recording, 10, "the recording open")
            assert window.asset is not None and not window.asset.title
            assert window.status.text().startswith("Opened Town hall recording (")
            heading = window.clip_options.facts_label.text().split("<br>")[0]
            assert heading.startswith("<b>Town hall") and recording[:8] not in heading, heading
            assert window.segments.source_title == "Town hall recording"
            window.panels.follow_source(window.asset)  # as when the recording grows: the heading stays its name
            heading = window.clip_options.facts_label.text().split("<br>")[0]
            assert heading.startswith("<b>Town hall") and recording[:8] not in heading, heading
            assert window.sources.recent()[0] == [recording, "Town hall recording"]
            await window.aclose()
            window.close()

    run(qapp, scenario)


def test_a_new_recording_comes_into_the_assets_list_without_a_refresh(qapp: QApplication, emu: Emu,
                                                                      tmp_path: Path) -> None:
    """A broadcast begins: the Live streams tab sees it by itself, and its recording now comes first in the Assets
    list too (it showed only after Refresh), from the recording the tab asks for: no list request more."""
    stream = emu.api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "meta": {"title": "Town hall"}}).json()["data"]
    emu.seed({"title": "Last week's upload"})

    def list_requests() -> int:
        return sum(r["path"] == "/video/v1/assets" for r in emu.requests("GET", "/video/v1/assets"))

    async def scenario() -> None:
        async with open_session(_environment(emu.url), tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            window.show()
            window.start()
            await until(lambda: _titles(window) == ["Last week's upload"], 10, "the list")
            listed = list_requests()
            emu.ctl("POST", f"live-streams/{stream['id']}/start", {"length": 600})
            await until(lambda: _titles(window)[:1] == ["● LIVE  Town hall recording"], 20, "the recording listed")
            assert _titles(window)[1:] == ["Last week's upload"]
            assert list_requests() == listed
            await window.aclose()
            window.close()

    run(qapp, scenario)
