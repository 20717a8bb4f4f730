"""Counts in words: "1 clip", "2 clips" (never "1 clips")."""

from __future__ import annotations


def counted(count: int, word: str, plural: str | None = None) -> str:
    """``count`` and ``word``, the plural (``word`` + s unless given) for any count but one."""
    return f"{count:,} {word if count == 1 else plural or word + 's'}"
