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
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from muxclipper.core.interchange import SourceIdentity
from muxclipper.core.segments import Segment
from muxclipper.core.timecode import format_ms
from muxclipper.core.wording import counted
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
#: Rows of a refused import listed in the panel (the rest are counted).
LISTED_ROWS = 12


class SegmentsPanel(QWidget):
    """Signals:
        add_requested(): add the editor's current range as a segment.
        create_all_requested(list): create a clip for every segment.
        segment_activated(object): a Segment was double-clicked (put it back in the editor).
        message(str): an import that could not be read, an export written.
        segments_changed(list): the segments now (added, removed, edited, imported, replaced).
        attention_wanted(): something to see here (a range added, an import's refusal or question): the window
            brings the panel to the front of its tabs.
    """

    add_requested = Signal()
    create_all_requested = Signal(list)
    segment_activated = Signal(object)
    message = Signal(str)
    segments_changed = Signal(list)
    attention_wanted = Signal()

    def __init__(self, parent: QWidget | None = None, bridge: Bridge | None = None) -> None:
        super().__init__(parent)
        # Files are read, parsed and written off the UI thread through the bridge (a bare panel, without one, does
        # it at once).
        self._bridge = bridge
        self.duration_ms = 0
        self.rate = Fraction(30)
        self.audio_only = False
        self.source_title = ""
        self.source_ref = ""
        self.playback_ids: tuple[str, ...] = ()  # a file from a suite may name the source by one of them
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Segments")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.cellDoubleClicked.connect(lambda row, column: self.segment_activated.emit(self.segments()[row]))
        self.table.itemChanged.connect(lambda _: self.segments_changed.emit(self.segments()))
        self.table.model().rowsRemoved.connect(lambda *_: self.segments_changed.emit(self.segments()))
        # Compact rows, no row numbers, the label taking what the times leave: four rows and more fit where the panel
        # is short (1280×720), and no sideways scroll bar takes a row's room.
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        time_width = self.fontMetrics().horizontalAdvance("00:00:00.000") + 16
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, time_width)
        # What an import found, said here rather than in a dialog (no modal dialogs for routine events): the rows
        # that cannot be clipped, or, when there are segments already, whether to replace them or add.
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setAccessibleName("Import notice")
        self.notice.hide()
        self._pending: SegmentsRead | None = None
        self.choice = QWidget(self)
        row = QHBoxLayout(self.choice)
        row.setContentsMargins(0, 0, 0, 0)
        self.replace_button = QPushButton("Replace with the &new", self.choice)
        self.replace_button.setAccessibleName("Replace the segments with the imported ones")
        self.replace_button.clicked.connect(lambda: self._on_choice(replace=True))
        self.add_to_button = QPushButton("Add after the&m", self.choice)
        self.add_to_button.setAccessibleName("Add the imported segments after these")
        self.add_to_button.clicked.connect(lambda: self._on_choice(replace=False))
        self.cancel_button = QPushButton("Cancel", self.choice)
        self.cancel_button.setAccessibleName("Do not import")
        self.cancel_button.clicked.connect(self._on_cancel)
        self.back_button = QPushButton("&Back to the segments", self.choice)
        self.back_button.setAccessibleName("Back to the segments")
        self.back_button.clicked.connect(self._clear_notice)
        for button in (self.replace_button, self.add_to_button, self.cancel_button, self.back_button):
            row.addWidget(button)
        row.addStretch(1)
        self.choice.hide()
        # The notice takes the table's place while it is shown, and scrolls there, never asking for more room: above
        # the table, a list of bad rows grew the window past a 720-pixel screen, status line and all (seen on the
        # real window), and squeezed to fit it showed one line.
        self.notice_area = QScrollArea(self)
        self.notice_area.setWidgetResizable(True)
        self.notice_area.setFrameShape(QFrame.Shape.NoFrame)
        self.notice_area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        inside = QWidget(self.notice_area)
        stack = QVBoxLayout(inside)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.addWidget(self.notice)
        stack.addStretch(1)
        self.notice_area.setWidget(inside)
        self.notice_area.hide()
        # A column beside the table: the panel is a tab under the editor, wide and short (at 1280×720 four rows show).
        buttons = QVBoxLayout()
        for text, name, slot in ((
                ("A&dd range", "Add the current range", self.add_requested.emit),
                ("Remove", "Remove the selected segment", self.remove_selected),
                ("Create &all", "Create a clip for every segment", self._on_create_all),
                ("Import…", "Import segments", self.ask_import),
                ("Export…", "Export segments", self.ask_export))):
            button = QPushButton(text, self)
            button.setAccessibleName(name)
            button.setToolTip(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.body = QWidget(self)
        body = QHBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.table, 1)
        body.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.notice_area, 1)
        layout.addWidget(self.choice)  # under the notice, not in it: always in view, however long the list
        layout.addWidget(self.body, 1)

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
    def set_source(self, duration_ms: int, rate: Fraction, title: str, ref: str, audio_only: bool = False) -> None:
        """The open source: chapters end at its end, an EDL counts its frames and names it. An import waiting for
        replace-or-add, or a refusal shown, belonged to the source before: both go."""
        self.duration_ms, self.rate, self.source_title, self.source_ref = duration_ms, rate, title, ref
        self.audio_only = audio_only
        self._clear_notice()

    def source_identity(self) -> SourceIdentity:
        """The open source as a cut list names it (by id, playback id or title) and counts its frames."""
        return SourceIdentity(asset_id=self.source_ref.removeprefix("mux://assets/"), rate=self.rate,
                              duration_ms=self.duration_ms, title=self.source_title,
                              playback_ids=self.playback_ids, url=self.source_ref, audio_only=self.audio_only)

    def export_to(self, path: Path) -> asyncio.Task[Any] | None:
        """In the format of the file's extension: CSV, YouTube chapters (.txt), or an editing suite's (.edl, .xml,
        .fcpxml, .otio). Written off the UI thread: the task (None without a bridge) ends once it is said."""
        segments, source = self.segments(), self.source_identity()
        return self._off_the_ui_thread(lambda: _said(lambda: write_segments(path, segments, source)),
                                       self.message.emit, "Exporting the segments")

    def import_from(self, path: Path) -> asyncio.Task[Any] | None:
        """The segments ``path`` holds for the open source, each row checked against it before anything changes.
        Rows that cannot be clipped refuse the file, each named in the panel; when there are segments already the
        panel asks whether to replace or add to them (no dialog). Read off the UI thread: the task (None without a
        bridge) ends once the file is read and what it holds is shown."""
        source = self.source_identity()
        self._clear_notice()
        return self._off_the_ui_thread(lambda: _read(path, source),
                                       lambda found: self._on_imported(source.url, path, found), "Importing segments")

    def _on_imported(self, source_ref: str, path: Path, found: SegmentsRead | CutListError) -> None:
        if isinstance(found, CutListError):
            if found.problems:
                shown = found.problems[:LISTED_ROWS]
                more = len(found.problems) - len(shown)
                self._show_notice(f"Not imported: {len(found.problems)} of the rows of {path.name} cannot be made into "
                                  "clips of this source. Correct them and import again:\n" + "\n".join(shown)
                                  + (f"\n… and {more} more" if more > 0 else ""), asks=False)
                self.message.emit(f"Could not import {path.name}: {counted(len(found.problems), 'row')} cannot be clipped (listed "
                                  "in Segments). Nothing was changed.")
            else:
                self.message.emit(str(found))
            return
        if source_ref != self.source_ref:  # another source was opened while the file was read
            self.message.emit(f"Not imported: another source was opened meanwhile. {found.summary}")
            return
        here = self.table.rowCount()
        if not here:
            self.set_segments(found.segments)
            self.message.emit(found.summary)
            return
        self._pending = found
        count = len(found.segments)
        self._show_notice(f"{path.name}: {count} segment{'s' if count != 1 else ''}, checked against this source. "
                          f"Replace the {here} here with {'them' if count != 1 else 'it'} (Alt+N), or add "
                          f"{'them' if count != 1 else 'it'} after (Alt+M)?", asks=True)
        self.replace_button.setFocus()
        self.message.emit(f"{path.name}: {count} segment{'s' if count != 1 else ''} read; replace the {here} here, or "
                          "add to them? (in Segments)")

    def _on_choice(self, replace: bool) -> None:
        found = self._pending
        self._clear_notice()
        if found is None:
            return
        if replace:
            self.set_segments(found.segments)
            self.message.emit(found.summary)
            return
        for segment in found.segments:
            self.add(segment)
        self.message.emit(found.summary.replace("Imported", "Added", 1))

    def _on_cancel(self) -> None:
        self._clear_notice()
        self.message.emit("Import cancelled; the segments are unchanged.")

    def _show_notice(self, text: str, asks: bool) -> None:
        """``text`` in the table's place, with Replace / Add / Cancel when it ``asks``, else Back."""
        self.notice.setText(text)
        self.notice.show()
        for button in (self.replace_button, self.add_to_button, self.cancel_button):
            button.setVisible(asks)
        self.back_button.setVisible(not asks)
        self.choice.show()
        self.body.hide()
        self.notice_area.show()
        if not asks:
            self.back_button.setFocus()
        self.attention_wanted.emit()

    def _clear_notice(self) -> None:
        self._pending = None
        self.notice.hide()
        self.notice.clear()
        self.choice.hide()
        self.notice_area.hide()
        self.body.show()

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


def _read(path: Path, source: SourceIdentity) -> SegmentsRead | CutListError:
    """The segments read, or why not (the error itself: the panel lists its rows)."""
    try:
        return read_segments(path, source)
    except CutListError as exc:
        return exc


def _said(work: Callable[[], Any]) -> Any:
    """``work``'s result, or what went wrong with the file in words (a cut list that cannot be read or written)."""
    try:
        return work()
    except CutListError as exc:
        return str(exc)
