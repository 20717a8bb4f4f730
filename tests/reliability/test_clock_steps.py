"""Wall-clock steps (issue 26 item 2): two real processes on one history, ``clip --wait`` and ``jobs --watch``,
each with a wall clock the schedule steps while they run (±80 s, ±300 s, ±3600 s, at seeded moments), as an NTP
step or a user changing the time would. Their monotonic clocks run on (tests/support/clock_shim).

Each schedule picks what Mux does with the create — answers 500 and acts on it later, within the late-answer
window (the test makes the asset with the job's token, as Mux would); holds it 1.5–3 s before acting and
answering (the watcher starts meanwhile); or answers 500 and never acts — and must end with: both processes done
(exit 0) well within a minute; exactly one clip for the job; the create sent once (twice when Mux never acted,
after the window); nothing deleted (no duplicate was ever made). ``MUXCLIPPER_CLOCK_CASES`` /
``MUXCLIPPER_CLOCK_SEED`` change how many and which.
"""

from __future__ import annotations

import os
import random
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
from tests.support.job_history import job_states
from tests.support.reliability_counts import record
from tests.support.stepped_clock import SteppedClock

CASES = int(os.environ.get("MUXCLIPPER_CLOCK_CASES", "8"))  # one round of AIMS
SEED = int(os.environ.get("MUXCLIPPER_CLOCK_SEED", "2604"))
WINDOW_S = 5.0  # the late-answer window (users get 90 s)
WATCH_S = 7.0  # the duplicate watch (users get 600 s)
#: A stretched wait shows as a process still running after this long (the bug left `clip --wait` an hour).
DONE_WITHIN_S = 45.0
STEPS = (80.0, 300.0, 3600.0)


def _spawn(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "muxclipper", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_until(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {seconds} s: {what}")
        time.sleep(0.05)


def _token(db: Path) -> str | None:
    if not job_states(db):
        return None
    repo = JobRepository(db)
    try:
        jobs = repo.all()
        return jobs[0].token if jobs else None
    finally:
        repo.close()


def _creates(emu: Emu) -> list[dict[str, Any]]:
    return [r for r in emu.requests(method="POST") if r["path"] == "/video/v1/assets"]


#: What each case aims at, in turn: (what Mux does with the create, which process the step that matters is in, its
#: direction). Late + forward in the sender: the window must not end early; lost + backward in the sender: the
#: window must not stretch; held + forward in the watcher, or backward in the sender: the watcher must not take a
#: live sender's job. Then the same phases the other way. Magnitudes, moments and extra steps are drawn per seed.
AIMS = (("late", "clip", 1), ("lost", "clip", -1), ("held", "watch", 1), ("held", "clip", -1),
        ("late", "clip", -1), ("lost", "clip", 1), ("held", "watch", -1), ("late", "watch", 1))


@pytest.mark.slow
@pytest.mark.timeout(90)
@pytest.mark.parametrize("case", range(CASES))
def test_wall_clock_steps_in_two_processes(emu: Emu, tmp_path: Path, case: int) -> None:
    rng = random.Random(SEED + case)
    mode, target, direction = AIMS[case % len(AIMS)]
    label = f"clock case seed={SEED + case}"
    [source] = emu.seed({"duration": 60.0})
    emu.ctl("PUT", "config", {"processing_seconds": rng.uniform(0.3, 1.0)})
    if mode == "held":  # long enough for the watcher to start, be stepped and look twice meanwhile
        emu.fault(kind="delay", method="POST", path="/video/v1/assets", when="before",
                  delay_ms=rng.randint(5000, 6000))
    else:
        emu.fault(kind="status", status=500, method="POST", path="/video/v1/assets")
    base = _env(emu, tmp_path)
    base.update(MUXCLIPPER_LATE_ANSWER_WINDOW_S=str(WINDOW_S), MUXCLIPPER_DUPLICATE_WATCH_S=str(WATCH_S))
    clocks = {"clip": SteppedClock(tmp_path / "clip.clock"), "watch": SteppedClock(tmp_path / "watch.clock")}
    db = tmp_path / "data" / "jobs.sqlite3"
    started = time.monotonic()
    clip = _spawn(clocks["clip"].env(base), "clip", source, "--start", "1", "--end", "5", "--wait",
                  "--wait-timeout", "60")
    _wait_until(lambda: _token(db) is not None or clip.poll() is not None, 30, f"{label}: the job saved")
    token = _token(db)
    assert token is not None, f"{label}: {clip.communicate()[1]}"
    _wait_until(lambda: _creates(emu) or clip.poll() is not None, 30, f"{label}: the create sent")
    watch = _spawn(clocks["watch"].env(base), "jobs", "--watch", "--wait-timeout", "60")
    t0 = time.monotonic()
    # The step that matters lands while the create is unanswered (held) or searched for (late, lost), after the
    # watcher has started; 0–2 more steps of either process, either way, come around it.
    plan = [(rng.uniform(0.8, 1.6), target, rng.choice(STEPS) * direction)]
    plan += [(rng.uniform(0.1, 2.4), rng.choice(list(clocks)), rng.choice(STEPS) * rng.choice((1, -1)))
             for _ in range(rng.randint(0, 2))]
    plan.sort()
    injected_at: float | None = rng.uniform(2.6, 3.4) if mode == "late" else None  # within the 5 s window
    for at, who, seconds in plan:
        time.sleep(max(t0 + at - time.monotonic(), 0.0))
        clocks[who].step(seconds)
        record(f"clock steps: {'+' if seconds > 0 else '−'} in a {'clip --wait' if who == 'clip' else 'jobs --watch'}")
    if injected_at is not None:
        time.sleep(max(t0 + injected_at - time.monotonic(), 0.0))
        made = emu.create_clip(source, 1, 5, passthrough=f"mcj:{token}")  # Mux acts on the first create now
        assert made.status_code == 201, made.text
    outputs = {}
    for name, process in (("clip --wait", clip), ("jobs --watch", watch)):
        try:
            out, err = process.communicate(timeout=max(DONE_WITHIN_S - (time.monotonic() - started), 1.0))
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            raise AssertionError(f"{label}: {name} still waiting after {DONE_WITHIN_S} s (a stretched wait): "
                                 f"{err[-800:]}") from None
        assert process.returncode == 0, f"{label}: {name} exited {process.returncode}: {err[-800:]}"
        assert "Traceback" not in err, f"{label}: {err}"
        outputs[name] = out
    clips = [a for a in emu.api.get("/video/v1/assets", params={"limit": 100}).json()["data"]
             if token_in(a.get("passthrough")) == token]
    sent = len(_creates(emu)) - (mode == "late")  # the test's own POST stands for Mux acting late
    assert len(clips) == 1, f"{label} ({mode}, steps {plan}): {len(clips)} clips for one job"
    assert sent == (2 if mode == "lost" else 1), f"{label} ({mode}, steps {plan}): the create was sent {sent} times"
    assert emu.requests(method="DELETE") == [], f"{label}: a duplicate was made (and deleted)"
    assert "ready" in outputs["clip --wait"], f"{label}: {outputs['clip --wait']}"
    record("clock steps: schedules across two processes")
    record(f"clock steps: schedules where Mux {'acted late on' if mode == 'late' else mode} the create")


