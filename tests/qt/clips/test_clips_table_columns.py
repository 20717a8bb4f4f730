"""The clips table gives the title its share: seen on the real window at 1920x1080, a clip of a source with a long
name showed its title as "Fri…" while the Source column took the whole name."""

from __future__ import annotations

from fractions import Fraction

from pytestqt.qtbot import QtBot

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import ClipOptions
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.clips.clips_panel import ClipsPanel
from muxclipper.qt.clips.jobs_model import COLUMNS


def test_a_long_source_name_leaves_the_title_readable(qtbot: QtBot) -> None:
    bridge = Bridge()
    panel = ClipsPanel(bridge, {"env": "Demo"}, None,
                       lambda _source: ("Demo: Friday keynote (recording of the main stage, day two)", Fraction(30)))
    qtbot.addWidget(panel)
    panel.resize(570, 300)  # the clips' width under the editor on a 1920x1080 screen's first window
    panel.show()
    job = ClipJob(1, "t", "env", "src", 20_000, 185_000, ClipOptions(title="Friday keynote: replay"),
                  state=JobState.READY, progress=100.0)
    panel.jobs_model.set_jobs([job])
    view = panel.jobs_view
    title = COLUMNS.index("Title")
    # At least 40% of the table (up to 240 px) when the other columns want more than there is.
    qtbot.waitUntil(lambda: view.columnWidth(title) >= min(240, view.viewport().width() * 2 // 5))
    assert view.columnWidth(title) >= view.fontMetrics().horizontalAdvance("Friday keynote")
    # And all the room the others leave on a wide table.
    panel.resize(1800, 300)
    others = sum(view.columnWidth(i) for i in range(len(COLUMNS)) if i != title)
    qtbot.waitUntil(lambda: view.columnWidth(title) == view.viewport().width() - others)
