"""The Linux installers, built once per test run by the documented command and shared by the tests that check them
(tests/packaging/test_linux_package.py checks the ``.deb``; test_clean_system.py installs the ``.deb`` and runs the
``.tar.gz`` on a minimal Debian). ``bash packaging/build-linux.sh`` freezes once and makes both (~2 min of CPU on
two cores); whichever pytest-xdist worker asks first builds while the others wait on a lock, and a failed build is
reported to every test that asked, not built again.

The tests pack at xz -1 and gzip -1 rather than the release's -6 and -9 (14 s of CPU for the ``.deb`` rather than 42 s
at -3, measured 2026-12-07); the ``.deb`` is still within its size goal (tests/packaging/test_linux_package.py).
``MUXCLIPPER_DEB`` and ``MUXCLIPPER_TARBALL`` name installers built before (the release job's), which are then used
instead.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 900


@dataclass(frozen=True)
class Installers:
    deb: Path
    tarball: Path


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this run shares (pytest-xdist gives each worker its own base under one parent)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _build(folder: Path) -> dict[str, object]:
    """Run the build; what became of it (never raises: a failure is recorded for every test that asks)."""
    folder.mkdir(parents=True, exist_ok=True)
    # Its own process group: a timeout (or pytest's) ends PyInstaller and everything else the script started, so no
    # build is left writing into build/pyinstaller while another one starts.
    process = subprocess.Popen(
        ["bash", str(ROOT / "packaging" / "build-linux.sh")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
        env={**os.environ, "MUXCLIPPER_DIST": str(folder / "dist"), "MUXCLIPPER_DEB_XZ_LEVEL": "1",
             "MUXCLIPPER_TAR_GZIP_LEVEL": "1"})
    try:
        stdout, stderr = process.communicate(timeout=BUILD_TIMEOUT_S)
    except BaseException as exc:  # the timeout, pytest-timeout's interrupt, Ctrl+C: nothing of it left running
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        if not isinstance(exc, subprocess.TimeoutExpired):
            raise  # no record: a test that asks later builds again, from a clean start
        return {"returncode": -1, "stderr": f"the build did not end within {BUILD_TIMEOUT_S} s; it was killed",
                "deb": "", "tarball": ""}
    made = [line.strip() for line in stdout.splitlines()]  # it prints the installers' paths
    return {"returncode": process.returncode, "stderr": stderr[-3000:],
            "deb": next((p for p in made if p.endswith(".deb")), ""),
            "tarball": next((p for p in made if p.endswith(".tar.gz")), "")}


def built_installers(tmp_path_factory: pytest.TempPathFactory) -> Installers:
    named_deb, named_tarball = os.environ.get("MUXCLIPPER_DEB"), os.environ.get("MUXCLIPPER_TARBALL")
    if named_deb or named_tarball:  # the release job's: both, and there
        assert named_deb and named_tarball and Path(named_deb).is_file() and Path(named_tarball).is_file(), \
            f"MUXCLIPPER_DEB ({named_deb!r}) and MUXCLIPPER_TARBALL ({named_tarball!r}) must both name built files"
        return Installers(Path(named_deb), Path(named_tarball))
    folder = _run_folder(tmp_path_factory) / "installers"
    with FileLock(f"{folder}.lock"):
        record = folder / "built.json"
        if not record.exists():
            result = _build(folder)
            record.write_text(json.dumps(result))
        result = json.loads(record.read_text())
    assert result["returncode"] == 0, f"bash packaging/build-linux.sh failed:\n{result['stderr']}"
    assert result["deb"] and result["tarball"], f"the build named no .deb or .tar.gz:\n{result['stderr']}"
    return Installers(Path(result["deb"]), Path(result["tarball"]))
