"""What an installed (frozen) build needs from the app, checked without building one (seconds, not minutes):
the emulator without stdout/stderr, ffmpeg without the bundle's library path, ``--version`` without a window, the
app's identity, the licence texts, and the installer scripts that compile here (NSIS, the CI workflow)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from muxclipper import __version__
from muxclipper.emulator.media import ffmpeg
from muxclipper.qt.identity import APP_ID, ICON_DIR, apply_identity, icon_files

ROOT = Path(__file__).resolve().parents[2]


def test_the_emulator_serves_when_the_app_has_no_stdout_or_stderr(tmp_path: Path) -> None:
    # A windowed Windows app (the frozen build, pythonw) has sys.stdout and sys.stderr set to None: uvicorn's
    # default logging config then failed ("Unable to configure formatter 'default'") and the demo never started.
    result = tmp_path / "result.txt"
    code = textwrap.dedent(f"""
        import sys, urllib.request
        sys.stdout = sys.stderr = None
        from muxclipper.emulator import EmulatorServer
        try:
            with EmulatorServer() as server:
                status = urllib.request.urlopen(server.url + "/_emulator/health", timeout=10).status
            outcome = f"served {{status}}"
        except BaseException as exc:
            outcome = f"failed: {{exc!r}}"
        open({str(result)!r}, "w").write(outcome)
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30, cwd=ROOT)
    assert result.read_text() == "served 200"


def _recording_ffmpeg(tmp_path: Path) -> tuple[Path, Path]:
    """An ffmpeg that writes down the library path it was started with, then runs the real one."""
    log = tmp_path / "ffmpeg-env.log"
    wrapper = tmp_path / "ffmpeg"
    wrapper.write_text(f'#!/bin/sh\necho "LD_LIBRARY_PATH=${{LD_LIBRARY_PATH-unset}} '
                       f'ORIG=${{LD_LIBRARY_PATH_ORIG-unset}}" >> "{log}"\nexec "{ffmpeg.ffmpeg_exe()}" "$@"\n')
    wrapper.chmod(0o755)
    return wrapper, log


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="LD_LIBRARY_PATH is the Linux bootloader's")
@pytest.mark.parametrize(("users", "expected"), [("/usr/local/lib", "/usr/local/lib"), (None, "unset")])
def test_ffmpeg_runs_without_the_frozen_bundles_library_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, users: str | None, expected: str) -> None:
    # In an installed app the bootloader puts the bundle first in LD_LIBRARY_PATH (the user's value, if any, in
    # LD_LIBRARY_PATH_ORIG): a system ffmpeg inheriting it loads the bundle's libav and OpenSSL, not its own.
    bundle = tmp_path / "opt" / "muxclipper" / "_internal"
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setenv("LD_LIBRARY_PATH", os.pathsep.join([str(bundle), *([users] if users else [])]))
    if users:
        monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", users)
    else:
        monkeypatch.delenv("LD_LIBRARY_PATH_ORIG", raising=False)
    wrapper, log = _recording_ffmpeg(tmp_path)
    monkeypatch.setattr(ffmpeg, "ffmpeg_exe", lambda: str(wrapper))

    out = tmp_path / "one.mp4"
    ffmpeg.run(["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=10:duration=0.2", "-pix_fmt", "yuv420p", str(out)])
    ffmpeg.run(["-i", str(out), "-f", "null", "-"], progress=lambda _: None)
    assert ffmpeg.probe(out).width == 64

    seen = log.read_text().splitlines()
    assert seen == [f"LD_LIBRARY_PATH={expected} ORIG=unset"] * 3


def test_version_names_muxclipper_qt_and_ffmpeg_without_opening_a_window() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "muxclipper", "--version"], capture_output=True, text=True,
                          timeout=30, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"muxclipper {__version__}"
    assert re.fullmatch(r"Qt 6\.\d+\.\d+ \(PySide6 6\.\d+\.\d+\)", lines[1])
    assert re.match(r"Qt Multimedia FFmpeg \(LGPL\): libavformat \d+", lines[2])
    assert re.match(r"ffmpeg \S+: /", lines[3]), lines[3]  # the program the demo runs, and where it is
    assert "no display" not in done.stderr


