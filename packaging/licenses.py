"""The licence texts an installer of muxclipper carries, gathered from the installed packages' own metadata.

    python packaging/licenses.py OUT_DIR [--with-ffmpeg]

Writes OUT_DIR/THIRD-PARTY.txt (every Python distribution the app runs on: name, version, licence, where its
texts are) and OUT_DIR/<distribution>/<licence files> copied from its ``.dist-info``; muxclipper's own
``LICENSE`` (MIT); Python's licence; Qt's (PySide6 and the Qt libraries in its wheels, LGPLv3, whose text
is to be read with the GPLv3 it supplements); and, with ``--with-ffmpeg``, the notice for the static ffmpeg
program (GPLv3: it is built with libx264). The distributions are muxclipper's runtime requirements, followed
through their own requirements (markers evaluated for this platform, extras named by a requirement followed),
so a package that only the tests use is never listed. packaging/muxclipper.spec calls :func:`collect` so that
every bundle (Linux, Windows, macOS) carries the result in ``licenses/``.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import re
import shutil
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "resources" / "licenses"
LICENCE_NAMES = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)

QT_NOTICE = """\
Qt 6 and PySide6 (Qt for Python) — https://www.qt.io, https://wiki.qt.io/Qt_for_Python
Licensed under the GNU Lesser General Public License version 3 (LGPL-3.0-only; see LGPL-3.0.txt, which
supplements GPL-3.0.txt). The Qt libraries in this bundle are unmodified copies from the PySide6-Essentials
and PySide6-Addons wheels of the version listed in THIRD-PARTY.txt; they are separate shared libraries
(Qt*/lib*, PySide6/Qt/lib) that you may replace with your own build of the same Qt version.
The sources are at https://download.qt.io/official_releases/ and https://code.qt.io.
Qt Multimedia plays video through FFmpeg libraries (libavformat, libavcodec, libavutil, libswscale,
libswresample) shipped inside the PySide6-Addons wheel: they are built by the Qt Company under the LGPL
(LGPL-2.1-or-later); their sources are at https://ffmpeg.org and https://code.qt.io.
"""

FFMPEG_NOTICE = """\
The ffmpeg program (imageio_ffmpeg/binaries/ffmpeg-*) — https://ffmpeg.org
The demo and the local emulator make their videos with this program. It is a static build of FFmpeg that
includes libx264 and is therefore licensed under the GNU General Public License version 3 (GPL-3.0-or-later;
see GPL-3.0.txt). It comes unmodified from the imageio-ffmpeg wheel listed in THIRD-PARTY.txt (builds by
https://github.com/imageio/imageio-binaries); `ffmpeg -version` prints its exact version and configuration.
Its complete corresponding source is that FFmpeg release's source at https://ffmpeg.org/releases/ together with
the libraries its configuration names; on request to the muxclipper developers we provide a copy of it for three
years from the day you received this bundle. muxclipper runs it as a separate program and is not a work based
on it; you may replace it with any ffmpeg (or remove it and install your system's ffmpeg).
"""


def requirement_closure(root: str = "muxclipper") -> list[metadata.Distribution]:
    """The installed distributions ``root`` needs at run time, ``root`` first."""
    seen: dict[str, metadata.Distribution] = {}
    pending: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while pending:
        name, extras = pending.pop()
        key = canonicalize_name(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional requirement not installed here: not in the bundle either
        fresh = key not in seen
        seen.setdefault(key, dist)
        for line in dist.requires or []:
            requirement = Requirement(line)
            wanted = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker is not None and not any(requirement.marker.evaluate(env) for env in wanted):
                continue
            if fresh or requirement.marker is not None:
                pending.append((requirement.name, frozenset(requirement.extras)))
    return list(seen.values())


def licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    if text and len(text) < 100 and "\n" not in text:
        return text
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return ", ".join(classifiers) or "see the files beside this list"


def licence_files(dist: metadata.Distribution) -> list[Path]:
    found = []
    for file in dist.files or []:
        parts = Path(str(file)).parts
        if parts and parts[0].endswith(".dist-info") and LICENCE_NAMES.search(Path(str(file)).name):
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                found.append(path)
    return found


def collect(out: Path, with_ffmpeg: bool) -> Path:
    """Write the licence texts into ``out`` (emptied first); returns ``out``."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copyfile(ROOT / "LICENSE", out / "muxclipper-LICENSE.txt")
    for text in ("GPL-3.0.txt", "LGPL-3.0.txt"):
        shutil.copyfile(TEXTS / text, out / text)
    (out / "Qt-PySide6-NOTICE.txt").write_text(QT_NOTICE, encoding="utf-8")
    if with_ffmpeg:
        (out / "ffmpeg-NOTICE.txt").write_text(FFMPEG_NOTICE, encoding="utf-8")
    python_licence = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" \
        / "LICENSE.txt"
    if not python_licence.is_file():  # Windows and framework builds keep it elsewhere
        python_licence = Path(sys.base_prefix) / "LICENSE.txt"
    lines = ["Third-party software in this muxclipper bundle", "",
             f"Python {sys.version.split()[0]}: PSF-2.0 (Python-LICENSE.txt)"]
    if python_licence.is_file():
        shutil.copyfile(python_licence, out / "Python-LICENSE.txt")
    for dist in requirement_closure():
        name = dist.metadata["Name"]
        if canonicalize_name(name) == "muxclipper":
            continue
        files = licence_files(dist)
        folder = out / f"{canonicalize_name(name)}-{dist.version}"
        for path in files:
            folder.mkdir(exist_ok=True)
            shutil.copyfile(path, folder / path.name)
        where = f"{folder.name}/" if files else (
            "Qt-PySide6-NOTICE.txt, LGPL-3.0.txt" if canonicalize_name(name).startswith(("pyside6", "shiboken6"))
            else "no licence file in the package")
        lines.append(f"{name} {dist.version}: {licence_of(dist)} ({where})")
    if with_ffmpeg:
        lines.append("ffmpeg (static program from imageio-ffmpeg): GPL-3.0-or-later (ffmpeg-NOTICE.txt)")
    (out / "THIRD-PARTY.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--with-ffmpeg", action="store_true")
    args = parser.parse_args()
    print(collect(args.out, args.with_ffmpeg))


if __name__ == "__main__":
    main()
