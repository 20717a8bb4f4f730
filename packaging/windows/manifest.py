"""The list of what the Windows installer installs, made from the bundle before ``makensis`` runs:

    python packaging/windows/manifest.py BUNDLE OUTDIR

writes ``OUTDIR/muxclipper.files`` (every file of the bundle, then its folders deepest first, paths relative to the
install folder with backslashes, a folder ending in ``\\``) and ``OUTDIR/manifest.nsh`` (``BUNDLE_SIZE_KB`` for the
uninstall entry's ``EstimatedSize``). The installer copies the list into the install folder; an upgrade and the
uninstaller remove exactly what it names, so that a folder the user chose that holds other things keeps them, and a
file an older version had and a newer one has not does not linger.
"""

from __future__ import annotations

import sys
from pathlib import Path, PureWindowsPath

#: Installed by the script itself, besides the bundle (muxclipper.nsi), when the user asks for muxclipper-cli on the
#: PATH. (The uninstaller and this list are removed by name, last.)
EXTRA_FILES = ("bin\\muxclipper-cli.cmd",)
EXTRA_FOLDERS = ("bin\\",)


def manifest(bundle: Path) -> tuple[list[str], int]:
    files = sorted(p for p in bundle.rglob("*") if p.is_file())
    folders = sorted((p for p in bundle.rglob("*") if p.is_dir()), key=lambda p: (-len(p.parts), str(p)))
    lines = [str(PureWindowsPath(*p.relative_to(bundle).parts)) for p in files]
    lines += [str(PureWindowsPath(*p.relative_to(bundle).parts)) + "\\" for p in folders]
    size = sum(p.stat().st_size for p in files)
    return lines, (size + 1023) // 1024


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python packaging/windows/manifest.py BUNDLE OUTDIR", file=sys.stderr)
        return 2
    bundle, out = Path(argv[0]), Path(argv[1])
    if not (bundle / "muxclipper.exe").is_file():
        print(f"{bundle} is not a muxclipper bundle (no muxclipper.exe)", file=sys.stderr)
        return 2
    lines, size_kb = manifest(bundle)
    bad = [line for line in lines if "\r" in line or "\n" in line or line.startswith("..")]
    if bad:
        print(f"file names the installer cannot list: {bad[:3]}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    # UTF-16 LE with a BOM: what a Unicode NSIS installer's FileReadUTF16LE reads, whatever the names hold.
    (out / "muxclipper.files").write_bytes("\ufeff".encode("utf-16-le")
                                          + "".join(f"{line}\r\n" for line in [*lines, *EXTRA_FILES, *EXTRA_FOLDERS])
                                          .encode("utf-16-le"))
    (out / "manifest.nsh").write_text(f'!define BUNDLE_SIZE_KB {size_kb}\n', encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
