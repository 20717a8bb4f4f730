"""The environment bar: which Mux environment the window acts on (a badge in its colour, so nobody mistakes
production for staging), the selector to switch and the Environments… button. Switching closes the open source:
when that would lose marks or segments, the bar says so and the same choice made again goes ahead (no dialog);
switching itself is the owner's business, told through ``environment_chosen``."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QToolBar, QWidget

from muxclipper.qt.accessible_names import name_combo_box

NO_ENVIRONMENT_COLOUR = "#616161"


def open_work_words(source: str, marks: str, segments: int) -> str:
    """What switching would close, in words ('' when only a source without marks or segments is open)."""
    parts = [source] + ([marks] if marks else []) + ([f"{segments} segment{'s' if segments != 1 else ''}"]
                                                     if segments else [])
    if len(parts) == 1:
        return ""
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 2 else " with ".join(parts)


class EnvironmentBar(QToolBar):
    """``losing`` says what switching now would close ('' for nothing worth keeping).

    Signals:
        environment_chosen(str): switch to this environment (its key): chosen, and confirmed if work was open.
        manage_requested(): the user asked for the Environments dialog.
        message(str): what a first choice would close, and how to go ahead.
    """

    environment_chosen = Signal(str)
    manage_requested = Signal()
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None, losing: Callable[[], str] = lambda: "") -> None:
        super().__init__("Environment", parent)
        self.setObjectName("environment-toolbar")
        self._current: str | None = None
        self._losing = losing
        self._armed: str | None = None  # the key chosen once while work was open
        self.badge = QLabel(self)
        self.badge.setAccessibleName("Environment")
        self.addWidget(self.badge)
        self.environment_box = QComboBox(self)
        name_combo_box(self.environment_box, "Switch environment")
        self.environment_box.setToolTip("Switch to another Mux environment (Ctrl+Shift+E)")
        self.environment_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.environment_box.activated.connect(self._on_environment_box_activated)
        # A tool bar shows a widget through its action: the action, not the widget, is shown or hidden.
        self._box_action = self.addWidget(self.environment_box)
        self._box_action.setVisible(False)  # until there is more than one to choose from
        self.manage_button = QPushButton("En&vironments…", self)
        self.manage_button.setAccessibleName("Manage environments")
        self.manage_button.setToolTip("Add, edit or remove Mux environments")
        self.manage_button.clicked.connect(self.manage_requested)
        self._manage_action = self.addWidget(self.manage_button)
        self._manage_action.setVisible(False)  # shown by set_choices(manageable=True)

    @property
    def current_key(self) -> str | None:
        """The key of the environment shown (None: none yet)."""
        return self._current

    def show_environment(self, name: str | None, colour: str) -> None:
        """The badge: the environment's name in its colour (grey with "No environment" when there is none)."""
        self.badge.setText(f"  {name or 'No environment'}  ")
        colour = colour if name is not None else NO_ENVIRONMENT_COLOUR
        self.badge.setStyleSheet(f"background: {colour}; color: white; border-radius: 3px; font-weight: bold;")

    def set_choices(self, choices: list[tuple[str, str, str]], current: str | None, manageable: bool = True) -> None:
        """What the selector offers: (key, name, colour) each, ``current`` the one shown. The selector appears once
        there is a choice; ``manageable`` shows the Environments… button (not in the self-contained demo)."""
        self._current = current
        self.environment_box.blockSignals(True)
        self.environment_box.clear()
        if current is None:
            self.environment_box.addItem("Choose an environment…", None)
        for key, name, colour in choices:
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(colour))
            self.environment_box.addItem(QIcon(swatch), name, key)
        self.environment_box.setCurrentIndex(max(self.environment_box.findData(current), 0))
        self.environment_box.blockSignals(False)
        self._box_action.setVisible(len(choices) > 1 or (current is None and bool(choices)))
        self._manage_action.setVisible(manageable)

    def choose(self, key: str) -> None:
        """Switch to ``key``: at once if nothing would be lost, else on the second choice of the same key."""
        if key == self._current:
            return
        name, losing = self.name_of(key), self._losing()
        if losing and self._armed != key:
            self._armed = key
            self.message.emit(f"Switching to {name} closes {losing}: choose {name} again to switch.")
            return
        self._armed = None
        self.environment_chosen.emit(key)

    def forget_choice(self) -> None:
        """A switch happened: a choice made before it is not a first choice any more."""
        self._armed = None

    def set_current(self, key: str) -> None:
        self._current = key
        self.environment_box.setCurrentIndex(max(self.environment_box.findData(key), 0))

    def name_of(self, key: str) -> str:
        return self.environment_box.itemText(self.environment_box.findData(key)) or key

    def open_selector(self) -> None:
        """Ctrl+Shift+E: the selector's list, or the Environments dialog when there is nothing to choose from."""
        if self._box_action.isVisible():
            self.environment_box.setFocus()
            self.environment_box.showPopup()
        elif self._manage_action.isVisible():
            self.manage_requested.emit()

    def _on_environment_box_activated(self, index: int) -> None:
        key = self.environment_box.itemData(index)
        # The selector shows where the window is until the owner has switched (or said why it cannot).
        self.environment_box.setCurrentIndex(max(self.environment_box.findData(self._current), 0))
        if key is not None:
            self.choose(str(key))
