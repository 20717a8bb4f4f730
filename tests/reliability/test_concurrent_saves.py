"""Settings saved by many processes at once all land (services/settings_files.py): 20 real processes saving a preset
each into one ``clip-presets.json`` (as ``clip --save-preset`` does) keep 20 presets; 20 real ``muxclipper env add``
on one ``environments.json`` keep 20 environments, each with its secret in the real keyring and no secret left
without its profile. Before the file lock: 9 of 20 presets and 1 of 10 environments were kept, with exit 0."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import keyring
import pytest

from muxclipper.services.clip_presets import PresetStore
from muxclipper.services.credentials import SERVICE, KeyringSecrets
from muxclipper.services.environments import EnvironmentStore, ProfileError, new_profile
from tests.support.reliability_counts import record

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

WAYS = 20
SAVE_PRESET = """
import sys
import uuid
from pathlib import Path
from muxclipper.core.models import ClipOptions
from muxclipper.services.clip_presets import PresetStore
sys.stdin.readline()  # all started: save at once
PresetStore(Path(sys.argv[1])).save("env-key", f"preset {sys.argv[2]}", ClipOptions(video_quality="premium"))
"""


def _start_together(commands: list[list[str]], env: dict[str, str], stdin_text: list[str]) -> list[int]:
    processes = [subprocess.Popen(c, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=env) for c in commands]
    for process, text in zip(processes, stdin_text, strict=True):  # the go, as close together as can be
        assert process.stdin is not None
        process.stdin.write(text)
        process.stdin.flush()
    codes = []
    for process in processes:
        out, err = process.communicate(timeout=200)
        assert process.returncode == 0, err
        codes.append(process.returncode)
    return codes


def test_twenty_processes_saving_presets_at_once_keep_all_twenty(tmp_path: Path) -> None:
    path = tmp_path / "link" / "clip-presets.json"
    real = tmp_path / "dotfiles" / "clip-presets.json"
    real.parent.mkdir()
    path.parent.mkdir()
    path.symlink_to(real)  # through a dotfiles symlink, which must stay one
    _start_together([[sys.executable, "-c", SAVE_PRESET, str(path), str(i)] for i in range(WAYS)], dict(os.environ),
                    ["go\n"] * WAYS)
    record("concurrent saves (presets, processes)", WAYS)
    assert sorted(PresetStore(path).names("env-key")) == sorted(f"preset {i}" for i in range(WAYS))
    assert path.is_symlink() and real.is_file()
    assert sorted(p.name for p in real.parent.iterdir()) == [".clip-presets.json.lock", "clip-presets.json"]


@pytest.mark.secret_service
def test_twenty_env_adds_at_once_keep_all_twenty_and_no_orphan_secret(tmp_path: Path) -> None:
    config = tmp_path / "config"
    env = {**os.environ, "MUXCLIPPER_CONFIG_DIR": str(config)}
    commands = [[sys.executable, "-m", "muxclipper", "env", "add", f"Staging {i}", "--token-id", f"token-{i}",
                 "--secret-stdin", "--no-test"] for i in range(WAYS)]
    tag = f"secret-{uuid.uuid4().hex[:8]}"  # this run's secrets, told apart from other tests' on the same keyring
    _start_together(commands, env, [f"{tag}-{i}\n" for i in range(WAYS)])
    record("concurrent saves (env add, processes)", WAYS)
    store = EnvironmentStore(config / "environments.json", KeyringSecrets())
    assert sorted(p.name for p in store.profiles) == sorted(f"Staging {i}" for i in range(WAYS))
    try:
        found = {p.token_id: KeyringSecrets().get(p.secret_name) for p in store.profiles}
        assert found == {f"token-{i}": f"{tag}-{i}" for i in range(WAYS)}
        ids = {p.id for p in store.profiles}
        ours = _keyring_entries(tag)
        orphans = [name for name in ours if name.split(":")[0] not in ids]
        assert orphans == [] and len(ours) == WAYS  # every secret this run stored has its profile
        assert [p.name for p in config.iterdir() if p.name.endswith(".tmp")] == []
    finally:
        for profile in store.profiles:
            store.remove(profile)


def _keyring_entries(tag: str) -> list[str]:
    """The names of the muxclipper entries in the Secret Service whose secret starts with ``tag`` (keyring has no way
    to list them)."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        return [item.get_attributes().get("username", "") for item in collection.search_items({"service": SERVICE})
                if item.get_secret().decode("utf-8", "replace").startswith(tag)]
    finally:
        connection.close()


def test_a_save_that_cannot_be_written_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    """Where the file cannot be written (an immutable file, a file where its folder should be): a clear error naming
    the file (ProfileError: exit 2 on the command line), the secret taken back out of the keyring, no .tmp left."""
    record("concurrent saves (failed writes)")
    blocker = tmp_path / "not-a-folder"
    path = tmp_path / "environments.json"
    path.symlink_to(blocker / "environments.json")
    store = EnvironmentStore(path, KeyringSecrets())
    shutil.rmtree(blocker)  # made by the store's lock when it read
    blocker.write_text("a file")  # after the store was opened: its save finds a file where the folder should be
    profile = new_profile("Staging", "token-id")
    with pytest.raises(ProfileError) as caught:
        store.add(profile, "the-secret")
    assert str(path) in str(caught.value) and "is a file, not a folder" in str(caught.value)
    assert keyring.get_password(SERVICE, profile.secret_name) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["environments.json", "not-a-folder"]


@pytest.mark.secret_service  # the command stores the secret in the real keyring, then takes it back out
@pytest.mark.skipif(shutil.which("chattr") is None, reason="chattr (e2fsprogs) is not installed")
def test_an_immutable_settings_file_gives_a_clear_message_with_exit_2(tmp_path: Path) -> None:
    record("concurrent saves (failed writes)")
    config = tmp_path / "config"
    config.mkdir()
    path = config / "environments.json"
    path.write_text('{"profiles": [], "active": null}')
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode != 0:
        pytest.skip("this file system has no immutable flag")
    try:
        env = {**os.environ, "MUXCLIPPER_CONFIG_DIR": str(config)}
        done = subprocess.run([sys.executable, "-m", "muxclipper", "env", "add", "Staging", "--token-id", "tok",
                               "--secret-stdin", "--no-test"], input="s3cret\n", capture_output=True, text=True,
                              env=env, timeout=60, check=False)
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and str(path) in done.stderr and "not permitted" in done.stderr
    assert sorted(p.name for p in config.iterdir()) == [".environments.json.lock", "environments.json"]
    assert "s3cret" not in done.stderr
