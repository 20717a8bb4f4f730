"""Secrets (token secrets, signing keys) in the operating system's keyring, and nowhere else.

macOS Keychain, Windows Credential Manager, the Secret Service on Linux — through ``keyring``. When
none is usable (no D-Bus session, a locked or refusing keychain, the ``fail`` backend), every call
raises :class:`KeyringUnavailableError` in plain words; the caller may then, **only if the user
agrees**, keep secrets in this process's memory for this run (:class:`SessionSecrets`). Nothing
ever falls back to a file.
"""

from __future__ import annotations

import logging
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import keyring.backend

log = logging.getLogger(__name__)
SERVICE = "muxclipper"

UNLOCK_ADVICE = {
    "Linux": "Unlock your login keyring (or install and start a Secret Service such as GNOME Keyring or "
             "KeePassXC), then try again.",
    "Darwin": "Unlock your login keychain in Keychain Access, then try again.",
    "Windows": "Check that Windows Credential Manager is available to your account, then try again.",
}


class KeyringUnavailableError(Exception):
    """No usable keyring; the message says what happened and what to do."""


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...
    def set(self, name: str, secret: str) -> None: ...
    def delete(self, name: str) -> None: ...


def _advice() -> str:
    import platform

    return UNLOCK_ADVICE.get(platform.system(), UNLOCK_ADVICE["Linux"]) + (
        " Or keep the credentials for this run only (they are forgotten when muxclipper quits).")


def _errors() -> ModuleType:
    """keyring is imported when a secret is first used, not while the window opens."""
    import keyring.errors

    return keyring.errors


class KeyringSecrets:
    """Secrets under the service name ``muxclipper``, one entry per ``name``."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def _fail(self, action: str, exc: Exception) -> KeyringUnavailableError:
        errors = _errors()
        kind = type(exc).__name__
        # The exception text may name the item but never holds the secret; log the class only.
        log.warning("keyring %s failed: %s", action, kind)
        if isinstance(exc, errors.NoKeyringError):
            what = "No keyring is available to keep the Mux secret safely."
        elif isinstance(exc, errors.KeyringLocked):
            what = "The keyring is locked."
        else:
            what = f"The keyring refused to {action} the Mux secret ({kind})."
        return KeyringUnavailableError(f"{what} {_advice()}")

    def get(self, name: str) -> str | None:
        try:
            return self.backend.get_password(SERVICE, name)
        except (_errors().KeyringError, OSError) as exc:
            raise self._fail("read", exc) from None

    def set(self, name: str, secret: str) -> None:
        try:
            self.backend.set_password(SERVICE, name, secret)
        except (_errors().KeyringError, OSError) as exc:
            raise self._fail("store", exc) from None

    def delete(self, name: str) -> None:
        try:
            self.backend.delete_password(SERVICE, name)
        except _errors().PasswordDeleteError:
            pass  # already gone
        except (_errors().KeyringError, OSError) as exc:
            raise self._fail("delete", exc) from None

    def check(self) -> None:
        """Raise :class:`KeyringUnavailableError` now rather than at the first secret."""
        backend = self.backend
        if backend.priority <= 0 or type(backend).__module__.startswith("keyring.backends.fail"):
            raise self._fail("open", _errors().NoKeyringError())


class SessionSecrets:
    """Secrets for this run only, in memory; chosen explicitly by the user."""

    def __init__(self) -> None:
        self._secrets: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self._secrets.get(name)

    def set(self, name: str, secret: str) -> None:
        self._secrets[name] = secret

    def delete(self, name: str) -> None:
        self._secrets.pop(name, None)

    def __repr__(self) -> str:
        return f"SessionSecrets({len(self._secrets)} held)"
