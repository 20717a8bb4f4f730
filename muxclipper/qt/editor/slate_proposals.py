"""Finding the slate in the window: proposals of in and out at the slates' edges, "where does this picture end",
and top and tail at each recording's own slates.

The search is the session's :class:`~muxclipper.services.slate_finder.SlateFinder`, run in the background through
the bridge (the window stays responsive; the status line counts the pictures looked at); opening another source
cancels it. Found edges are *proposals*: dashed ghost markers on the timeline that Enter (or the Accept button, or
Edit › Accept) turns into the in and out, as one undoable step; marking by hand instead drops them. The edges stay
edit points for ↑ / ↓ either way. A side that is no clear slate is not proposed: the status line says what was seen
there instead.

On a recording still growing, the proposals stay put as it grows (it is the marks the user sets that drop them, not
the length), and can be accepted at any time; Out stays open until the closing slate appears. Once a search was
made, the live edge is looked at again each time the recording has grown by :data:`LIVE_RECHECK_MS`, and once more
when it ends: when the closing slate has appeared there, it is proposed as the out (with the in already marked), and
said; when what looked like it did not last (the programme is on again), that out is withdrawn, or, taken already,
the status line says to check it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from muxclipper.core.edit_points import SlateEdge
from muxclipper.core.marking import MarkedRange
from muxclipper.core.models import Asset
from muxclipper.core.slate_detect import CLOSING_NOT_YET
from muxclipper.core.timecode import format_ms, frame_to_ms
from muxclipper.core.top_and_tail import TrimPlan, trim_at_slates
from muxclipper.core.wording import counted
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.editor.editor_widget import EditorWidget
from muxclipper.qt.editor.keymap import install
from muxclipper.services.slate_finder import PictureEnd, SlateFinder, SlateReport, SlateSearchError

#: How much a recording grows between two looks at its live edge for the closing slate.
LIVE_RECHECK_MS = 4000

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# A list or table's Enter opens what is picked there (a source, a clip); a text box's makes a new line.
TYPING_WIDGETS = (QLineEdit, QAbstractSpinBox, QComboBox, QAbstractButton, QAbstractItemView, QPlainTextEdit,
                  QTextEdit)


class _FieldsKeepEnter(QObject):
    """While proposals wait, Enter accepts them — except in a field, a drop-down, a list or table, a text box or on a
    button, which keep their own Enter (a typed time is committed, a source opened, a button pressed)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() in ENTER_KEYS and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            event.accept()
        return False

    def watch(self, root: QWidget) -> None:
        for widget in root.findChildren(QWidget):
            if isinstance(widget, TYPING_WIDGETS):
                widget.removeEventFilter(self)
                widget.installEventFilter(self)


