"""The real Secret Service (gnome-keyring in a D-Bus session, as scripts/test.sh and CI run it).

These tests read the secret back through ``secretstorage`` itself, so they would fail if muxclipper
kept it anywhere else; and a whole user flow ends with a search of every file the app may write.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from muxclipper.services.credentials import SERVICE, KeyringSecrets
from tests.emulator.helpers import RW, Emu

pytestmark = pytest.mark.secret_service
SECRET = RW[1]


@pytest.fixture
def secret_service() -> Iterator[object]:
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    ring = SecretServiceKeyring()
    try:
        ring.priority  # noqa: B018 - raises when no Secret Service answers on D-Bus
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the tests with a Secret Service (scripts/test.sh): {exc}")
        pytest.skip("no Secret Service in this session; run: bash scripts/test.sh")
    yield ring


def _stored(name: str) -> list[bytes]:
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        return [item.get_secret() for item in collection.search_items({"service": SERVICE, "username": name})]
    finally:
        connection.close()


def test_the_secret_is_in_the_secret_service_and_gone_after_delete(secret_service: object) -> None:
    secrets = KeyringSecrets(secret_service)  # type: ignore[arg-type]
    secrets.set("integration:token_secret", "a-secret-for-the-keyring")
    assert _stored("integration:token_secret") == [b"a-secret-for-the-keyring"]
    assert secrets.get("integration:token_secret") == "a-secret-for-the-keyring"
    secrets.delete("integration:token_secret")
    assert _stored("integration:token_secret") == []


def _app_env(tmp_path: Path, emu: Emu) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUX_", "MUXCLIPPER_"))}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(tmp_path / name.lower())
    return env


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "muxclipper", *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=90)


@pytest.mark.slow
def test_full_flow_leaves_the_secret_nowhere_but_the_keyring(
        secret_service: object, emu: Emu, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    env = _app_env(tmp_path, emu)
    outputs: list[str] = []

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        result = _cli(env, "--log-level", "debug", *args, stdin=stdin)
        outputs.extend([result.stdout, result.stderr])
        return result

    added = run("env", "add", "Production", "--token-id", RW[0], "--api-base-url", emu.url, "--secret-stdin",
                stdin=f"{SECRET}\n")
    assert added.returncode == 0, added.stderr
    assert "Works" in added.stdout
    listed = run("env", "list")
    assert "Production" in listed.stdout and "confirms before creating" in listed.stdout
    assert run("env", "test", "Production").returncode == 0
    [source] = emu.seed({"duration": 60.0})
    emu.ctl("PUT", "config", {"processing_seconds": 1.0})
    clip = run("--env", "Production", "clip", source, "--start", "1", "--end", "5", "--json")
    assert clip.returncode == 0, clip.stderr
    # The engine in this process, through the same store, finds the secret in the keyring too.
    from muxclipper.services.environments import EnvironmentStore

    store = EnvironmentStore(tmp_path / "xdg_config_home" / "muxclipper" / "environments.json",
                             KeyringSecrets(secret_service))  # type: ignore[arg-type]
    assert store.environment(store.find("Production")).credentials.token_secret == SECRET
    restarted = run("--env", "Production", "jobs", "--watch", "--json")
    assert [job["state"] for job in json.loads(restarted.stdout)] == ["ready"]
    assert run("env", "remove", "Production").returncode == 0
    profile_id = store.find("Production").id
    assert _stored(f"{profile_id}:token_secret") == []
    # Every file the app may have written, every line it printed or logged: no secret.
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "jobs.sqlite3" for p in written) and any(p.name == "environments.json" for p in written)
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), path
    assert all(SECRET not in text for text in outputs)
    assert SECRET not in caplog.text
    assert SECRET not in json.dumps(emu.requests())
