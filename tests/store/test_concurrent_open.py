"""Processes opening the same new job history at the same instant (a window and `jobs --watch` started
together, two watchers after a crash): each gets a working, fully migrated history — none a traceback
("table jobs already exists") or "database is locked"."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

OPEN_AT = """
import sys, time
from pathlib import Path
from muxclipper.store.jobs import JobRepository
start = float(sys.argv[2])
while time.time() < start:
    pass  # spin: every process opens within microseconds of the others
JobRepository(Path(sys.argv[1])).close()
"""


def test_three_processes_opening_one_new_history_at_once(tmp_path: Path) -> None:
    for round_ in range(8):
        path = tmp_path / str(round_) / "jobs.sqlite3"
        path.parent.mkdir()
        start = time.time() + 1.0
        processes = [subprocess.Popen([sys.executable, "-c", OPEN_AT, str(path), str(start)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        for process in processes:
            _, err = process.communicate(timeout=30)
            assert process.returncode == 0, err
