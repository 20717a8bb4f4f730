"""The clips table: one row per clip job, newest first, with Mux's progress. Times show in the editor's time
display; a source is named by its title (its id in the tooltip) when the window knows it."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import IntEnum
from fractions import Fraction
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.timecode import format_as

# What a producer follows first comes first: the clips table may be narrower than its columns (it sits under the
# editor), and the state and progress must not be the ones scrolled out of sight.
COLUMNS = ("Title", "State", "Progress", "Source", "In – Out", "Length", "Created", "Ready in")
HEADER_TIPS = ("The clip's title (Clip #N when it has none)",
               "queued, submitting, preparing (Mux is making it), ready, errored, failed or cancelled; "
               "\"· instant\": its instant clip can be shared now (right-click)",
               "Mux's progress making the clip", "The asset the clip is cut from",
               "Where the clip starts and ends in its source", "The clip's length", "When Create was pressed",
               "From Create to ready in Mux (counting while it is being made)")
# What each column shows (see _text): an update repaints only the columns whose fields changed.
COLUMN_FIELDS: tuple[tuple[str, ...], ...] = (
    ("options",), ("state", "error", "note"), ("state", "progress"), ("source_asset_id",), ("start_ms", "end_ms"),
    ("start_ms", "end_ms"), ("created_at_s",), ("created_at_s", "ready_at_s", "state"))
READY_IN_COLUMN = COLUMNS.index("Ready in")
#: Jobs whose progress is no longer news: cancelled (taken back, deleted) or failed (nothing made).
GONE = (JobState.CANCELLED, JobState.FAILED)
Index = QModelIndex | QPersistentModelIndex
#: What the window knows of a source asset: its title and frame rate (None, None when it does not).
SourceFacts = Callable[[str], tuple[str | None, Fraction | None]]


class JobRole(IntEnum):
    JOB = Qt.ItemDataRole.UserRole + 1       # the ClipJob itself
    PROGRESS = Qt.ItemDataRole.UserRole + 2  # 0–100, or None
    SOURCE_ID = Qt.ItemDataRole.UserRole + 3  # the source asset's id (what "only clips of the open source" filters)


class ClipJobsModel(QAbstractTableModel):
    """Rows are newest first. Kept oldest first underneath, so a job's place never moves when newer ones
    arrive and an update finds its row at once (500 jobs changing in one poll cost one signal, not 500 scans).
    """

    def __init__(self, environment_names: dict[str, str] | None = None,
                 source_facts: SourceFacts | None = None) -> None:
        super().__init__()
        self._jobs: list[ClipJob] = []      # oldest first
        self._where: dict[int | None, int] = {}  # job id -> position in _jobs
        self._names = environment_names or {}
        self._source_facts = source_facts or (lambda _: (None, None))
        self._display = "hms"
        #: Whether a row offers its instant clip now (qt/clips/clip_delivery.py; the panel sets it).
        self.instant_stage: Callable[[ClipJob], bool] = lambda _job: False

    def set_environment_names(self, names: dict[str, str]) -> None:
        """Environment keys as named in the tooltips (the window switched environments)."""
        self._names = names

    def set_display(self, display: str) -> None:
        """Times as the editor shows them (HH:MM:SS.mmm, SMPTE, frames, seconds)."""
        self._display = display
        if self._jobs:
            self.dataChanged.emit(self.index(0, COLUMNS.index("In – Out")),
                                  self.index(len(self._jobs) - 1, COLUMNS.index("Length")))

    def sources_known(self) -> None:
        """The window learned source titles (a page of assets listed): the Source column names them."""
        if self._jobs:
            source = COLUMNS.index("Source")
            self.dataChanged.emit(self.index(0, source), self.index(len(self._jobs) - 1, source))

    def _row(self, position: int) -> int:
        return len(self._jobs) - 1 - position

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job = self._jobs[self._row(index.row())]
        if role == JobRole.JOB:
            return job
        if role == JobRole.PROGRESS:
            return None if job.state in GONE else job.progress
        if role == JobRole.SOURCE_ID:
            return job.source_asset_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(job, index.column(), role == Qt.ItemDataRole.ToolTipRole)
        return None

    def _time(self, ms: int, rate: Fraction | None) -> str:
        # SMPTE and frames need the source's rate: without it, the clock time says the same thing.
        display = self._display if rate is not None or self._display in ("hms", "seconds") else "hms"
        return format_as(ms, rate or Fraction(1000), display)

    def _text(self, job: ClipJob, index: int, tooltip: bool) -> str:
        column = COLUMNS[index] if 0 <= index < len(COLUMNS) else ""
        if column == "Title":
            title = job.options.title or f"Clip #{job.id}"
            where = self._names.get(job.environment)
            return f"{title} (in {where})" if tooltip and where else title
        if column == "Source":
            name, _ = self._source_facts(job.source_asset_id)
            return f"{name} ({job.source_asset_id})" if tooltip and name else name or job.source_asset_id
        if column in ("In – Out", "Length"):
            _, rate = self._source_facts(job.source_asset_id)
            if column == "Length":
                return self._time(job.duration_ms, rate)
            return f"{self._time(job.start_ms, rate)} – {self._time(job.end_ms, rate)}"
        if column == "State":
            text = job.state.value
            if self.instant_stage(job):  # the first stage of delivery: shareable now, frame-exact later
                return (f"{text}; its instant clip (segment-accurate) can be copied and played now: right-click. "
                        "The frame-exact clip follows when Mux has made it.") if tooltip else f"{text} · instant"
            if not tooltip:
                return text
            told = f"{text}: {job.error}" if job.error else text
            return f"{told}\n{job.note}" if job.note else told  # e.g. a late duplicate muxclipper deleted
        if column == "Progress":
            if job.state is JobState.READY:
                return "100 %"
            if job.state in GONE:  # taken back or never made: no bar that looks like a clip on its way or done
                return ""
            return f"{job.progress:.0f} %" if job.progress is not None else ""
        if column == "Created":
            stamp = time.localtime(job.created_at_s)
            today = time.localtime()
            same_day = stamp[:3] == today[:3]
            return time.strftime("%H:%M:%S" if same_day else "%Y-%m-%d %H:%M", stamp)
        if column == "Ready in":
            if job.state is not JobState.READY and job.state.finished:
                return ""
            elapsed = int((job.ready_at_s or time.time()) - job.created_at_s)
            return f"{elapsed // 60} min {elapsed % 60:02d} s" if elapsed >= 60 else f"{elapsed} s"
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
            if job.ready_at_s is None and not job.state.finished:
                columns.append(READY_IN_COLUMN)  # its elapsed time is counting: show the current one
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
