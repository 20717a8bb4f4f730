"""Damaged files as users' machines make them (a crash mid-copy, a sync tool, another program, a newer
muxclipper, a hand edit), for the storage suite. Each maker writes its damage at ``path``; the good part it
leaves (if any) is what must survive."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.store.jobs import JobRepository

ENV_KEY = "test-token-id@http://127.0.0.1"


def good_history(path: Path, environment: str = ENV_KEY, count: int = 40) -> list[ClipJob]:
    """A real history of ``count`` ready jobs, checkpointed into the main file (as after a clean exit)."""
    repo = JobRepository(path)
    jobs = repo.add_many([ClipJob(None, f"token-{i:03d}", environment, "SourceAsset0001", 1_000 * i,
                                  1_000 * i + 2_000, state=JobState.READY, asset_id=f"ClipAsset{i:04d}")
                          for i in range(count)])
    repo.close()
    return jobs


@dataclass(frozen=True)
class HistoryDamage:
    name: str
    make: Callable[[Path], None]
    #: True: the file is set aside and a new history started; False: one row is left out, the rest kept.
    whole_file: bool
    #: Words the notice must contain.
    said: str


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(14).randbytes(8192))


def _truncated(path: Path) -> None:
    good_history(path, count=300)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _directory(path: Path) -> None:
    path.mkdir(parents=True)
    (path / "something.txt").write_text("a folder where the history should be")


def _newer_schema(path: Path) -> None:
    good_history(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE jobs (job_id TEXT PRIMARY KEY, printer TEXT, pages INTEGER)")
    conn.execute("INSERT INTO jobs VALUES ('print-1', 'office', 3)")
    conn.commit()
    conn.close()


def _bad_row(column: str, value: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        jobs = good_history(path, count=3)
        conn = sqlite3.connect(path)
        conn.execute(f"UPDATE jobs SET {column} = ? WHERE id = ?", (value, jobs[1].id))
        conn.commit()
        conn.close()
    return make


HISTORY_DAMAGE = [
    HistoryDamage("random bytes", _random_bytes, True, "SQLite says"),
    HistoryDamage("truncated", _truncated, True, "SQLite says"),
    HistoryDamage("a directory", _directory, True, "a folder is where the file should be"),
    HistoryDamage("schema 99", _newer_schema, True, "newer muxclipper (schema 99"),
    HistoryDamage("a foreign SQLite file", _foreign, True, "another program's database"),
    HistoryDamage("state 'bogus'", _bad_row("state", "bogus"), False, "#2: unknown state 'bogus'"),
    HistoryDamage("options not JSON", _bad_row("options", "{not json"), False, "#2: options is not JSON"),
    # Python's json recursed once per level: every reader of the history stopped with RecursionError.
    HistoryDamage("options 100,000 deep", _bad_row("options", "[" * 100_000 + "]" * 100_000), False,
                  "#2: options is nested 100,000 levels deep"),
]

GOOD_PROFILE = {"id": "goodprofile1", "name": "Staging", "token_id": "test-token-id",
                "api_url": "https://api.mux.com", "stream_url": "https://stream.mux.com",
                "image_url": "https://image.mux.com", "colour": "#1565c0", "confirm_create": False,
                "signing_key_id": None, "storage": "keyring"}


@dataclass(frozen=True)
class SettingsDamage:
    name: str
    text: str | bytes | None  # None: a folder in the file's place
    said: str
    #: Names of the profiles that must survive.
    kept: tuple[str, ...] = ()


SETTINGS_DAMAGE = [
    SettingsDamage("a JSON list", "[]", "it holds a JSON list"),
    SettingsDamage("profiles not a list", '{"profiles": "oops"}', "its profiles are not a list"),
    SettingsDamage("bad entries beside a good one", json.dumps({"profiles": [
        GOOD_PROFILE, {"id": "x"}, "oops", 7, {**GOOD_PROFILE, "id": "p2", "name": 5},
        {**GOOD_PROFILE, "id": "p3", "name": "Other", "api_url": ["not", "text"]},
        {**GOOD_PROFILE, "id": "p4", "name": "Twin"}, {**GOOD_PROFILE, "id": "p4", "name": "Twin again"}],
        "active": "goodprofile1"}), "profile 2 has no name", ("Staging", "Twin")),
    SettingsDamage("not JSON", '{"profiles": [', "it is not JSON"),
    SettingsDamage("a directory", None, "a folder is where the file should be"),
    SettingsDamage("not UTF-8", b'{"profiles": [{"name": "\xff\xfe"}]}', "it is not UTF-8 text"),
    SettingsDamage("100,000 deep", "[" * 100_000 + "]" * 100_000, "it is nested 100,000 levels deep"),
    SettingsDamage("NaN", '{"profiles": [], "active": NaN}', "NaN, which is not a number"),
]


def make_settings(path: Path, damage: SettingsDamage) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if damage.text is None:
        path.mkdir()
        (path / "note.txt").write_text("a folder where the settings should be")
    elif isinstance(damage.text, bytes):
        path.write_bytes(damage.text)
    else:
        path.write_text(damage.text, encoding="utf-8")


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file at or under ``path``, by relative name: what "kept" has to mean, byte for byte."""
    if path.is_dir():
        return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
    return {"": path.read_bytes()} if path.exists() else {}
