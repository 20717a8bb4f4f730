"""The clips table: one row per clip job, newest first, with Mux's progress."""

from __future__ import annotations

import time
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.timecode import format_ms

COLUMNS = ("Source", "Range", "Length", "Title", "Environment", "State", "Progress", "Created")
Index = QModelIndex | QPersistentModelIndex


class JobRole(IntEnum):
    JOB = Qt.ItemDataRole.UserRole + 1       # the ClipJob itself
    PROGRESS = Qt.ItemDataRole.UserRole + 2  # 0–100, or None


class ClipJobsModel(QAbstractTableModel):
    def __init__(self, environment_names: dict[str, str] | None = None) -> None:
        super().__init__()
        self._jobs: list[ClipJob] = []
        self._names = environment_names or {}

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
        job = self._jobs[index.row()]
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
        self._jobs = sorted(jobs, key=lambda j: j.id or 0, reverse=True)
        self.endResetModel()

    def upsert(self, job: ClipJob) -> None:
        for row, existing in enumerate(self._jobs):
            if existing.id == job.id:
                self._jobs[row] = job
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._jobs.insert(0, job)
        self.endInsertRows()

    def job_at(self, row: int) -> ClipJob:
        return self._jobs[row]
