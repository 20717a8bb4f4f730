"""What the window needs from the system and may not find there, said in words with the package to install.

The installers carry Python, Qt and (except the ``.deb``) ffmpeg, but a few parts always come from the system, as
AppImage's exclude list has it: the GL and EGL libraries (they belong to the graphics driver), the fonts
(fontconfig's), and on Linux the X/xcb libraries the window's platform plugin links. On a minimal system each of them
stopped the app with a traceback (``ImportError: libGL.so.1``) or an abort; here each is a sentence naming the
package, and :data:`EXIT_MISSING` (README: exit codes).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

#: The exit code when a part of the system is missing (README's table).
EXIT_MISSING = 8

#: Libraries the frozen app and PySide6 take from the system: Debian/Ubuntu package, Fedora package.
PACKAGES: dict[str, tuple[str, str]] = {
    "libGL.so.1": ("libgl1", "mesa-libGL"),
    "libEGL.so.1": ("libegl1", "mesa-libEGL"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libpulse.so.0": ("libpulse0", "pulseaudio-libs"),
}
FONT_PACKAGES = ("fonts-dejavu-core", "dejavu-sans-fonts")
_MISSING = re.compile(r"(lib[\w.+-]+?\.so(?:\.\d+)*)\s*: cannot open shared object file")


def missing_library(error: str) -> str | None:
    """The library a loader error (``ImportError``, ``OSError``) names as not found, if it names one."""
    match = _MISSING.search(error)
    return match.group(1) if match else None


#: What Qt's libraries take from the system in every build (the .tar.gz too: packaging/prune_bundle.py): probed all
#: at once when Qt fails to load, so that one message names every package, not one per attempt.
CORE_LIBRARIES = ("libGL.so.1", "libEGL.so.1", "libfontconfig.so.1", "libfreetype.so.6", "libX11.so.6",
                  "libpulse.so.0", "libglib-2.0.so.0")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".pfb", ".pcf", ".pcf.gz", ".otb")


def loadable(library: str) -> bool:
    import ctypes

    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def font_files_present() -> bool:
    """Whether any font file is in the usual folders (Linux): a quick look before Qt is even loaded."""
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir() and any(p.name.endswith(FONT_SUFFIXES) for p in root.rglob("*")):
            return True
    return False


def missing_advice(libraries: list[str], fonts: bool) -> str:
    """One sentence naming every missing library (and the fonts) with one install line per family of systems."""
    known = [lib for lib in libraries if lib in PACKAGES]
    unknown = [lib for lib in libraries if lib not in PACKAGES]
    debian = [PACKAGES[lib][0] for lib in known] + ([FONT_PACKAGES[0]] if fonts else [])
    fedora = [PACKAGES[lib][1] for lib in known] + ([FONT_PACKAGES[1]] if fonts else [])
    what = [f"the system libraries {', '.join(libraries)}" if len(libraries) > 1 else
            f"the system library {libraries[0]}"] if libraries else []
    what += ["any font"] if fonts else []
    advice = f"muxclipper cannot start: this system lacks {' and '.join(what)}."
    if debian:
        advice += (f" Install: sudo apt install {' '.join(dict.fromkeys(debian))} (Debian, Ubuntu) or "
                   f"sudo dnf install {' '.join(dict.fromkeys(fedora))} (Fedora).")
    if unknown:
        advice += f" Find the package of {', '.join(unknown)} with: apt-file search {unknown[0]}."
    return advice


def library_advice(library: str) -> str:
    """What to install for ``library``, in words."""
    debian, fedora = PACKAGES.get(library, (None, None))
    if debian is None:
        return (f"muxclipper cannot start: the system library {library} is missing. Install the package that "
                f"provides it (Debian, Ubuntu: apt-file search {library}).")
    return (f"muxclipper cannot start: the system library {library} is missing. Install it: "
            f"sudo apt install {debian} (Debian, Ubuntu) or sudo dnf install {fedora} (Fedora).")


def import_advice(error: BaseException) -> str:
    """The sentence for a failed import of Qt: every missing system library (the one the error names and the others
    Qt needs, probed), and the fonts if there are none; else the import error itself."""
    library = None
    seen: BaseException | None = error
    while seen is not None and library is None:  # a binding's import error may wrap the loader's
        library = missing_library(str(seen))
        seen = seen.__cause__ or seen.__context__
    if library is None:
        return f"muxclipper cannot start: Qt could not be loaded ({error}). Reinstall muxclipper."
    missing = [library, *(lib for lib in CORE_LIBRARIES if lib != library and not loadable(lib))]
    return missing_advice(missing, fonts=sys.platform.startswith("linux") and not font_files_present())


#: The generic names Qt lists even when fontconfig found no font at all.
GENERIC_FAMILIES = frozenset({"monospace", "sans serif", "serif", "sans", "mono", "sans-serif", "system-ui",
                              "cursive", "fantasy", "emoji", "math"})


def no_fonts(families: list[str]) -> bool:
    """Whether the system has no font (on Linux, fontconfig's): Qt then lists only generic names, and measuring text
    crashed it (seen: a segmentation fault in QFontMetrics with an empty fontconfig)."""
    return sys.platform.startswith("linux") and not [f for f in families if f.lower() not in GENERIC_FAMILIES]


def font_advice() -> str:
    return ("muxclipper cannot start: the system has no fonts, so the window would show no text. Install one: "
            f"sudo apt install {FONT_PACKAGES[0]} (Debian, Ubuntu) or sudo dnf install {FONT_PACKAGES[1]} (Fedora).")


def platform_plugin_problem(platform: str | None) -> str | None:
    """On Linux with the window on X (xcb), the advice when the xcb platform plugin cannot be loaded for a missing
    library (Qt itself would abort, with a hint about plugins that does not name the package), else None."""
    if not sys.platform.startswith("linux"):
        return None
    chosen = platform or ("xcb" if os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") else None)
    if chosen != "xcb":
        return None
    import ctypes

    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None  # a layout we do not know: Qt says what it says
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        library = missing_library(str(exc))
        if library is not None:
            return library_advice(library)
    return None
