"""Files read from outside (cut lists, settings): a regular file of bounded size, or a clear refusal, never a hang.

A FIFO, a device (``/dev/zero``), a socket or a folder given where a file is expected is refused from ``stat``,
before it is opened: reading a FIFO blocks until a writer comes, and ``/dev/zero`` never ends. The file is then
opened non-blocking (were it swapped for a FIFO in between, the open does not wait for a writer) and checked again
on the open descriptor, and at most ``max_bytes`` + 1 bytes are read whatever its size says (a file that grows while
it is read is still cut off).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Settings files (environments, clip presets) are a few kilobytes; a megabyte is not one of them.
SETTINGS_MAX_BYTES = 1_000_000


class NotReadableFileError(ValueError):
    """The path is not a regular file muxclipper can read whole: ``reason`` says what it is instead."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder is where the file should be"
    if stat.S_ISFIFO(mode):
        return "it is a pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a file"
    return "it is not a regular file"


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, a regular file of at most ``max_bytes`` (symlinks followed). Raises
    :class:`NotReadableFileError` for anything else (a FIFO, a device, a folder, too big), FileNotFoundError when it
    is not there, and OSError for the machine's problems (permissions, I/O)."""
    kind = _kind(os.stat(path).st_mode)
    if kind is not None:
        raise NotReadableFileError(path, kind)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        found = os.fstat(fd)
        kind = _kind(found.st_mode)
        if kind is not None:  # swapped between the stat and the open
            raise NotReadableFileError(path, kind)
        if found.st_size > max_bytes:
            raise NotReadableFileError(path, f"it is {found.st_size:,} bytes, more than the {max_bytes:,} it can be")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise NotReadableFileError(path, f"it is more than the {max_bytes:,} bytes it can be")
        return b"".join(chunks)
    finally:
        os.close(fd)
