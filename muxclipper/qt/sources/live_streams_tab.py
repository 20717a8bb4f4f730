"""The Live streams tab: each stream with its recording in progress first and its recent ones, kept current without
Refresh (the streams are asked for again every few seconds, less often while nothing changes:
:mod:`muxclipper.core.live_poll`), a Replay button on each stream that is live, and the replay's length.

A recording in progress counts up every second from the length Mux last gave, so the count is the recording's own
(not this computer's clock against Mux's); a broadcast that ends stops counting at the next answer."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from muxclipper.core.live_poll import PollBackoff, fingerprint
from muxclipper.core.models import Asset, LiveStream
from muxclipper.core.replay import DEFAULT_REPLAY_S, MAX_REPLAY_S, REPLAY_CHOICES_S
from muxclipper.core.source_facts import source_label
from muxclipper.core.timecode import format_ms
from muxclipper.mux.errors import MuxError
from muxclipper.qt.accessible_names import name_combo_box
from muxclipper.qt.bridge import Bridge

if TYPE_CHECKING:
    from muxclipper.mux.client import MuxClient

log = logging.getLogger(__name__)
RECORDING_NOW_ROLE = Qt.ItemDataRole.UserRole + 3
ASSET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STREAM_ID_ROLE = Qt.ItemDataRole.UserRole + 2
Find = Callable[[str], Asset | None]


def recording_now_text(recorded_ms: int | None) -> str:
    """A recording in progress, with how long it has recorded so far (None: not known yet)."""
    if recorded_ms is None:
        return "● Recording now"
    return f"● Recording now  {format_ms(max(recorded_ms, 0))[:-4]}"


class LiveStreamsTab(QWidget):
    """Signals:
        replay_requested(str): replay the last seconds of this live stream (its id).
        recording_activated(str): open this recording (an asset id).
        streams_changed(list): the live streams as Mux has them now (a list of :class:`LiveStream`).
        recording_fetched(Asset): a recording asked for here (a new one in progress, one that ended).
    """

    replay_requested = Signal(str)
    recording_activated = Signal(str)
    streams_changed = Signal(list)
    recording_fetched = Signal(object)

    def __init__(self, bridge: Bridge, find: Find, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._find = find
        self._client: MuxClient | None = None
        self._streams: list[LiveStream] = []
        self._seen = fingerprint([])
        self._recordings: dict[str, Asset] = {}  # recordings of the streams that the sources list does not hold
        self._counted: dict[str, tuple[int, float]] = {}  # recording id -> (length Mux gave, when it was learned)
        self._asking = False
        self.backoff = PollBackoff()
        #: Every list request made (for tests and the benchmark: the budget is one every few seconds).
        self.requests = 0
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Live streams")
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        self.length_box = QComboBox(self)
        self.length_box.setEditable(True)
        name_combo_box(self.length_box, "Replay length in seconds")
        self.length_box.setToolTip(f"How many seconds a replay takes back from the live edge: pick one or type one "
                                   f"(1 to {MAX_REPLAY_S}); each environment remembers its own")
        for seconds in REPLAY_CHOICES_S:
            self.length_box.addItem(str(seconds), seconds)
        self.length_box.setValidator(QIntValidator(1, MAX_REPLAY_S, self))
        self.set_replay_seconds(DEFAULT_REPLAY_S)
        self._poll = QTimer(self)
        self._poll.setSingleShot(True)
        self._poll.timeout.connect(self._on_poll_timeout)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.count)
        row = QHBoxLayout()
        label = QLabel("Replay the last", self)
        label.setBuddy(self.length_box)
        row.addWidget(label)
        row.addWidget(self.length_box)
        row.addWidget(QLabel("s (R)", self))
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)

    # ------------------------------------------------------------------ the replay's length
    def replay_seconds(self) -> int | None:
        """The length chosen or typed (None: what is typed is not a length)."""
        text = self.length_box.currentText().strip().removesuffix("s").strip()
        return int(text) if text.isdigit() and 1 <= int(text) <= MAX_REPLAY_S else None

    def set_replay_seconds(self, seconds: int) -> None:
        index = self.length_box.findData(seconds)
        if index >= 0:
            self.length_box.setCurrentIndex(index)
        else:
            self.length_box.setEditText(str(seconds))

    # ------------------------------------------------------------------ keeping current
    def start(self, client: MuxClient) -> None:
        """Ask for the streams from now on (the first answer comes from the sources' load)."""
        self._client, self._asking = client, False
        self.backoff.reset()
        self._poll.start(round(self.backoff.pause_s * 1000))
        self._tick.start()

    def stop(self) -> None:
        self._client, self._asking = None, False  # an answer still on its way is dropped (see _on_fetched)
        self._poll.stop()
        self._tick.stop()
        self._recordings.clear()
        self._counted.clear()

    @property
    def polling_in_ms(self) -> int | None:
        """When the next list request goes (None: none is planned)."""
        return self._poll.remainingTime() if self._poll.isActive() else None

    def _on_poll_timeout(self) -> None:
        client = self._client
        if client is None or self._asking:
            return
        self._asking = True
        self.requests += 1

        async def fetch() -> tuple[list[LiveStream], list[Asset]]:
            try:
                streams = await client.list_live_streams()
            except MuxError as exc:  # only freshness: the next round asks again, no message each time
                log.debug("asking for the live streams failed: %s", exc)
                return self._streams, []
            return streams, await self._recordings_to_learn(client, streams)

        self.bridge.run(fetch(), lambda found: self._on_fetched(found) if self._client is client else None)

    def recordings_to_ask_for(self, streams: list[LiveStream]) -> list[str]:
        """The recordings whose row would be wrong without asking: a new one in progress (its length so far), and
        one that has just ended (its full length). Ended means no longer its stream's active one, or its stream no
        longer active: Mux may still name the last recording in ``active_asset_id`` once the stream is idle."""
        wanted = []
        for stream in streams:
            active = stream.status == "active"
            if stream.active_asset_id and self.recording(stream.active_asset_id) is None:
                wanted.append(stream.active_asset_id)
            named = (*stream.recent_asset_ids, *((stream.active_asset_id,) if stream.active_asset_id else ()))
            for asset_id in dict.fromkeys(named):
                known = self.recording(asset_id)
                if known is not None and known.is_live and (asset_id != stream.active_asset_id or not active):
                    wanted.append(asset_id)
        return wanted

    async def _recordings_to_learn(self, client: MuxClient, streams: list[LiveStream]) -> list[Asset]:
        found = []
        for asset_id in self.recordings_to_ask_for(streams)[:4]:  # a few at a time (the GET budget is shared)
            try:
                found.append(await client.get_asset(asset_id))
            except MuxError as exc:
                log.debug("asking for recording %s failed: %s", asset_id, exc)
        return found

    def _on_fetched(self, found: tuple[list[LiveStream], list[Asset]]) -> None:
        self._asking = False
        streams, assets = found
        for asset in assets:
            self.learn(asset)
            self.recording_fetched.emit(asset)
        changed = fingerprint(streams) != self._seen or bool(assets)
        if changed:
            self.show_streams(streams)
        if self._client is not None:
            pause = self.backoff.after(changed, any(s.status == "active" for s in streams))
            self._poll.start(round(pause * 1000))

    def learn(self, asset: Asset) -> None:
        """A recording as Mux has it now (opened, grown, ended, or asked for here)."""
        self._recordings[asset.id] = asset
        if asset.is_live and asset.duration_ms is not None:
            if self._counted.get(asset.id, (None, 0.0))[0] != asset.duration_ms:
                self._counted[asset.id] = (asset.duration_ms, time.monotonic())
        else:
            self._counted.pop(asset.id, None)

    def recording(self, asset_id: str) -> Asset | None:
        """What is known of a recording: the freshest of the sources list's and this tab's."""
        mine, listed = self._recordings.get(asset_id), self._find(asset_id)
        if listed is not None and (mine is None or (mine.is_live and not listed.is_live)
                                   or (listed.duration_ms or 0) > (mine.duration_ms or 0)):
            return listed
        return mine

    def recorded_ms(self, asset_id: str) -> int | None:
        """How long a recording in progress has recorded by now: the length Mux last gave plus the time since."""
        asset = self.recording(asset_id)
        if asset is not None and asset.duration_ms is not None and asset.id not in self._counted:
            self.learn(asset)
        counted = self._counted.get(asset_id)
        if counted is None:
            return None
        length, at = counted
        return length + round((time.monotonic() - at) * 1000)

    def count(self) -> None:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount() if top is not None else 0):
                child = top.child(j) if top is not None else None
                if child is not None and child.data(0, RECORDING_NOW_ROLE):
                    child.setText(0, recording_now_text(self.recorded_ms(str(child.data(0, ASSET_ID_ROLE)))))

    # ------------------------------------------------------------------ shown
    @property
    def streams(self) -> list[LiveStream]:
        return list(self._streams)

    def active_streams(self) -> list[LiveStream]:
        return [s for s in self._streams if s.status == "active" and s.active_asset_id]

    def selected_stream_id(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else str(item.data(0, STREAM_ID_ROLE) or "") or None

    def show_streams(self, streams: list[LiveStream]) -> None:
        """The streams, each with its recording in progress first, then its recent ones. Keeps what the user did to
        the tree: the streams they collapsed, the item they were on, where they had scrolled."""
        self._streams, self._seen = list(streams), fingerprint(streams)
        tree = self.tree
        tops = [item for i in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(i)) is not None]
        collapsed = {str(item.data(0, STREAM_ID_ROLE)) for item in tops if not item.isExpanded()}
        current = tree.currentItem()
        on = None if current is None else (current.data(0, STREAM_ID_ROLE), current.data(0, ASSET_ID_ROLE))
        scrolled = tree.verticalScrollBar().value()
        tree.clear()
        titles = {s.id: s.title or s.id for s in streams}
        for stream in streams:
            name = stream.title or stream.id
            live = stream.status == "active"
            top = QTreeWidgetItem([f"{'● ' if live else ''}{name}  [{stream.status}]"])
            top.setToolTip(0, stream.id)
            top.setData(0, STREAM_ID_ROLE, stream.id)
            recordings = [stream.active_asset_id] if stream.active_asset_id else []
            recordings += [a for a in reversed(stream.recent_asset_ids) if a != stream.active_asset_id]
            for asset_id in recordings:
                asset = self.recording(asset_id)
                # In progress only while its stream broadcasts (an idle stream may still name it, see above).
                now = live and asset_id == stream.active_asset_id and (asset is None or asset.is_live)
                if now:
                    text = recording_now_text(self.recorded_ms(asset_id))
                else:
                    text = source_label(asset, titles) if asset and asset.title else f"Recording {asset_id[:8]}…"
                    if asset is not None and asset.duration_ms is not None:
                        text += f"  {format_ms(asset.duration_ms)}"
                child = QTreeWidgetItem([text])
                child.setData(0, RECORDING_NOW_ROLE, now)
                child.setData(0, STREAM_ID_ROLE, stream.id)
                child.setData(0, ASSET_ID_ROLE, asset_id)
                child.setToolTip(0, asset_id)
                top.addChild(child)
            if not recordings:
                top.addChild(QTreeWidgetItem(["No recordings yet"]))
            tree.addTopLevelItem(top)
            for i in range(top.childCount()):  # the Replay button is the stream's: a recording has the whole width
                child_item = top.child(i)
                if child_item is not None:
                    child_item.setFirstColumnSpanned(True)
            if live and stream.active_asset_id:
                button = self._replay_button(stream)
                # The column is sized by its items, not by a widget set on them: without the button's size there it
                # was 0 px wide and the button covered the end of the stream's name (1280 px wide, seen on screen).
                top.setSizeHint(1, button.sizeHint())
                tree.setItemWidget(top, 1, button)
            top.setToolTip(0, top.text(0))  # a long name is cut short ("…") in a narrow column
            top.setExpanded(stream.id not in collapsed)
            for item in (top, *(top.child(i) for i in range(top.childCount()))):
                if item is not None and on == (item.data(0, STREAM_ID_ROLE), item.data(0, ASSET_ID_ROLE)):
                    tree.setCurrentItem(item)
        tree.verticalScrollBar().setValue(scrolled)
        self.streams_changed.emit(list(streams))

    def _replay_button(self, stream: LiveStream) -> QToolButton:
        button = QToolButton(self.tree)
        button.setText("Replay")
        name = stream.title or stream.id
        button.setAccessibleName(f"Replay the last seconds of {name}")
        button.setToolTip(f"Make the last seconds of {name} into a clip: the instant URL on the clipboard now, the "
                          "exact clip when Mux has made it (R)")
        button.clicked.connect(lambda: self.replay_requested.emit(stream.id))
        return button

    def _on_tree_item_activated(self, item: QTreeWidgetItem) -> None:
        asset_id = item.data(0, ASSET_ID_ROLE)
        if asset_id:
            self.recording_activated.emit(str(asset_id))
