"""The clips table: one row per clip job, newest first, with Mux's progress."""

from __future__ import annotations

import time
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.timecode import format_ms

COLUMNS = ("Source", "Range", "Length", "Title", "Environment", "State", "Progress", "Created")
# What each column shows (see _text): an update repaints only the columns whose fields changed.
COLUMN_FIELDS: tuple[tuple[str, ...], ...] = (
    ("source_asset_id",), ("start_ms", "end_ms"), ("start_ms", "end_ms"), ("options",), ("environment",),
    ("state", "error"), ("state", "progress"), ("created_at_s", "ready_at_s"))
CREATED_COLUMN = COLUMNS.index("Created")
Index = QModelIndex | QPersistentModelIndex


class JobRole(IntEnum):
    JOB = Qt.ItemDataRole.UserRole + 1       # the ClipJob itself
    PROGRESS = Qt.ItemDataRole.UserRole + 2  # 0–100, or None


class ClipJobsModel(QAbstractTableModel):
    """Rows are newest first. Kept oldest first underneath, so a job's place never moves when newer ones
    arrive and an update finds its row at once (500 jobs changing in one poll cost one signal, not 500 scans).
    """

    def __init__(self, environment_names: dict[str, str] | None = None) -> None:
        super().__init__()
        self._jobs: list[ClipJob] = []      # oldest first
        self._where: dict[int | None, int] = {}  # job id -> position in _jobs
        self._names = environment_names or {}

    def set_environment_names(self, names: dict[str, str]) -> None:
        """Environment keys as named in the table (the window switched environments)."""
        self._names = names

    def _row(self, position: int) -> int:
        return len(self._jobs) - 1 - position

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job = self._jobs[self._row(index.row())]
        if role == JobRole.JOB:
            return job
        if role == JobRole.PROGRESS:
            return job.progress
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(job, index.column(), role == Qt.ItemDataRole.ToolTipRole)
        return None

    def _text(self, job: ClipJob, column: int, tooltip: bool) -> str:
        if column == 0:
            return job.source_asset_id
        if column == 1:
            return f"{format_ms(job.start_ms)} – {format_ms(job.end_ms)}"
        if column == 2:
            return f"{job.duration_ms / 1000:.3f} s"
        if column == 3:
            return job.options.title or ""
        if column == 4:
            return self._names.get(job.environment, job.environment)
        if column == 5:
            text = job.state.value
            return f"{text}: {job.error}" if tooltip and job.error else text
        if column == 6:
            if job.state is JobState.READY:
                return "100 %"
            return f"{job.progress:.0f} %" if job.progress is not None else ""
        if column == 7:
            elapsed = (job.ready_at_s or time.time()) - job.created_at_s
            return time.strftime("%H:%M:%S", time.localtime(job.created_at_s)) + f" ({elapsed:.0f} s)"
        return ""

    def set_jobs(self, jobs: list[ClipJob]) -> None:
        self.beginResetModel()
        self._jobs = sorted(jobs, key=lambda j: j.id or 0)
        self._where = {job.id: i for i, job in enumerate(self._jobs)}
        self.endResetModel()

    def upsert(self, job: ClipJob) -> None:
        self.upsert_many([job])

    def upsert_many(self, jobs: list[ClipJob]) -> None:
        """Changed rows in one ``dataChanged`` per run of adjacent rows, over just the columns that changed;
        new ones in one insertion at the top. (Repainting the table's visible rows whole takes ~20 ms, and
        polling changes the progress of every pending clip each second: the progress cells alone cost little.)"""
        spans: dict[int, tuple[int, int]] = {}  # row -> first and last changed column
        fresh: dict[int | None, ClipJob] = {}
        for job in jobs:
            position = self._where.get(job.id)
            if position is None:
                fresh[job.id] = job
                continue
            old, self._jobs[position] = self._jobs[position], job
            columns = [c for c, fields in enumerate(COLUMN_FIELDS)
                       if any(getattr(old, f) != getattr(job, f) for f in fields)]
            if job.ready_at_s is None:
                columns.append(CREATED_COLUMN)  # its elapsed time is counting: show the current one
            if columns:
                spans[self._row(position)] = (min(columns), max(columns))
        for first, last in _runs(sorted(spans)):
            run = [spans[row] for row in range(first, last + 1)]
            self.dataChanged.emit(self.index(first, min(left for left, _ in run)),
                                  self.index(last, max(right for _, right in run)))
        if fresh:
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            for job in sorted(fresh.values(), key=lambda j: j.id or 0):
                self._where[job.id] = len(self._jobs)
                self._jobs.append(job)
            self.endInsertRows()

    def job_at(self, row: int) -> ClipJob:
        return self._jobs[self._row(row)]


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as runs of adjacent rows: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
