"""Storage suite: every damaged file the issue names, for the services and the command line.

What a user must see each time: muxclipper starts, says what was wrong and where, keeps a timestamped copy
of the damaged file beside it (byte for byte), goes on with what it can — a new history, the good profiles,
the ``MUX_TOKEN_*`` variables — and loses nothing else. The window's side runs in test_storage_window.py.
"""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import keyring
import pytest

from muxclipper.cli.main import main as cli_main
from muxclipper.core.jobs import ClipJob
from muxclipper.mux.endpoints import Credentials, Endpoints
from muxclipper.services.credentials import SERVICE, KeyringSecrets
from muxclipper.services.environment import Environment
from muxclipper.services.environments import EnvironmentStore
from muxclipper.services.session import open_session
from muxclipper.store.jobs import JobRepository, open_job_history
from tests.emulator.helpers import RW, Emu
from tests.reliability.storage_damage import (
    GOOD_PROFILE,
    HISTORY_DAMAGE,
    SETTINGS_DAMAGE,
    HistoryDamage,
    SettingsDamage,
    make_settings,
    snapshot,
)
from tests.support.reliability_counts import record


def _copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.damaged-*"))


def _no_raw_controls(text: str) -> bool:
    return all(ch in "\n" or unicodedata.category(ch) not in ("Cc", "Cf") for ch in text)


@pytest.mark.parametrize("damage", HISTORY_DAMAGE, ids=[d.name for d in HISTORY_DAMAGE])
def test_damaged_history_is_kept_aside_and_a_usable_one_opens(damage: HistoryDamage, tmp_path: Path) -> None:
    record("damaged files (job history, store)")
    path = tmp_path / "jobs.sqlite3"
    damage.make(path)
    before = snapshot(path)
    repo, notice = open_job_history(path)
    try:
        assert notice is not None and damage.said in notice and str(path) in notice
        if damage.whole_file:
            [kept] = _copies(path)
            assert kept.name in notice and snapshot(kept) == before  # the copy is the damaged file, byte for byte
            saved = repo.add(ClipJob(None, "new-token", "env", "SourceAsset0001", 0, 1_000))
            assert repo.all() == [saved]  # the new history works
        else:
            assert _copies(path) == []  # nothing is moved: the bad row stays where it was
            assert [j.token for j in repo.all()] == ["token-002", "token-000"]
            assert repo.unfinished() == [] and repo.get(2) is None
    finally:
        repo.close()
    if not damage.whole_file:  # the row is still in the file, untouched
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT count(*) FROM jobs").fetchone()[0] == 3
        conn.close()


def test_a_second_process_does_not_set_aside_the_history_the_first_just_started(tmp_path: Path) -> None:
    """Two muxclippers finding the same damaged file: the second must not move the first's new history."""
    path = tmp_path / "jobs.sqlite3"
    path.write_bytes(b"not a database" * 500)
    from muxclipper.store.history_file import DamagedHistoryError, set_aside

    with pytest.raises(DamagedHistoryError) as seen_by_second:
        JobRepository(path)
    first, _ = open_job_history(path)  # the first process sets it aside and starts anew
    first.add(ClipJob(None, "kept-token", "env", "SourceAsset0001", 0, 1_000))
    assert set_aside(path, seen_by_second.value.identity) is None  # the second leaves the new file alone
    assert [j.token for j in first.all()] == ["kept-token"] and len(_copies(path)) == 1
    first.close()


