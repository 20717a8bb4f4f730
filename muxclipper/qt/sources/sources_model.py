"""The assets that can be opened, newest first, loaded a page at a time as the list is scrolled.

The model does no I/O: when the view wants more rows (Qt's ``canFetchMore``/``fetchMore``) it asks for
the next page on ``more_wanted``, and when a row's thumbnail is first painted it asks for the image on
``thumbnails_wanted``; whoever owns the model fetches and hands the results back.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QPixmap

from muxclipper.core.models import Asset, AssetStatus
from muxclipper.core.source_facts import source_label
from muxclipper.core.timecode import format_ms

Index = QModelIndex | QPersistentModelIndex
THUMBNAIL_CACHE = 600  # pixmaps kept; a row scrolled far away asks again
# Text colours with at least 4.5:1 contrast on a light and on a dark list (the system's dark mode).
LIVE_ON_LIGHT, LIVE_ON_DARK = "#c62828", "#ff8a80"
MUTED_ON_LIGHT, MUTED_ON_DARK = "#6d6d6d", "#a8a8a8"


class SourceRole(IntEnum):
    ASSET = Qt.ItemDataRole.UserRole + 1
    SEARCH = Qt.ItemDataRole.UserRole + 2


class SourcesModel(QAbstractListModel):
    """Signals:
        more_wanted(str): the view reached the end; the argument is the cursor of the next page.
        thumbnails_wanted(list): asset ids whose rows were painted without their thumbnail yet.
    """

    more_wanted = Signal(str)
    thumbnails_wanted = Signal(list)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._assets: list[Asset] = []
        self._rows: dict[str, int] = {}
        self._cursor: str | None = None
        self._loading = False
        self._stream_titles: dict[str, str] = {}
        self._thumbnails: OrderedDict[str, QPixmap] = OrderedDict()
        self._asked: set[str] = set()
        self._wanted: list[str] = []
        self._flush = QTimer(self)  # data() is called while painting: ask once the paint is over
        self._flush.setSingleShot(True)
        self._flush.setInterval(0)
        self._flush.timeout.connect(self._on_flush_timeout)

    # ------------------------------------------------------------------ pages
    def reset(self, assets: list[Asset] | tuple[Asset, ...], next_cursor: str | None) -> None:
        self.beginResetModel()
        self._assets = []
        self._rows = {}
        self._asked = set(self._thumbnails)
        self._add(assets)
        self._cursor = next_cursor
        self._loading = False
        self.endResetModel()

    def append_page(self, assets: list[Asset] | tuple[Asset, ...], next_cursor: str | None) -> None:
        fresh = [a for a in assets if a.id not in self._rows]  # a page may overlap after new uploads
        self._loading = False
        self._cursor = next_cursor
        if fresh:
            first = len(self._assets)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._add(fresh)
            self.endInsertRows()

    def prepend(self, asset: Asset) -> None:
        """A new asset, newest of all: the first row (Mux lists the newest first)."""
        if asset.id in self._rows:
            self.update(asset)
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._assets.insert(0, asset)
        self._rows = {a.id: row for row, a in enumerate(self._assets)}
        self.endInsertRows()

    def page_failed(self) -> None:
        """The next page could not be fetched: the view may ask again when scrolled."""
        self._loading = False

    def _add(self, assets: list[Asset] | tuple[Asset, ...]) -> None:
        for asset in assets:
            self._rows[asset.id] = len(self._assets)
            self._assets.append(asset)

    @property
    def has_more(self) -> bool:
        return self._cursor is not None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008,N802 - Qt's signature
        return not parent.isValid() and self._cursor is not None and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008,N802
        if self.canFetchMore(parent):
            self._loading = True
            self.more_wanted.emit(self._cursor)

    @property
    def stream_titles(self) -> dict[str, str]:
        return dict(self._stream_titles)

    def set_stream_titles(self, titles: dict[str, str]) -> None:
        self._stream_titles = dict(titles)
        if self._assets:
            self.dataChanged.emit(self.index(0), self.index(len(self._assets) - 1))

    # ------------------------------------------------------------------ thumbnails
    def set_thumbnail(self, asset_id: str, pixmap: QPixmap) -> None:
        self._thumbnails[asset_id] = pixmap
        while len(self._thumbnails) > THUMBNAIL_CACHE:
            dropped, _ = self._thumbnails.popitem(last=False)
            self._asked.discard(dropped)
        row = self._rows.get(asset_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def _on_flush_timeout(self) -> None:
        wanted, self._wanted = self._wanted, []
        if wanted:
            self.thumbnails_wanted.emit(wanted)

    # ------------------------------------------------------------------ reading
    def asset_at(self, row: int) -> Asset:
        return self._assets[row]

    def update(self, asset: Asset) -> bool:
        """A listed asset as Mux has it now (ready at last, a recording longer or ended): its row shows it. False if
        it is not listed."""
        row = self._rows.get(asset.id)
        if row is None:
            return False
        if self._assets[row] != asset:
            self._assets[row] = asset
            self.dataChanged.emit(self.index(row), self.index(row))
        return True

    @property
    def changing(self) -> list[Asset]:
        """Listed assets that Mux is still making or that are still recording: what a refresh may change."""
        return [a for a in self._assets if a.status is AssetStatus.PREPARING or a.is_live]

    def find(self, asset_id: str) -> Asset | None:
        row = self._rows.get(asset_id)
        return None if row is None else self._assets[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._assets)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._assets):
            return None
        asset = self._assets[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            live = "● LIVE  " if asset.is_live else ""
            duration = format_ms(asset.duration_ms) if asset.duration_ms is not None else "…"
            state = "" if asset.status is AssetStatus.READY else f"  [{asset.status.value}]"
            sound = "  ♪ audio only" if asset.audio_only else ""
            return f"{live}{source_label(asset, self._stream_titles)}\n{duration}{sound}{state}"
        if role == Qt.ItemDataRole.ToolTipRole:
            facts = [asset.id, asset.status.value + (", audio only (sound, no picture)" if asset.audio_only else "")]
            if asset.passthrough:
                facts.append(f"passthrough: {asset.passthrough}")
            return "\n".join(facts)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(asset)
        if role == Qt.ItemDataRole.ForegroundRole:
            dark = QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
            if asset.is_live:
                return QColor(LIVE_ON_DARK if dark else LIVE_ON_LIGHT)
            if asset.status is AssetStatus.ERRORED:
                return QColor(MUTED_ON_DARK if dark else MUTED_ON_LIGHT)
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{source_label(asset, self._stream_titles)}, {asset.status.value}" + \
                (", audio only" if asset.audio_only else "")
        if role == SourceRole.ASSET:
            return asset
        if role == SourceRole.SEARCH:
            return " ".join(filter(None, (source_label(asset, self._stream_titles), asset.id,
                                          asset.passthrough))).lower()
        return None

    def _thumbnail(self, asset: Asset) -> QPixmap | None:
        pixmap = self._thumbnails.get(asset.id)
        if pixmap is not None:
            self._thumbnails.move_to_end(asset.id)
            return pixmap
        # A recording in progress has pictures too (Mux's status says "preparing" until it ends): it had none.
        pictured = (asset.status is AssetStatus.READY or asset.is_live) and not asset.audio_only
        if asset.id not in self._asked and pictured:
            self._asked.add(asset.id)
            self._wanted.append(asset.id)
            self._flush.start()
        return None


class SourceFilter(QSortFilterProxyModel):
    """Status and local search over what is loaded; clips made here are listed with the clips, not here."""

    STATUSES = (("All statuses", None), ("Ready", "ready"), ("Preparing", "preparing"),
                ("Errored", "errored"), ("Recording now", "live"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._status: str | None = None

    def set_search(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_words", text.lower().split()))

    def set_status(self, status: str | None) -> None:
        self._refilter(lambda: setattr(self, "_status", status))

    def _refilter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "endFilterChange"):  # Qt 6.10 and later (invalidateRowsFilter is deprecated there)
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        asset: Asset = model.data(index, SourceRole.ASSET)
        if asset.source_asset_id:
            return False
        if self._status == "live" and not asset.is_live:
            return False
        if self._status not in (None, "live") and asset.status.value != self._status:
            return False
        haystack = str(model.data(index, SourceRole.SEARCH))
        return all(word in haystack for word in self._words)
