"""Turning what the user marked into clip requests: one clip (Ctrl+Enter), all segments, top and tail over several
recordings. Each path builds its requests from the clip options, checks them by the one rule set
(:func:`muxclipper.core.clip_rules.check_request`, which the job service applies again), asks twice in production,
and hands them to the session's clip jobs. The POST itself is built in ``mux/wire.py``."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal

from muxclipper.core.clip_rules import check_request
from muxclipper.core.jobs import ClipJob
from muxclipper.core.marking import MarkedRange
from muxclipper.core.models import Asset, ClipOptions, ClipRequest
from muxclipper.core.segments import Segment
from muxclipper.core.source_facts import source_label
from muxclipper.core.timecode import format_ms
from muxclipper.core.top_and_tail import TrimPlan, top_and_tail
from muxclipper.core.wording import counted
from muxclipper.qt.bridge import Bridge
from muxclipper.services.errors import EXPECTED_ERRORS
from muxclipper.services.instant_clips import live_stream_playback_id, program_instant_url

if TYPE_CHECKING:
    from muxclipper.services.session import Session


class ClipOptionsForm(Protocol):
    """What the creator needs of the clip options panel (which the window hands it): panels never import each
    other."""

    def options(self) -> ClipOptions: ...

    def form_problem(self) -> str | None: ...

    def show_check(self, problem: str | None, instant_url: str | None) -> None: ...

    def show_program_url(self, url: str | None) -> None: ...


def trimmed_title(typed: str | None, source: str) -> str:
    """Several recordings trimmed at once: a title typed with no source open names the batch, each clip keeps its
    source's name."""
    return f"{typed} — {source}" if typed else source


