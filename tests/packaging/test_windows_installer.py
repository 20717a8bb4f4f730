"""The Windows installer's logic, run for real under wine64 (Debian's) with a stand-in application tree: no Windows
Python can be frozen here, so muxclipper.exe is a small NSIS program that holds the mutex a running muxclipper holds
(tests/packaging/windows/standin_app.nsi). Checked as a user on a locked-down PC meets it: a silent install for this
user only, the Start-menu entry, the Settings > Apps entry (with its size and link), muxclipper-cli on the PATH when
asked, an upgrade that leaves no stale file, an uninstall that removes exactly what was installed even from a folder
holding other things, and a refusal while muxclipper runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from muxclipper.launch.running_mark import MUTEX_NAME
from tests.emulator.media_helpers import wait_until

ROOT = Path(__file__).resolve().parents[2]
WINE = shutil.which("wine64") or "/usr/lib/wine/wine64"
WINESERVER = shutil.which("wineserver") or "/usr/lib/wine/wineserver"
UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\io.github.muxclipper.MuxClipper"

pytestmark = [
    pytest.mark.slow, pytest.mark.packaging,
    pytest.mark.skipif(not (Path(WINE).exists() and shutil.which("makensis")),
                       reason="needs wine64 and nsis (scripts/setup.sh test installs them)"),
]


@dataclass
class Wine:
    prefix: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 60) -> int:
        """Run a Windows program and answer its exit code (wine's server stays up between runs: each is quick)."""
        # (Not captured: wine's services, started by the first run, would hold a pipe open for good.)
        return subprocess.run([WINE, *args], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout, check=False).returncode

    @property
    def home(self) -> Path:
        [user] = [p for p in (self.prefix / "drive_c" / "users").iterdir() if p.name != "Public"]
        return user

    def registry(self, key: str) -> dict[str, str]:
        """The values of a key of HKCU, as ``reg query`` prints them (name: value), empty when there is no key."""
        done = subprocess.run([WINE, "reg", "query", f"HKCU\\{key}"], env=self.env, capture_output=True,
                              text=True, timeout=60, check=False)
        values = {}
        for line in done.stdout.splitlines():
            parts = line.strip().split(maxsplit=2)
            if len(parts) == 3 and parts[1].startswith("REG_"):
                values[parts[0]] = parts[2]
        return values


@pytest.fixture(scope="module")
def wine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wine]:
    prefix = tmp_path_factory.mktemp("wine") / "prefix"
    # No display: a silent installer opens no window (and wine then starts no X driver).
    env = {**{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
           "WINEPREFIX": str(prefix), "WINEDEBUG": "-all", "WINEDLLOVERRIDES": "mscoree,mshtml=;winemenubuilder.exe=d"}
    instance = Wine(prefix, env)
    instance.run("wineboot", "-i", timeout=180)
    # The prefix is made once wine has stopped (wineboot returns before it is done: the first programs took 10 s).
    subprocess.run([WINESERVER, "-w"], env=env, timeout=180, check=False)
    # Then wine is kept up until the module is done: each run takes a fraction of a second, not wine's start-up.
    subprocess.run([WINESERVER, "-p"], env=env, timeout=60, check=True)
    yield instance
    subprocess.run([WINESERVER, "-k"], env=env, timeout=60, check=False)


def _compile(script: Path, *defines: str) -> None:
    done = subprocess.run(["makensis", "-V2", "-WX", *defines, str(script)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _installer(tmp_path: Path, files: dict[str, str], version: str) -> Path:
    """An installer of a stand-in bundle holding ``files`` (relative path: content) besides the two programs."""
    bundle = tmp_path / f"bundle-{version}"
    (bundle / "_internal").mkdir(parents=True)
    _compile(ROOT / "tests" / "packaging" / "windows" / "standin_app.nsi", f"-DOUTFILE={bundle / 'muxclipper.exe'}")
    shutil.copy(bundle / "muxclipper.exe", bundle / "muxclipper-cli.exe")  # (a /D= folder with spaces cannot be
    # given through wine's command line: NSIS wants it unquoted, wine quotes it)
    for name, content in files.items():
        (bundle / name).parent.mkdir(parents=True, exist_ok=True)
        (bundle / name).write_text(content)
    manifest = tmp_path / f"manifest-{version}"
    done = subprocess.run(["python3", str(ROOT / "packaging" / "windows" / "manifest.py"), str(bundle), str(manifest)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    out = tmp_path / f"muxclipper-{version}-windows-x64-setup.exe"
    _compile(ROOT / "packaging" / "windows" / "muxclipper.nsi", f"-DVERSION={version}", f"-DBUNDLE={bundle}",
             f"-DMANIFEST_DIR={manifest}", f"-DOUTFILE={out}")
    return out


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_install_upgrade_and_uninstall_for_this_user(wine: Wine, tmp_path: Path) -> None:
    first = _installer(tmp_path, {"_internal/old.dll": "1", "_internal/licenses/THIRD-PARTY.txt": "x"}, "0.1.0")
    assert wine.run(str(first), "/S", "/ADDTOPATH") == 0
    folder = wine.home / "AppData" / "Local" / "Programs" / "muxclipper"
    assert {"muxclipper.exe", "muxclipper-cli.exe", "uninstall.exe", "_internal/old.dll",
            "bin/muxclipper-cli.cmd"} <= _tree(folder)
    assert (wine.home / "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/muxclipper.lnk").exists()
    entry = wine.registry(UNINSTALL_KEY)
    assert entry["DisplayVersion"] == "0.1.0" and entry["URLInfoAbout"].startswith("https://")
    assert int(entry["EstimatedSize"], 16) >= 1  # KB
    assert entry["QuietUninstallString"].endswith('uninstall.exe" /S')
    assert wine.registry("Environment")["Path"].endswith(r"AppData\Local\Programs\muxclipper\bin")
    # The shim runs the console program with the arguments given.
    assert '%~dp0..\\muxclipper-cli.exe" %*' in (folder / "bin" / "muxclipper-cli.cmd").read_text()

    # An upgrade: a file the new version no longer has goes, one it adds comes; a file of the user's stays.
    (folder / "notes.txt").write_text("mine")
    second = _installer(tmp_path, {"_internal/new.dll": "2", "_internal/licenses/THIRD-PARTY.txt": "y"}, "0.2.0")
    assert wine.run(str(second), "/S") == 0
    tree = _tree(folder)
    assert "_internal/new.dll" in tree and "_internal/old.dll" not in tree and "notes.txt" in tree
    assert wine.registry(UNINSTALL_KEY)["DisplayVersion"] == "0.2.0"

    assert wine.run(str(folder / "uninstall.exe"), "/S") == 0
    # (the uninstaller hands over to a copy of itself in a temporary folder and returns at once)
    wait_until(lambda: not wine.registry(UNINSTALL_KEY), 30, "the uninstaller to finish")
    assert _tree(folder) == {"notes.txt"}, "only the user's file is left"
    assert "muxclipper" not in wine.registry("Environment").get("Path", "")
    assert not (wine.home / "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/muxclipper.lnk").exists()


def test_a_folder_holding_other_things_keeps_them(wine: Wine, tmp_path: Path) -> None:
    setup = _installer(tmp_path, {"_internal/base_library.zip": "z"}, "0.3.0")
    shared = wine.prefix / "drive_c" / "StudioTools"
    (shared / "_internal").mkdir(parents=True)
    (shared / "other-tool.exe").write_text("not ours")
    (shared / "_internal" / "other.dll").write_text("not ours either")
    assert wine.run(str(setup), "/S", r"/D=C:\StudioTools") == 0
    assert (shared / "muxclipper.exe").exists() and (shared / "_internal" / "base_library.zip").exists()
    assert wine.run(str(shared / "uninstall.exe"), "/S") == 0
    wait_until(lambda: not wine.registry(UNINSTALL_KEY), 30, "the uninstaller to finish")
    assert _tree(shared) == {"other-tool.exe", "_internal", "_internal/other.dll"}


def test_install_and_uninstall_refuse_while_muxclipper_runs(wine: Wine, tmp_path: Path) -> None:
    setup = _installer(tmp_path, {"_internal/a.dll": "a"}, "0.4.0")
    folder = wine.prefix / "drive_c" / "Running"
    assert wine.run(str(setup), "/S", r"/D=C:\Running") == 0
    app = subprocess.Popen([WINE, str(folder / "muxclipper.exe")], env=wine.env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: (folder / "started").exists(), 30, f"the stand-in to hold {MUTEX_NAME}")
        before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
        assert wine.run(str(setup), "/S", r"/D=C:\Running") == 3
        # (_?= runs the uninstaller in place, so that its exit code is its verdict: by default it hands over to a copy
        # of itself in a temporary folder and answers 0 at once)
        assert wine.run(str(folder / "uninstall.exe"), "/S", r"_?=C:\Running") == 3
        assert {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} == before  # nothing touched
    finally:
        (folder / "stop").write_text("")
        app.wait(timeout=60)
    assert wine.run(str(folder / "uninstall.exe"), "/S") == 0
    wait_until(lambda: not wine.registry(UNINSTALL_KEY), 30, "the uninstaller to finish")
    assert _tree(folder) == {"started", "stop"}  # the stand-in's own files, not the installer's
