"""The replay key (R), the Replay buttons and their undo (Shift+R): "the last N seconds" of a live stream as an
instant URL on the clipboard at once and an exact clip in the clips table when Mux has made it, in one row.

Which stream: the one recording the open source, else the one selected in the Live streams tab, else the only one
live. N: the environment's replay length (remembered per environment), picked or typed in the Live streams tab.
Every refusal goes to the status line in words; nothing opens a dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton, QToolButton, QWidget

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import Asset, ClipOptions
from muxclipper.core.replay import DEFAULT_REPLAY_S, ReplayRefusal
from muxclipper.core.timecode import format_ms
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.clips.clip_delivery import ClipDelivery
from muxclipper.qt.sources.live_streams_tab import LiveStreamsTab
from muxclipper.services.clip_jobs import JobInputError
from muxclipper.services.errors import EXPECTED_ERRORS
from muxclipper.services.replay import ReplayPlan, ReplayService

if TYPE_CHECKING:
    from collections.abc import Callable

    from muxclipper.services.session import Session

#: How long a replay can be taken back with Shift+R or Undo replay.
UNDO_MS = 10_000


class ReplayController(QObject):
    """Signals:
        message(str): what happened, or why not, for the status line.
        url_copied(str): the instant URL is on the clipboard (the benchmark times key → here).
        replayed(object): the exact clip's :class:`ClipJob` was saved and queued.
    """

    message = Signal(str)
    url_copied = Signal(str)
    replayed = Signal(object)

    def __init__(self, live: LiveStreamsTab, delivery: ClipDelivery, bridge: Bridge, settings: QSettings | None,
                 open_source: Callable[[], Asset | None], options: Callable[[], ClipOptions],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.live, self.delivery, self.bridge, self.settings = live, delivery, bridge, settings
        self._open_source, self._options = open_source, options
        self.session: Session | None = None
        self.service: ReplayService | None = None
        self.confirm_create = False
        self._armed: str | None = None  # production asks twice: the stream the first press was for
        self._environment: str | None = None
        self._busy = False
        self._undoable: tuple[ClipJob, str | None] | None = None
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self._on_undo_timeout)
        self.undo_button = QPushButton("Undo replay")
        self.undo_button.setAccessibleName("Take the last replay back")
        self.undo_button.setToolTip("Take the replay back: the clip is deleted in Mux (Shift+R)")
        self.undo_button.hide()
        self.undo_button.clicked.connect(self.undo)
        self.live.replay_requested.connect(self.replay)
        self.live.length_box.currentTextChanged.connect(lambda _: self._remember_length())

    def editor_button(self, parent: QWidget) -> QToolButton:
        """The editor's Replay button: shown while the open source is a recording in progress."""
        button = QToolButton(parent)
        button.setAccessibleName("Replay the last seconds of the live stream")
        button.clicked.connect(lambda: self.replay())

        def label() -> None:
            seconds = self.live.replay_seconds()
            button.setText(f"⟲{seconds}s" if seconds else "⟲")
            button.setToolTip(f"Replay: the last {seconds or 'N'} seconds of the live stream as a clip: the instant URL on "
                              "the clipboard now, the exact clip when Mux has made it (R; Shift+R takes it back)")

        self.live.length_box.currentTextChanged.connect(lambda _: label())
        label()
        return button

    def attach(self, session: Session | None, confirm_create: bool = False) -> None:
        self.session, self.confirm_create, self._armed = session, confirm_create, None
        self.service = None if session is None else ReplayService(session.client, session.urls, session.jobs)
        self._environment = None if session is None else session.environment.key
        self._drop_undo()
        if self.settings is not None and self._environment is not None:
            value = self.settings.value(f"replay/seconds/{self._environment}", DEFAULT_REPLAY_S)
            self.live.set_replay_seconds(int(str(value)) if str(value).isdigit() else DEFAULT_REPLAY_S)

    def _remember_length(self) -> None:
        seconds = self.live.replay_seconds()
        if self.settings is not None and self._environment is not None and seconds is not None:
            self.settings.setValue(f"replay/seconds/{self._environment}", seconds)

    # ------------------------------------------------------------------ the replay
    def target(self) -> tuple[str | None, str]:
        """The live stream a replay is for (None and why not, in words)."""
        source = self._open_source()
        if source is not None and source.is_live and source.live_stream_id:
            return source.live_stream_id, ""
        active = self.live.active_streams()
        selected = self.live.selected_stream_id()
        if selected is not None and any(s.id == selected for s in active):
            return selected, ""
        if len(active) == 1:
            return active[0].id, ""
        if not active:
            return None, ("No live stream is broadcasting now, so there is nothing to replay. The Live streams tab "
                          "shows each stream's state as it changes.")
        return None, (f"{len(active)} live streams are broadcasting: select one in the Live streams tab (or open its "
                      "recording), then replay.")

    def replay(self, stream_id: str | None = None) -> None:
        """R, or a Replay button: the last N seconds of ``stream_id`` (else of :meth:`target`)."""
        if self.service is None:
            self.message.emit("Connect to an environment first.")
            return
        seconds = self.live.replay_seconds()
        if seconds is None:
            self.message.emit("Type the replay's length in seconds (1 to 3600) beside 'Replay the last' in the Live "
                              "streams tab.")
            return
        if stream_id is None:
            stream_id, why = self.target()
            if stream_id is None:
                self.message.emit(why)
                return
        if self._busy:
            self.message.emit("A replay is being made; press again once its URL is on the clipboard.")
            return
        if self.confirm_create and self._armed != stream_id and self.session is not None:
            self._armed = stream_id
            self.message.emit(f"This is {self.session.environment.name}: press R (or Replay) again to replay the last "
                              f"{seconds} s.")
            return
        self._armed = None
        known = next((s.active_asset_id for s in self.live.streams if s.id == stream_id), None)
        service, options = self.service, self._options()

        async def prepare() -> ReplayPlan | str:
            try:
                return await service.prepare(stream_id, seconds * 1000, options=options, recording_id=known)
            except (ReplayRefusal, JobInputError) as exc:
                return str(exc)

        self._busy = True
        task = self.bridge.run(prepare(), self._on_plan, "Replaying")
        task.add_done_callback(lambda _: setattr(self, "_busy", False))

    def _on_plan(self, plan: ReplayPlan | str) -> None:
        if isinstance(plan, str):
            self.message.emit(plan)
            return
        if plan.instant_url is not None:  # first: the link a producer shares while the clip is made
            QGuiApplication.clipboard().setText(plan.instant_url)
            self.url_copied.emit(plan.instant_url)
        if self.service is None:
            return
        try:
            job = self.service.submit(plan)
        except EXPECTED_ERRORS as exc:  # also the job history unwritable (a full disk): the machine, not a bug
            copied = "The instant URL is on the clipboard, but the exact clip was not made: " if plan.instant_url \
                else "The exact clip was not made: "
            self.message.emit(f"{copied}{exc}")
            return
        assert job.id is not None
        if plan.instant_url is not None:
            self.delivery.remember_instant(job.id, plan.instant_url)
        self._undoable = (job, plan.instant_url)
        self.undo_button.show()
        self._undo_timer.start(UNDO_MS)
        self.replayed.emit(job)
        short = " (all that is recorded so far)" if plan.range.short else ""
        link = ("instant URL copied, it plays now." if plan.instant_url else
                "no instant URL (neither the stream nor its recording has a public playback id).")
        self.message.emit(f"{plan.request.options.title} (the last {format_ms(plan.range.duration_ms)}{short}): "
                          f"{link} The exact clip #{job.id} follows in the clips table; Shift+R takes it back "
                          f"({UNDO_MS // 1000} s).")

    # ------------------------------------------------------------------ taking it back
    @property
    def undoable(self) -> ClipJob | None:
        return self._undoable[0] if self._undoable is not None else None

    def undo(self) -> None:
        """Shift+R, or Undo replay: the last replay's clip deleted in Mux, exactly once, whatever stage it is at."""
        taken = self._undoable
        self._drop_undo()
        if taken is None or self.session is None:
            self.message.emit("There is no replay to take back (a replay can be taken back for "
                              f"{UNDO_MS // 1000} s; after that, delete its clip from the clips table).")
            return
        job, url = taken
        assert job.id is not None
        clipboard = QGuiApplication.clipboard()
        if url is not None and clipboard.text() == url:
            clipboard.clear()  # taken back: not shared by the next paste either
        self.bridge.run(self.session.jobs.withdraw(job.id), self._on_withdrawn, f"Taking replay #{job.id} back")

    def _on_withdrawn(self, job: ClipJob) -> None:
        if job.state is JobState.CANCELLED:
            done = "nothing was made in Mux" if job.asset_id is None else "its clip is deleted in Mux"
            self.message.emit(f"Replay #{job.id} taken back: {done}.")
        else:
            self.message.emit(f"Replay #{job.id} taken back: Mux has not answered yet; the clip is deleted as soon as "
                              "it does, and never sent again.")

    def _on_undo_timeout(self) -> None:
        self._undoable = None
        self.undo_button.hide()

    def _drop_undo(self) -> None:
        self._undo_timer.stop()
        self._on_undo_timeout()
