"""The window hears another muxclipper write the job history, without reading the disk on a timer.

SQLite in WAL mode appends every commit to ``jobs.sqlite3-wal`` (with ``write``, which the system's file watcher
reports; the ``-shm`` index is mapped memory and is not watched). The file exists as long as any connection is
open, the window's own included; the folder is watched too, for the moment it is made anew. Changes are gathered
for a short while (a poller commits a few times a second at most) and then told once.

Signals: ``changed()`` — the history was written (by this process or another) since it was last told.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

#: How long changes are gathered before ``changed`` is told: a burst of commits is read once.
SETTLE_MS = 250


class HistoryWatcher(QObject):
    changed = Signal()

    def __init__(self, history: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._files = [history, history.with_name(history.name + "-wal")]
        self._watcher = QFileSystemWatcher(self)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.changed)
        self._watcher.fileChanged.connect(self._on_watcher_changed)
        self._watcher.directoryChanged.connect(self._on_watcher_changed)
        if history.parent.is_dir():
            self._watcher.addPath(str(history.parent))
        self._watch_files()

    def _watch_files(self) -> None:
        watched = set(self._watcher.files())
        for path in self._files:
            if str(path) not in watched and path.exists():
                self._watcher.addPath(str(path))

    def _on_watcher_changed(self, _path: str) -> None:
        self._watch_files()  # a file made anew (or replaced) is watched again
        self._settle.start()

    def stop(self) -> None:
        self._settle.stop()
        paths = self._watcher.files() + self._watcher.directories()
        if paths:
            self._watcher.removePaths(paths)
