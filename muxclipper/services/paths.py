"""Where muxclipper keeps its files; ``MUXCLIPPER_DATA_DIR`` and ``MUXCLIPPER_CONFIG_DIR`` move them."""

from __future__ import annotations

import os
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