def test_the_application_has_its_icon_and_desktop_id(qapp: object) -> None:
    from PySide6.QtWidgets import QApplication

    assert isinstance(qapp, QApplication)
    apply_identity(qapp)
    assert qapp.desktopFileName() == APP_ID
    sizes = {size.width() for size in qapp.windowIcon().availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    assert not qapp.windowIcon().pixmap(32, 32).toImage().isNull()
    assert [path.parent for path in icon_files()] == [ICON_DIR] * len(sizes)


def test_every_icon_file_and_desktop_file_names_the_same_application() -> None:
    from PySide6.QtGui import QImage

    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        image = QImage(str(ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
        assert (image.width(), image.height()) == (size, size)
    assert (ROOT / "resources" / "muxclipper.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (ROOT / "resources" / "muxclipper.icns").read_bytes()[:4] == b"icns"
    desktop = (ROOT / "packaging" / "linux" / f"{APP_ID}.desktop").read_text()
    assert f"\nIcon={APP_ID}\n" in desktop
    metainfo = ET.parse(ROOT / "packaging" / "linux" / f"{APP_ID}.metainfo.xml").getroot()
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.find("launchable").text == f"{APP_ID}.desktop"  # type: ignore[union-attr]
    # A release bumps __version__: the software centre must show the same one.
    assert metainfo.find("releases/release").get("version") == __version__  # type: ignore[union-attr]


def test_the_licence_texts_cover_what_the_app_runs_on_and_nothing_only_tests_use(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from licenses import collect  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    out = collect(tmp_path / "plain", with_ffmpeg=False)
    listed = (out / "THIRD-PARTY.txt").read_text()
    for name in ("PySide6_Essentials", "PySide6_Addons", "shiboken6", "httpx", "uvicorn", "starlette", "keyring",
                 "imageio-ffmpeg", "cryptography", "qasync", "platformdirs"):
        assert re.search(rf"^{name} \S+: ", listed, re.MULTILINE | re.IGNORECASE), name
    for name in ("pytest", "hypothesis", "pyinstaller"):
        assert not re.search(rf"^{name} ", listed, re.MULTILINE | re.IGNORECASE), name
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (out / "LGPL-3.0.txt").read_text()
    assert "GNU GENERAL PUBLIC LICENSE" in (out / "GPL-3.0.txt").read_text()
    assert "MIT License" in (out / "muxclipper-LICENSE.txt").read_text()
    assert not (out / "ffmpeg-NOTICE.txt").exists()
    with_ffmpeg = collect(tmp_path / "ffmpeg", with_ffmpeg=True)
    assert "GPL-3.0" in (with_ffmpeg / "ffmpeg-NOTICE.txt").read_text()


def test_the_windows_installer_script_compiles(tmp_path: Path) -> None:
    # A stand-in for PyInstaller's Windows output: the windowed program, its console twin, the bundle folder.
    bundle = tmp_path / "muxclipper"
    (bundle / "_internal" / "licenses").mkdir(parents=True)
    for name in ("muxclipper.exe", "muxclipper-cli.exe", "_internal/licenses/THIRD-PARTY.txt"):
        (bundle / name).write_bytes(b"stand-in")
    installer = tmp_path / f"muxclipper-{__version__}-windows-x64-setup.exe"
    listed = subprocess.run([sys.executable, str(ROOT / "packaging" / "windows" / "manifest.py"), str(bundle),
                             str(tmp_path / "manifest")], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    done = subprocess.run(
        ["makensis", "-V2", "-WX", f"-DVERSION={__version__}", f"-DBUNDLE={bundle}", f"-DOUTFILE={installer}",
         f"-DMANIFEST_DIR={tmp_path / 'manifest'}", str(ROOT / "packaging" / "windows" / "muxclipper.nsi")],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    # A 64-bit Windows program (Target amd64-unicode): the PE header's machine is x86-64.
    data = installer.read_bytes()
    pe = int.from_bytes(data[0x3C:0x40], "little")
    assert data[:2] == b"MZ" and data[pe:pe + 6] == b"PE\0\0\x64\x86"


def test_the_release_workflow_is_a_valid_github_actions_workflow() -> None:
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(ROOT / ".github" / "workflows" / "release.yml")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_macos_minimum_is_the_same_everywhere() -> None:
    # PySide6 6.11's wheels are macosx_13_0: the app's Info.plist, the README and the workflow's check say 13.
    spec = (ROOT / "packaging" / "muxclipper.spec").read_text()
    assert '"LSMinimumSystemVersion": "13.0"' in spec
    assert "**macOS 13+ on Apple Silicon**" in (ROOT / "README.md").read_text()
    assert "'Print :LSMinimumSystemVersion'" in (ROOT / ".github" / "workflows" / "release.yml").read_text()
    commands = [line for line in (ROOT / "packaging" / "macos" / "build-dmg.sh").read_text().splitlines()
                if not line.lstrip().startswith("#")]
    assert not [line for line in commands if "--deep" in line]  # signed inside out instead
