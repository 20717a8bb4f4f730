"""A late duplicate (issue 26 item 1) with the watcher in another process: ``clip --wait`` sends a create Mux
answers 500 without acting, sends it again after the late-answer window, gets its clip and exits, leaving the
duplicate watch in the history. Then Mux acts on the first create after all (the test makes the asset carrying the
job's token, as Mux would) and later ``jobs --watch`` processes must delete it **exactly once** (one DELETE
reaches the emulator) and say so in the job's note, keeping the clip the user was given.

Seeded variations (``MUXCLIPPER_LATE_DUP_CASES`` / ``MUXCLIPPER_LATE_DUP_SEED``): one or two watchers at once;
the copy made before they start or while they watch; the first watcher ``kill -9``ed while it keeps the watch
(the next one takes it up at once: its pid is gone). The window's case is tests/qt/window/test_late_duplicates_in_the_window.py.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from muxclipper.core.jobs import token_in
from muxclipper.store.jobs import JobRepository
from tests.cli.test_cli import _env
from tests.emulator.helpers import Emu
from tests.support.reliability_counts import record

CASES = int(os.environ.get("MUXCLIPPER_LATE_DUP_CASES", "3"))
SEED = int(os.environ.get("MUXCLIPPER_LATE_DUP_SEED", "2601"))
WINDOW_S, WATCH_S = 1.0, 12.0  # users get 90 s and 600 s


def _spawn(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "muxclipper", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def leave_a_watch(emu: Emu, env: dict[str, str], db: Path, source: str) -> tuple[str, str]:
    """``clip --wait`` whose first create Mux answered 500 (without acting): it ends with its clip and leaves the
    duplicate watch. Answers (the job's token, the clip's asset id)."""
    emu.fault(kind="status", status=500, method="POST", path="/video/v1/assets")
    done = subprocess.run([sys.executable, "-m", "muxclipper", "clip", source, "--start", "1", "--end", "5",
                           "--wait", "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    job = json.loads(done.stdout)
    repo = JobRepository(db)
    try:
        [saved] = repo.all()
        assert repo.watched_for_duplicates(saved.environment, WATCH_S), "clip --wait left no duplicate watch"
    finally:
        repo.close()
    return saved.token, str(job["asset_id"])


def make_late_copy(emu: Emu, source: str, token: str) -> str:
    """Mux acts on the first create now: a second asset carrying the job's token."""
    made = emu.create_clip(source, 1, 5, passthrough=f"mcj:{token}")
    assert made.status_code == 201, made.text
    return str(made.json()["data"]["id"])


def clips_of(emu: Emu, token: str) -> list[dict[str, Any]]:
    return [a for a in emu.api.get("/video/v1/assets", params={"limit": 100}).json()["data"]
            if token_in(a.get("passthrough")) == token]


@pytest.mark.slow
@pytest.mark.parametrize("case", range(CASES))
def test_a_later_jobs_watch_deletes_a_late_duplicate_once(emu: Emu, tmp_path: Path, case: int) -> None:
    rng = random.Random(SEED + case)
    label = f"late duplicate case seed={SEED + case}"
    [source] = emu.seed({"duration": 60.0})
    emu.ctl("PUT", "config", {"processing_seconds": 0.3})
    env = _env(emu, tmp_path)
    env.update(MUXCLIPPER_LATE_ANSWER_WINDOW_S=str(WINDOW_S), MUXCLIPPER_DUPLICATE_WATCH_S=str(WATCH_S))
    db = tmp_path / "data" / "jobs.sqlite3"
    token, kept = leave_a_watch(emu, env, db, source)
    copy_first = rng.random() < 0.5
    killed = rng.random() < 0.35
    copy = make_late_copy(emu, source, token) if copy_first else None
    if killed:  # a first watcher takes the watch up, and dies holding it
        first = _spawn(env, "jobs", "--watch")
        time.sleep(rng.uniform(1.2, 2.0))
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=10)  # reaped: its pid is gone
    watchers = [_spawn(env, "jobs", "--watch", "--wait-timeout", "60") for _ in range(rng.choice((1, 2)))]
    if copy is None:
        time.sleep(rng.uniform(0.3, 2.0))
        copy = make_late_copy(emu, source, token)
    for watcher in watchers:
        out, err = watcher.communicate(timeout=60)
        assert watcher.returncode == 0, f"{label}: {err}"
        assert "Traceback" not in err, f"{label}: {err}"
    deletes = [r for r in emu.requests(method="DELETE") if r["path"].endswith(f"/{copy}")]
    assert [c["id"] for c in clips_of(emu, token)] == [kept], f"{label}: the copy is still there, or the clip went"
    if not killed:  # a watcher killed just after its DELETE left may leave the next one a 404: still one copy gone
        assert len(deletes) == 1, f"{label}: {len(deletes)} deletes of the copy"
    repo = JobRepository(db)
    [job] = repo.all()
    repo.close()
    assert job.note is not None and copy in job.note and f"kept {kept}" in job.note, f"{label}: {job.note}"
    listing = subprocess.run([sys.executable, "-m", "muxclipper", "jobs"], env=env, capture_output=True, text=True,
                             timeout=30)
    assert copy in listing.stdout, listing.stdout  # the user is told, in the list of jobs
    record("late duplicates: deleted by a later jobs --watch")
    record("late duplicates: with two watchers at once", len(watchers) == 2)
    record("late duplicates: taken up from a watcher killed holding the watch", killed)
