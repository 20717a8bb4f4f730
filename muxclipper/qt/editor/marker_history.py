"""Undo and redo of marker edits (``QUndoStack``); a whole drag is one step."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from muxclipper.core.marking import MarkedRange
from muxclipper.core.timecode import format_ms


class _MarkerEdit(QUndoCommand):
    def __init__(self, before: MarkedRange, after: MarkedRange, apply: Callable[[MarkedRange], None]) -> None:
        super().__init__(f"In/out {format_ms(after.start_ms)}–{format_ms(after.end_ms)}")
        self.before, self.after, self._apply = before, after, apply
        self._done = True  # pushed after the edit already happened on screen

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)


class MarkerHistory(QUndoStack):
    """Record edits with :meth:`record`; ``undo()``/``redo()`` put the range back through ``apply``."""

    def __init__(self, apply: Callable[[MarkedRange], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._apply = apply

    def record(self, before: MarkedRange, after: MarkedRange) -> None:
        if before != after:
            self.push(_MarkerEdit(before, after, self._apply))
