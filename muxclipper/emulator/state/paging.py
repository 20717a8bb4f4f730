"""Mux's paging: ``limit``/``page`` and the assets' ``cursor``."""

from __future__ import annotations

import base64
import binascii
import json

from muxclipper.emulator.errors import invalid

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"before": seq}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))["before"]
        if not isinstance(value, int):
            raise ValueError(cursor)
        return value
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError) as exc:
        raise invalid("cursor is not valid; pass the next_cursor of a previous response.") from exc


def paginate_params(limit: int | None, page: int | None) -> tuple[int, int]:
    """Mux's ``limit``/``page`` with defaults; a limit over 100 is clamped (docs/emulator.md)."""
    limit = DEFAULT_PAGE_SIZE if limit is None else limit
    page = 1 if page is None else page
    if limit < 1:
        raise invalid("limit must be at least 1.")
    if page < 1:
        raise invalid("page must be at least 1.")
    return min(limit, MAX_PAGE_SIZE), page
