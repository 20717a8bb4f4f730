"""Named Mux environments: everything but the secrets, in a settings file; the secrets in the keyring.

A profile names the environment, gives it a colour, the three base URLs, the access token id,
whether creating clips asks for confirmation, and optionally a signing key id (for signed playback).
Its token secret and signing private key are keyring entries ``{profile id}:token_secret`` and
``{profile id}:signing_private_key``; removing the profile removes them.

A settings file that cannot be read as it is (not JSON, JSON of another shape, entries that are not
profiles) is set aside under a timestamped name, what can be read of it is kept, and
:attr:`EnvironmentStore.notice` says so. Everything a user types for a profile is checked before it is
saved: no control or direction characters, bounded lengths, and no address that would carry the secret
in clear (``http://`` beyond this machine) or hold a password of its own.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import re
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from muxclipper.core import limited_json

# Re-exported: the rule lives in core (one for titles, labels and names); older imports from here keep working.
from muxclipper.core.visible_text import hidden_character as hidden_character
from muxclipper.core.visible_text import visible as visible
from muxclipper.mux.endpoints import DEFAULT_API, DEFAULT_IMAGE, DEFAULT_STREAM, Credentials, Endpoints
from muxclipper.mux.urls import SigningKey
from muxclipper.services import settings_files
from muxclipper.services.credentials import SecretStore
from muxclipper.services.environment import Environment
from muxclipper.services.outside_files import SETTINGS_MAX_BYTES, NotReadableFileError, read_limited

log = logging.getLogger(__name__)

PRODUCTION_HINT = re.compile(r"\b(prod|production|live|main)\b", re.IGNORECASE)
COLOURS = ("#2e7d32", "#1565c0", "#6a1b9a", "#ef6c00", "#c62828", "#00838f")
DEMO_ID = "demo"
MAX_NAME = 64
MAX_TOKEN_ID = 128
MAX_SECRET = 4096
MAX_URL = 2048
MAX_SIGNING_KEY = 16_384
_TOKEN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
class ProfileError(ValueError):
    """A profile that cannot be saved or used as it is; the message says why."""


def check_name(name: str) -> str:
    """The environment name as saved (stripped); raises :class:`ProfileError` saying what to change."""
    name = name.strip()
    if not name:
        raise ProfileError("Give the environment a name.")
    if len(name) > MAX_NAME:
        raise ProfileError(f"The environment name is {len(name):,} characters long; use at most {MAX_NAME}.")
    bad = hidden_character(name)
    if bad is not None:
        raise ProfileError(f"The environment name contains a control or formatting character ({bad}); type it "
                           "with letters, digits, spaces and punctuation only.")
    return name


def check_token_id(token_id: str, what: str = "access token id") -> str:
    """A Mux token or signing key id as saved; raises :class:`ProfileError` saying what to change."""
    token_id = token_id.strip()
    if not token_id:
        raise ProfileError(f"The {what} is empty.")
    if len(token_id) > MAX_TOKEN_ID or not _TOKEN_ID.fullmatch(token_id):
        raise ProfileError(f"The {what} must be letters, digits, '-', '_' or '.' (at most {MAX_TOKEN_ID}); copy "
                           "it again from the Mux dashboard (Settings → Access Tokens).")
    return token_id


def check_secret(secret: str) -> None:
    """A token secret Basic auth can carry; the message never repeats it."""
    if not secret:
        raise ProfileError("The token secret is empty.")
    if len(secret) > MAX_SECRET or any(not (" " < ch < "\x7f") for ch in secret):
        raise ProfileError("The token secret has characters a Mux secret never has (spaces, control characters, "
                           f"non-ASCII, or more than {MAX_SECRET}); copy it again from the Mux dashboard.")


def check_signing_key(private_key: str) -> None:
    if len(private_key) > MAX_SIGNING_KEY or any(not (ch.isprintable() or ch in "\r\n\t") for ch in private_key):
        raise ProfileError("The signing private key is not base64 or PEM text; use the file Mux gave when the "
                           "key was created.")


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    if host.lower() in _LOCAL_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_address(label: str, url: str) -> None:
    """An API, stream or image address the secret and the pictures may travel to; raises what to change."""
    if len(url) > MAX_URL or hidden_character(url) is not None or any(ch.isspace() for ch in url):
        raise ProfileError(f"The {label} address has spaces or control characters (or is too long); type it as "
                           "https://host.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise ProfileError(f"The {label} address '{visible(url)}' cannot be read ({exc}); type it as "
                           "https://host[:port].") from exc
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ProfileError(f"The {label} address must start with https:// (or http:// for an emulator on this "
                           "machine).")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ProfileError(f"The {label} address holds a user name or password; remove the part before '@': "
                           "muxclipper signs requests with the access token itself.")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ProfileError(f"The {label} address uses http:// to {visible(parts.hostname)}, so the token secret "
                           "would cross the network unencrypted; use https:// (http:// is only for an emulator "
                           "on this machine, like http://127.0.0.1:PORT).")


def check_profile(profile: EnvironmentProfile) -> None:
    """Everything typed for a profile, checked before anything is asked, sent or saved."""
    check_name(profile.name)
    check_token_id(profile.token_id)
    if profile.signing_key_id is not None:
        check_token_id(profile.signing_key_id, "signing key id")
    for label, url in (("API", profile.api_url), ("stream", profile.stream_url), ("image", profile.image_url)):
        check_address(label, url)
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", profile.colour):
        raise ProfileError(f"The colour must look like #1565c0, not '{visible(profile.colour, 20)}'.")


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
        #: What was wrong with the settings file when it was read, in words (also in the log); None if nothing.
        self.notice: str | None = None
        self._settings = _Settings()
        self._settings = self._load()

    def _load(self) -> _Settings:
        # Under the file's lock where one can be had: a damaged file is set aside and repaired by one process.
        if not self.path.exists() and not self.path.is_symlink():
            return _Settings()  # nothing to read: no folder or lock file made for it
        with settings_files.locked_if_possible(self.path):
            return self._read()

    def _read(self) -> _Settings:
        problems: list[str] = []
        try:
            text = read_limited(self.path, SETTINGS_MAX_BYTES).decode("utf-8")
        except FileNotFoundError:
            return _Settings()
        except NotReadableFileError as exc:  # a folder, a FIFO, a device, too big: set aside, never waited on
            settings, problems = _Settings(), [exc.reason]
        except UnicodeDecodeError:
            settings, problems = _Settings(), ["it is not UTF-8 text"]
        except OSError as exc:
            # The machine's problem (permissions, I/O): setting the file aside would not help.
            raise ProfileError(f"The environment settings ({self.path}) cannot be read: {exc.strerror}. Check the "
                               "file's permissions; the secrets stay in the keyring.") from exc
        else:
            settings, problems = _parse_settings(text)
        if problems:
            self._set_aside(problems)
            self._settings = settings
            if settings.profiles or settings.active:
                try:
                    self._save()  # what could be read, so that the next start is clean
                except ProfileError as exc:  # a read-only folder: go on with what was read; the notice still says it
                    log.warning("the repaired environment settings could not be written to %s: %s", self.path, exc)
        return settings

    def _set_aside(self, problems: list[str]) -> None:
        kept = settings_files.set_aside(self.path)
        kept_text = f"the file as it was is kept as {kept.name} beside it" if kept else "it could not be copied"
        listed = "; ".join(problems[:5]) + (f" and {len(problems) - 5} more" if len(problems) > 5 else "")
        self.notice = (f"The environment settings {self.path} had problems ({listed}); {kept_text}. The environments "
                       "that could be read are kept, and their secrets stay in the keyring: add any that are missing "
                       "again (Environments…, or muxclipper env add).")
        log.warning("%s", self.notice)

    def _save(self) -> None:
        data = {"profiles": [asdict(p) for p in self._settings.profiles], "active": self._settings.active}
        try:
            with settings_files.locked(self.path):
                settings_files.write_atomic(self.path, json.dumps(data, indent=2))
        except settings_files.SettingsWriteError as exc:
            raise ProfileError(str(exc)) from exc

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Read, change and write as one, under the file's lock: what another muxclipper saved meanwhile (a
        second ``env add`` at the same moment) is read first and kept. Raises :class:`ProfileError`."""
        try:
            with settings_files.locked(self.path):
                self._settings = self._read()
                yield
        except settings_files.SettingsWriteError as exc:
            raise ProfileError(str(exc)) from exc

    # ------------------------------------------------------------------ profiles
    @property
    def profiles(self) -> list[EnvironmentProfile]:
        return list(self._settings.profiles)

    def find(self, name_or_id: str) -> EnvironmentProfile:
        for profile in self._settings.profiles:
            if name_or_id in (profile.id, profile.name):
                return profile
        names = ", ".join(visible(p.name, 40) for p in self._settings.profiles) or "none yet"
        raise ProfileError(f"No environment called '{visible(name_or_id, 40)}' (environments: {names}).")

    @property
    def active(self) -> EnvironmentProfile | None:
        if self._settings.active is None:
            return None
        try:
            return self.find(self._settings.active)
        except ProfileError:
            return None

    def set_active(self, profile: EnvironmentProfile) -> None:
        with self._changing():
            self._settings.active = self.find(profile.id).id
            self._save()

    def _secret_store(self, profile: EnvironmentProfile) -> SecretStore:
        if profile.storage == "session":
            if self.session_secrets is None:
                raise ProfileError("This environment's secret was kept for one run only; enter it again.")
            return self.session_secrets
        return self.secrets

    def add(self, profile: EnvironmentProfile, token_secret: str, signing_private_key: str | None = None) -> EnvironmentProfile:
        """Save a new profile; the secret goes to the keyring first, so a refusal saves nothing, and a profile that
        cannot be written takes its secrets out of the keyring again (no secret is left without its profile)."""
        self._check(profile)
        check_secret(token_secret)
        if signing_private_key:
            check_signing_key(signing_private_key)
        with self._changing():
            if any(p.name == profile.name for p in self._settings.profiles):
                raise ProfileError(f"There is already an environment called '{visible(profile.name)}'.")
            store = self._secret_store(profile)
            store.set(profile.secret_name, token_secret)
            try:
                if signing_private_key:
                    store.set(profile.signing_secret_name, signing_private_key)
                self._settings.profiles.append(profile)
                if self._settings.active is None:
                    self._settings.active = profile.id
                self._save()
            except BaseException:
                self._settings.profiles = [p for p in self._settings.profiles if p.id != profile.id]
                for name in (profile.secret_name, profile.signing_secret_name):
                    with contextlib.suppress(Exception):  # the error that stopped the save is the one to tell
                        store.delete(name)
                raise
        return profile

    def update(self, profile: EnvironmentProfile, token_secret: str | None = None,
               signing_private_key: str | None = None) -> EnvironmentProfile:
        """Change a profile; a secret left as None keeps the stored one."""
        self._check(profile)
        if token_secret:
            check_secret(token_secret)
        if signing_private_key:
            check_signing_key(signing_private_key)
        with self._changing():
            old = self.find(profile.id)
            if any(p.name == profile.name and p.id != profile.id for p in self._settings.profiles):
                raise ProfileError(f"There is already an environment called '{visible(profile.name)}'.")
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
        with self._changing():
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
        check_profile(profile)

    # ------------------------------------------------------------------ runtime
    def environment(self, profile: EnvironmentProfile) -> Environment:
        """The runnable environment, its secret (and signing key, if it has one) fetched from the keyring now."""
        profile = self.find(profile.id)
        store = self._secret_store(profile)
        secret = store.get(profile.secret_name)
        if not secret:
            raise ProfileError(f"The token secret of {profile.name!r} is missing from the keyring; edit the "
                               "environment and enter it again.")
        return Environment(profile.name, profile.endpoints, Credentials(profile.token_id, secret),
                           signing_key=self.signing_key(profile))

    def signing_key(self, profile: EnvironmentProfile) -> SigningKey | None:
        if not profile.signing_key_id:
            return None
        private = self._secret_store(profile).get(profile.signing_secret_name)
        return SigningKey(profile.signing_key_id, private) if private else None


