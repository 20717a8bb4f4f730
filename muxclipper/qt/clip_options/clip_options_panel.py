"""The clip options panel: the open source's facts, how the clip is made (title, quality, playback policy, downloads
(static renditions), passthrough), whether the marked range can be clipped, the Create button and the instant-clip URL."""

from __future__ import annotations

import html

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from muxclipper.core.models import Asset, ClipOptions
from muxclipper.core.program_time import INSTANT_CLIP_NOTE, INSTANT_CLIP_SHORT_NOTE
from muxclipper.core.renditions import normalised
from muxclipper.core.source_facts import source_facts
from muxclipper.qt.accessible_names import name_combo_box
from muxclipper.qt.clip_options.clip_extras_fields import AS_SOURCE, ClipExtrasFields
from muxclipper.qt.clip_options.renditions_button import RenditionsButton

NO_SOURCE = "Open a source to see its facts."
NO_INSTANT = "None: the source has no public playback id"
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
        name_combo_box(self.quality_box, "Video quality")
        for text, value in QUALITIES:
            self.quality_box.addItem(text, value)
        self.policy_box = QComboBox(self)
        name_combo_box(self.policy_box, "Playback policy")
        self.policy_box.addItem("Public", "public")
        self.policy_box.addItem("Signed", "signed")
        self.renditions_button = RenditionsButton(self)
        self.passthrough_field = QLineEdit(self)
        self.passthrough_field.setAccessibleName("Passthrough")
        # Resolution tier, watermarks, presets (clip_extras_fields.py).
        self.extras = ClipExtrasFields(self)
        self.range_problem = QLabel(self)
        self.range_problem.setAccessibleName("Range check")
        self.range_problem.setWordWrap(True)
        self._range_problem: str | None = None
        # A watermark ticked without an address (or typed wrong) refuses Create as a bad range does.
        self.extras.preview_changed.connect(lambda _: self._show_problem())
        self.create_button = QPushButton("Create clip (Ctrl+Enter)", self)
        self.create_button.clicked.connect(self.create_requested)
        self.instant_field = QLineEdit(self)
        self.instant_field.setReadOnly(True)
        self.instant_field.setAccessibleName("Instant clip URL")
        self.copy_instant = copy = QPushButton("Copy", self)
        copy.setAccessibleName("Copy the instant clip URL")
        copy.setToolTip("Copy the instant clip URL (Alt+I)")
        copy.setShortcut("Alt+I")
        copy.setEnabled(False)  # nothing to copy until a source's range has a URL
        copy.clicked.connect(self._on_copy_clicked)
        self.facts_label = QLabel(NO_SOURCE, self)
        self.facts_label.setAccessibleName("Source facts")
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # One line per fact, a long one shortened with "…" to the panel's width (whole in the tooltip): opening a source
        # must not widen the window, and a wrapped line is not given its height in a dock (Qt's dock layouts ignore
        # height-for-width), so that a wrapped captions line went under the Title field (seen at 1920x1080).
        self.facts_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._facts: list[str] = []
        self.range_problem.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        form = QFormLayout(self)
        form.addRow(self.facts_label)
        form.addRow("Title", self.title_field)
        form.addRow("Quality", self.quality_box)
        form.addRow("Playback", self.policy_box)
        form.addRow("Downloads", self.renditions_button)
        form.addRow("Passthrough", self.passthrough_field)
        form.addRow(self.extras)
        form.addRow(self.range_problem)
        form.addRow(self.create_button)
        instant_row = QHBoxLayout()
        instant_row.addWidget(self.instant_field, 1)
        instant_row.addWidget(copy)
        form.addRow("Instant clip", instant_row)
        self.program_field = QLineEdit(self)
        self.program_field.setReadOnly(True)
        self.program_field.setAccessibleName("Instant clip URL by program time")
        self.program_field.setToolTip("While the stream is live: the same range on the live stream's playback id, "
                                      "by program time (the wall clock it was broadcast at)")
        self._program_label = QLabel("By program time", self)
        self.copy_program = QPushButton("Copy", self)
        self.copy_program.setAccessibleName("Copy the instant clip URL by program time")
        self.copy_program.clicked.connect(lambda: self._copy(self.program_field.text()))
        program_row = QHBoxLayout()
        program_row.addWidget(self.program_field, 1)
        program_row.addWidget(self.copy_program)
        form.addRow(self._program_label, program_row)
        self._show_program(None)
        self.instant_note = QLabel(INSTANT_CLIP_SHORT_NOTE, self)
        self.instant_note.setToolTip(INSTANT_CLIP_NOTE)
        self.instant_note.setWordWrap(True)
        self.instant_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.instant_note.setAccessibleName("About instant clips")
        form.addRow(self.instant_note)

    def options(self) -> ClipOptions:
        """The clip as the form describes it."""
        return self.extras.applied_to(ClipOptions(
            playback_policies=(str(self.policy_box.currentData()),), video_quality=self.quality_box.currentData(),
            renditions=self.renditions_button.renditions(), title=self.title_field.text().strip() or None,
            passthrough=self.passthrough_field.text().strip() or None))

    def set_options(self, options: ClipOptions) -> None:
        """Show ``options`` (a preset applied): everything but the title and passthrough, which stay."""
        self.quality_box.setCurrentIndex(max(self.quality_box.findData(options.video_quality), 0))
        self.policy_box.setCurrentIndex(max(self.policy_box.findData(options.playback_policies[0]), 0))
        self.renditions_button.set_renditions(normalised(options.renditions))
        self.extras.set_options(options)

    def show_drafts(self, title: str, passthrough: str) -> None:
        """The open source's own draft title and passthrough (a title belongs to its source and its clip)."""
        self.title_field.setText(title)
        self.passthrough_field.setText(passthrough)

    def show_source(self, asset: Asset | None, name: str | None = None) -> None:
        """The source's facts (duration, frame rate, resolution, status, captions), or none open."""
        self.extras.show_source(asset)
        quality = asset.video_quality if asset is not None else None
        self.quality_box.setItemText(0, f"{AS_SOURCE} ({quality})" if quality else AS_SOURCE)
        if asset is None:
            self._facts = []
            self.facts_label.setText(NO_SOURCE)
            self.facts_label.setToolTip("")
            self._show_instant(None, "")
            self._show_program(None)
            self._range_problem = None
            self._show_problem()
            return
        # An id is one unbreakable word: shortened in the middle, so that both ends can be recognised.
        # ``name``: what the window calls it (an untitled recording: "Saturday match recording", as the list does).
        heading = (name if name and name != asset.id else asset.title
                   or (asset.id if len(asset.id) <= 20 else f"{asset.id[:8]}…{asset.id[-4:]}"))
        self._facts = [heading, *(f"{name}: {value}" for name, value in source_facts(asset))]
        self.facts_label.setToolTip("\n".join([f"Asset {asset.id}", *self._facts[1:]]))
        self._show_facts()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self._facts:
            self._show_facts()

    def _show_facts(self) -> None:
        """The facts, each on one line shortened to the label's width; the heading in bold."""
        label = self.facts_label
        room = max(label.contentsRect().width(), 40)
        bold = QFont(label.font())
        bold.setBold(True)
        heading, *facts = self._facts
        lines = [f"<b>{html.escape(QFontMetrics(bold).elidedText(heading, Qt.TextElideMode.ElideRight, room))}</b>"]
        metrics = label.fontMetrics()
        lines += [html.escape(metrics.elidedText(fact, Qt.TextElideMode.ElideRight, room)) for fact in facts]
        label.setText("<br>".join(lines))

    def show_check(self, problem: str | None, instant_url: str | None) -> None:
        """What the range check says of the marked range (Create is refused while there is a problem) and the
        range's instant-clip URL."""
        self._range_problem = problem
        self._show_problem()
        # Always the open source's: a source with no public playback id has none, and the field must not keep the
        # previous source's URL for Copy (Alt+I) to hand out.
        self._show_instant(instant_url, NO_INSTANT)

    def form_problem(self) -> str | None:
        """What in the options themselves (not the range) keeps a clip from being made: None when nothing does."""
        return self.extras.problem()

    def _show_problem(self) -> None:
        problem = self._range_problem or self.form_problem()
        self.range_problem.setText(problem or "")
        self.create_button.setEnabled(problem is None)

    def _show_instant(self, url: str | None, why_none: str) -> None:
        self.instant_field.setText(url or "")
        self.instant_field.setPlaceholderText("" if url else why_none)
        self.copy_instant.setEnabled(bool(url))

    def show_program_url(self, url: str | None) -> None:
        """The range's instant clip by program time, while the source is a live stream's recording in progress
        (hidden otherwise)."""
        self._show_program(url)

    def _show_program(self, url: str | None) -> None:
        self.program_field.setText(url or "")
        for widget in (self._program_label, self.program_field, self.copy_program):
            widget.setVisible(url is not None)

    def _on_copy_clicked(self) -> None:
        self._copy(self.instant_field.text())

    def _copy(self, url: str) -> None:
        if url:
            QGuiApplication.clipboard().setText(url)
            self.message.emit(f"Copied {url}")

    def restore(self, settings: QSettings) -> None:
        self.quality_box.setCurrentIndex(max(self.quality_box.findData(settings.value("clip/quality")), 0))
        self.policy_box.setCurrentIndex(max(self.policy_box.findData(settings.value("clip/policy", "public")), 0))
        saved = settings.value("clip/renditions")
        if saved is None:  # settings from before renditions could be chosen: "MP4 download" was the highest
            saved = "highest" if settings.value("clip/mp4", False, type=bool) else ""
        self.renditions_button.set_renditions(normalised(str(saved).split(",")))
        self.extras.restore(settings)

    def save(self, settings: QSettings) -> None:
        settings.setValue("clip/quality", self.quality_box.currentData())
        settings.setValue("clip/policy", self.policy_box.currentData())
        # As text: QSettings would give a one-item or empty list back as a string or None.
        settings.setValue("clip/renditions", ",".join(self.renditions_button.renditions()))
        settings.remove("clip/mp4")
        self.extras.save(settings)
