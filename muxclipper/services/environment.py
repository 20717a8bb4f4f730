"""Which Mux environment a run talks to: endpoints, credentials, and a key that names it in job rows.

The credentials store (named environments in the OS keyring) builds on this; until then, and always
for scripts, the variables every Mux SDK reads work: ``MUX_TOKEN_ID``, ``MUX_TOKEN_SECRET``,
``MUX_BASE_URL``, and for signed playback ``MUX_SIGNING_KEY`` (the key's id) with ``MUX_PRIVATE_KEY`` (its private
key, base64 or PEM, as Mux hands it out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from muxclipper.mux.endpoints import DEFAULT_API, Credentials, Endpoints
from muxclipper.mux.urls import SigningKey


class EnvironmentError_(ValueError):
    """Missing or unusable settings; the message says what to set."""


class EnvironmentFace(Protocol):
    """What the window shows of an environment before it is connected, its secret perhaps still in the keyring:
    an :class:`Environment`, or a stored profile whose secret has not been read."""

    @property
    def name(self) -> str: ...

    @property
    def endpoints(self) -> Endpoints: ...

    @property
    def key(self) -> str: ...


@dataclass(frozen=True)
class Environment:
    name: str
    endpoints: Endpoints
    credentials: Credentials
    #: Names the environment in job rows when its address changes from run to run (the demo's
    #: emulator listens on a random port).
    stable_key: str | None = None
    #: Signs the playback URLs of signed playback ids (pictures for the slate search, …); None: public ids only.
    #: Its repr hides the private key.
    signing_key: SigningKey | None = None

    @property
    def key(self) -> str:
        """Stable and secret-free: the token id and the API address."""
        return self.stable_key or f"{self.credentials.token_id}@{self.endpoints.api}"


def endpoints_for(api_base: str | None) -> Endpoints:
    """Mux's own hosts for api.mux.com; anything else is taken as one origin serving all three."""
    if not api_base or urlsplit(api_base).hostname == urlsplit(DEFAULT_API).hostname:
        return Endpoints()
    return Endpoints.for_origin(api_base)


def from_process_env(env: Mapping[str, str], api_base_override: str | None = None) -> Environment:
    token_id = env.get("MUX_TOKEN_ID", "").strip()
    secret = env.get("MUX_TOKEN_SECRET", "").strip()
    if not token_id or not secret:
        raise EnvironmentError_("No Mux credentials: set MUX_TOKEN_ID and MUX_TOKEN_SECRET (an access token "
                                "from the Mux dashboard, Settings → Access Tokens).")
    return Environment("MUX_TOKEN_ID", endpoints_for(api_base_override or env.get("MUX_BASE_URL")),
                       Credentials(token_id, secret), signing_key=signing_key_from_process_env(env))


def signing_key_from_process_env(env: Mapping[str, str]) -> SigningKey | None:
    """``MUX_SIGNING_KEY`` and ``MUX_PRIVATE_KEY``, as Mux's SDKs read them; one without the other is an error (a
    signed source would fail later with a vaguer message)."""
    key_id = env.get("MUX_SIGNING_KEY", "").strip()
    private_key = env.get("MUX_PRIVATE_KEY", "").strip()
    if not key_id and not private_key:
        return None
    if not key_id or not private_key:
        missing, given = ("MUX_SIGNING_KEY", "MUX_PRIVATE_KEY") if not key_id else ("MUX_PRIVATE_KEY",
                                                                                    "MUX_SIGNING_KEY")
        raise EnvironmentError_(f"{given} is set but {missing} is not: set both (the signing key's id and its "
                                "private key, from the Mux dashboard: Settings → Signing Keys), or neither.")
    return SigningKey(key_id, private_key)
