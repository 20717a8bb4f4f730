"""Processes opening the same new job history at the same instant (a window and `jobs --watch` started
together, two watchers after a crash): each gets a working, fully migrated history — none a traceback
("table jobs already exists") or "database is locked"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Each process gets ready (Python started, the store imported), says so, and opens the history when the test says
# go: the three opens start within microseconds of each other however slowly the processes started (a start time
# on the wall clock let a process on a busy machine arrive after the others had finished).
OPEN_AT = """
import sys
from pathlib import Path
from muxclipper.store.jobs import JobRepository
print("ready", flush=True)
sys.stdin.readline()
JobRepository(Path(sys.argv[1])).close()
"""


@pytest.mark.slow  # 24 Python processes
def test_three_processes_opening_one_new_history_at_once(tmp_path: Path) -> None:
    for round_ in range(8):
        path = tmp_path / str(round_) / "jobs.sqlite3"
        path.parent.mkdir()
        processes = [subprocess.Popen([sys.executable, "-c", OPEN_AT, str(path)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        for process in processes:
            assert process.stdout is not None and process.stdout.readline() == "ready\n", process.stderr
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        for process in processes:
            _, err = process.communicate(timeout=30)
            assert process.returncode == 0, err
