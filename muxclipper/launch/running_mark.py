"""On Windows, a named mutex held while muxclipper (the window or the command line) runs: the installer and the
uninstaller look for it and refuse to replace or remove files in use (packaging/windows/muxclipper.nsi)."""

from __future__ import annotations

import sys

#: The name the installer opens (muxclipper.nsi: RUNNING_MUTEX); the app's id keeps it unique.
MUTEX_NAME = "io.github.muxclipper.MuxClipper.running"
_held: list[int] = []


def hold() -> None:
    """Create (or join) the mutex for the life of this process; Windows closes it when the process ends."""
    if sys.platform != "win32" or _held:
        return
    import ctypes

    handle = ctypes.windll.kernel32.CreateMutexW(None, False, MUTEX_NAME)
    if handle:
        _held.append(handle)
