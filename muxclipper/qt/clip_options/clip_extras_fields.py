"""The clip options' resolution tier, watermarks and presets: the tier and presets are a part of the clip options
panel, the watermark fields a panel of their own (:attr:`ClipExtrasFields.watermark_panel`, docked by the window).

The tier list offers "As the source" (what it means for the open source is in its text) and the caps Mux takes;
caps above the source are disabled and the note under them says why. The watermark fields check what is typed as
Mux would (core/watermark.py) and say what to fix; "Show on the picture" previews where it lands (the editor draws
it). Presets are named per environment; the panel only asks, the window's preset controller stores them.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
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
from muxclipper.core.resolution import MAX_RESOLUTION_TIERS, source_cap, source_tier, tiers_above_source
from muxclipper.core.watermark import HORIZONTAL_ALIGNS, VERTICAL_ALIGNS, Watermark, problems
from muxclipper.qt.accessible_names import name_combo_box

AS_SOURCE = "As the source"
EMPTY_ADDRESS = "Type the watermark image's address, or untick Add a watermark."
# Item data as text: Qt gives a tuple back as a list, which findData() would never match.
POSITIONS = tuple((f"{v.capitalize()} {h}", f"{v} {h}") for v in VERTICAL_ALIGNS for h in HORIZONTAL_ALIGNS)


def _text(field: QLineEdit) -> str | None:
    return field.text().strip() or None


class ClipExtrasFields(QWidget):
    """Signals:
        preview_changed(object): the watermark to draw on the picture (a Watermark), or None to draw none.
        preset_apply_requested(str): apply the named preset.
        preset_save_requested(str): keep the options as the named preset.
    """

    preview_changed = Signal(object)
    preset_apply_requested = Signal(str)
    preset_save_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tier_box = QComboBox(self)
        name_combo_box(self.tier_box, "Resolution")
        self.tier_box.addItem(AS_SOURCE, None)
        for tier in MAX_RESOLUTION_TIERS:
            self.tier_box.addItem(tier, tier)
        self.tier_note = QLabel(self)
        self.tier_note.setAccessibleName("Resolution note")
        self.tier_note.setWordWrap(True)
        self.tier_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.copy_overlays_box = QCheckBox("Keep the source's watermark", self)
        self.copy_overlays_box.setAccessibleName("Keep the source's watermark")
        self.copy_overlays_box.setChecked(True)
        self.watermark_box = QCheckBox(self)
        self.watermark_box.setAccessibleName("Add a watermark")
        self.watermark_box.setToolTip("Add this image over the clip's picture")
        self.watermark_url = QLineEdit(self)
        self.watermark_url.setAccessibleName("Watermark image URL")
        self.watermark_url.setPlaceholderText("https://…/logo.png")
        self.position_box = QComboBox(self)
        name_combo_box(self.position_box, "Watermark position")
        for text, value in POSITIONS:
            self.position_box.addItem(text, value)
        self.opacity_field = self._field("Watermark opacity", "opacity 100%")
        self.v_margin_field = self._field("Watermark vertical margin", "up/down 0%")
        self.h_margin_field = self._field("Watermark horizontal margin", "side 0%")
        self.width_field = self._field("Watermark width", "width: image")
        self.height_field = self._field("Watermark height", "height: image")
        self.preview_box = QCheckBox("Show on the picture", self)
        self.preview_box.setAccessibleName("Show the watermark on the picture")
        self.preview_box.setChecked(True)
        self.watermark_problem = QLabel(self)
        self.watermark_problem.setAccessibleName("Watermark check")
        self.watermark_problem.setWordWrap(True)
        self.watermark_problem.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.preset_box = QComboBox(self)
        self.preset_box.setEditable(True)
        name_combo_box(self.preset_box, "Preset")
        line = self.preset_box.lineEdit()
        assert line is not None
        line.setAccessibleName("Preset name")  # where a new preset's name is typed: focusable on its own
        self.preset_box.setToolTip("Type a name and Save to keep these options; pick one and Apply (Ctrl+Shift+R "
                                   "applies the environment's own: the preset saved or applied last)")
        self.preset_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        apply = QPushButton("Apply", self)
        apply.setAccessibleName("Apply the preset")
        apply.clicked.connect(lambda: self.preset_apply_requested.emit(self.preset_box.currentText().strip()))
        save = QPushButton("Save", self)
        save.setAccessibleName("Save the options as a preset")
        save.clicked.connect(lambda: self.preset_save_requested.emit(self.preset_box.currentText().strip()))
        self._source: Asset | None = None
        # What the clip will carry, in one line: the fields themselves are in the Watermark tab.
        self.watermark_summary = QLabel(self)
        self.watermark_summary.setAccessibleName("Watermark summary")
        self.watermark_summary.setToolTip("Set in the Watermark tab, beside Clips")
        self.watermark_summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        # The watermark's fields make a panel of their own, which the window docks as a tab beside the segments:
        # the clip options stay short enough for a 1280x720 screen.
        self.watermark_panel = QWidget()
        self.watermark_panel.setAccessibleName("Watermark")
        marks = QFormLayout(self.watermark_panel)
        marks.addRow("", self.copy_overlays_box)
        marks.addRow("Add", self._row(self.watermark_box, self.watermark_url))
        marks.addRow("Where", self._row(self.position_box, self.opacity_field))
        marks.addRow("Margins", self._row(self.v_margin_field, self.h_margin_field))
        marks.addRow("Size", self._row(self.width_field, self.height_field))
        marks.addRow("", self.preview_box)
        marks.addRow(self.watermark_problem)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Resolution", self.tier_box)
        form.addRow(self.tier_note)
        form.addRow("Watermark", self.watermark_summary)
        form.addRow("Preset", self._row(self.preset_box, apply, save))
        for field in (self.watermark_url, self.opacity_field, self.v_margin_field, self.h_margin_field,
                      self.width_field, self.height_field):
            field.textChanged.connect(self._watermark_edited)
        for box in (self.watermark_box, self.preview_box, self.copy_overlays_box):
            box.toggled.connect(self._watermark_edited)
        self.position_box.currentIndexChanged.connect(self._watermark_edited)
        self._watermark_edited()

    def _field(self, name: str, placeholder: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setAccessibleName(name)
        field.setPlaceholderText(placeholder)
        field.setToolTip(f"{name}: a percentage (\"5%\") or pixels of a 1920x1080 frame (\"40px\")"
                         if "opacity" not in name else f"{name}: from 0% to 100%")
        return field

    def _row(self, *widgets: QWidget) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget, 0 if isinstance(widget, (QCheckBox, QPushButton)) else 1)
        return row

    # ------------------------------------------------------------------ the options
    def watermark(self) -> Watermark | None:
        if not self.watermark_box.isChecked() or not self.watermark_url.text().strip():
            return None
        vertical, horizontal = str(self.position_box.currentData()).split()
        return Watermark(self.watermark_url.text().strip(), vertical, _text(self.v_margin_field), horizontal,
                         _text(self.h_margin_field), _text(self.width_field), _text(self.height_field),
                         _text(self.opacity_field))

    def problem(self) -> str | None:
        """Why the watermark fields cannot make a clip as they stand (Create is refused meanwhile); None if they can.
        A ticked box with no address would otherwise send no watermark without a word."""
        if self.watermark_box.isChecked() and not self.watermark_url.text().strip():
            return EMPTY_ADDRESS
        mark = self.watermark()
        found = problems(mark) if mark is not None else []
        return " ".join(found) or None

    def applied_to(self, options: ClipOptions) -> ClipOptions:
        """``options`` with the tier, the source's watermark and the added one as the fields say."""
        return replace(options, max_resolution_tier=self.tier_box.currentData(),
                       copy_overlays=self.copy_overlays_box.isChecked(), watermark=self.watermark())

    def set_options(self, options: ClipOptions) -> None:
        """Show ``options`` (a preset applied); a tier above the open source falls back to "As the source"."""
        index = self.tier_box.findData(options.max_resolution_tier) if options.max_resolution_tier else 0
        self.tier_box.setCurrentIndex(max(index, 0))
        self.copy_overlays_box.setChecked(options.copy_overlays)
        mark = options.watermark
        self.watermark_box.setChecked(mark is not None)
        if mark is not None:
            self.watermark_url.setText(mark.url)
            self.position_box.setCurrentIndex(
                max(self.position_box.findData(f"{mark.vertical_align or 'top'} {mark.horizontal_align or 'left'}"), 0))
            for field, value in ((self.opacity_field, mark.opacity), (self.v_margin_field, mark.vertical_margin),
                                 (self.h_margin_field, mark.horizontal_margin), (self.width_field, mark.width),
                                 (self.height_field, mark.height)):
                field.setText(value or "")
        self._fit_tier_to_source()

    # ------------------------------------------------------------------ the source
    def show_source(self, asset: Asset | None) -> None:
        """The tiers the source allows: "As the source" says what it means, caps above it are disabled."""
        self._source = asset
        audio = asset is not None and asset.audio_only
        self.tier_box.setEnabled(not audio)  # sound alone has no resolution to cap
        cap = source_cap(asset)
        tier = source_tier(asset)
        # The source's own tier: what the clip will be (a 720p source is sent the lowest cap, 1080p, and stays 720p).
        self.tier_box.setItemText(0, f"{AS_SOURCE} ({tier})" if cap and tier else AS_SOURCE)
        above = tiers_above_source(asset)
        model = self.tier_box.model()
        for index in range(1, self.tier_box.count()):
            item = model.item(index)  # type: ignore[attr-defined]
            item.setEnabled(self.tier_box.itemData(index) not in above)
        if audio:
            self.tier_note.setText("Audio only: no resolution to cap.")
            self.tier_note.setToolTip("The clip is sound alone, like its source.")
        elif above:
            self.tier_note.setText(f"{', '.join(above)} off: above the source ({tier}).")
            self.tier_note.setToolTip("A clip is never larger than its source: a cap above it would change nothing.")
        elif asset is not None and tier is None:
            self.tier_note.setText("Source tier unknown: Mux makes 1080p unless told.")
        else:
            self.tier_note.clear()
        self._fit_tier_to_source()
        self._watermark_edited()

    def source_size(self) -> tuple[int, int] | None:
        """The open source's picture size (the watermark preview's frame), if known."""
        source = self._source
        return (source.width, source.height) if source is not None and source.width and source.height else None

    def _fit_tier_to_source(self) -> None:
        if self.tier_box.currentData() in tiers_above_source(self._source):
            self.tier_box.setCurrentIndex(0)

    def _watermark_edited(self) -> None:
        mark = self.watermark()
        problem = self.problem()
        found = [problem] if problem else []
        self.watermark_problem.setText(problem or "")
        for field in (self.position_box, self.opacity_field, self.v_margin_field, self.h_margin_field,
                      self.width_field, self.height_field, self.preview_box):
            field.setEnabled(self.watermark_box.isChecked())
        self.watermark_summary.setText(self._summary(mark, found))
        self.preview_changed.emit(mark if mark is not None and not found and self.preview_box.isChecked() else None)

    def _summary(self, mark: Watermark | None, found: list[str]) -> str:
        """One short line (the column is narrow); the tooltip says it whole."""
        source = "the source's kept" if self.copy_overlays_box.isChecked() else "the source's left off"
        if found:
            text = "to fix (Watermark tab)"
        elif mark is None:
            text = f"none added ({source})"
        else:
            name = mark.url.rsplit("/", 1)[-1].split("?", 1)[0] or mark.url
            text = f"{name}, {self.position_box.currentText().lower()}, {mark.opacity or '100%'}"
        self.watermark_summary.setToolTip(f"{text}; {source}. Set in the Watermark tab, beside Clips.")
        return text

    # ------------------------------------------------------------------ presets
    def set_preset_names(self, names: list[str], current: str | None = None) -> None:
        text = current if current is not None else self.preset_box.currentText()
        self.preset_box.blockSignals(True)
        self.preset_box.clear()
        self.preset_box.addItems(names)
        self.preset_box.setEditText(text)
        self.preset_box.blockSignals(False)

    def restore(self, settings: QSettings) -> None:
        self.tier_box.setCurrentIndex(max(self.tier_box.findData(settings.value("clip/max_resolution_tier")), 0))
        self.copy_overlays_box.setChecked(bool(settings.value("clip/copy_overlays", True, type=bool)))
        # The watermark is remembered like the other options (a channel's logo goes on every clip).
        self.watermark_url.setText(str(settings.value("clip/watermark_url", "")))
        self.position_box.setCurrentIndex(max(self.position_box.findData(settings.value("clip/watermark_position")), 0))
        for field, key in self._watermark_keys():
            field.setText(str(settings.value(key, "")))
        self.watermark_box.setChecked(bool(settings.value("clip/watermark", False, type=bool)))

    def save(self, settings: QSettings) -> None:
        settings.setValue("clip/max_resolution_tier", self.tier_box.currentData())
        settings.setValue("clip/copy_overlays", self.copy_overlays_box.isChecked())
        settings.setValue("clip/watermark", self.watermark_box.isChecked())
        settings.setValue("clip/watermark_url", self.watermark_url.text().strip())
        settings.setValue("clip/watermark_position", self.position_box.currentData())
        for field, key in self._watermark_keys():
            settings.setValue(key, field.text().strip())

    def _watermark_keys(self) -> tuple[tuple[QLineEdit, str], ...]:
        return ((self.opacity_field, "clip/watermark_opacity"), (self.v_margin_field, "clip/watermark_v_margin"),
                (self.h_margin_field, "clip/watermark_h_margin"), (self.width_field, "clip/watermark_width"),
                (self.height_field, "clip/watermark_height"))
