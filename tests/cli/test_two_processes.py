"""Two muxclipper processes on one job history: a job is sent by one of them only (issue 14, defect 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from muxclipper.core.jobs import token_in
from tests.cli.test_cli import _clips, _env
from tests.emulator.helpers import Emu
from tests.emulator.media_helpers import wait_until
from tests.support.job_history import job_states as _states


@pytest.mark.slow
def test_jobs_watch_started_while_clip_wait_is_sending_makes_no_second_clip(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    emu.ctl("PUT", "config", {"processing_seconds": 1.0})
    # Mux holds the create for 3 s before acting: the first process's POST is in flight all that time.
    emu.fault(kind="delay", method="POST", path="/video/v1/assets", delay_ms=3000, when="before")
    env = _env(emu, tmp_path)
    clip = subprocess.Popen([sys.executable, "-m", "muxclipper", "clip", source, "--start", "1", "--end", "5",
                             "--wait", "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: "submitting" in _states(tmp_path / "data" / "jobs.sqlite3"), 30, "the POST to leave")
        watch = subprocess.run([sys.executable, "-m", "muxclipper", "jobs", "--watch", "--json"], env=env,
                               capture_output=True, text=True, timeout=60, check=False)
        out, err = clip.communicate(timeout=60)
    finally:
        if clip.poll() is None:
            clip.kill()
            clip.communicate(timeout=10)
    assert clip.returncode == 0, err
    assert watch.returncode == 0, watch.stderr
    job = json.loads(out)
    [watched] = json.loads(watch.stdout)
    assert job["state"] == watched["state"] == "ready"
    clips = _clips(emu)
    assert [c["id"] for c in clips] == [job["asset_id"]], clips  # one clip, the one both processes report
    assert token_in(clips[0]["passthrough"]) is not None
    assert len(emu.requests(method="POST")) == 1  # the watcher never sent it again
