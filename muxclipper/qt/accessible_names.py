"""Names a screen reader says for combo boxes, on Linux too.

Qt's AT-SPI bridge reads a combo box's accessible name as its current text on Linux ("we use relations for this"):
``setAccessibleName`` alone leaves Orca saying "Public, combo box" with nothing about what is public. A label that
is the combo box's buddy is what it reads out there (a labelled-by relation), so each combo box gets one: hidden,
since the window shows what the box is for by its place and tooltip, and moved along when a layout reparents the box.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QComboBox, QLabel


class _BuddyFollower(QObject):
    """Keeps the hidden label beside its combo box (the relation is found among the box's parent's children)."""

    def __init__(self, box: QComboBox, label: QLabel) -> None:
        super().__init__(box)
        self._box, self._label = box, label
        box.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # (Qt may still call in while the Python side is being torn down: its attributes are then gone.)
        box: QComboBox | None = getattr(self, "_box", None)
        label: QLabel | None = getattr(self, "_label", None)
        if box is not None and label is not None and watched is box and event.type() == QEvent.Type.ParentChange:
            parent = box.parentWidget()
            if parent is not None and label.parentWidget() is not parent:
                label.setParent(parent)
                label.hide()
        return False


def name_combo_box(box: QComboBox, name: str) -> None:
    """``name`` is what a reader says for ``box`` everywhere: its accessible name (macOS, Windows), a hidden buddy
    label (Linux's AT-SPI), and, when it can be typed in, its text field's name."""
    box.setAccessibleName(name)
    label = QLabel(name, box.parentWidget())
    label.setObjectName(f"{name} (for screen readers)")
    label.setBuddy(box)
    label.hide()
    _BuddyFollower(box, label)
    line = box.lineEdit()
    if line is not None:
        line.setAccessibleName(name)
