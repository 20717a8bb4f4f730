"""The keyboard map of ux.md, remappable, and the ``?`` cheat-sheet that lists the current keys.

The keys are the window's, as in every editing suite: they work wherever focus is, except where a widget needs them
for itself — a text field (typing, its own arrows: Qt lets it override shortcuts), and the arrow and page keys in a
list, a table, a drop-down, a spin box or a slider (:class:`LocalNavigationKeys`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class KeyAction:
    id: str
    label: str
    keys: tuple[str, ...]


DEFAULT_KEYMAP: tuple[KeyAction, ...] = (
    KeyAction("play_pause", "Play / pause", ("Space",)),
    KeyAction("pause", "Pause (stop shuttle)", ("K",)),
    KeyAction("shuttle_back", "Play backward, faster on repeat", ("J",)),
    KeyAction("shuttle_forward", "Play forward, faster on repeat", ("L",)),
    KeyAction("frame_back", "One frame back", ("Left",)),
    KeyAction("frame_forward", "One frame forward", ("Right",)),
    KeyAction("second_back", "One second back", ("Shift+Left",)),
    KeyAction("second_forward", "One second forward", ("Shift+Right",)),
    KeyAction("ten_back", "Ten seconds back", ("Alt+Left",)),
    KeyAction("ten_forward", "Ten seconds forward", ("Alt+Right",)),
    KeyAction("mark_in", "Set in at the playhead", ("I",)),
    KeyAction("mark_out", "Set out at the playhead", ("O",)),
    KeyAction("go_in", "Go to in", ("Shift+I",)),
    KeyAction("go_out", "Go to out", ("Shift+O",)),
    KeyAction("go_first", "Go to the first frame", ("Home",)),
    KeyAction("go_last", "Go to the last frame (of a recording in progress: the last recorded)", ("End",)),
    KeyAction("clear", "Clear in and out", ("Alt+X",)),
    KeyAction("zoom_in", "Zoom the timeline in", ("Ctrl+=", "Ctrl++")),
    KeyAction("zoom_out", "Zoom the timeline out", ("Ctrl+-",)),
    KeyAction("goto", "Go to a typed timecode", ("G",)),
    KeyAction("prev_edit", "Previous edit point (in, out, segments, sessions, slates)", ("Up",)),
    KeyAction("next_edit", "Next edit point (in, out, segments, sessions, slates)", ("Down",)),
    KeyAction("create", "Create the clip", ("Ctrl+Return", "Ctrl+Enter")),
    KeyAction("undo", "Undo marker edit", ("Ctrl+Z",)),
    KeyAction("redo", "Redo marker edit", ("Ctrl+Shift+Z", "Ctrl+Y")),
    KeyAction("captions", "Show or hide captions", ("C",)),
    KeyAction("wall_clock", "Show the wall-clock time of a live recording", ("W",)),
    KeyAction("cheat_sheet", "This list of keys", ("?",)),
    KeyAction("leave_field", "Leave a field: the keys act on the editor again", ("Escape",)),
    KeyAction("find_slates", "Find the slates: propose in and out", ("S",)),
    KeyAction("picture_end", "Find where the picture on screen ends", ("E",)),
    KeyAction("accept_proposals", "Accept the proposed in and out", ("Return", "Enter")),
    KeyAction("replay", "Replay: the last seconds of the live stream as a clip (URL now, clip later)", ("R",)),
    KeyAction("undo_replay", "Take the last replay back (for a few seconds)", ("Shift+R",)),
    KeyAction("follow_live", "Follow the live edge, a set delay behind it", ("F",)),
)


def keymap_with(overrides: Mapping[str, tuple[str, ...]]) -> tuple[KeyAction, ...]:
    """The default map with the user's remapped keys."""
    return tuple(KeyAction(a.id, a.label, tuple(overrides.get(a.id, a.keys))) for a in DEFAULT_KEYMAP)


#: What the keys that name frames do on a source of sound alone (no frames: ← and → move 10 ms).
AUDIO_LABELS = {
    "frame_back": "A hundredth of a second back",
    "frame_forward": "A hundredth of a second forward",
    "go_first": "Go to the start",
    "go_last": "Go to the end (of a recording in progress: the last recorded)",
}


def for_sound(keymap: tuple[KeyAction, ...]) -> tuple[KeyAction, ...]:
    """``keymap`` as a source of sound alone names its actions (see AUDIO_LABELS)."""
    return tuple(KeyAction(a.id, AUDIO_LABELS.get(a.id, a.label), a.keys) for a in keymap)


def install(widget: QWidget, keymap: tuple[KeyAction, ...], handlers: Mapping[str, Callable[[], None]]
            ) -> dict[str, QAction]:
    """One QAction per mapped key, active anywhere in ``widget``'s window (see the module's docstring)."""
    actions = {}
    for entry in keymap:
        handler = handlers.get(entry.id)
        if handler is None:
            continue
        action = QAction(entry.label, widget)
        action.setShortcuts([QKeySequence(k) for k in entry.keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(handler)
        widget.addAction(action)
        actions[entry.id] = action
    return actions


VERTICAL_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home,
                 Qt.Key.Key_End}
NAVIGATING_WIDGETS = (QAbstractItemView, QComboBox, QAbstractSpinBox, QAbstractSlider)


class LocalNavigationKeys(QObject):
    """Up, down, page and home/end keys stay with the list, table, drop-down, spin box or slider that has focus
    (moving through the sources or clips, changing a value); left and right stay with a slider only. Everywhere
    else they are the editor's (← → step frames). Watches just those widgets (:meth:`watch`): a filter on the whole
    application would run Python for every event of every widget, ~30 ms more to build the window alone."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
                and ((event.key() in VERTICAL_KEYS and isinstance(watched, NAVIGATING_WIDGETS))
                     or (event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right)
                         and isinstance(watched, QAbstractSlider)))):
            event.accept()  # the widget gets the key press; no shortcut fires
        return False

    def watch(self, root: QWidget) -> None:
        """Keep the keys local in every list, table, drop-down, spin box and slider under ``root`` (call again when
        more are added)."""
        for widget in root.findChildren(QWidget):
            if isinstance(widget, NAVIGATING_WIDGETS):
                widget.removeEventFilter(self)  # at most once each
                widget.installEventFilter(self)


class CheatSheet(QDialog):
    """The current keyboard map; non-modal, closes with Escape or ``?``. Two columns of keys, sized to show every
    one without scrolling."""

    def __init__(self, keymap: tuple[KeyAction, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keymap = keymap
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.setModal(False)
        half = (len(keymap) + 1) // 2
        self.table = QTableWidget(half, 4, self)
        self.table.setAccessibleName("Shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for index, entry in enumerate(keymap):
            keys = ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in entry.keys)
            row, column = index % half, 2 * (index // half)
            self.table.setItem(row, column, QTableWidgetItem(keys))
            self.table.setItem(row, column + 1, QTableWidgetItem(entry.label))
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        width = self.table.verticalHeader().width() + sum(self.table.columnWidth(c) for c in range(4)) + 4
        height = self.table.horizontalHeader().height() + sum(self.table.rowHeight(r) for r in range(half)) + 4
        self.table.setFixedSize(width, height)
        note = QLabel("Keys work anywhere in the window except while typing in a field (Escape leaves it); in lists "
                      "and drop-downs the up and down keys move through them.", self)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        close = QAction("Close", self)
        close.setShortcuts([QKeySequence("Escape"), QKeySequence("?")])
        close.triggered.connect(self.close)
        self.addAction(close)
