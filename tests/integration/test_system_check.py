"""A part of the system the window needs is missing (a GL library, the fonts, ffmpeg for the demo): the program says
which package to install, shows no traceback, and exits 8 (README: exit codes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from muxclipper.launch import system_check

LIBGL = "libGL.so.1: cannot open shared object file: No such file or directory"


def _run(tmp_path: Path, *args: str, prelude: str = "", env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MUX_TOKEN_ID": "id", "MUX_TOKEN_SECRET": "secret",
            "MUXCLIPPER_DATA_DIR": str(tmp_path / "data"), "MUXCLIPPER_CONFIG_DIR": str(tmp_path / "config"),
            "MUXCLIPPER_LOG_DIR": str(tmp_path / "log"), **(env or {})}
    code = f"{prelude}\nimport sys\nfrom muxclipper.__main__ import main\nsys.exit(main({list(args)!r}))"
    return subprocess.run([sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=60,
                          check=False)


@pytest.mark.parametrize(("error", "says"), [
    (LIBGL, "sudo apt install libgl1 (Debian, Ubuntu) or sudo dnf install mesa-libGL (Fedora)"),
    ("libEGL.so.1: cannot open shared object file: No such file or directory", "sudo apt install libegl1"),
    ("libxcb-cursor.so.0: cannot open shared object file: No such file or directory", "libxcb-cursor0"),
    ("libfoo.so.3: cannot open shared object file: No such file or directory", "apt-file search libfoo.so.3"),
])
def test_a_missing_library_is_named_with_its_package(error: str, says: str) -> None:
    assert says in system_check.import_advice(ImportError(error))


def test_every_missing_part_is_named_in_one_message() -> None:
    # As on a minimal Debian 12 (issue 25): one message, one line to copy, not one library per attempt.
    advice = system_check.missing_advice(["libGL.so.1", "libEGL.so.1", "libfontconfig.so.1"], fonts=True)
    assert "lacks the system libraries libGL.so.1, libEGL.so.1, libfontconfig.so.1 and any font" in advice
    assert "sudo apt install libgl1 libegl1 libfontconfig1 fonts-dejavu-core (Debian, Ubuntu)" in advice
    assert "sudo dnf install mesa-libGL mesa-libEGL fontconfig dejavu-sans-fonts (Fedora)" in advice


@pytest.mark.parametrize(("module", "library", "package"), [
    ("PySide6.QtWidgets", "libGL.so.1", "libgl1"),
    # Qt Multimedia is loaded with the editor, after the window's first frame (seen on a minimal Debian 12: a
    # traceback for libpulse.so.0 once GL and the fonts were there).
    ("PySide6.QtMultimedia", "libpulse.so.0", "libpulse0"),
])
def test_qt_that_cannot_load_says_what_to_install_without_a_traceback(tmp_path: Path, module: str, library: str,
                                                                     package: str) -> None:
    # The loader's own words, as PySide6 raised them on a minimal Debian 12 (issue 25).
    error = f"{library}: cannot open shared object file: No such file or directory"
    prelude = f"""
import importlib.abc, sys
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.startswith({module!r}):
            raise ImportError({error!r})
sys.meta_path.insert(0, Missing())
"""
    done = _run(tmp_path, "--smoke-test", "--api-base-url", "http://127.0.0.1:9", prelude=prelude)
    assert done.returncode == system_check.EXIT_MISSING == 8, done.stderr
    assert f"lacks the system library {library}" in done.stderr and f"sudo apt install {package}" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_fonts_is_said_before_a_window_without_text(tmp_path: Path) -> None:
    empty = tmp_path / "fonts.conf"
    empty.write_text("<?xml version='1.0'?>\n<fontconfig><cachedir>" + str(tmp_path / "fc-cache")
                     + "</cachedir></fontconfig>\n")
    (tmp_path / "no-fonts").mkdir()
    done = _run(tmp_path, "--smoke-test", "--api-base-url", "http://127.0.0.1:9",
                env={"FONTCONFIG_FILE": str(empty), "QT_QPA_FONTDIR": str(tmp_path / "no-fonts")})
    assert done.returncode == 8, done.stderr
    assert "the system has no fonts" in done.stderr and "sudo apt install fonts-dejavu-core" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_demo_without_ffmpeg_says_where_to_get_it(tmp_path: Path) -> None:
    prelude = """
import imageio_ffmpeg
def none():
    raise RuntimeError("No ffmpeg exe could be found.")
imageio_ffmpeg.get_ffmpeg_exe = none
"""
    done = _run(tmp_path, "--smoke-test", "--demo", prelude=prelude)
    assert done.returncode == 8, done.stderr
    assert "sudo apt install ffmpeg" in done.stderr and "Traceback" not in done.stderr
