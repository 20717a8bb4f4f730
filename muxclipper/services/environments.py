"""Named Mux environments: everything but the secrets, in a settings file; the secrets in the keyring.

A profile names the environment, gives it a colour, the three base URLs, the access token id,
whether creating clips asks for confirmation, and optionally a signing key id (for signed playback).
Its token secret and signing private key are keyring entries ``{profile id}:token_secret`` and
``{profile id}:signing_private_key``; removing the profile removes them.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from muxclipper.mux.endpoints import DEFAULT_API, DEFAULT_IMAGE, DEFAULT_STREAM, Credentials, Endpoints
from muxclipper.mux.urls import SigningKey
from muxclipper.services.credentials import SecretStore
from muxclipper.services.environment import Environment

PRODUCTION_HINT = re.compile(r"\b(prod|production|live|main)\b", re.IGNORECASE)
COLOURS = ("#2e7d32", "#1565c0", "#6a1b9a", "#ef6c00", "#c62828", "#00838f")
DEMO_ID = "demo"


class ProfileError(ValueError):
    """A profile that cannot be saved or used as it is; the message says why."""


def suggests_production(name: str) -> bool:
    """Names that look like production get confirmation before creating clips by default."""
    return bool(PRODUCTION_HINT.search(name))


@dataclass(frozen=True)
class EnvironmentProfile:
    id: str
    name: str
    token_id: str
    colour: str = COLOURS[0]
    api_url: str = DEFAULT_API
    stream_url: str = DEFAULT_STREAM
    image_url: str = DEFAULT_IMAGE
    confirm_create: bool = False
    signing_key_id: str | None = None
    #: "keyring", or "session" when the user chose to keep the secret in memory for this run.
    storage: str = "keyring"

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints(self.api_url, self.stream_url, self.image_url)

    @property
    def key(self) -> str:
        """The same key :class:`Environment` gives its jobs: token id and API address, no secret."""
        return f"{self.token_id}@{self.api_url}"

    @property
    def secret_name(self) -> str:
        return f"{self.id}:token_secret"

    @property
    def signing_secret_name(self) -> str:
        return f"{self.id}:signing_private_key"


def new_profile(name: str, token_id: str, **fields: Any) -> EnvironmentProfile:
    if "confirm_create" not in fields:
        fields["confirm_create"] = suggests_production(name)
    return EnvironmentProfile(id=uuid.uuid4().hex[:12], name=name.strip(), token_id=token_id.strip(), **fields)


@dataclass
class _Settings:
    profiles: list[EnvironmentProfile] = field(default_factory=list)
    active: str | None = None


class EnvironmentStore:
    """Profiles in ``environments.json`` (written atomically); secrets through a :class:`SecretStore`."""

    def __init__(self, path: Path, secrets: SecretStore, session_secrets: SecretStore | None = None) -> None:
        self.path = path
        self.secrets = secrets
        self.session_secrets = session_secrets
        self._settings = self._load()

    def _load(self) -> _Settings:
        if not self.path.exists():
            return _Settings()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            known = {f for f in EnvironmentProfile.__dataclass_fields__}
            profiles = [EnvironmentProfile(**{k: v for k, v in p.items() if k in known})
                        for p in data.get("profiles", [])]
        except (OSError, ValueError, TypeError) as exc:
            raise ProfileError(f"The environment settings ({self.path}) cannot be read: {exc}. Move the file "
                               "aside to start again; the secrets stay in the keyring.") from exc
        return _Settings(profiles, data.get("active"))

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"profiles": [asdict(p) for p in self._settings.profiles], "active": self._settings.active}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".environments.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
        os.replace(tmp, self.path)

    # ------------------------------------------------------------------ profiles
    @property
    def profiles(self) -> list[EnvironmentProfile]:
        return list(self._settings.profiles)

    def find(self, name_or_id: str) -> EnvironmentProfile:
        for profile in self._settings.profiles:
            if name_or_id in (profile.id, profile.name):
                return profile
        names = ", ".join(p.name for p in self._settings.profiles) or "none yet"
        raise ProfileError(f"No environment called {name_or_id!r} (environments: {names}).")

    @property
    def active(self) -> EnvironmentProfile | None:
        if self._settings.active is None:
            return None
        try:
            return self.find(self._settings.active)
        except ProfileError:
            return None

    def set_active(self, profile: EnvironmentProfile) -> None:
        self._settings.active = self.find(profile.id).id
        self._save()

    def _secret_store(self, profile: EnvironmentProfile) -> SecretStore:
        if profile.storage == "session":
            if self.session_secrets is None:
                raise ProfileError("This environment's secret was kept for one run only; enter it again.")
            return self.session_secrets
        return self.secrets

    def add(self, profile: EnvironmentProfile, token_secret: str, signing_private_key: str | None = None) -> EnvironmentProfile:
        """Save a new profile; the secret goes to the keyring first, so a refusal saves nothing."""
        self._check(profile)
        if any(p.name == profile.name for p in self._settings.profiles):
            raise ProfileError(f"There is already an environment called {profile.name!r}.")
        if not token_secret:
            raise ProfileError("The token secret is empty.")
        store = self._secret_store(profile)
        store.set(profile.secret_name, token_secret)
        if signing_private_key:
            store.set(profile.signing_secret_name, signing_private_key)
        self._settings.profiles.append(profile)
        if self._settings.active is None:
            self._settings.active = profile.id
        self._save()
        return profile

    def update(self, profile: EnvironmentProfile, token_secret: str | None = None,
               signing_private_key: str | None = None) -> EnvironmentProfile:
        """Change a profile; a secret left as None keeps the stored one."""
        self._check(profile)
        old = self.find(profile.id)
        if any(p.name == profile.name and p.id != profile.id for p in self._settings.profiles):
            raise ProfileError(f"There is already an environment called {profile.name!r}.")
        store = self._secret_store(profile)
        if token_secret:
            store.set(profile.secret_name, token_secret)
        if signing_private_key:
            store.set(profile.signing_secret_name, signing_private_key)
        if not profile.signing_key_id:
            store.delete(profile.signing_secret_name)
        self._settings.profiles[self._settings.profiles.index(old)] = profile
        self._save()
        return profile

    def duplicate(self, profile: EnvironmentProfile, name: str) -> EnvironmentProfile:
        """A copy under a new name; the secrets are copied keyring to keyring, never shown."""
        source = self.find(profile.id)
        store = self._secret_store(source)
        secret = store.get(source.secret_name)
        signing = store.get(source.signing_secret_name) if source.signing_key_id else None
        copy = replace(source, id=uuid.uuid4().hex[:12], name=name.strip())
        return self.add(copy, secret or "", signing)

    def remove(self, profile: EnvironmentProfile) -> None:
        profile = self.find(profile.id)
        store = self._secret_store(profile) if profile.storage != "session" or self.session_secrets else None
        if store is not None:
            store.delete(profile.secret_name)
            store.delete(profile.signing_secret_name)
        self._settings.profiles.remove(profile)
        if self._settings.active == profile.id:
            self._settings.active = self._settings.profiles[0].id if self._settings.profiles else None
        self._save()

    @staticmethod
    def _check(profile: EnvironmentProfile) -> None:
        if not profile.name.strip():
            raise ProfileError("Give the environment a name.")
        if not profile.token_id.strip():
            raise ProfileError("The access token id is empty.")
        for label, url in (("API", profile.api_url), ("stream", profile.stream_url), ("image", profile.image_url)):
            if not re.match(r"^https?://[^/\s]+", url):
                raise ProfileError(f"The {label} address must start with https:// (or http:// for a local emulator).")
        if not re.match(r"^#[0-9a-fA-F]{6}$", profile.colour):
            raise ProfileError("The colour must look like #1565c0.")

    # ------------------------------------------------------------------ runtime
    def environment(self, profile: EnvironmentProfile) -> Environment:
        """The runnable environment, its secret fetched from the keyring now."""
        profile = self.find(profile.id)
        store = self._secret_store(profile)
        secret = store.get(profile.secret_name)
        if not secret:
            raise ProfileError(f"The token secret of {profile.name!r} is missing from the keyring; edit the "
                               "environment and enter it again.")
        return Environment(profile.name, profile.endpoints, Credentials(profile.token_id, secret))

    def signing_key(self, profile: EnvironmentProfile) -> SigningKey | None:
        if not profile.signing_key_id:
            return None
        private = self._secret_store(profile).get(profile.signing_secret_name)
        return SigningKey(profile.signing_key_id, private) if private else None


def demo_environment(origin: str, token_id: str = "demo-token-id", token_secret: str = "demo-token-secret",
                     ) -> Environment:
    """The built-in environment of ``--demo``: the local emulator, its public demo token, no keyring."""
    return Environment("Demo (local emulator)", Endpoints.for_origin(origin), Credentials(token_id, token_secret),
                       stable_key="demo")
