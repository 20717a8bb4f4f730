"""The Sources panel: open by id or URL, recent sources, the paged asset list with its filters, live
streams with their recordings, and "top and tail" over several selected recordings.

It only displays and forwards: the window fetches pages, thumbnails and live streams and opens sources.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QLineEdit, QListView, QPushButton, QTabWidget,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from muxclipper.core.models import Asset, LiveStream
from muxclipper.core.timecode import format_ms
from muxclipper.qt.sources_model import SourceFilter, SourceRole, SourcesModel, source_label

THUMB = QSize(96, 54)
ASSET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STREAM_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class SourcesPanel(QWidget):
    """Signals:
        open_text(str): text naming a source (typed, pasted or dropped) to open.
        asset_activated(str): an asset id picked from a list.
        refresh_requested(): load the first page and the live streams again.
        live_stream_chosen(object): list only this live stream's recordings (an id), or every asset (None).
        trim_requested(list, int, int): top and tail these assets by so many milliseconds at each end.
    """

    open_text = Signal(str)
    asset_activated = Signal(str)
    refresh_requested = Signal()
    live_stream_chosen = Signal(object)
    trim_requested = Signal(list, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_field = QLineEdit(self)
        self.open_field.setAccessibleName("Open asset id, playback id or stream URL")
        self.open_field.setPlaceholderText("Paste or drop an asset id, playback id or stream.mux.com URL")
        self.open_field.setClearButtonEnabled(True)
        self.open_field.returnPressed.connect(lambda: self.open_text.emit(self.open_field.text()))
        self.recent_box = QComboBox(self)
        self.recent_box.setAccessibleName("Recent sources")
        self.recent_box.activated.connect(self._on_recent_activated)

        self.model = SourcesModel(self)
        self.filter = SourceFilter(self)
        self.filter.setSourceModel(self.model)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_assets_tab(), "Assets")
        self.tabs.addTab(self._build_streams_tab(), "Live streams")

        refresh = QPushButton("&Refresh", self)
        refresh.setAccessibleName("Refresh the sources")
        refresh.clicked.connect(self.refresh_requested.emit)
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
        self.status_box.setAccessibleName("Filter by status")
        for text, value in SourceFilter.STATUSES:
            self.status_box.addItem(text, value)
        self.status_box.currentIndexChanged.connect(
            lambda _: self.filter.set_status(self.status_box.currentData()))
        self.stream_box = QComboBox(tab)
        self.stream_box.setAccessibleName("Filter by live stream")
        self.stream_box.addItem("Every source", None)
        self.stream_box.activated.connect(lambda _: self.live_stream_chosen.emit(self.stream_box.currentData()))
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
        self.trim_button = QPushButton("Top and &tail", tab)
        self.trim_button.setAccessibleName("Top and tail the selected sources")
        self.trim_button.setToolTip("Create a clip of each selected recording without its first and last seconds")
        self.trim_button.clicked.connect(self._on_trim_clicked)
        trim = QHBoxLayout()
        trim.addWidget(QLabel("Cut", tab))
        trim.addWidget(self.head_box)
        trim.addWidget(QLabel("+", tab))
        trim.addWidget(self.tail_box)
        trim.addWidget(self.trim_button, 1)

        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_field)
        layout.addLayout(filters)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.loaded_label)
        layout.addLayout(trim)
        self._show_selection()
        return tab

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
        self.streams_tree = QTreeWidget(self)
        self.streams_tree.setAccessibleName("Live streams")
        self.streams_tree.setHeaderHidden(True)
        self.streams_tree.itemActivated.connect(self._on_stream_item_activated)
        return self.streams_tree

    # ------------------------------------------------------------------ shown
    def set_recent(self, recent: list[list[str]]) -> None:
        self.recent_box.clear()
        self.recent_box.addItem("Recent sources…", None)
        for asset_id, label in recent:
            self.recent_box.addItem(label, asset_id)

    def set_live_streams(self, streams: list[LiveStream], find: Callable[[str], Asset | None]) -> None:
        """The streams, each with its recording in progress first, then its recent ones. A refresh keeps what the
        user did to the tree: the streams they collapsed, the item they were on, where they had scrolled."""
        self.model.set_stream_titles({s.id: s.title or s.id for s in streams})
        chosen = self.stream_box.currentData()
        self.stream_box.clear()
        self.stream_box.addItem("Every source", None)
        tree = self.streams_tree
        tops = [item for i in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(i)) is not None]
        collapsed = {str(item.data(0, STREAM_ID_ROLE)) for item in tops if not item.isExpanded()}
        current = tree.currentItem()
        on = None if current is None else (current.data(0, STREAM_ID_ROLE), current.data(0, ASSET_ID_ROLE))
        scrolled = tree.verticalScrollBar().value()
        tree.clear()
        for stream in streams:
            name = stream.title or stream.id
            self.stream_box.addItem(f"Recordings of {name}", stream.id)
            top = QTreeWidgetItem([f"{'● ' if stream.status == 'active' else ''}{name}  [{stream.status}]"])
            top.setToolTip(0, stream.id)
            top.setData(0, STREAM_ID_ROLE, stream.id)
            recordings = [stream.active_asset_id] if stream.active_asset_id else []
            recordings += [a for a in reversed(stream.recent_asset_ids) if a != stream.active_asset_id]
            for asset_id in recordings:
                asset = find(asset_id)
                if asset_id == stream.active_asset_id:
                    text = "● Recording now"
                else:
                    text = source_label(asset, {}) if asset and asset.title else f"Recording {asset_id[:8]}…"
                if asset is not None and asset.duration_ms is not None:
                    text += f"  {format_ms(asset.duration_ms)}"
                child = QTreeWidgetItem([text])
                child.setData(0, STREAM_ID_ROLE, stream.id)
                child.setData(0, ASSET_ID_ROLE, asset_id)
                child.setToolTip(0, asset_id)
                top.addChild(child)
            if not recordings:
                top.addChild(QTreeWidgetItem(["No recordings yet"]))
            tree.addTopLevelItem(top)
            top.setExpanded(stream.id not in collapsed)
            for item in (top, *(top.child(i) for i in range(top.childCount()))):
                if item is not None and on == (item.data(0, STREAM_ID_ROLE), item.data(0, ASSET_ID_ROLE)):
                    tree.setCurrentItem(item)
        tree.verticalScrollBar().setValue(scrolled)
        self.stream_box.setCurrentIndex(max(self.stream_box.findData(chosen), 0))

    def _show_loaded(self, *_: object) -> None:
        shown, loaded = self.filter.rowCount(), self.model.rowCount()
        more = "; scroll for more" if self.model.has_more else ""
        self.loaded_label.setText(f"{shown} shown of {loaded} loaded{more}")

    def _show_selection(self) -> None:
        count = len(self.selected_assets())
        self.trim_button.setEnabled(count > 0)
        self.trim_button.setText(f"Top and &tail {count} selected" if count else "Top and &tail")

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

    def _on_trim_clicked(self) -> None:
        assets = self.selected_assets()
        if assets:
            self.trim_requested.emit(assets, round(self.head_box.value() * 1000), round(self.tail_box.value() * 1000))

    def _on_list_activated(self, index: QModelIndex) -> None:
        asset: Asset = index.data(SourceRole.ASSET)
        self.asset_activated.emit(asset.id)

    def _on_stream_item_activated(self, item: QTreeWidgetItem) -> None:
        asset_id = item.data(0, ASSET_ID_ROLE)
        if asset_id:
            self.asset_activated.emit(str(asset_id))

    def _on_recent_activated(self, index: int) -> None:
        asset_id = self.recent_box.itemData(index)
        if asset_id:
            self.asset_activated.emit(str(asset_id))
        self.recent_box.setCurrentIndex(0)
