"""Where an environment's API, stream and image hosts are, and the token that signs API calls.

Kept apart from the HTTP client so that choosing an environment and opening the window do not import
httpx (most of the start-up time a user would wait for before the first paint).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_API = "https://api.mux.com"
DEFAULT_STREAM = "https://stream.mux.com"
DEFAULT_IMAGE = "https://image.mux.com"


@dataclass(frozen=True)
class Endpoints:
    api: str = DEFAULT_API
    stream: str = DEFAULT_STREAM
    image: str = DEFAULT_IMAGE

    @classmethod
    def for_origin(cls, origin: str) -> Endpoints:
        """A self-hosted emulator serves the three hosts from one origin."""
        origin = origin.rstrip("/")
        return cls(origin, f"{origin}/stream", f"{origin}/image")


@dataclass(frozen=True)
class Credentials:
    token_id: str
    token_secret: str

    def __repr__(self) -> str:  # keep the secret out of logs and tracebacks
        return f"Credentials(token_id={self.token_id!r}, token_secret=<hidden>)"
