"""Identifiers shaped like Mux's: long, URL-safe, alphanumeric."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def new_id(length: int = 44) -> str:
    """A random id of ``length`` characters; Mux asset and playback ids are 44 long."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