class ClipCreator(QObject):
    """Signals:
        message(str): what happened (queued, refused and why, production's question).
    """

    message = Signal(str)

    def __init__(self, options: ClipOptionsForm, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.options = options
        self.session: Session | None = None
        self.source: Asset | None = None
        self.confirm_create = False
        self._armed: dict[str, object] = {}  # per action, what production was asked to confirm
        #: The public playback id of the live stream recording the open source now (None: not live, not known):
        #: the instant clip by program time is offered on it.
        self.stream_playback_id: str | None = None
        self._last_marked: MarkedRange | None = None

    def attach(self, session: Session | None, confirm_create: bool) -> None:
        self.session, self.confirm_create, self.source = session, confirm_create, None
        self._armed.clear()

    def request(self, start_ms: int, end_ms: int, title: str | None = None,
                source: Asset | None = None) -> ClipRequest:
        """A request from the clip options, for the open source unless ``source`` says otherwise."""
        source = source or self.source
        assert source is not None
        options = self.options.options()
        if title is not None:
            options = replace(options, title=title)
        return ClipRequest(source.id, start_ms, end_ms, options, source=source)

    @staticmethod
    def problem(request: ClipRequest, open_end: bool = False) -> str | None:
        found = check_request(request, request.source, open_end=open_end)
        return found.message if found else None

    def check(self, marked: MarkedRange) -> None:
        """The range check and the instant-clip URL beside the clip options, as the marks (or the title) change."""
        if self.source is None or self.session is None:
            return
        problem = self.problem(self.request(marked.start_ms, marked.end_ms), open_end=marked.out_ms is None)
        public = self.source.playback_id("public")
        instant = self.session.urls.instant_clip(public.id, marked.start_ms, marked.end_ms) if public else None
        self.options.show_check(problem, instant)
        self._last_marked = marked
        live = self.stream_playback_id if self.source.is_live else None
        self.options.show_program_url(program_instant_url(self.session.urls, self.source, live, marked.start_ms,
                                                          marked.end_ms))

    def look_up_live_stream(self, asset: Asset, bridge: Bridge) -> None:
        """A live stream's recording in progress was opened: its stream's playback id is asked for, so that the
        marked range is offered by program time too (the URL viewers of the stream can be given at once)."""
        self.stream_playback_id = None
        self.options.show_program_url(None)
        if self.session is None or not asset.is_live or asset.live_stream_id is None:
            return
        bridge.run(live_stream_playback_id(self.session.client, asset),
                   lambda found: self._on_stream_playback_id(asset.id, found), "Finding the live stream")

    def _on_stream_playback_id(self, asset_id: str, playback_id: str | None) -> None:
        if self.source is None or self.source.id != asset_id:
            return  # another source was opened meanwhile
        self.stream_playback_id = playback_id
        if self._last_marked is not None:
            self.check(self._last_marked)

    def segment(self, marked: MarkedRange, label: str) -> Segment | None:
        """The marked range as a segment of the batch, or None (and why, in a message) if it cannot be a clip."""
        problem = self.marked_problem(marked)
        if problem:
            self.message.emit(problem)
            return None
        return Segment(label, marked.start_ms, marked.end_ms)

    def marked_problem(self, marked: MarkedRange) -> str | None:
        """Why the marked range cannot be a clip (or a segment), in words; None if it can."""
        if self.source is None:
            return "Open a source first."
        return self.problem(self.request(marked.start_ms, marked.end_ms), open_end=marked.out_ms is None)

    def _asks_first(self, action: str, what: object, then: str) -> bool:
        """Production asks twice, without a modal dialog: the first press of ``action`` for ``what`` only says
        which environment it is (True); the second, for the same ``what``, goes ahead (False)."""
        if self.confirm_create and self._armed.get(action) != what:
            self._armed[action] = what
            name = self.session.environment.name if self.session is not None else "production"
            self.message.emit(f"This is {name}: {then}")
            return True
        self._armed.pop(action, None)
        return False

    def _submit(self, requests: list[ClipRequest]) -> list[ClipJob] | None:
        assert self.session is not None
        form = self.options.form_problem()  # every way of creating comes here: none goes out the options refuse
        if form:
            self.message.emit(form)
            return None
        try:
            return self.session.jobs.submit(requests)
        except EXPECTED_ERRORS as exc:  # a request refused, or the job history unwritable (a full disk): said so
            self.message.emit(str(exc))
            return None

    def create_clip(self, marked: MarkedRange) -> None:
        """Ctrl+Enter or Create: one clip of the marked range."""
        problem = self.marked_problem(marked) or self.options.form_problem()
        if problem:
            self.message.emit(problem)
            return
        if self._asks_first("clip", marked, "press Create (Ctrl+Enter) again to create the clip there."):
            return
        jobs = self._submit([self.request(marked.start_ms, marked.end_ms)])
        if jobs:
            self.message.emit(f"Clip #{jobs[0].id} queued: {format_ms(marked.start_ms)} – {format_ms(marked.end_ms)}.")

    def create_segments(self, segments: list[Segment]) -> None:
        """Create all: one batch, every clip saved at once, then sent in order at the POST budget."""
        if self.source is None:
            self.message.emit("Open a source first.")
            return
        requests = [self.request(s.start_ms, s.end_ms, title=s.label) for s in segments]
        for segment, request in zip(segments, requests, strict=True):
            problem = self.problem(request)
            if problem:
                self.message.emit(f"{segment.label}: {problem}")
                return
        if self._asks_first("batch", segments, f"press Create all again to create {counted(len(segments), 'clip')} there."):
            return
        jobs = self._submit(requests)
        if jobs is not None:
            self.message.emit(f"{counted(len(jobs), 'clip')} queued.")

    def top_and_tail(self, assets: list[Asset], head_ms: int, tail_ms: int, stream_titles: dict[str, str]) -> None:
        """One clip per selected recording without its first and last seconds, each titled after its source
        (``stream_titles`` name untitled recordings after their live stream); the rest say why not."""
        plans = [top_and_tail(asset, head_ms, tail_ms) for asset in assets]
        good = [plan for plan in plans if plan.problem is None]
        skipped = [str(plan.problem) for plan in plans if plan.problem is not None]
        if not good:
            self.message.emit(" ".join(skipped) or "Select the recordings to top and tail.")
            return
        armed = (tuple(plan.asset.id for plan in good), head_ms, tail_ms)
        if self._asks_first("trim", armed, f"press Top and tail again to create {counted(len(good), 'clip')} there."):
            return
        if self._submit_per_recording(good, stream_titles):
            note = f" Skipped: {' '.join(skipped)}" if skipped else ""
            self.message.emit(f"{counted(len(good), 'top-and-tail clip')} queued.{note}")

    def top_and_tail_at_slates(self, plans: list[TrimPlan], stream_titles: dict[str, str]) -> None:
        """"Cut the slates": one clip per recording between its own slates (``plans`` from
        :func:`muxclipper.core.top_and_tail.trim_at_slates`); the recordings it could not decide are listed for the
        user to mark by hand, never guessed."""
        good = [plan for plan in plans if plan.problem is None]
        undecided = [str(plan.problem) for plan in plans if plan.problem is not None]
        if not good:
            self.message.emit("No clip made: " + (" ".join(undecided) or "select the recordings to cut."))
            return
        armed = tuple((plan.asset.id, plan.start_ms, plan.end_ms) for plan in good)
        if self._asks_first("slates", armed, f"press Cut the slates again to create {counted(len(good), 'clip')} there."):
            return
        if self._submit_per_recording(good, stream_titles):
            note = f" Not cut, to mark by hand: {' '.join(undecided)}" if undecided else ""
            self.message.emit(f"{counted(len(good), 'clip')} cut at {'its' if len(good) == 1 else 'their'} slates queued.{note}")

    def _submit_per_recording(self, plans: list[TrimPlan], stream_titles: dict[str, str]) -> bool:
        """One clip per planned recording, titled after its recording (the open one: its typed title, if any; with
        none open, a typed title names the batch); whether they were sent."""
        typed = self.options.options().title

        def title(plan: TrimPlan) -> str:
            label = source_label(plan.asset, stream_titles)
            if self.source is None:
                return trimmed_title(typed, label)
            # A source is open: the title is its own, and never names another recording's clip.
            return (typed or label) if plan.asset.id == self.source.id else label

        requests = [self.request(plan.start_ms, plan.end_ms, source=plan.asset, title=title(plan)) for plan in plans]
        return self._submit(requests) is not None
