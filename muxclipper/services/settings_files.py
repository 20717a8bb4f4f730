"""Every write of a settings file (environments, clip presets): atomic, through symlinks, serialized across processes.

- **Atomic**: the new text goes to a temporary file beside the target, is flushed to disk, and replaces the target
  in one rename; a reader sees the old file or the new one, never half of one. A write that fails removes its
  temporary file: nothing is left behind.
- **Through symlinks**: the path is resolved first, so a settings file that is a symlink into the user's dotfiles
  stays a symlink and its target is what changes. The target's permissions are kept.
- **Serialized**: a read-modify-write holds :func:`locked` (an OS file lock beside the target, from the
  ``filelock`` library: ``fcntl.flock`` on Linux and macOS, ``LockFileEx`` on Windows), so two muxclipper
  processes saving at once both land: the second reads what the first wrote. The lock file (``.NAME.lock``) stays
  beside the target, as lock files do; the lock itself goes with the process that held it, even on ``kill -9``.

A failure is a :class:`SettingsWriteError` (an OSError) whose message names the file, says why and what to do.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from muxclipper.services import paths

#: How long a save waits for other processes' (each takes milliseconds, up to a second with a slow keyring; 20 at once
#: queue behind each other): longer than that is a stuck process.
LOCK_TIMEOUT_S = 60.0


class SettingsWriteError(OSError):
    """A settings file that could not be written; ``str()`` is the whole message, naming the file."""

    def __init__(self, path: Path, reason: str, errno: int | None = None) -> None:
        super().__init__(errno, reason, str(path))
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return (f"Could not save {self.path}: {self.reason}. Check that the file and its folder are writable "
                "(not read-only, not locked or immutable); nothing was changed.")


def _reason(exc: OSError) -> str:
    if isinstance(exc, (FileExistsError, NotADirectoryError)):  # mkdir: a file stands where a folder should be
        return f"{exc.filename} or a folder above it is a file, not a folder"
    return exc.strerror or str(exc)


def target(path: Path) -> Path:
    """The file a write changes: ``path`` with every symlink resolved (a dangling one: where it points)."""
    return Path(os.path.realpath(path))


def _lock_for(path: Path) -> FileLock:
    real = target(path)
    # One instance per file in this process (is_singleton), so that holding the lock while the repair of a damaged
    # file saves re-enters it instead of waiting on itself.
    return FileLock(real.with_name(f".{real.name}.lock"), timeout=LOCK_TIMEOUT_S, preserve_lock_file=True,
                    is_singleton=True)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock of ``path``'s settings file: another process's :func:`locked` waits until it is released.
    Re-entrant within a thread. Raises :class:`SettingsWriteError` when the lock cannot be had."""
    lock = _lock_for(path)
    try:
        target(path).parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout as exc:
        raise SettingsWriteError(path, f"another muxclipper has been saving it for over {LOCK_TIMEOUT_S:g} s "
                                       "(try again once it is done)") from exc
    except OSError as exc:
        raise SettingsWriteError(path, _reason(exc), exc.errno) from exc
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def locked_if_possible(path: Path) -> Iterator[bool]:
    """:func:`locked` for reading: answers False instead of raising when no lock can be made (a read-only folder),
    so that a file that can be read still is."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(locked(path))
        except SettingsWriteError:
            yield False
        else:
            yield True


def write_atomic(path: Path, text: str) -> None:
    """Replace the settings file at ``path`` (its symlink's target) with ``text``, atomically; on failure nothing
    changes and nothing is left behind. Call it under :func:`locked` for a read-modify-write."""
    real = target(path)
    temporary: str | None = None
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(os.stat(real).st_mode))  # a file the user made 0600 stays 0600
        os.replace(temporary, real)
        temporary = None
    except OSError as exc:
        raise SettingsWriteError(path, _reason(exc), exc.errno) from exc
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def set_aside(path: Path) -> Path | None:
    """A damaged settings file renamed ``NAME.damaged-<UTC time>`` (services/paths.py), answering where it went.
    Through a symlink, the regular file it points to is what is set aside (the dotfiles keep the copy); a link to
    anything else (a device, a FIFO) is itself moved, never what it points to."""
    real = target(path)
    chosen = real if real != Path(os.path.abspath(path)) and real.is_file() else path
    return paths.set_aside(chosen)
