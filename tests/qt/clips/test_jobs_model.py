"""The clips table model passes Qt's model tester and shows what producers look for."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import ClipOptions
from muxclipper.qt.clips.jobs_model import COLUMNS, ClipJobsModel, JobRole


def _job(job_id: int, state: JobState = JobState.PREPARING, progress: float | None = 40.0) -> ClipJob:
    return ClipJob(id=job_id, token=f"t{job_id}", environment="env-key", source_asset_id="src", start_ms=20_000,
                   end_ms=185_000, options=ClipOptions(title=f"Clip {job_id}"), state=state, progress=progress,
                   created_at_s=1_700_000_000.0)


def test_model_tester_and_display(qtmodeltester: Any) -> None:
    model = ClipJobsModel({"env-key": "Production"})
    model.set_jobs([_job(1), _job(2, JobState.READY, 100.0)])
    qtmodeltester.check(model)
    model.upsert(_job(3, JobState.QUEUED, None))
    model.upsert(_job(1, JobState.READY, 100.0))
    qtmodeltester.check(model)
    rows = [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]
    column = {name: COLUMNS.index(name) for name in COLUMNS}
    assert [r[column["Title"]] for r in rows] == ["Clip 3", "Clip 2", "Clip 1"]  # newest first
    # Times as the editor shows them, the length too (it read "165.000 s" while the rest was HH:MM:SS.mmm).
    assert rows[0][column["In – Out"]] == "00:00:20.000 – 00:03:05.000"
    assert rows[0][column["Length"]] == "00:02:45.000"
    assert rows[2][column["State"]] == "ready" and rows[2][column["Progress"]] == "100 %"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "Clip 3 (in Production)"
    assert model.data(model.index(0, 0), JobRole.JOB).id == 3
    assert model.headerData(column["Ready in"], Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole).startswith(
        "From Create to ready")


def test_sources_are_named_and_times_follow_the_display(qtmodeltester: Any) -> None:
    from fractions import Fraction

    model = ClipJobsModel(source_facts=lambda asset_id: ("Friday keynote", Fraction(25)) if asset_id == "src"
                          else (None, None))
    model.set_jobs([_job(1)])
    assert model.data(model.index(0, COLUMNS.index("Source"))) == "Friday keynote"
    assert model.data(model.index(0, COLUMNS.index("Source")), Qt.ItemDataRole.ToolTipRole) == "Friday keynote (src)"
    model.set_display("smpte")
    assert model.data(model.index(0, COLUMNS.index("In – Out"))) == "00:00:20:00 – 00:03:05:00"
    model.set_display("frames")
    assert model.data(model.index(0, COLUMNS.index("Length"))) == "#4125"
    qtmodeltester.check(model)


def test_a_burst_of_updates_lands_as_one_insert_and_one_change(qtmodeltester: Any) -> None:
    model = ClipJobsModel()
    model.set_jobs([_job(i) for i in range(1, 4)])
    qtmodeltester.check(model)
    inserted: list[tuple[int, int]] = []
    changed: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    model.dataChanged.connect(lambda top, bottom, roles: changed.append(
        (top.row(), bottom.row(), COLUMNS[top.column()], COLUMNS[bottom.column()])))
    model.upsert_many([_job(5), _job(2, JobState.READY, 100.0), _job(4), _job(3, JobState.READY, 100.0)])
    assert inserted == [(0, 1)]
    # Jobs 3 and 2 were rows 0 and 1 before the insert: one change, of the cells a repaint needs.
    assert changed == [(0, 1, "State", "Ready in")]
    assert [model.job_at(r).id for r in range(model.rowCount())] == [5, 4, 3, 2, 1]
    assert [model.job_at(r).state for r in (2, 3)] == [JobState.READY, JobState.READY]
    qtmodeltester.check(model)


def test_progress_repaints_only_the_cells_that_show_it(qtmodeltester: Any) -> None:
    """Polling moves the progress of every pending clip each second: the rest of their rows stays unpainted,
    and rows in between that did not change are not part of the change."""
    model = ClipJobsModel()
    model.set_jobs([_job(i) for i in range(1, 6)])  # rows: 5 4 3 2 1
    changed: list[tuple[int, int, str, str]] = []
    model.dataChanged.connect(lambda top, bottom, roles: changed.append(
        (top.row(), bottom.row(), COLUMNS[top.column()], COLUMNS[bottom.column()])))
    model.upsert_many([_job(5, progress=50.0), _job(4, progress=50.0), _job(2, progress=50.0)])
    assert changed == [(0, 1, "Progress", "Ready in"), (3, 3, "Progress", "Ready in")]
    assert model.data(model.index(3, COLUMNS.index("Progress"))) == "50 %"
    qtmodeltester.check(model)
