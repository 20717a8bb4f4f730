"""Segments: several ranges of the current source, labelled, created together as one batch."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from muxclipper.core.interchange import SourceIdentity
from muxclipper.core.segments import Segment
from muxclipper.core.timecode import format_ms
from muxclipper.qt.bridge import Bridge
from muxclipper.services.cut_lists import (
    CutListError,
    SegmentsRead,
    chosen_path,
    read_segments,
    segment_filters,
    write_segments,
)

COLUMNS = ("Label", "In", "Out", "Length")


class SegmentsPanel(QWidget):
    """Signals:
        add_requested(): add the editor's current range as a segment.
        create_all_requested(list): create a clip for every segment.
        segment_activated(object): a Segment was double-clicked (put it back in the editor).
        message(str): an import that could not be read, an export written.
        segments_changed(list): the segments now (added, removed, edited, imported, replaced).
    """

    add_requested = Signal()
    create_all_requested = Signal(list)
    segment_activated = Signal(object)
    message = Signal(str)
    segments_changed = Signal(list)

    def __init__(self, parent: QWidget | None = None, bridge: Bridge | None = None) -> None:
        super().__init__(parent)
        # Files are read, parsed and written off the UI thread through the bridge (a bare panel, without one, does
        # it at once).
        self._bridge = bridge
        self.duration_ms = 0
        self.rate = Fraction(30)
        self.source_title = ""
        self.source_ref = ""
        self.playback_ids: tuple[str, ...] = ()  # a file from a suite may name the source by one of them
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Segments")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.cellDoubleClicked.connect(lambda row, column: self.segment_activated.emit(self.segments()[row]))
        self.table.itemChanged.connect(lambda _: self.segments_changed.emit(self.segments()))
        self.table.model().rowsRemoved.connect(lambda *_: self.segments_changed.emit(self.segments()))
        # Two rows: the panel shares the right side with the clip options, down to a 1280-pixel-wide screen.
        buttons = QGridLayout()
        for index, (text, name, slot) in enumerate((
                ("A&dd range", "Add the current range", self.add_requested.emit),
                ("Remove", "Remove the selected segment", self.remove_selected),
                ("Create &all", "Create a clip for every segment", self._on_create_all),
                ("Import…", "Import segments", self.ask_import),
                ("Export…", "Export segments", self.ask_export))):
            button = QPushButton(text, self)
            button.setAccessibleName(name)
            button.setToolTip(name)
            button.clicked.connect(slot)
            buttons.addWidget(button, index // 3, index % 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add(self, segment: Segment) -> None:
        self.table.blockSignals(True)  # one change told, once the row is whole
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(segment.label))
        for column, ms in ((1, segment.start_ms), (2, segment.end_ms), (3, segment.end_ms - segment.start_ms)):
            item = QTableWidgetItem(format_ms(ms))
            item.setData(Qt.ItemDataRole.UserRole, ms)  # the exact value behind the text
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        self.segments_changed.emit(self.segments())

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None
        return item

    def segments(self) -> list[Segment]:
        role = Qt.ItemDataRole.UserRole
        return [Segment(self._cell(r, 0).text().strip() or f"Segment {r + 1}",
                        int(self._cell(r, 1).data(role)), int(self._cell(r, 2).data(role)))
                for r in range(self.table.rowCount())]

    def set_segments(self, segments: list[Segment]) -> None:
        self.table.setRowCount(0)
        for segment in segments:
            self.add(segment)

    def remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def _on_create_all(self) -> None:
        if self.table.rowCount():
            self.create_all_requested.emit(self.segments())

    # ------------------------------------------------------------------ files
    def set_source(self, duration_ms: int, rate: Fraction, title: str, ref: str) -> None:
        """The open source: chapters end at its end, an EDL counts its frames and names it."""
        self.duration_ms, self.rate, self.source_title, self.source_ref = duration_ms, rate, title, ref

    def source_identity(self) -> SourceIdentity:
        """The open source as a cut list names it (by id, playback id or title) and counts its frames."""
        return SourceIdentity(asset_id=self.source_ref.removeprefix("mux://assets/"), rate=self.rate,
                              duration_ms=self.duration_ms, title=self.source_title,
                              playback_ids=self.playback_ids, url=self.source_ref)

    def export_to(self, path: Path) -> asyncio.Task[Any] | None:
        """In the format of the file's extension: CSV, YouTube chapters (.txt), or an editing suite's (.edl, .xml,
        .fcpxml, .otio). Written off the UI thread: the task (None without a bridge) ends once it is said."""
        segments, source = self.segments(), self.source_identity()
        return self._off_the_ui_thread(lambda: _said(lambda: write_segments(path, segments, source)),
                                       self.message.emit, "Exporting the segments")

    def import_from(self, path: Path) -> asyncio.Task[Any] | None:
        """Replaces the segments with those ``path`` holds for the open source; one that cannot be read changes
        nothing and says why. Read off the UI thread: the task (None without a bridge) ends once it is done."""
        source = self.source_identity()
        return self._off_the_ui_thread(lambda: _said(lambda: read_segments(path, source)),
                                       lambda found: self._on_imported(source.url, found), "Importing segments")

    def _on_imported(self, source_ref: str, found: SegmentsRead | str) -> None:
        if isinstance(found, str):
            self.message.emit(found)
            return
        if source_ref != self.source_ref:  # another source was opened while the file was read
            self.message.emit(f"Not imported: another source was opened meanwhile. {found.summary}")
            return
        self.set_segments(found.segments)
        self.message.emit(found.summary)

    def _off_the_ui_thread(self, work: Callable[[], Any], done: Callable[[Any], None],
                           what: str) -> asyncio.Task[Any] | None:
        if self._bridge is None:
            done(work())
            return None
        return self._bridge.run_in_thread(work, done, what)

    def ask_export(self) -> None:
        """Export…: asks where, in which format (by the file's extension)."""
        name, chosen = QFileDialog.getSaveFileName(self, "Export segments", "segments.csv", segment_filters(False))
        if name:
            self.export_to(chosen_path(name, chosen))

    def ask_import(self) -> None:
        """Import…: asks which file."""
        name, _ = QFileDialog.getOpenFileName(self, "Import segments", "", segment_filters(True))
        if name:
            self.import_from(Path(name))


def _said(work: Callable[[], Any]) -> Any:
    """``work``'s result, or what went wrong with the file in words (a cut list that cannot be read or written)."""
    try:
        return work()
    except CutListError as exc:
        return str(exc)