def test_machine_problems_are_not_mistaken_for_damage(tmp_path: Path) -> None:
    """A locked or unwritable place is said as before, and nothing is set aside: moving would not help."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from muxclipper.store.history_file import StoreUnavailableError

    with pytest.raises(StoreUnavailableError, match="writable"):
        open_job_history(blocker / "jobs.sqlite3")
    assert _copies(blocker) == [] and blocker.read_text() == "x"


@pytest.mark.parametrize("damage", HISTORY_DAMAGE, ids=[d.name for d in HISTORY_DAMAGE])
def test_session_carries_the_notice(damage: HistoryDamage, tmp_path: Path) -> None:
    record("damaged files (job history, session)")
    path = tmp_path / "jobs.sqlite3"
    damage.make(path)
    environment = Environment("test", Endpoints(), Credentials("test-id", "test-secret"))

    async def open_it() -> str | None:
        async with open_session(environment, path) as session:
            session.jobs.history()
            return session.storage_notice

    notice = asyncio.run(open_it())
    assert notice is not None and damage.said in notice


@pytest.fixture
def cli_env(emu: Emu, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The command line on the emulator through MUX_TOKEN_*; answers the data folder."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("MUXCLIPPER_DATA_DIR", str(data))
    monkeypatch.setenv("MUX_TOKEN_ID", RW[0])
    monkeypatch.setenv("MUX_TOKEN_SECRET", RW[1])
    monkeypatch.setenv("MUX_BASE_URL", emu.url)
    return data


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("damage", HISTORY_DAMAGE, ids=[d.name for d in HISTORY_DAMAGE])
@pytest.mark.parametrize("command", [["jobs", "--all"], ["jobs", "--watch", "--all", "--json"]])
def test_jobs_command_on_a_damaged_history(damage: HistoryDamage, command: list[str], cli_env: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    record("damaged files (job history, command line)")
    path = cli_env / "jobs.sqlite3"
    damage.make(path)
    code, out, err = _cli(capsys, *command)
    assert code == 0, err
    assert damage.said in err and str(path) in err and _no_raw_controls(err)
    shown = json.loads(out) if "--json" in command else out.splitlines()
    if damage.whole_file:
        assert len(_copies(path)) == 1 and shown == []
    else:
        assert len(shown) == 2  # the two good jobs, the bad one left out


def test_a_bad_row_does_not_stop_resuming_the_others(cli_env: Path, emu: Emu,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """``jobs --watch`` finishes the good unfinished job though a bad row sits beside it."""
    [source] = emu.seed({"duration": 30.0})
    emu.ctl("PUT", "config", {"processing_seconds": 0.5})
    path = cli_env / "jobs.sqlite3"
    repo = JobRepository(path)
    key = f"{RW[0]}@{emu.url}"
    _, bad = repo.add_many([ClipJob(None, "good-token", key, source, 1_000, 3_000),
                            ClipJob(None, "bad-token", key, source, 1_000, 3_000)])
    repo.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE jobs SET state = 'bogus' WHERE id = ?", (bad.id,))
    conn.close()
    code, out, err = _cli(capsys, "jobs", "--watch", "--json")
    assert code == 0, err
    assert [j["state"] for j in json.loads(out)] == ["ready"] and "unknown state 'bogus'" in err
    assert len(emu.requests("POST", "/video/v1/assets")) == 1  # only the good job was sent


@pytest.mark.parametrize("damage", SETTINGS_DAMAGE, ids=[d.name for d in SETTINGS_DAMAGE])
def test_damaged_settings_keep_the_good_profiles(damage: SettingsDamage, tmp_path: Path) -> None:
    record("damaged files (settings, store)")
    path = tmp_path / "environments.json"
    make_settings(path, damage)
    keyring.get_keyring().set_password(SERVICE, f"{GOOD_PROFILE['id']}:token_secret", "good-secret")
    before = snapshot(path)
    store = EnvironmentStore(path, KeyringSecrets())
    assert store.notice is not None and damage.said in store.notice and str(path) in store.notice
    [kept] = _copies(path)
    assert kept.name in store.notice and snapshot(kept) == before
    assert tuple(p.name for p in store.profiles) == damage.kept
    if "Staging" in damage.kept:
        assert store.active is not None and store.active.name == "Staging"
        assert store.environment(store.find("Staging")).credentials.token_secret == "good-secret"
    again = EnvironmentStore(path, KeyringSecrets())  # repaired: the next start is clean
    assert again.notice is None and tuple(p.name for p in again.profiles) == damage.kept
    assert len(_copies(path)) == 1


@pytest.mark.parametrize("damage", SETTINGS_DAMAGE, ids=[d.name for d in SETTINGS_DAMAGE])
def test_commands_on_damaged_settings(damage: SettingsDamage, cli_env: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``env list`` says what was repaired and lists what is left; ``jobs`` runs on the MUX_TOKEN_* variables."""
    record("damaged files (settings, command line)")
    config = tmp_path / "config"
    monkeypatch.setenv("MUXCLIPPER_CONFIG_DIR", str(config))
    path = config / "environments.json"
    make_settings(path, damage)
    code, out, err = _cli(capsys, "jobs")
    assert code == 0, err
    assert damage.said in err and len(_copies(path)) == 1
    code, out, err = _cli(capsys, "env", "list")
    assert code == 0 and err == ""  # said once: the file was repaired
    assert [line[2:].split("  ")[0] for line in out.splitlines() if not line.startswith("No environments")] == [
        *damage.kept]


