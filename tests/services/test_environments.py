"""Named environments: settings in a file, secrets only in the keyring, nothing lost on refusal."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import keyring.errors
import pytest

from muxclipper.services.credentials import SERVICE, KeyringSecrets, KeyringUnavailableError, SessionSecrets
from muxclipper.services.environments import (
    EnvironmentStore,
    ProfileError,
    new_profile,
    suggests_production,
)
from tests.support.memory_keyring import MemoryKeyring, RefusingKeyring

SECRET = "s3cr3t-token-secret-value"
PRIVATE_KEY = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCnh4eAotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg=="


@pytest.fixture
def backend() -> MemoryKeyring:
    ring = keyring.get_keyring()
    assert isinstance(ring, MemoryKeyring)
    return ring


@pytest.fixture
def store(tmp_path: Path) -> EnvironmentStore:
    return EnvironmentStore(tmp_path / "environments.json", KeyringSecrets())


def test_secret_lives_only_in_the_keyring(store: EnvironmentStore, backend: MemoryKeyring, tmp_path: Path) -> None:
    profile = store.add(new_profile("Staging", "tok-id", signing_key_id="key-1"), SECRET, PRIVATE_KEY)
    assert backend.items[(SERVICE, f"{profile.id}:token_secret")] == SECRET
    assert backend.items[(SERVICE, f"{profile.id}:signing_private_key")] == PRIVATE_KEY
    text = (tmp_path / "environments.json").read_text()
    assert SECRET not in text and PRIVATE_KEY not in text
    assert json.loads(text)["profiles"][0]["token_id"] == "tok-id"
    reopened = EnvironmentStore(tmp_path / "environments.json", KeyringSecrets())
    environment = reopened.environment(reopened.find("Staging"))
    assert environment.credentials.token_secret == SECRET
    assert SECRET not in repr(environment)
    key = reopened.signing_key(profile)
    assert key is not None and key.key_id == "key-1"


def test_first_environment_becomes_active_and_names_are_unique(store: EnvironmentStore) -> None:
    first = store.add(new_profile("A", "id-a"), "x")
    store.add(new_profile("B", "id-b"), "y")
    assert store.active == first
    with pytest.raises(ProfileError, match="already an environment"):
        store.add(new_profile("A", "id-c"), "z")
    store.set_active(store.find("B"))
    assert store.active is not None and store.active.name == "B"


def test_remove_deletes_keyring_entries(store: EnvironmentStore, backend: MemoryKeyring) -> None:
    profile = store.add(new_profile("Temp", "id", signing_key_id="k"), SECRET, PRIVATE_KEY)
    store.remove(profile)
    assert backend.items == {}
    assert store.profiles == [] and store.active is None


def test_duplicate_copies_the_secret_keyring_to_keyring(store: EnvironmentStore, backend: MemoryKeyring) -> None:
    original = store.add(new_profile("Client A", "id"), SECRET)
    copy = store.duplicate(original, "Client A (copy)")
    assert copy.id != original.id and backend.items[(SERVICE, copy.secret_name)] == SECRET
    store.remove(original)
    assert store.environment(copy).credentials.token_secret == SECRET


def test_update_keeps_the_secret_unless_a_new_one_is_given(store: EnvironmentStore, backend: MemoryKeyring) -> None:
    profile = store.add(new_profile("Stage", "id"), SECRET)
    from dataclasses import replace

    store.update(replace(profile, colour="#123456"))
    assert store.environment(profile).credentials.token_secret == SECRET
    store.update(replace(profile, token_id="id2"), token_secret="new-secret")
    assert store.environment(profile).credentials == type(store.environment(profile).credentials)("id2", "new-secret")


@pytest.mark.parametrize(("name", "expected"), [("Production", True), ("prod EU", True), ("Client live", True),
                                                 ("Staging", False), ("Dev", False), ("products", False)])
def test_production_like_names_ask_for_confirmation(name: str, expected: bool) -> None:
    assert suggests_production(name) is expected
    assert new_profile(name, "id").confirm_create is expected


@pytest.mark.parametrize(("fields", "fragment"), [
    ({"name": " "}, "name"), ({"token_id": ""}, "token id"), ({"api_url": "api.mux.com"}, "https://"),
    ({"colour": "red"}, "colour"),
])
def test_bad_profiles_are_refused(store: EnvironmentStore, fields: dict[str, str], fragment: str) -> None:
    from dataclasses import replace

    with pytest.raises(ProfileError, match=fragment):
        store.add(replace(new_profile("Ok", "id"), **fields), SECRET)


@pytest.mark.parametrize("error", [keyring.errors.NoKeyringError(), keyring.errors.KeyringLocked(),
                                   keyring.errors.PasswordSetError("refused"), keyring.errors.InitError("dbus")])
def test_a_refusing_keyring_saves_nothing_and_says_what_to_do(tmp_path: Path, error: Exception) -> None:
    keyring.set_keyring(RefusingKeyring(error))
    store = EnvironmentStore(tmp_path / "environments.json", KeyringSecrets())
    with pytest.raises(KeyringUnavailableError) as caught:
        store.add(new_profile("Prod", "id"), SECRET)
    message = str(caught.value)
    assert "keyring" in message.lower() and "this run only" in message
    assert SECRET not in message
    assert store.profiles == [] and not (tmp_path / "environments.json").exists()


def test_fail_backend_is_detected_up_front() -> None:
    from keyring.backends.fail import Keyring as FailKeyring

    with pytest.raises(KeyringUnavailableError, match="No keyring"):
        KeyringSecrets(FailKeyring()).check()


def test_session_only_secrets_are_never_written(tmp_path: Path, backend: MemoryKeyring) -> None:
    from dataclasses import replace

    session = SessionSecrets()
    store = EnvironmentStore(tmp_path / "environments.json", KeyringSecrets(), session_secrets=session)
    profile = store.add(replace(new_profile("Laptop", "id"), storage="session"), SECRET)
    assert backend.items == {} and store.environment(profile).credentials.token_secret == SECRET
    assert SECRET not in (tmp_path / "environments.json").read_text() and SECRET not in repr(session)
    later_run = EnvironmentStore(tmp_path / "environments.json", KeyringSecrets())
    with pytest.raises(ProfileError, match="one run only"):
        later_run.environment(later_run.find("Laptop"))


def test_damaged_settings_file_is_set_aside_and_the_store_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / "environments.json"
    path.write_text("{broken")
    store = EnvironmentStore(path, KeyringSecrets())
    assert store.profiles == [] and store.notice is not None and "not JSON" in store.notice
    [kept] = tmp_path.glob("environments.json.damaged-*")
    assert kept.read_text() == "{broken" and kept.name in store.notice
    store.add(new_profile("Fresh", "id"), SECRET)
    assert kept.read_text() == "{broken"  # saving later never touches the copy
