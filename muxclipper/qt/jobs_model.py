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
    """Rows are newest first. Kept oldest first underneath, so a job's place never moves when newer ones
    arrive and an update finds its row at once (500 jobs changing in one poll cost one signal, not 500 scans).
    """

    def __init__(self, environment_names: dict[str, str] | None = None) -> None:
        super().__init__()
        self._jobs: list[ClipJob] = []      # oldest first
        self._where: dict[int | None, int] = {}  # job id -> position in _jobs
        self._names = environment_names or {}

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
        """Changed rows in one ``dataChanged``, new ones in one insertion at the top."""
        changed: list[int] = []
        fresh: dict[int | None, ClipJob] = {}
        for job in jobs:
            position = self._where.get(job.id)
            if position is None:
                fresh[job.id] = job
            else:
                self._jobs[position] = job
                changed.append(self._row(position))
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(COLUMNS) - 1))
        if fresh:
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            for job in sorted(fresh.values(), key=lambda j: j.id or 0):
                self._where[job.id] = len(self._jobs)
                self._jobs.append(job)
            self.endInsertRows()

    def job_at(self, row: int) -> ClipJob:
        return self._jobs[self._row(row)]