_PROFILE_FIELDS = {f.name: f for f in fields(EnvironmentProfile)}
_TEXT_FIELDS = ("id", "name", "token_id", "colour", "api_url", "stream_url", "image_url")


def _profile_from_json(entry: Any) -> EnvironmentProfile:
    """One saved profile; raises ValueError saying what is wrong with it. The checks are those of the file's
    shape and of what would break the window (types, addresses); unknown keys, from a newer muxclipper, are
    ignored."""
    if not isinstance(entry, dict):
        raise ValueError(f"is {type(entry).__name__}, not an object")
    for key in ("id", "name", "token_id"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ValueError(f"has no {key}")
    values = {k: v for k, v in entry.items() if k in _PROFILE_FIELDS}
    for key in _TEXT_FIELDS:
        if key in values and not isinstance(values[key], str):
            raise ValueError(f"has a field {key} that is not text")
    if not isinstance(values.get("confirm_create", False), bool):
        raise ValueError("has a confirm_create that is not true or false")
    if values.get("signing_key_id") is not None and not isinstance(values["signing_key_id"], str):
        raise ValueError("has a signing_key_id that is not text")
    if values.get("storage", "keyring") not in ("keyring", "session"):
        raise ValueError("has an unknown storage")
    profile = EnvironmentProfile(**values)
    if hidden_character(profile.name) is not None or len(profile.name) > 4 * MAX_NAME:
        raise ValueError("has a name with control characters")
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", profile.colour):
        raise ValueError("has a colour that is not like #1565c0")
    for url in (profile.api_url, profile.stream_url, profile.image_url):
        if not re.match(r"^https?://[^/\s@]+", url) or hidden_character(url) is not None:
            raise ValueError(f"has an address that is not http(s)://host: '{visible(url, 60)}'")
    return profile


def _parse_settings(text: str) -> tuple[_Settings, list[str]]:
    """The settings in ``text`` and, in words, every part that had to be left out."""
    try:
        data = limited_json.loads(text)
    except ValueError as exc:  # not JSON, too deep, NaN (core/limited_json.py)
        return _Settings(), [str(exc)]
    if not isinstance(data, dict):
        return _Settings(), [f"it holds a JSON {type(data).__name__} instead of an object with profiles"]
    problems: list[str] = []
    raw = data.get("profiles", [])
    if not isinstance(raw, list):
        problems.append("its profiles are not a list")
        raw = []
    profiles: list[EnvironmentProfile] = []
    for index, entry in enumerate(raw):
        name = entry.get("name") if isinstance(entry, dict) else None
        label = f"profile {index + 1}" + (f" ('{visible(name, 40)}')" if isinstance(name, str) else "")
        try:
            profile = _profile_from_json(entry)
        except (ValueError, TypeError) as exc:
            problems.append(f"{label} {exc}")
            continue
        if any(p.id == profile.id or p.name == profile.name for p in profiles):
            problems.append(f"{label} repeats another's id or name")
            continue
        profiles.append(profile)
    active = data.get("active")
    if active is not None and not (isinstance(active, str) and any(p.id == active for p in profiles)):
        if not isinstance(active, str):
            problems.append("its active environment is not an id")
        active = None
    return _Settings(profiles, active), problems


def demo_environment(origin: str, token_id: str = "demo-token-id", token_secret: str = "demo-token-secret",
                     ) -> Environment:
    """The built-in environment of ``--demo``: the local emulator, its public demo token, no keyring."""
    return Environment("Demo (local emulator)", Endpoints.for_origin(origin), Credentials(token_id, token_secret),
                       stable_key="demo")
