"""Storage suite, the window's side: ``muxclipper --smoke-test SOURCE`` (the installed program, as packaging
checks run it) against each damaged job history and settings file. It must start, show a frame, exit 0,
write the notice to its log, and keep the damaged file's copy; the job history's notice is also on the
session (``Session.storage_notice``) for the status line.

One start of the window per damaged file (about 1 s each), the other file left sound or absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from muxclipper.emulator import EmulatorServer
from muxclipper.store.jobs import JobRepository
from tests.emulator.helpers import RW
from tests.reliability.storage_damage import (
    HISTORY_DAMAGE,
    SETTINGS_DAMAGE,
    HistoryDamage,
    SettingsDamage,
    make_settings,
    snapshot,
)
from tests.support.reliability_counts import record

# A real process each, showing a frame; the first of a run also waits for the shared test media to be encoded.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(150)]

CASES: list[HistoryDamage | SettingsDamage] = [*HISTORY_DAMAGE, *SETTINGS_DAMAGE]


@pytest.mark.parametrize("damage", CASES, ids=[
    f"{'history' if isinstance(d, HistoryDamage) else 'settings'}: {d.name}" for d in CASES])
def test_window_starts_on_a_damaged_file_says_so_and_keeps_the_copy(
        damage: HistoryDamage | SettingsDamage, media_server: EmulatorServer, stamped_source: dict[str, Any],
        tmp_path: Path) -> None:
    record("damaged files (window smoke test)")
    jobs = tmp_path / "data" / "jobs.sqlite3"
    jobs.parent.mkdir(parents=True)
    config = tmp_path / "config" / "environments.json"
    if isinstance(damage, HistoryDamage):
        damage.make(jobs)
    else:
        make_settings(config, damage)
    before = snapshot(jobs if isinstance(damage, HistoryDamage) else config)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MUX_TOKEN_ID": RW[0], "MUX_TOKEN_SECRET": RW[1],
           "MUXCLIPPER_DATA_DIR": str(jobs.parent), "MUXCLIPPER_CONFIG_DIR": str(config.parent),
           "MUXCLIPPER_LOG_DIR": str(tmp_path / "log")}
    playback = stamped_source["playback_ids"][0]["id"]
    done = subprocess.run([sys.executable, "-m", "muxclipper", "--smoke-test", "--api-base-url", media_server.url,
                           f"https://stream.mux.com/{playback}.m3u8"],
                          env=env, capture_output=True, text=True, timeout=90, check=False)
    log = (tmp_path / "log" / "muxclipper.log").read_text()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("smoke test passed: frame 0"), done.stdout
    assert "Traceback" not in done.stderr + log
    path = jobs if isinstance(damage, HistoryDamage) else config
    assert damage.said in log and str(path) in log
    copies = list(path.parent.glob(f"{path.name}.damaged-*"))
    if isinstance(damage, HistoryDamage) and not damage.whole_file:
        assert copies == []  # a bad row is left in place, not copied
    else:
        [copy] = copies
        assert snapshot(copy) == before
    repo = JobRepository(jobs)  # what is there now is a sound history
    try:
        assert len(repo.all()) == (2 if isinstance(damage, HistoryDamage) and not damage.whole_file else 0)
    finally:
        repo.close()


#: The clip presets file damaged: the window read it with json, so these were a traceback and a failed smoke test.
PRESETS_DAMAGE = [("not UTF-8", b'{"environments": {"\xff": {}}}', "it is not UTF-8 text"),
                  ("100,000 deep", b"[" * 100_000 + b"]" * 100_000, "nested 100,000 levels deep")]


@pytest.mark.parametrize(("name", "data", "said"), PRESETS_DAMAGE, ids=[d[0] for d in PRESETS_DAMAGE])
def test_window_starts_on_damaged_clip_presets_and_keeps_the_copy(
        name: str, data: bytes, said: str, media_server: EmulatorServer, stamped_source: dict[str, Any],
        tmp_path: Path) -> None:
    record("damaged files (window smoke test)")
    presets = tmp_path / "config" / "clip-presets.json"
    presets.parent.mkdir(parents=True)
    presets.write_bytes(data)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MUX_TOKEN_ID": RW[0], "MUX_TOKEN_SECRET": RW[1],
           "MUXCLIPPER_DATA_DIR": str(tmp_path / "data"), "MUXCLIPPER_CONFIG_DIR": str(presets.parent),
           "MUXCLIPPER_LOG_DIR": str(tmp_path / "log")}
    playback = stamped_source["playback_ids"][0]["id"]
    done = subprocess.run([sys.executable, "-m", "muxclipper", "--smoke-test", "--api-base-url", media_server.url,
                           f"https://stream.mux.com/{playback}.m3u8"],
                          env=env, capture_output=True, text=True, timeout=90, check=False)
    log = (tmp_path / "log" / "muxclipper.log").read_text()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("smoke test passed: frame 0"), done.stdout
    assert "Traceback" not in done.stderr + log
    assert said in log and str(presets) in log
    [copy] = presets.parent.glob("clip-presets.json.damaged-*")
    assert copy.read_bytes() == data


def _make_read_only(paths: list[Path]) -> list[str]:
    """Unwritable even for root (the immutable flag, where chattr works), else by its mode. Answers how."""
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, check=False)
        if done.returncode == 0:
            return ["chattr", "-i", *map(str, paths)]
        pytest.skip("root without chattr: nothing can be made unwritable")
    for path in paths:
        path.chmod(0o555 if path.is_dir() else 0o444)
    return []


def test_window_on_a_read_only_history_says_what_is_wrong(media_server: EmulatorServer, tmp_path: Path) -> None:
    """Issue 26 item 13: it logged 'unexpected error … please send a report' and the smoke test exited 1 with
    nothing printed. Now the reason in words, and the command line's exit code (6)."""
    record("damaged files (window smoke test)")
    jobs = tmp_path / "data" / "jobs.sqlite3"
    jobs.parent.mkdir(parents=True)
    JobRepository(jobs).close()
    undo = _make_read_only([jobs, jobs.parent])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MUX_TOKEN_ID": RW[0], "MUX_TOKEN_SECRET": RW[1],
           "MUXCLIPPER_DATA_DIR": str(jobs.parent), "MUXCLIPPER_CONFIG_DIR": str(tmp_path / "config"),
           "MUXCLIPPER_LOG_DIR": str(tmp_path / "log")}
    try:
        done = subprocess.run([sys.executable, "-m", "muxclipper", "--smoke-test", "--api-base-url",
                               media_server.url, "https://stream.mux.com/anything.m3u8"],
                              env=env, capture_output=True, text=True, timeout=90, check=False)
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            jobs.parent.chmod(0o755)
            jobs.chmod(0o644)
    log = (tmp_path / "log" / "muxclipper.log").read_text()
    assert done.returncode == 6, done.stderr
    assert f"smoke test failed: The clip job history ({jobs}) is unavailable" in done.stderr
    assert "writable" in done.stderr  # what to do
    assert "unexpected" not in log and "Traceback" not in done.stderr + log
