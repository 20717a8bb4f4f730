"""Where muxclipper keeps its files; ``MUXCLIPPER_DATA_DIR`` and ``MUXCLIPPER_CONFIG_DIR`` move them."""

from __future__ import annotations

import os
import time
from pathlib import Path


def data_dir() -> Path:
    override = os.environ.get("MUXCLIPPER_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("muxclipper", appauthor=False)


def jobs_db() -> Path:
    return data_dir() / "jobs.sqlite3"


def config_dir() -> Path:
    override = os.environ.get("MUXCLIPPER_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path("muxclipper", appauthor=False)


def environments_file() -> Path:
    return config_dir() / "environments.json"


def set_aside(path: Path) -> Path | None:
    """Rename a damaged file (or folder) to ``NAME.damaged-<UTC time>`` beside it, so that nothing in it is lost
    and a sound one can take its place; answers the new path, or None if it could not be moved."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for attempt in range(100):
        kept = path.with_name(f"{path.name}.damaged-{stamp}" + (f"-{attempt}" if attempt else ""))
        if kept.exists() or kept.is_symlink():
            continue
        try:
            os.replace(path, kept)
        except OSError:
            return None
        return kept
    return None