def test_a_secret_read_from_stdin_never_reaches_the_damaged_copy(cli_env: Path, tmp_path: Path, emu: Emu,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Adding an environment after a repair writes the settings anew; the copy is never touched."""
    config = tmp_path / "config"
    monkeypatch.setenv("MUXCLIPPER_CONFIG_DIR", str(config))
    path = config / "environments.json"
    make_settings(path, SETTINGS_DAMAGE[0])
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{RW[1]}\n"))
    code, out, err = _cli(capsys, "env", "add", "Local", "--token-id", RW[0], "--api-base-url", emu.url,
                          "--secret-stdin")
    assert code == 0, err
    [kept] = _copies(path)
    assert kept.read_text() == "[]" and RW[1] not in path.read_text() + out + err
    assert [p["name"] for p in json.loads(path.read_text())["profiles"]] == ["Local"]


def test_processes_starting_together_on_a_new_history_neither_fail_nor_set_it_aside(tmp_path: Path) -> None:
    """A window and a command started at the same moment both create the history: before, the second failed
    "table jobs already exists" or "database is locked"; the damage check must not take a half-made history
    for another program's database either."""
    script = ("import sys, pathlib; from muxclipper.store.jobs import open_job_history; "
              "repo, notice = open_job_history(pathlib.Path(sys.argv[1])); repo.close(); "
              "print(notice or 'clean')")
    for round_ in range(5):
        path = tmp_path / f"round{round_}" / "jobs.sqlite3"
        path.parent.mkdir()
        starts = [subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True) for _ in range(3)]
        results = [p.communicate(timeout=60) for p in starts]
        assert [out.strip() for out, _ in results] == ["clean"] * 3, results
        assert _copies(path) == []


def test_jobs_lists_titles_and_errors_from_the_history_escaped(cli_env: Path, capsys: pytest.CaptureFixture[str]
                                                               ) -> None:
    """A title saved by the window (or an older muxclipper) and an error worded by Mux may hold control
    characters: ``jobs`` shows them escaped, never raw on the terminal."""
    from muxclipper.core.jobs import JobState
    from muxclipper.core.models import ClipOptions

    repo = JobRepository(cli_env / "jobs.sqlite3")
    repo.add(ClipJob(None, "t", f"{RW[0]}@http://x", "SourceAsset0001", 0, 1_000, ClipOptions(title="Key\x1b[2Jnote"),
                     state=JobState.FAILED, error="Mux said \x07\u202ebad"))
    repo.close()
    code, out, err = _cli(capsys, "jobs", "--all")
    assert code == 0, err
    assert "Key\\x1b[2Jnote" in out and "\\x07\\u202ebad" in out and _no_raw_controls(out)
