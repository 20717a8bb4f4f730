"""The producer's work on each source is kept across restarts, per environment and source: the in and out marks,
the segments and the clip's draft title and passthrough (a title belongs to its source: typed on one recording, it
must never name a clip of another), saved as they change (in the window's settings file) and put back when that source is opened again;
and which source was open last, so the next start opens it."""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer

from muxclipper.core.marking import MarkedRange
from muxclipper.core.segments import Segment

log = logging.getLogger(__name__)
SAVE_DELAY_MS = 500  # a drag changes the range many times a second: saved once it settles
DRAFTS = ("title", "passthrough")  # the clip's own words, kept per source


class WorkMemory(QObject):
    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._where: tuple[str, str] | None = None  # (environment key, asset id) of the open source
        self._work: dict[str, Any] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)

    @staticmethod
    def _key(environment: str, asset_id: str) -> str:
        return f"work/{environment.replace('/', '_')}/{asset_id}"

    def open(self, environment: str, asset_id: str) -> tuple[int | None, int | None, list[Segment]]:
        """``asset_id`` is opened in ``environment``: the marks and segments kept for it (none: (None, None, []))."""
        self.save()
        self._where = (environment, asset_id)
        self.settings.setValue(f"work/{environment.replace('/', '_')}/last", asset_id)
        try:
            work = json.loads(str(self.settings.value(self._key(environment, asset_id), "{}")))
            segments = [Segment(str(label), int(start), int(end)) for label, start, end in work.get("segments", [])]
            marks = (work.get("in"), work.get("out"))
            in_ms, out_ms = (m if isinstance(m, int) else None for m in marks)
            drafts = {name: work.get(name, "") for name in DRAFTS}
            if not all(isinstance(text, str) for text in drafts.values()):
                raise TypeError("a draft that is not text")
        except (ValueError, TypeError, AttributeError) as exc:  # a hand-edited or damaged entry: start afresh
            log.warning("the kept work on %s could not be read (%s); starting afresh", asset_id, exc)
            self._work = {}
            return None, None, []
        self._work = {"in": in_ms, "out": out_ms, "segments": [[s.label, s.start_ms, s.end_ms] for s in segments],
                      **drafts}
        return in_ms, out_ms, segments

    def draft(self, name: str) -> str:
        """The open source's draft ``name`` (one of :data:`DRAFTS`): '' when none was typed for it."""
        text = self._work.get(name, "")
        return text if isinstance(text, str) else ""

    def draft_changed(self, name: str, text: str) -> None:
        if self._where is not None and self._work.get(name, "") != text:
            self._work[name] = text
            self._timer.start()

    def last_source(self, environment: str) -> str | None:
        value = self.settings.value(f"work/{environment.replace('/', '_')}/last")
        return str(value) if value else None

    def close(self) -> None:
        """Nothing open any more (the window switched environments): what was open is saved."""
        self.save()
        self._where = None

    def marks_changed(self, marked: MarkedRange) -> None:
        if self._where is not None:
            self._work["in"], self._work["out"] = marked.in_ms, marked.out_ms
            self._timer.start()

    def segments_changed(self, segments: list[Segment]) -> None:
        if self._where is not None:
            self._work["segments"] = [[s.label, s.start_ms, s.end_ms] for s in segments]
            self._timer.start()

    def save(self) -> None:
        self._timer.stop()
        if self._where is not None:
            self.settings.setValue(self._key(*self._where), json.dumps(self._work))
