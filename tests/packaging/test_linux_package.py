"""The Debian package as a user gets it: built by the documented command, installed into a throw-away root, checked
by Debian's own tools and started (the demo, offscreen and on a real X server).

One build serves every test of the run: ``bash packaging/build-linux.sh`` (tests/support/built_installers.py: one
freeze for the ``.deb`` and the ``.tar.gz``, which test_clean_system.py runs on a minimal Debian). The installed app finds no ffmpeg of its own (the
.deb carries none: ``Recommends: ffmpeg``); a stand-in on PATH plays the system's, runs the real program and
writes down the environment it was started with.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from muxclipper import __version__
from muxclipper.emulator.media import ffmpeg
from muxclipper.qt.identity import APP_ID
from tests.support.built_installers import built_installers
from tests.support.generated_media import seed_demo_media

# Above the build's own 900 s (tests/support/built_installers.py), which the first test waits for.
pytestmark = [pytest.mark.slow, pytest.mark.packaging, pytest.mark.timeout(1500)]

ROOT = Path(__file__).resolve().parents[2]
DEB_GOAL_BYTES = 60 * 1024 * 1024  # the Debian build's goal (issue 15): a download a producer does not wait on


@dataclass
class Installed:
    deb: Path
    root: Path  # what dpkg -x unpacked: the files as the package installs them
    home: Path  # the user's home for the installed app's runs (the demo's media are made there once)
    path: str  # PATH with the stand-in system ffmpeg first
    ffmpeg_log: Path

    @property
    def program(self) -> Path:
        return self.root / "usr" / "lib" / "muxclipper" / "muxclipper"

    def run(self, *args: str, platform: str = "offscreen", timeout: float = 120, path: str | None = None
            ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "HOME": str(self.home), "PATH": path or self.path, "QT_QPA_PLATFORM": platform}
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "MUXCLIPPER_DEMO_DIR",
                     "MUXCLIPPER_LOG_DIR", "IMAGEIO_FFMPEG_EXE", "LD_LIBRARY_PATH"):
            env.pop(name, None)
        return subprocess.run([str(self.program), *args], capture_output=True, text=True, timeout=timeout, env=env,
                              cwd=self.home)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    work = tmp_path_factory.mktemp("deb")
    deb = built_installers(tmp_path_factory).deb
    root = work / "root"
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True, timeout=120)
    bin_dir = work / "system-bin"
    bin_dir.mkdir()
    log = work / "ffmpeg-env.log"
    stand_in = bin_dir / "ffmpeg"
    stand_in.write_text(f'#!/bin/sh\necho "LD_LIBRARY_PATH=${{LD_LIBRARY_PATH-unset}}" >> "{log}"\n'
                        f'exec "{ffmpeg.ffmpeg_exe()}" "$@"\n')
    stand_in.chmod(0o755)
    home = work / "home"
    home.mkdir()
    # Every demo source, generated once for the whole suite, where the installed demo keeps them: it starts, ingests
    # them with the system's ffmpeg and opens the keynote without making any (~40 s of ffmpeg). The .tar.gz on a
    # minimal Debian makes the keynote itself, with its own ffmpeg (test_clean_system.py).
    seed_demo_media(home)
    yield Installed(deb, root, home, f"{bin_dir}{os.pathsep}{os.environ['PATH']}", log)


def _tree(root: Path) -> dict[str, tuple[int, float]]:
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime) for p in root.rglob("*")}


def test_the_package_installs_the_app_under_usr_lib_with_its_desktop_entry_and_icons(installed: Installed) -> None:
    root = installed.root
    assert os.readlink(root / "usr" / "bin" / "muxclipper") == "/usr/lib/muxclipper/muxclipper"
    # Not under /opt: no Debian package owns /opt, so this one would, and `apt remove` then warned that it was not
    # empty (issue 25).
    assert not (root / "opt").exists()
    assert os.access(installed.program, os.X_OK)
    assert (root / "usr" / "share" / "applications" / f"{APP_ID}.desktop").is_file()
    assert (root / "usr" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    for size in ("16x16", "32x32", "48x48", "256x256", "512x512"):
        assert (root / "usr" / "share" / "icons" / "hicolor" / size / "apps" / f"{APP_ID}.png").is_file()
    assert (root / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert "License: LGPL-3" in (root / "usr" / "share" / "doc" / "muxclipper" / "copyright").read_text()
    licences = root / "usr" / "lib" / "muxclipper" / "_internal" / "licenses"
    third_party = (licences / "THIRD-PARTY.txt").read_text()
    assert "PySide6_Essentials" in third_party
    # The .deb's bundle is derived from the one frozen with the static ffmpeg: its licences are of a bundle without.
    assert "ffmpeg-NOTICE" not in third_party and not (licences / "ffmpeg-NOTICE.txt").exists()
    assert (licences / "LGPL-3.0.txt").is_file()
    # What this build leaves out: the static ffmpeg (the system's is used), Qt's translations, and the build
    # machine's own libraries (Depends: names their packages instead).
    internal = root / "usr" / "lib" / "muxclipper" / "_internal"
    assert (internal / "muxclipper" / "resources" / "icons" / "muxclipper-256.png").is_file()  # the window icon
    assert not list(internal.glob("imageio_ffmpeg/binaries/ffmpeg*"))
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    assert not list(internal.glob("libmvec*")) and not list(internal.glob("libssl*"))
    assert not [p for p in root.rglob("*") if p.is_symlink() and not p.exists()
                and not str(p).endswith("usr/bin/muxclipper")], "no link points at nothing"


def test_the_package_depends_on_the_libraries_it_leaves_out_and_recommends_ffmpeg(installed: Installed) -> None:
    fields = subprocess.run(["dpkg-deb", "-f", str(installed.deb), "Package", "Version", "Depends", "Recommends"],
                            capture_output=True, text=True, check=True).stdout
    assert f"Version: {__version__}\n" in fields
    depends = re.search(r"^Depends: (.*)$", fields, re.MULTILINE)
    assert depends is not None
    names = {item.split()[0] for item in depends.group(1).split(", ")}
    # Computed from the bundle's libraries: those Qt's multimedia and xcb plugins need among them.
    assert {"libc6", "libpulse0", "libxcb-cursor0", "libssl3", "libegl1"} <= names
    assert re.search(r"^Recommends: ffmpeg$", fields, re.MULTILINE)
    assert installed.deb.stat().st_size <= DEB_GOAL_BYTES, f"{installed.deb.stat().st_size / 2**20:.1f} MB"


def test_debians_checkers_find_no_error(installed: Installed) -> None:
    share = installed.root / "usr" / "share"
    desktop = subprocess.run(["desktop-file-validate", str(share / "applications" / f"{APP_ID}.desktop")],
                             capture_output=True, text=True, timeout=60)
    assert desktop.returncode == 0 and not desktop.stdout.strip(), desktop.stdout + desktop.stderr
    metainfo = subprocess.run(["appstreamcli", "validate", "--no-net", str(share / "metainfo" / f"{APP_ID}.metainfo.xml")],
                              capture_output=True, text=True, timeout=60)
    assert metainfo.returncode == 0, metainfo.stdout + metainfo.stderr
    # Every check but the spelling of the bundled libraries' strings: it only ever says "I:" (a Qt library's typo is
    # not ours to fix), and it was a quarter of lintian's ~20 s of CPU.
    lintian = subprocess.run(["lintian", "--dont-check-part", "binaries/spelling", str(installed.deb)],
                             capture_output=True, text=True, timeout=600)
    # 0, or 1 for tags it reports; anything else (a check it does not know is 25) means it checked nothing.
    assert lintian.returncode in (0, 1), (lintian.returncode, lintian.stderr)
    errors = [line for line in lintian.stdout.splitlines() if line.startswith("E:")]
    assert not errors, "\n".join(errors)


def test_the_installed_version_names_its_qt_and_the_systems_ffmpeg(installed: Installed) -> None:
    done = installed.run("--version", timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"muxclipper {__version__}\nQt 6.")
    assert "ffmpeg " in done.stdout and str(installed.path.split(os.pathsep)[0]) in done.stdout
    assert "(installed bundle)" in done.stdout


@pytest.mark.parametrize("platform", ["offscreen", "xcb"])
def test_the_installed_demo_shows_a_frame_and_writes_only_to_the_users_folders(
        installed: Installed, platform: str) -> None:
    if platform == "xcb" and not os.environ.get("DISPLAY"):
        pytest.skip("no X server (scripts/test.sh runs the suite under Xvfb)")
    before = _tree(installed.root)
    done = installed.run("--smoke-test", "--demo", platform=platform)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "smoke test passed" in done.stdout
    # The image host's pictures decode in the bundle (Pillow, stripped): the demo keynote's slates are found.
    assert "smoke test: slates in #600, last frame kept #5549" in done.stdout, done.stdout
    # Installed under /usr/lib, owned by root: the app must not write there (a user could not).
    assert _tree(installed.root) == before
    assert (installed.home / ".cache" / "muxclipper" / "demo-emulator").is_dir()
    # The system's ffmpeg made the demo's media, started without the bundle's libraries in its way.
    seen = set(installed.ffmpeg_log.read_text().splitlines())
    assert seen == {f"LD_LIBRARY_PATH={os.environ.get('LD_LIBRARY_PATH', 'unset')}"}


def test_the_installed_demo_says_to_install_ffmpeg_when_the_system_has_none(installed: Installed,
                                                                          tmp_path: Path) -> None:
    # `apt install --no-install-recommends` leaves ffmpeg out: the demo must say what to do at once, not wait for
    # sources that never come.
    empty = tmp_path / "bin"
    empty.mkdir()
    done = installed.run("--smoke-test", "--demo", timeout=60, path=str(empty))
    assert done.returncode == 8  # a part of the system is missing (README: the window's exit codes)
    assert "sudo apt install ffmpeg" in done.stderr
