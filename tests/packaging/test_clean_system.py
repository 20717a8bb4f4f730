"""The ``.tar.gz`` on a clean system: a minimal Debian 12 (``debootstrap --variant=minbase``: no desktop libraries, no
fonts), unpacked and run as a normal user, offscreen. ``muxclipper --smoke-test --demo`` either passes or names what
to install; once that is installed (with apt, as a user would) it passes, with nothing cleared by hand. And the
``.deb`` installed there with apt (which brings its Depends:) and removed, with no warning.

Needs root (chroot), debootstrap and Debian's package mirror (as apt reaches it: ``MUXCLIPPER_DEBIAN_MIRROR``
names another). The installers are the run's own (tests/support/built_installers.py builds them once, while this
module makes its Debian root: ~1 min and 40 MB of downloads), or ``MUXCLIPPER_TARBALL`` and ``MUXCLIPPER_DEB``
(the release job's). The root is kept per recipe in ``.cache/debian/`` (a copy per test takes seconds), so a local
checkout makes it once.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from tests.support.built_installers import built_installers
from tests.support.generated_media import seed_demo_media

ROOT = Path(__file__).resolve().parents[2]


def _apt_mirror() -> str:
    """The Debian mirror this machine's apt uses (a CI machine may have its own), else Debian's redirector."""
    for sources in (Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")):
        text = sources.read_text(encoding="utf-8", errors="replace") if sources.is_file() else ""
        found = re.search(r"^(?:URIs:|deb)\s+(?:\[[^\]]*\]\s+)?(\S+/debian)/?\s", text + "\n", re.MULTILINE)
        if found:
            return found.group(1)
    return "http://deb.debian.org/debian"


def _apt_proxy() -> str:
    """The HTTP proxy this machine's apt is told to use (Acquire::http::Proxy), if any."""
    done = subprocess.run(["apt-config", "shell", "PROXY", "Acquire::http::Proxy"], capture_output=True, text=True,
                          check=False) if shutil.which("apt-config") else None
    found = re.search(r"PROXY='([^']*)'", done.stdout) if done is not None else None
    return found.group(1) if found else ""


MIRROR = os.environ.get("MUXCLIPPER_DEBIAN_MIRROR") or _apt_mirror()


@functools.cache
def _net_env() -> dict[str, str]:
    """debootstrap and the root's apt reach the mirror as this machine's apt does: through its proxy, if it has one
    (asked of apt-config when a test first needs it, not when every worker collects this module)."""
    proxy = _apt_proxy()
    return {**os.environ, "DEBIAN_FRONTEND": "noninteractive", **({"http_proxy": proxy} if proxy else {})}
RECIPE = ("bookworm", "minbase", MIRROR)
#: What a minimal Debian 12 may be asked to install for the .tar.gz, and nothing else (README: Install).
EXPECTED = {"libgl1", "libegl1", "libfontconfig1", "libfreetype6", "libx11-6", "libpulse0", "libglib2.0-0",
            "fonts-dejavu-core"}
USER = "1001:1001"


pytestmark = [
    pytest.mark.slow, pytest.mark.packaging,
    pytest.mark.skipif(os.geteuid() != 0 or shutil.which("debootstrap") is None,
                       reason="needs root (chroot) and debootstrap"),
]


@pytest.fixture(scope="module")
def debian() -> Path:
    """A minimal Debian 12 root, made once per recipe (suite, variant, mirror) and kept in the checkout's .cache/
    (gitignored, beside the generated media) for the next local run; a fresh clone makes it (~1 min)."""
    cache = ROOT / ".cache" / "debian"
    key = hashlib.sha256(repr(RECIPE).encode()).hexdigest()[:12]
    root = cache / f"debian-{RECIPE[0]}-{RECIPE[1]}-{key}"
    root.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{root}.lock"):  # two runs in one checkout make it once
        if not (root / ".complete").exists():
            shutil.rmtree(root, ignore_errors=True)
            advice = f"debootstrap could not make a Debian 12 root from {MIRROR} (MUXCLIPPER_DEBIAN_MIRROR names another)"
            try:
                done = subprocess.run(["debootstrap", f"--variant={RECIPE[1]}", RECIPE[0], str(root), MIRROR],
                                      capture_output=True, text=True, timeout=900, check=False, env=_net_env())
            except subprocess.TimeoutExpired:
                pytest.fail(f"{advice}: it had not finished after 900 s")
            assert done.returncode == 0, f"{advice}:\n" + done.stdout[-2000:] + done.stderr[-2000:]
            if proxy := _apt_proxy():
                (root / "etc" / "apt" / "apt.conf.d" / "01proxy").write_text(f'Acquire::http::Proxy "{proxy}";\n')
            (root / ".complete").write_text("")
    return root


