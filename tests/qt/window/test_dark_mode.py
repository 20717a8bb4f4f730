"""A dark desktop gives a dark window: what muxclipper paints itself follows the palette the platform
theme hands Qt, and its few fixed colours stay readable on it."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from muxclipper.core.models import Asset, AssetStatus
from muxclipper.qt.editor.timeline import TimelineWidget
from muxclipper.qt.sources.sources_model import SourcesModel


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[QPalette]:
    """What a dark platform theme gives Qt (the offscreen platform has no theme to ask)."""
    before = qapp.palette()
    palette = QPalette(QColor("#2b2b2b"))  # Qt derives the other roles from the window colour
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e0e0e0"))
    qapp.setPalette(palette)
    yield palette
    qapp.setPalette(before)


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def _contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_timeline_paints_with_the_dark_palette(dark: QPalette) -> None:
    timeline = TimelineWidget()
    timeline.resize(800, 90)
    timeline.set_source(60_000, Fraction(25))
    image = timeline.grab().toImage()
    background = image.pixelColor(400, image.height() - 3)
    assert background.lightness() < 60, background.name()
    ruler_text = [image.pixelColor(x, y) for x in range(0, 800, 2) for y in range(0, 20)]
    assert max(c.lightness() for c in ruler_text) > 180  # light labels on the dark ruler


def _foregrounds() -> list[QColor]:
    model = SourcesModel()
    model.reset([Asset("live", AssetStatus.READY, 0, is_live=True), Asset("bad", AssetStatus.ERRORED, 0)], None)
    return [model.index(row).data(Qt.ItemDataRole.ForegroundRole) for row in range(2)]


def test_fixed_colours_stay_readable_on_a_dark_base(dark: QPalette) -> None:
    base = dark.color(QPalette.ColorRole.Base)
    for foreground in _foregrounds():
        assert _contrast(foreground, base) >= 4.5, foreground.name()  # WCAG AA for text


def test_and_on_a_light_one(qapp: QApplication) -> None:
    base = qapp.palette().color(QPalette.ColorRole.Base)
    assert base.lightness() > 200
    for foreground in _foregrounds():
        assert _contrast(foreground, base) >= 4.5, foreground.name()
