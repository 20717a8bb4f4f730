"""Make every icon file from ``resources/muxclipper.svg``: run it after changing the SVG, and commit what it writes.

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/make_icons.py

Writes ``resources/icons/hicolor/NxN/apps/<app id>.png`` (the sizes Linux desktops look up, installed as they are
by the .deb), ``resources/muxclipper.ico`` (Windows: the .exe and the installer), ``resources/muxclipper.icns``
(macOS: the .app), and the copies the running app loads for its window icon, ``muxclipper/resources/icons/``
(package data, so a venv install and the frozen bundle find them alike: muxclipper/qt/identity.py).
The SVG is rendered by Qt's own SVG renderer (PySide6, already installed); the .ico and .icns are packed by Pillow
(``pip install pillow``; only this script needs it).
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from muxclipper.qt.identity import APP_ID  # noqa: E402

SOURCE = ROOT / "resources" / "muxclipper.svg"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
PACKAGE = ROOT / "muxclipper" / "resources" / "icons"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
WINDOW_SIZES = (16, 24, 32, 48, 64, 128, 256)  # what the window icon needs; the larger ones stay out of the wheel
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(size: int) -> bytes:
    """The SVG as a PNG of size × size pixels."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE} is not an SVG Qt can render (SVG Tiny 1.2: no filters, no CSS)")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> None:
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - Qt's painting needs one
    rendered = {size: render(size) for size in sorted({*SIZES, *ICO_SIZES, *ICNS_SIZES})}
    shutil.rmtree(HICOLOR, ignore_errors=True)
    shutil.rmtree(PACKAGE, ignore_errors=True)
    PACKAGE.mkdir(parents=True)
    for size in SIZES:
        folder = HICOLOR / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        (folder / f"{APP_ID}.png").write_bytes(rendered[size])
    scalable = HICOLOR / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copyfile(SOURCE, scalable / f"{APP_ID}.svg")
    for size in WINDOW_SIZES:
        (PACKAGE / f"muxclipper-{size}.png").write_bytes(rendered[size])
    images = {size: Image.open(io.BytesIO(rendered[size])).convert("RGBA") for size in rendered}
    largest = images[max(ICO_SIZES)]
    largest.save(ROOT / "resources" / "muxclipper.ico", format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    images[max(ICNS_SIZES)].save(ROOT / "resources" / "muxclipper.icns", format="ICNS",
                                 append_images=[images[s] for s in ICNS_SIZES if s != max(ICNS_SIZES)])
    print(f"icons written under {ROOT / 'resources'} and {PACKAGE}")


if __name__ == "__main__":
    main()
