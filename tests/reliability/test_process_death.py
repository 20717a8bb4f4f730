"""Process death (issue 14): ``kill -9`` at seeded random points of submit and poll, with two command-line
processes sharing one job history, then a fresh process (for some cases two at once) finishes the jobs.

Same invariants as the fault schedules: every job final and equal to the emulator's truth, exactly one clip
per job token, nothing lost (no clip without its job). ``MUXCLIPPER_KILL_CASES`` / ``MUXCLIPPER_KILL_SEED``
change how many and which.
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

from muxclipper.store.jobs import JobRepository
from tests.cli.test_cli import _env
from tests.emulator.helpers import Emu
from tests.reliability.harness import check_invariants
from tests.support.job_history import job_states as _states
from tests.support.reliability_counts import record

CASES = int(os.environ.get("MUXCLIPPER_KILL_CASES", "12"))
SEED = int(os.environ.get("MUXCLIPPER_KILL_SEED", "914"))


def _spawn(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "muxclipper", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _kill_after(process: subprocess.Popen[str], seconds: float) -> bool:
    """SIGKILL after ``seconds`` unless it ended first (then it is left alone); whether it was killed."""
    try:
        process.wait(timeout=seconds)
        process.communicate(timeout=10)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)  # reaped: its pid is gone from the host, so its leases are free
        return True




def _clips(emu: Emu) -> list[dict[str, Any]]:
    return [a for a in emu.api.get("/video/v1/assets", params={"limit": 100}).json()["data"]
            if a.get("source_asset_id")]


@pytest.mark.slow
@pytest.mark.parametrize("case", range(CASES))
def test_kill_9_then_a_fresh_process_finishes_everything(emu: Emu, tmp_path: Path, case: int) -> None:
    rng = random.Random(SEED + case)
    label = f"kill case seed={SEED + case}"
    [source] = emu.seed({"duration": 60.0})
    emu.ctl("PUT", "config", {"processing_seconds": rng.uniform(1.5, 4.0)})
    # Creates held (before or after Mux acts) make kills land mid-POST more often than a healthy Mux would.
    fault = rng.choices([None, {"kind": "delay", "when": "before", "acts_if_abandoned": True},
                         {"kind": "delay", "when": "after"}, {"kind": "drop", "when": "after"}],
                        weights=[1, 2, 2, 1])[0]
    if fault is not None:
        emu.fault(method="POST", path="/video/v1/assets", times=rng.randint(1, 2), delay_ms=rng.randint(500, 2500),
                  **fault)
    env = _env(emu, tmp_path)
    # The fresh process looks for a killed create's asset for 5 s after it left (users get 90 s): twice the
    # longest hold below, so that a loaded machine's lag cannot push Mux's act past the window.
    env.update(MUXCLIPPER_LATE_ANSWER_WINDOW_S="5", MUXCLIPPER_DUPLICATE_WATCH_S="5")
    clips = [_spawn(env, "clip", source, "--start", str(1 + i), "--end", str(5 + i), "--wait") for i in range(2)]
    started = time.monotonic()
    kills = 0
    db = tmp_path / "data" / "jobs.sqlite3"
    for process in clips:  # each at its own random point: before saving, mid-POST, while polling, or after
        if _kill_after(process, max(rng.uniform(0.3, 3.5) - (time.monotonic() - started), 0.0)):
            kills += 1
            for state in _states(db) or ["nothing saved"]:
                record(f"process death: jobs {state} in the history at a kill")
    if rng.random() < 0.3:  # a first watcher dies too
        kills += _kill_after(_spawn(env, "jobs", "--watch"), rng.uniform(0.5, 3.0))
    watchers = [_spawn(env, "jobs", "--watch", "--json", "--wait-timeout", "60")
                for _ in range(2 if rng.random() < 0.4 else 1)]
    outputs = [w.communicate(timeout=90) for w in watchers]
    for watcher, (_out, err) in zip(watchers, outputs, strict=True):
        assert watcher.returncode == 0, f"{label}: {err}"
        assert "Traceback" not in err
    jobs = []
    if db.exists():
        repo = JobRepository(db)
        jobs = repo.all()
        repo.close()
    reported = json.loads(outputs[0][0])
    assert sorted(j["id"] for j in reported) == sorted(j.id or 0 for j in jobs), f"{label}: the watcher missed a job"
    check_invariants(label, jobs, jobs, _clips(emu), set())
    record("process death: cases")
    record("process death: kill -9", kills)
    record("process death: cases with two fresh processes at once", len(watchers) == 2)
    record("process death: jobs finished after a kill", len(jobs))
