"""When clips end (ready, errored, failed), one message per burst in the status line and the system tray: never a
dialog for a routine event, and not a hundred messages for a hundred clips."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.wording import counted

if TYPE_CHECKING:
    from collections.abc import Callable

    from muxclipper.services.session import Session

ENDED = (JobState.READY, JobState.ERRORED, JobState.FAILED)


def ending_text(jobs: list[ClipJob], where: str | None = None) -> str | None:
    """What a burst of updates says ("Keynote is ready", "3 clips ready, 1 failed (see the Clips table)"), or None
    when none of them ended. ``where``: the environment they belong to, when it is not the one shown."""
    done = [job for job in jobs if job.state in ENDED]
    if not done:
        return None
    if len(done) == 1:
        [job] = done
        title = job.options.title or f"Clip #{job.id}"
        text = f"{title} is ready" if job.state is JobState.READY else f"{title} {job.state.value}: {job.error or ''}"
    else:
        ready = sum(job.state is JobState.READY for job in done)
        failed = len(done) - ready
        text = ", ".join(filter(None, (f"{counted(ready, 'clip')} ready" if ready else "",
                                       f"{failed} failed (see the Clips table{' there' if where else ''})"
                                       if failed else "")))
    return f"{where}: {text}" if where is not None else text


class ClipNotices(QObject):
    """Follows sessions' clip jobs and tells their endings, per burst.

    Signals:
        said(str): what to show in the status line.
    """

    said = Signal(str)

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bursts: dict[str | None, list[ClipJob]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.show()

    def follow(self, session: Session, where: str | None = None) -> Callable[[], None]:
        """Tell the endings of ``session``'s clips, under ``where`` (the environment's name) when it is not the one
        the window shows. Returns what stops it."""

        def on_update(job: ClipJob) -> None:
            name = where if where is None else session.environment.name  # perhaps renamed meanwhile
            self._bursts.setdefault(name, []).append(job)
            if not self._timer.isActive():
                self._timer.start()

        return session.jobs.updates.add(on_update)

    def _on_timer_timeout(self) -> None:
        bursts, self._bursts = self._bursts, {}
        for where, jobs in bursts.items():
            latest = list({job.id: job for job in jobs}.values())
            text = ending_text(latest, where)
            if text is None:
                continue
            self.said.emit(text)
            if self.tray is not None:
                ready = all(job.state is JobState.READY for job in latest if job.state in ENDED)
                icon = QSystemTrayIcon.MessageIcon.Information if ready else QSystemTrayIcon.MessageIcon.Warning
                self.tray.showMessage("muxclipper", text, icon)

    def close(self) -> None:
        self._timer.stop()
        if self.tray is not None:
            self.tray.hide()
