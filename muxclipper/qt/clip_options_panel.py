"""The clip options panel: the open source's facts, how the clip is made (title, quality, playback policy, MP4,
passthrough), whether the marked range can be clipped, the Create button and the instant-clip URL."""

from __future__ import annotations

import html

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from muxclipper.core.models import Asset, ClipOptions
from muxclipper.core.source_facts import source_facts
from muxclipper.qt.clip_extras_fields import AS_SOURCE, ClipExtrasFields

NO_SOURCE = "Open a source to see its facts."
QUALITIES = (("As the source", None), ("Basic", "basic"), ("Plus", "plus"), ("Premium", "premium"))


class ClipOptionsPanel(QWidget):
    """Signals:
        create_requested(): the user asked to create the clip of the marked range (the button).
        message(str): something to tell the user (a URL copied).
    """

    create_requested = Signal()
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_field = QLineEdit(self)
        self.title_field.setAccessibleName("Clip title")
        self.quality_box = QComboBox(self)
        self.quality_box.setAccessibleName("Video quality")
        for text, value in QUALITIES:
            self.quality_box.addItem(text, value)
        self.policy_box = QComboBox(self)
        self.policy_box.setAccessibleName("Playback policy")
        self.policy_box.addItem("Public", "public")
        self.policy_box.addItem("Signed", "signed")
        self.mp4_box = QCheckBox("MP4 download", self)
        self.mp4_box.setAccessibleName("MP4 download")
        self.passthrough_field = QLineEdit(self)
        self.passthrough_field.setAccessibleName("Passthrough")
        # Resolution tier, watermarks, presets (clip_extras_fields.py).
        self.extras = ClipExtrasFields(self)
        self.range_problem = QLabel(self)
        self.range_problem.setAccessibleName("Range check")
        self.range_problem.setWordWrap(True)
        self.create_button = QPushButton("Create clip (Ctrl+Enter)", self)
        self.create_button.clicked.connect(self.create_requested)
        self.instant_field = QLineEdit(self)
        self.instant_field.setReadOnly(True)
        self.instant_field.setAccessibleName("Instant clip URL")
        copy = QPushButton("Copy &instant URL", self)
        copy.clicked.connect(self._on_copy_clicked)
        self.facts_label = QLabel(NO_SOURCE, self)
        self.facts_label.setAccessibleName("Source facts")
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long title or id wraps (or is cut) inside the panel: opening a source must not widen the window.
        self.facts_label.setWordWrap(True)
        self.facts_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.range_problem.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        form = QFormLayout(self)
        form.addRow(self.facts_label)
        form.addRow("Title", self.title_field)
        form.addRow("Quality", self.quality_box)
        form.addRow("Playback", self.policy_box)
        form.addRow("", self.mp4_box)
        form.addRow("Passthrough", self.passthrough_field)
        form.addRow(self.extras)
        form.addRow(self.range_problem)
        form.addRow(self.create_button)
        form.addRow("Instant clip", self.instant_field)
        form.addRow(copy)

    def options(self) -> ClipOptions:
        """The clip as the form describes it."""
        return self.extras.applied_to(ClipOptions(
            playback_policies=(str(self.policy_box.currentData()),), video_quality=self.quality_box.currentData(),
            mp4=self.mp4_box.isChecked(), title=self.title_field.text().strip() or None,
            passthrough=self.passthrough_field.text().strip() or None))

    def set_options(self, options: ClipOptions) -> None:
        """Show ``options`` (a preset applied): everything but the title and passthrough, which stay."""
        self.quality_box.setCurrentIndex(max(self.quality_box.findData(options.video_quality), 0))
        self.policy_box.setCurrentIndex(max(self.policy_box.findData(options.playback_policies[0]), 0))
        self.mp4_box.setChecked(bool(getattr(options, "mp4", False)))
        self.extras.set_options(options)

    def show_source(self, asset: Asset | None) -> None:
        """The source's facts (duration, frame rate, resolution, status, captions), or none open."""
        self.extras.show_source(asset)
        quality = asset.video_quality if asset is not None else None
        self.quality_box.setItemText(0, f"{AS_SOURCE} ({quality})" if quality else AS_SOURCE)
        if asset is None:
            self.facts_label.setText(NO_SOURCE)
            self.instant_field.clear()
            self.range_problem.clear()
            return
        lines = [f"<b>{html.escape(asset.title or asset.id)}</b>"]
        lines += [f"{name}: {html.escape(value)}" for name, value in source_facts(asset)]
        self.facts_label.setText("<br>".join(lines))

    def show_check(self, problem: str | None, instant_url: str | None) -> None:
        """What the range check says of the marked range (Create is refused while there is a problem) and the
        range's instant-clip URL."""
        self.range_problem.setText(problem or "")
        self.create_button.setEnabled(problem is None)
        if instant_url is not None:
            self.instant_field.setText(instant_url)

    def _on_copy_clicked(self) -> None:
        if self.instant_field.text():
            QGuiApplication.clipboard().setText(self.instant_field.text())
            self.message.emit(f"Copied {self.instant_field.text()}")

    def restore(self, settings: QSettings) -> None:
        self.quality_box.setCurrentIndex(max(self.quality_box.findData(settings.value("clip/quality")), 0))
        self.policy_box.setCurrentIndex(max(self.policy_box.findData(settings.value("clip/policy", "public")), 0))
        self.mp4_box.setChecked(bool(settings.value("clip/mp4", False, type=bool)))
        self.extras.restore(settings)

    def save(self, settings: QSettings) -> None:
        settings.setValue("clip/quality", self.quality_box.currentData())
        settings.setValue("clip/policy", self.policy_box.currentData())
        settings.setValue("clip/mp4", self.mp4_box.isChecked())
        self.extras.save(settings)
