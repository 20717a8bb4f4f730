"""The Sources panel: open by id or URL, recent sources, the paged asset list with its filters, live
streams with their recordings, and "top and tail" over several selected recordings.

Pages, thumbnails and live streams come from the attached session's services, a page at a time as the list
scrolls; opening a source is the window's business, told through ``open_text`` and ``asset_activated``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from muxclipper.core.models import Asset, AssetPage, LiveStream
from muxclipper.core.source_facts import source_label
from muxclipper.mux.errors import MuxError
from muxclipper.qt.accessible_names import name_combo_box
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.sources.live_streams_tab import LiveStreamsTab
from muxclipper.qt.sources.sources_model import SourceFilter, SourceRole, SourcesModel

if TYPE_CHECKING:
    from muxclipper.services.session import Session

log = logging.getLogger(__name__)
THUMB = QSize(96, 54)
FRESH_MS = 5000  # how often the listed assets that are still changing are asked for again
FRESH_PER_ROUND = 4
PAGE = 100  # Mux's largest page
RECENT_LIMIT = 10


class SourcesPanel(QWidget):
    """Signals:
        open_text(str): text naming a source (typed, pasted or dropped) to open.
        asset_activated(str): an asset id picked from a list.
        trim_requested(list, int, int): top and tail these assets by so many milliseconds at each end.
        slate_trim_requested(list): top and tail these assets each at its own slates.
    """

    open_text = Signal(str)
    asset_activated = Signal(str)
    trim_requested = Signal(list, int, int)
    slate_trim_requested = Signal(list)

    def __init__(self, bridge: Bridge | None = None, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge or Bridge(self)
        self.settings = settings
        self.session: Session | None = None
        self._environment_key: str | None = None
        self._generation = 0  # pages that arrive after the list was reset are dropped
        self._live_filter: str | None = None
        self.open_field = QLineEdit(self)
        self.open_field.setAccessibleName("Open asset id, playback id or stream URL")
        self.open_field.setPlaceholderText("Paste or drop an asset id, playback id or stream.mux.com URL")
        self.open_field.setClearButtonEnabled(True)
        self.open_field.returnPressed.connect(lambda: self.open_text.emit(self.open_field.text()))
        self.recent_box = QComboBox(self)
        name_combo_box(self.recent_box, "Recent sources")
        self.recent_box.activated.connect(self._on_recent_activated)

        self.model = SourcesModel(self)
        self.model.more_wanted.connect(self._on_model_more_wanted)
        # The assets still changing are asked for again now and then, so "preparing" turns "ready" without a Refresh
        # (the live streams keep themselves current: qt/sources/live_streams_tab.py).
        self._fresh = QTimer(self)
        self._fresh.setInterval(FRESH_MS)
        self._fresh.timeout.connect(self._on_fresh_timeout)
        self._fresh_turn = 0
        self._followed: str | None = None  # the recording open in the editor: its own watcher asks for it
        self.model.thumbnails_wanted.connect(self._on_model_thumbnails_wanted)
        self.filter = SourceFilter(self)
        self.filter.setSourceModel(self.model)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Sources: assets and live streams")  # focusable: a screen reader says it
        self.tabs.addTab(self._build_assets_tab(), "Assets")
        self.tabs.addTab(self._build_streams_tab(), "Live streams")

        refresh = QPushButton("&Refresh", self)
        refresh.setAccessibleName("Refresh the sources")
        refresh.clicked.connect(self.load)
        layout = QVBoxLayout(self)
        layout.addWidget(self.open_field)
        layout.addWidget(self.recent_box)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(refresh)
        self.set_recent([])

    def _build_assets_tab(self) -> QWidget:
        tab = QWidget(self)
        self.search_field = QLineEdit(tab)
        self.search_field.setAccessibleName("Search sources")
        self.search_field.setPlaceholderText("Search title, id or passthrough")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self.filter.set_search)
        self.status_box = QComboBox(tab)
        name_combo_box(self.status_box, "Filter by status")
        for text, value in SourceFilter.STATUSES:
            self.status_box.addItem(text, value)
        self.status_box.currentIndexChanged.connect(
            lambda _: self.filter.set_status(self.status_box.currentData()))
        self.stream_box = QComboBox(tab)
        name_combo_box(self.stream_box, "Filter by live stream")
        self.stream_box.addItem("Every source", None)
        self.stream_box.activated.connect(lambda _: self._on_live_stream_chosen(self.stream_box.currentData()))
        filters = QHBoxLayout()
        filters.addWidget(self.status_box)
        filters.addWidget(self.stream_box, 1)

        self.list_view = QListView(tab)
        self.list_view.setAccessibleName("Sources")
        self.list_view.setModel(self.filter)
        self.list_view.setUniformItemSizes(True)  # 5,000 rows lay out without measuring each
        self.list_view.setIconSize(THUMB)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.activated.connect(self._on_list_activated)
        self.list_view.selectionModel().selectionChanged.connect(lambda *_: self._show_selection())
        self.loaded_label = QLabel(tab)
        self.loaded_label.setAccessibleName("Sources loaded")
        for signal in (self.filter.rowsInserted, self.filter.rowsRemoved, self.filter.modelReset,
                       self.filter.layoutChanged):
            signal.connect(self._show_loaded)

        self.head_box = self._seconds_box(tab, "Seconds to cut from the start")
        self.tail_box = self._seconds_box(tab, "Seconds to cut from the end")
        # The Cut seconds are remembered, like the other options: a producer trims every show by the same slates.
        for box, key in ((self.head_box, "sources/cut_head"), (self.tail_box, "sources/cut_tail")):
            if self.settings is not None:
                try:
                    box.setValue(float(str(self.settings.value(key, 0.0))))
                except ValueError:  # a hand-edited settings file: the box starts at 0
                    pass
                box.valueChanged.connect(lambda value, key=key: self._remember(key, value))
        self.trim_button = QPushButton("Top and &tail", tab)
        self.trim_button.setAccessibleName("Top and tail the selected sources")
        self.trim_button.setToolTip("Create a clip of each selected recording without its first and last seconds")
        self.trim_button.clicked.connect(self._on_trim_clicked)
        self.slates_button = QPushButton("Cut the s&lates", tab)
        self.slates_button.setAccessibleName("Cut the slates of the selected sources")
        self.slates_button.setToolTip("Create a clip of each selected recording between its own opening and closing "
                                      "slates, found from its pictures; those without a clear slate are listed, "
                                      "not guessed")
        self.slates_button.clicked.connect(lambda: self.slate_trim_requested.emit(self.selected_assets()))
        # The seconds on one line, the button under them: the panel stays narrow enough for a 1280-pixel screen.
        trim = QGridLayout()
        trim.addWidget(QLabel("Cut", tab), 0, 0)
        trim.addWidget(self.head_box, 0, 1)
        trim.addWidget(QLabel("+", tab), 0, 2)
        trim.addWidget(self.tail_box, 0, 3)
        trim.addWidget(self.trim_button, 1, 0, 1, 4)
        trim.addWidget(self.slates_button, 2, 0, 1, 4)
        trim.setColumnStretch(1, 1)
        trim.setColumnStretch(3, 1)

        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_field)
        layout.addLayout(filters)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.loaded_label)
        layout.addLayout(trim)
        self._show_selection()
        return tab

    def _remember(self, key: str, value: float) -> None:
        if self.settings is not None:
            self.settings.setValue(key, value)

    @staticmethod
    def _seconds_box(parent: QWidget, name: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox(parent)
        box.setAccessibleName(name)
        box.setToolTip(name)
        box.setRange(0, 24 * 3600)
        box.setDecimals(3)
        box.setSuffix(" s")
        return box

    def _build_streams_tab(self) -> QWidget:
        self.live = LiveStreamsTab(self.bridge, self.model.find, self)
        self.live.recording_activated.connect(self.asset_activated)
        self.live.streams_changed.connect(self._on_live_streams_changed)
        self.live.recording_fetched.connect(self._on_recording_fetched)
        self.streams_tree = self.live.tree
        return self.live

    # ------------------------------------------------------------------ the session
    def show_environment(self, key: str | None) -> None:
        """The recent sources of the environment shown (each environment has its own)."""
        self._environment_key = key
        self.set_recent(self.recent())

    def attach(self, session: Session) -> None:
        self.session = session
        self._fresh.start()
        self.live.start(session.client)

    def detach(self) -> None:
        """Nothing of the environment left behind stays listed (a page still on its way is dropped)."""
        self.session = None
        self.stop()

    def stop(self) -> None:
        """No more asking Mux or counting (the window closes or lets go of its session)."""
        self._fresh.stop()
        self.live.stop()
        self._generation += 1
        self._live_filter = None
        self.model.reset([], None)
        self.set_live_streams([], lambda _: None)

    def load(self) -> None:
        """The first page of assets (of the chosen live stream, if one is) and the live streams."""
        if self.session is None:
            return
        self._generation += 1
        generation, stream, client = self._generation, self._live_filter, self.session.client

        async def fetch() -> tuple[AssetPage, list[LiveStream]]:
            return await asyncio.gather(client.list_assets_page(limit=PAGE, live_stream_id=stream),
                                        client.list_live_streams())

        def show(found: tuple[AssetPage, list[LiveStream]]) -> None:
            if generation == self._generation:
                page, streams = found
                self.model.reset(page.assets, page.next_cursor)
                self.set_live_streams(streams, self.model.find)

        self.bridge.run(fetch(), show, "Loading sources")

    def learn(self, asset: Asset) -> None:
        """An asset as Mux has it now, learned elsewhere (opened, a recording grown): its row shows it. A recording
        the window follows itself is not asked for again here."""
        self.model.update(asset)
        self._followed = asset.id if asset.is_live else None
        if asset.live_stream_id is not None:
            self.live.learn(asset)

    def _on_recording_fetched(self, asset: Asset) -> None:
        """A recording the Live streams tab asked for (it polls within the request budget): listed, its row follows;
        new (a broadcast has begun), it comes first in the list, as a Refresh would put it, with no request more."""
        if not self.model.update(asset) and self._live_filter in (None, asset.live_stream_id):
            self.model.prepend(asset)

    def _on_fresh_timeout(self) -> None:
        changing = [a for a in self.model.changing if a.id != self._followed]
        if self.session is None or not changing:
            return
        client = self.session.client
        # A few a round, in turn: polling the clips shares the same GET budget.
        self._fresh_turn = (self._fresh_turn + FRESH_PER_ROUND) % max(len(changing), 1)
        asked = (changing + changing)[self._fresh_turn:self._fresh_turn + FRESH_PER_ROUND]

        async def fetch() -> list[Asset]:
            try:
                return list(await asyncio.gather(*(client.get_asset(a.id) for a in dict.fromkeys(asked))))
            except MuxError as exc:  # only freshness: the next round asks again, no message each time
                log.debug("refreshing listed assets failed: %s", exc)
                return []

        def show(assets: list[Asset]) -> None:
            for asset in assets:
                self.model.update(asset)

        self.bridge.run(fetch(), show)

    def _on_live_stream_chosen(self, stream_id: str | None) -> None:
        self._live_filter = stream_id
        self.load()

    def _on_model_more_wanted(self, cursor: str) -> None:
        if self.session is None:
            self.model.page_failed()
            return
        generation, model, client, stream = self._generation, self.model, self.session.client, self._live_filter

        async def fetch() -> AssetPage:
            try:
                return await client.list_assets_page(limit=PAGE, cursor=cursor, live_stream_id=stream)
            except BaseException:
                model.page_failed()  # scrolling asks again
                raise

        def show(page: AssetPage) -> None:
            if generation == self._generation:
                model.append_page(page.assets, page.next_cursor)

        self.bridge.run(fetch(), show, "Loading more sources")

    def _on_model_thumbnails_wanted(self, asset_ids: list[str]) -> None:
        if self.session is None:
            return
        for asset_id in asset_ids:
            asset = self.model.find(asset_id)
            if asset is not None:
                self.bridge.run(self.session.pictures.thumbnail(asset, THUMB.width()),
                                functools.partial(self._show_thumbnail, asset_id))

    def _show_thumbnail(self, asset_id: str, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.model.set_thumbnail(asset_id, pixmap)

    # ------------------------------------------------------------------ recent sources
    def recent(self) -> list[list[str]]:
        """[asset id, label] of the sources opened lately in the environment shown, newest first."""
        if self.settings is None or self._environment_key is None:
            return []
        value = self.settings.value(f"sources/recent/{self._environment_key}")
        return [list(pair) for pair in value] if isinstance(value, list) else []

    def remember(self, asset: Asset) -> None:
        if self.settings is None or self._environment_key is None:
            return
        recent = [[asset.id, source_label(asset, self.model.stream_titles)]] + [p for p in self.recent() if p[0] != asset.id]
        self.settings.setValue(f"sources/recent/{self._environment_key}", recent[:RECENT_LIMIT])
        self.set_recent(self.recent())

    # ------------------------------------------------------------------ shown
    def set_recent(self, recent: list[list[str]]) -> None:
        self.recent_box.clear()
        self.recent_box.addItem("Recent sources…", None)
        for asset_id, label in recent:
            self.recent_box.addItem(label, asset_id)

    def set_live_streams(self, streams: list[LiveStream], find: Callable[[str], Asset | None] | None = None) -> None:
        """The streams, each with its recording in progress first, then its recent ones (see
        :meth:`LiveStreamsTab.show_streams`). ``find``: a lookup other than the sources list's (tests)."""
        if find is not None:
            self.live._find = find  # noqa: SLF001 - the tab's lookup, given by its owner
        self.live.show_streams(streams)

    def _on_live_streams_changed(self, streams: list[LiveStream]) -> None:
        """The streams as the tab shows them: their titles name untitled recordings, and each is a filter."""
        self.model.set_stream_titles({s.id: s.title or s.id for s in streams})
        chosen = self.stream_box.currentData()
        self.stream_box.clear()
        self.stream_box.addItem("Every source", None)
        for stream in streams:
            self.stream_box.addItem(f"Recordings of {stream.title or stream.id}", stream.id)
        self.stream_box.setCurrentIndex(max(self.stream_box.findData(chosen), 0))

    def _show_loaded(self, *_: object) -> None:
        shown, loaded = self.filter.rowCount(), self.model.rowCount()
        more = "; scroll for more" if self.model.has_more else ""
        self.loaded_label.setText(f"{shown} shown of {loaded} loaded{more}")

    def _show_selection(self) -> None:
        count = len(self.selected_assets())
        self.trim_button.setEnabled(count > 0)
        self.trim_button.setText(f"Top and &tail {count} selected" if count else "Top and &tail")
        self.slates_button.setEnabled(count > 0)
        self.slates_button.setText(f"Cut the s&lates of {count} selected" if count else "Cut the s&lates")

    # ------------------------------------------------------------------ forwarded
    def selected_assets(self) -> list[Asset]:
        rows = sorted(self.list_view.selectionModel().selectedRows(), key=QModelIndex.row)
        return [index.data(SourceRole.ASSET) for index in rows]

    def select_rows(self, rows: list[int]) -> None:
        """Select these rows of the filtered list (as ctrl-clicking them does)."""
        selection = self.list_view.selectionModel()
        selection.clearSelection()
        for row in rows:
            selection.select(self.filter.index(row, 0), QItemSelectionModel.SelectionFlag.Select)

    def trim_arguments(self) -> tuple[list[Asset], int, int] | None:
        """The selected recordings and the milliseconds to cut at each end (None: nothing selected)."""
        assets = self.selected_assets()
        if not assets:
            return None
        return assets, round(self.head_box.value() * 1000), round(self.tail_box.value() * 1000)

    def _on_trim_clicked(self) -> None:
        arguments = self.trim_arguments()
        if arguments is not None:
            self.trim_requested.emit(*arguments)

    def _on_list_activated(self, index: QModelIndex) -> None:
        asset: Asset = index.data(SourceRole.ASSET)
        self.asset_activated.emit(asset.id)

    def _on_recent_activated(self, index: int) -> None:
        asset_id = self.recent_box.itemData(index)
        if asset_id:
            self.asset_activated.emit(str(asset_id))
        self.recent_box.setCurrentIndex(0)