class SlateProposals(QObject):
    """Signals:
        message(str): progress and results for the status line.
        proposals_changed(object): the proposed (in_ms, out_ms), (None, None) when there are none.
    """

    message = Signal(str)
    proposals_changed = Signal(object)

    def __init__(self, editor: EditorWidget, bridge: Bridge, cut_at_slates: Callable[[list[TrimPlan]], None]) -> None:
        """``cut_at_slates`` makes the clips of "Cut the slates" (the window hands it the clip creator's): the
        editor's pieces never import another panel."""
        super().__init__(editor)
        self.editor, self.bridge = editor, bridge
        self._cut_at_slates = cut_at_slates
        #: What the window calls a source in its words (an untitled recording by its live stream's name).
        self.name_of: Callable[[Asset], str] = lambda asset: asset.title or asset.id
        self._finder: SlateFinder | None = None
        self._asset: Asset | None = None
        self._task: asyncio.Task[Any] | None = None
        self._range_at_proposal: MarkedRange | None = None
        self._accepting = False
        # A live recording searched once: where its live edge was last looked at (None: not watching), and where
        # the closing slate proposed there begins.
        self._live_checked_ms: int | None = None
        self._closing_ms: int | None = None
        self.actions = install(editor, editor.keymap, {"find_slates": self.find_slates,
                                                      "picture_end": self.find_picture_end,
                                                      "accept_proposals": self.accept})
        editor.actions_by_id.update(self.actions)  # the menu bar finds them with the editor's
        self.find_button = QPushButton("Find slates", editor)
        self.find_button.setAccessibleName("Find the slates")
        self.find_button.setToolTip("Propose in after the opening slate and out before the closing slate (S)")
        self.find_button.clicked.connect(self.find_slates)
        self.accept_button = QPushButton("Accept", editor)
        self.accept_button.setAccessibleName("Accept the proposed in and out")
        self.accept_button.setToolTip("Make the proposed in and out the marks (Enter); Ctrl+Z takes them back")
        self.accept_button.clicked.connect(self.accept)
        editor.add_tool(self.accept_button)
        editor.add_tool(self.find_button)  # before Accept: each goes right after the length
        self.keep_enter = _FieldsKeepEnter(self)
        editor.range_changed.connect(self._on_editor_range_changed)
        self._show_pending(False)

    # ------------------------------------------------------------------ the owner's calls
    def attach(self, finder: SlateFinder | None) -> None:
        self._finder = finder

    def watch(self, root: QWidget) -> None:
        """Fields, drop-downs, lists, tables, text boxes and buttons under ``root`` keep their Enter while proposals
        wait."""
        self.keep_enter.watch(root)

    def show(self, asset: Asset | None) -> None:
        """Another source (or none): what was searched for the last one is cancelled and forgotten."""
        self._cancel()
        self._asset = asset
        self._live_checked_ms = None
        self._closing_ms = None
        audio = asset is not None and asset.audio_only
        self.find_button.setEnabled(not audio)
        self.find_button.setToolTip("Audio only: there is no picture to find a slate in" if audio else
                                    "Propose in after the opening slate and out before the closing slate (S)")
        self.editor.set_slate_edges([])
        self._set_proposals(None, None)

    def follow(self, asset: Asset) -> None:
        """The open source as Mux has it now: a recording searched once while growing is looked at again at its live
        edge as it grows, and once more when it ends."""
        if self._asset is None or asset.id != self._asset.id:
            return
        was_live = self._asset.is_live
        self._asset = asset
        if self._live_checked_ms is None or self.busy or self._finder is None:
            return
        grown = (asset.duration_ms or 0) - self._live_checked_ms
        if grown >= LIVE_RECHECK_MS or (was_live and not asset.is_live):
            self._look_at_live_edge(asset)

    @property
    def proposals(self) -> tuple[int | None, int | None]:
        return self.editor.timeline.proposals

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    # ------------------------------------------------------------------ actions
    def find_slates(self) -> None:
        asset = self._ready()
        if asset is None or self._finder is None:
            return
        name = self.name_of(asset)
        finder = self._finder

        def progress(requests: int) -> None:
            self.message.emit(f"Finding the slates of {name}… {pictures(requests)} looked at.")

        self.message.emit(f"Finding the slates of {name}…")
        self._live_checked_ms = None
        self._closing_ms = None
        self._start(self._guarded(finder.find(asset, progress)), lambda report: self._on_found(asset, report))

    def _look_at_live_edge(self, asset: Asset) -> None:
        assert self._finder is not None
        self._live_checked_ms = asset.duration_ms or 0
        self._start(self._guarded(self._finder.find(asset)), lambda report: self._on_live_edge(asset, report))

    def find_picture_end(self) -> None:
        asset = self._ready()
        if asset is None or self._finder is None:
            return
        from_ms = frame_to_ms(self.editor.player.target_frame, self.editor.player.rate)  # the frame on screen
        self.message.emit(f"Finding where the picture at {format_ms(from_ms)} ends…")
        self._start(self._guarded(self._finder.picture_end(asset, from_ms)),
                    lambda found: self._on_picture_end(asset, found))

    def accept(self) -> None:
        in_ms, out_ms = self.proposals
        if in_ms is None and out_ms is None:
            self.message.emit("No proposal to accept: find the slates first (S).")
            return
        # The marks become what was proposed: a side with no slate found goes to the video's start (in) or end (out,
        # open on a recording still growing) — whatever was marked there before — as `clip --trim-slates` and Cut the
        # slates do, and as the status line said when proposing.
        marked = self.editor.timeline.marked.cleared().with_in(in_ms if in_ms is not None else 0)
        if out_ms is not None:
            marked = marked.with_out(out_ms)
        self._accepting = True
        try:
            self.editor.edit_range(marked)  # one undo step: Ctrl+Z takes the proposal back
        finally:
            self._accepting = False
        self._set_proposals(None, None)
        self.editor.focus_timeline()
        if marked.out_ms is None and self._asset is not None and self._asset.is_live:
            self.message.emit(f"In {format_ms(marked.start_ms)}: the opening slate is cut. Out stays open until the "
                              "closing slate appears at the live edge; it will be proposed then (Ctrl+Z undoes).")
            return
        self.message.emit(f"In {format_ms(marked.start_ms)}, out {format_ms(marked.end_ms)}: the slates are cut "
                          "(Ctrl+Z undoes).")

    def trim(self, assets: list[Asset]) -> None:
        """Top and tail at each selected recording's own slates; the undecided ones are listed, not guessed."""
        if not assets:
            self.message.emit("Select the recordings to cut at their slates (Ctrl+click for several).")
            return
        if self._finder is None:
            return
        finder = self._finder

        async def search_all() -> list[TrimPlan]:
            plans = []
            for index, asset in enumerate(assets, 1):
                self.message.emit(f"Finding the slates of {counted(len(assets), 'recording')}: {index} of {len(assets)}…")
                try:
                    report = await finder.find(asset)
                except SlateSearchError as exc:
                    plans.append(trim_at_slates(asset, None, str(exc)))
                    continue
                plans.append(trim_at_slates(asset, report.edges))
            return plans

        self.bridge.run(search_all(), self._cut_at_slates, "Cutting the slates")

    # ------------------------------------------------------------------ results
    def _on_found(self, asset: Asset, report: SlateReport | str) -> None:
        if not self._is_open(asset):
            return
        if isinstance(report, str):
            self.message.emit(report)
            return
        edges = report.edges
        if report.live:
            # Looked at again as the recording grows, until the closing slate is proposed.
            self._live_checked_ms = asset.duration_ms or 0
            self._closing_ms = edges.end_ms
        self._show_edges(report)
        if not edges.found and report.live:
            self.message.emit(f"No slate proposed on {self.name_of(asset)} yet: {edges.note}. The live edge is "
                              "looked at again as the recording grows; or mark in and out by hand.")
            return
        if not edges.found:
            self.message.emit(f"No slate proposed on {self.name_of(asset)}: {edges.note}. Mark in and out by "
                              f"hand ({pictures(report.requests)} looked at).")
            return
        self._range_at_proposal = self.editor.timeline.marked
        self._set_proposals(edges.start_ms, edges.end_ms)
        sides = []
        if edges.start_ms is not None and edges.programme_start is not None:
            sides.append(f"in {format_ms(edges.start_ms)} (#{edges.programme_start}, after the opening slate)")
        if edges.end_ms is not None and edges.programme_end is not None:
            # Out is exclusive: the frame named is the last one kept, as the Out field and O name it.
            sides.append(f"out {format_ms(edges.end_ms)} (last frame #{edges.programme_end - 1}, before the closing "
                         "slate)")
        missing = []
        if edges.start_ms is None:
            missing.append("in goes to the start")
        note_text = edges.note
        if edges.end_ms is None and report.closing_not_yet:
            # Said once, short: the status line has one line at 1280 pixels.
            note_text = "; ".join(n for n in (edges.note or "").split("; ") if n != CLOSING_NOT_YET) or None
            missing.append("out stays open until the closing slate appears")
        elif edges.end_ms is None:
            missing.append("out goes to the end")
        note = "; ".join(part for part in (note_text, *missing) if part)
        said = f"{_capital(note)}. " if note else ""  # no stray '. .' when there is nothing to add
        self.message.emit(f"Proposed {' and '.join(sides)}. {said}Enter accepts, or mark by hand. "
                          f"{pictures(report.requests)} in {report.seconds:.1f} s.")

    def _on_live_edge(self, asset: Asset, report: SlateReport | str) -> None:
        """A look at a growing recording's live edge: its closing slate, once it has appeared, is proposed as the
        out, with the in already marked (or the opening edge, if nothing is marked yet). A closing slate proposed
        earlier that did not last (the programme is on again at the live edge) is withdrawn, or, taken already,
        said."""
        if not self._is_open(asset) or isinstance(report, str):
            return  # a picture the image host cannot give yet: the next look tries again
        edges = report.edges
        marked = self.editor.timeline.marked
        if edges.end_ms is None or edges.programme_end is None:
            if self._closing_ms is not None:
                self._closing_did_not_last(self._closing_ms, marked)
            elif edges.start_ms is not None and self.proposals == (None, None) and marked.in_ms is None:
                # Searched while the opening slate was still on: it has ended since.
                self._on_found(asset, report)
            return
        if edges.end_ms == self._closing_ms:
            return  # the same closing slate, still on
        self._closing_ms = edges.end_ms
        self._show_edges(report)
        pending_in = self.proposals[0]
        in_ms = pending_in if pending_in is not None else marked.in_ms if marked.in_ms is not None else edges.start_ms
        self._range_at_proposal = marked
        self._set_proposals(in_ms, edges.end_ms)
        kept = f"in {format_ms(in_ms)}" if in_ms is not None else "in at the start"
        self.message.emit(f"The closing slate has appeared: out {format_ms(edges.end_ms)} (last frame "
                          f"#{edges.programme_end - 1}, before it) is proposed, with {kept}. Enter accepts, or mark by hand.")

    def _closing_did_not_last(self, closing_ms: int, marked: MarkedRange) -> None:
        self._closing_ms = None
        pending_in, pending_out = self.proposals
        if pending_out == closing_ms:
            # The in offered with it was the one marked already: nothing is left to accept then.
            self._set_proposals(pending_in if pending_in != marked.in_ms else None, None)
            self.message.emit(f"What looked like the closing slate at {format_ms(closing_ms)} did not last: the "
                              "programme is on again at the live edge. That out is no longer proposed; Out stays "
                              "open.")
        elif marked.out_ms == closing_ms:
            self.message.emit(f"The recording went on after the out at {format_ms(closing_ms)}: the programme is on "
                              "again at the live edge. Check the out before creating the clip (O marks another).")

    def _show_edges(self, report: SlateReport) -> None:
        edges = report.edges
        self.editor.set_slate_edges([SlateEdge(ms, label) for ms, label in (
            (edges.start_ms, "Opening slate ends"), (edges.end_ms, "Closing slate starts")) if ms is not None])

    def _on_picture_end(self, asset: Asset, found: PictureEnd | str) -> None:
        if not self._is_open(asset):
            return
        if isinstance(found, str):
            self.message.emit(found)
            return
        if found.frame is None or found.ms is None:
            self.message.emit(f"The picture at #{found.from_frame} holds to the end of the video.")
            return
        if all(edge.ms != found.ms for edge in self.editor.slate_edges):
            self.editor.set_slate_edges([*self.editor.slate_edges, SlateEdge(found.ms, "The held picture ends")])
        self.editor.player.step(0)
        self.editor.player.seek_frame(found.frame)
        self.message.emit(f"The picture ends at {format_ms(found.ms)}: the playhead is on #{found.frame}, the first "
                          f"frame after it (I marks in there). {pictures(found.requests)} looked at.")

    def _on_editor_range_changed(self, marked: MarkedRange) -> None:
        # Marked by hand while proposals wait: the user adjusted instead; the proposals go (the edges stay edit
        # points). A recording growing changes the range's length, not its marks: the proposals stay.
        before = self._range_at_proposal
        if not self._accepting and before is not None and (marked.in_ms, marked.out_ms) != (before.in_ms,
                                                                                          before.out_ms) \
                and self.proposals != (None, None):
            self._set_proposals(None, None)

    # ------------------------------------------------------------------ helpers
    def _ready(self) -> Asset | None:
        if self._asset is None:
            self.message.emit("Open a source first.")
            return None
        if self._finder is None:
            self.message.emit("Connect to an environment first.")
            return None
        if self._asset.audio_only:
            self.message.emit("This source is audio only: there is no picture to find a slate in. Mark In and Out "
                              "by ear and on the waveform.")
            return None
        return self._asset

    def _is_open(self, asset: Asset) -> bool:
        return self._asset is not None and self._asset.id == asset.id

    async def _guarded(self, work: Coroutine[Any, Any, Any]) -> Any:
        """A source the search cannot be made on is news for the status line, not a failure."""
        try:
            return await work
        except SlateSearchError as exc:
            return str(exc)

    def _start(self, work: Coroutine[Any, Any, Any], done: Callable[[Any], None]) -> None:
        self._cancel()
        self._task = self.bridge.run(work, done, "Finding the slates")

    def _cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    def _set_proposals(self, in_ms: int | None, out_ms: int | None) -> None:
        self.editor.timeline.set_proposals(in_ms, out_ms)
        pending = in_ms is not None or out_ms is not None
        if not pending:
            self._range_at_proposal = None
        self._show_pending(pending)
        self.proposals_changed.emit((in_ms, out_ms))

    def _show_pending(self, pending: bool) -> None:
        # Enter is the window's only while there is something to accept.
        self.actions["accept_proposals"].setEnabled(pending)
        # Accept takes Find slates' place while there is something to accept (S still searches again): both at once
        # widened the in/out row past what a 1280-pixel screen has room for. The one leaving is hidden first: shown
        # for a moment side by side, they grew the window, and it does not shrink back by itself.
        leaving, coming = (self.find_button, self.accept_button) if pending else (self.accept_button, self.find_button)
        leaving.setVisible(False)
        coming.setVisible(True)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def pictures(count: int) -> str:
    return f"{count} picture{'' if count == 1 else 's'}"

