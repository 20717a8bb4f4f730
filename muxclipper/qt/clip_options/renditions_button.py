"""The clip options' "Downloads" button: which static renditions the clip is given (MP4 at the highest resolution,
audio only, MP4s of a fixed size), as a menu of checkable entries that stays open while several are picked, so the
options panel keeps one row for them at 1280×720."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from muxclipper.core.renditions import AUDIO_ONLY, FIXED_SIZES, HIGHEST, label, normalised

NONE_TEXT = "None"
TOOLTIP = ("Files to download besides the stream: an MP4 at the highest resolution, the sound alone as an M4A "
           "(the replay as a podcast), MP4s of a fixed size. Mux skips a size taller than the source. They are "
           "listed in the clip's menu in the clips table once ready.")


class _StayOpenMenu(QMenu):
    """A click toggles an entry without closing the menu (several are usually picked at once)."""

    def mouseReleaseEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        action = self.activeAction()
        if action is not None and action.isCheckable():
            action.trigger()
            return
        super().mouseReleaseEvent(event)  # type: ignore[arg-type]


class RenditionsButton(QToolButton):
    """Signals:
        changed(): the choice changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Downloads (static renditions)")
        self.setToolTip(TOOLTIP)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = _StayOpenMenu(self)
        menu.setToolTipsVisible(True)
        self.actions_by_rendition: dict[str, QAction] = {}
        for resolution in (HIGHEST, AUDIO_ONLY):
            self._add(menu, resolution)
        menu.addSection("MP4 of a fixed size")
        for resolution in FIXED_SIZES:
            self._add(menu, resolution)
        menu.addSeparator()
        clear = menu.addAction("No downloads")
        clear.triggered.connect(lambda: self.set_renditions(()))
        self.setMenu(menu)
        self._show()

    def _add(self, menu: QMenu, resolution: str) -> None:
        action = menu.addAction(label(resolution))
        action.setCheckable(True)
        action.toggled.connect(lambda _checked: self._on_toggled())
        self.actions_by_rendition[resolution] = action

    def renditions(self) -> tuple[str, ...]:
        return normalised([r for r, a in self.actions_by_rendition.items() if a.isChecked()])

    def set_renditions(self, renditions: tuple[str, ...]) -> None:
        for resolution, action in self.actions_by_rendition.items():
            action.blockSignals(True)
            action.setChecked(resolution in renditions)
            action.blockSignals(False)
        self._on_toggled()

    def _on_toggled(self) -> None:
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        # Short enough for the options panel at 1280×720; the menu and the tooltip say which sizes.
        chosen = self.renditions()
        parts = [name for r, name in ((HIGHEST, "MP4"), (AUDIO_ONLY, "Audio")) if r in chosen]
        sizes = [r for r in chosen if r in FIXED_SIZES]
        if len(sizes) == 1:
            parts.append(sizes[0])
        elif sizes:
            parts.append(f"{len(sizes)} sizes")
        self.setText(", ".join(parts) if parts else NONE_TEXT)
        self.setToolTip(f"{TOOLTIP}\n\nChosen: {', '.join(label(r) for r in chosen) or 'none'}")