@pytest.fixture
def root(debian: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the minimal root for one test, removed after it (each is ~200 MB, ~600 MB with what it installs)."""
    copy = tmp_path / "debian"
    subprocess.run(["cp", "-a", "--reflink=auto", str(debian), str(copy)], check=True, timeout=300)
    shutil.copy("/etc/resolv.conf", copy / "etc" / "resolv.conf")
    yield copy
    shutil.rmtree(copy, ignore_errors=True)


def _smoke(root: Path, app: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["chroot", f"--userspec={USER}", str(root), "env", "-i", "HOME=/home/user", "PATH=/usr/bin:/bin",
         "QT_QPA_PLATFORM=offscreen", app, "--smoke-test", "--demo"],
        capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.timeout(1800)
def test_the_tarball_on_a_minimal_debian_names_what_to_install_then_passes(
        root: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    tarball = built_installers(tmp_path_factory).tarball
    home = root / "home" / "user"
    home.mkdir(parents=True)
    # The demo's other sources, made once for the suite: the keynote, which the smoke test opens, the app makes
    # here with its own ffmpeg and lettering, with no system font (what failed on Windows and a stock Mac).
    seed_demo_media(home, leave=("live-event",))
    for path in [home, *home.rglob("*")]:
        os.chown(path, 1001, 1001)
    with tarfile.open(tarball) as archive:
        archive.extractall(root / "opt", filter="tar")
    [unpacked] = (root / "opt").glob("muxclipper-*")
    app = f"/opt/{unpacked.name}/muxclipper"
    update = subprocess.run(["chroot", str(root), "apt-get", "update", "-q"], capture_output=True, text=True,
                            timeout=600, check=False, env=_net_env())
    assert update.returncode == 0, update.stderr[-2000:]

    installed: list[str] = []
    for _ in range(10):  # one message names everything, and a check after Qt has started may name more
        done = _smoke(root, app)
        if done.returncode == 0:
            break
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 8, (done.returncode, done.stdout, done.stderr)
        match = re.search(r"sudo apt install ([\w.+ -]+?) \(Debian", done.stderr)
        assert match, done.stderr
        packages = match.group(1).split()
        assert set(packages) <= EXPECTED, done.stderr
        apt = subprocess.run(["chroot", str(root), "apt-get", "install", "-y", "-q", "--no-install-recommends",
                              *packages], capture_output=True, text=True, timeout=900, check=False,
                             env=_net_env())
        assert apt.returncode == 0, apt.stdout[-2000:] + apt.stderr[-2000:]
        installed += packages
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert "smoke test passed: frame" in done.stdout
    # What a minimal system was asked for (the README's list says the same).
    assert installed, "a minimal system lacks at least GL: the check must have said so"
    print(f"installed for the .tar.gz: {' '.join(installed)}")


@pytest.mark.timeout(1800)
def test_the_deb_installs_and_removes_cleanly_on_a_minimal_debian(
        root: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    deb = built_installers(tmp_path_factory).deb
    shutil.copy(deb, root / "tmp" / deb.name)
    # Something else of the user's in /opt, as on many machines: removing muxclipper must not warn about it.
    (root / "opt" / "other-tool").mkdir(parents=True)

    def chroot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["chroot", str(root), *args], capture_output=True, text=True, timeout=1200,
                              check=False, env=_net_env())

    assert chroot("apt-get", "update", "-q").returncode == 0
    # What a user's `apt install` does, recommends (ffmpeg) and all, resolved on the clean system; then installed
    # without the recommends: ffmpeg's ~600 packages unpacked cost ~20 s of CPU. Left untried so: Debian's own
    # packages' install scripts, and a remove with ffmpeg installed (muxclipper's files do not touch ffmpeg's).
    plan = chroot("apt-get", "install", "-s", "-q", f"/tmp/{deb.name}")
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr[-3000:]
    assert re.search(r"^Inst ffmpeg ", plan.stdout, re.MULTILINE), plan.stdout[-3000:]
    install = chroot("apt-get", "install", "-y", "-q", "--no-install-recommends", f"/tmp/{deb.name}")
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    assert chroot("/usr/bin/muxclipper", "--version").returncode == 0
    remove = chroot("apt-get", "remove", "-y", "-q", "muxclipper")
    assert remove.returncode == 0, remove.stderr[-3000:]
    assert "warning" not in (remove.stdout + remove.stderr).lower(), remove.stdout + remove.stderr
    assert not (root / "usr" / "lib" / "muxclipper").exists() and (root / "opt" / "other-tool").is_dir()
