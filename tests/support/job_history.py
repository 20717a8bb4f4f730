"""Reading a job history file from outside the process that writes it (read-only, never locking it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def job_states(db: Path) -> list[str]:
    """Every job's state in the history at ``db`` (none yet, or unreadable mid-write: [])."""
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT state FROM jobs")]
    except sqlite3.Error:
        return []
    finally:
        conn.close()
