"""What the self-contained ``.tar.gz`` bundle leaves to the system, applied after PyInstaller (build-linux.sh):

    python packaging/prune_bundle.py BUNDLE

- **The libraries every desktop has and a copy would break**, after AppImage's exclude list (the graphics driver's
  GL/EGL/DRM, glibc, the C++ runtime, fontconfig and FreeType (a bundled fontconfig cannot read a newer system's
  configuration), X11/xcb, ALSA/JACK/PipeWire, zlib, expat…). The app's start-up check names the package of any
  that is missing (muxclipper/launch/system_check.py).
- **The PulseAudio client library** (and the sound codecs only it links): every desktop with sound has it
  (libpulse0), and it speaks the system's sound server's protocol.
- **Qt's GTK 3 platform theme** and the libraries only it needs (GTK, GDK, ATK, Cairo, Pango…, 16 MB of the
  build machine's GNOME stack): copied, they would run an old GTK against the user's own themes; without the plugin
  Qt draws its own widgets, as on any desktop without GTK. (The ``.deb`` keeps it: there GTK is the system's.)

Libraries are followed by their ``DT_NEEDED`` entries (``readelf -d``): only a library nothing else left in the bundle
needs goes, so Python's extension modules and what Qt's plugins load stay.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

#: AppImage's exclude list (https://github.com/AppImageCommunity/pkg2appimage/blob/master/excludelist), the entries
#: found in a muxclipper bundle: they must come from the system.
SYSTEM_ONLY = re.compile(r"^(ld-linux.*|lib(c|dl|m|mvec|pthread|rt|resolv|util|anl|BrokenLocale|thread_db|nsl)\.so\..*"
                         r"|libnss_.*|libstdc\+\+\.so\..*|libgcc_s\.so\..*|libGL(X|dispatch)?\.so\..*|libEGL\.so\..*"
                         r"|libOpenGL\.so\..*|libglapi\.so\..*|libdrm\.so\..*|libgbm\.so\..*|libxcb(-dri[23])?\.so\..*"
                         r"|libX11(-xcb)?\.so\..*|libasound\.so\..*|libjack\.so\..*|libpipewire-0\.3\.so\..*"
                         r"|libfontconfig\.so\..*|libfreetype\.so\..*|libharfbuzz\.so\..*|libfribidi\.so\..*"
                         r"|libthai\.so\..*|libz\.so\..*|libexpat\.so\..*|libcom_err\.so\..*|libgpg-error\.so\..*"
                         r"|libICE\.so\..*|libSM\.so\..*|libusb-1\.0\.so\..*|libuuid\.so\..*|libp11-kit\.so\..*"
                         r"|libgmp\.so\..*"
                         # The sound server's client library (and the codecs it links): a desktop with sound has it.
                         r"|libpulse(-simple)?\.so\..*|libpulsecommon-.*\.so)$")
GTK_THEME = "PySide6/Qt/plugins/platformthemes/libqgtk3.so"


def _elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def _needed(path: Path) -> list[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=False).stdout
    return re.findall(r"\(NEEDED\)[^\[]*\[([^\]]+)\]", out)


def prune(bundle: Path) -> list[str]:
    """Remove what the system must provide, and the GTK theme with what only it needs; answer what was removed."""
    internal = bundle / "_internal"
    removed = []
    theme = internal / GTK_THEME
    elves = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and _elf(p)]
    top = {p.name: p for p in internal.iterdir() if p.is_file() and not p.is_symlink() and ".so" in p.name}
    needs = {p: _needed(p) for p in elves}

    def reachable(skip: set[Path]) -> set[str]:
        seen: set[str] = set()
        stack = [n for p, names in needs.items() if p not in skip and p.parent != internal for n in names]
        while stack:
            name = stack.pop()
            if name in seen or name not in top or top[name] in skip:
                continue
            seen.add(name)
            stack += needs.get(top[name], [])
        return seen

    # What goes, and then what only those needed (followed through DT_NEEDED; nothing else is touched).
    gone = {top[n] for n in top if SYSTEM_ONLY.match(n)} | ({theme} if theme.exists() else set())
    for name in sorted(reachable(set()) - reachable(gone)):
        gone.add(top[name])
    for path in sorted(gone):
        path.unlink()
        removed.append(str(path.relative_to(internal)))
    # Links left pointing at nothing (PyInstaller links top-level names to Qt's own libraries, some left out).
    for path in bundle.rglob("*"):
        if path.is_symlink() and not path.exists():
            path.unlink()
            removed.append(str(path.relative_to(bundle)))
    return removed


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not (Path(argv[0]) / "_internal").is_dir():
        print("usage: python packaging/prune_bundle.py BUNDLE", file=sys.stderr)
        return 2
    for name in prune(Path(argv[0])):
        print(f"prune_bundle: left out {name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("LC_ALL", "C")  # readelf's words, whatever the build machine's language
    sys.exit(main(sys.argv[1:]))
