"""The window's loose ends on a real window, with real key and mouse input, a screenshot per step.

``python -m tests.screen.leftovers_walkthrough --size 1280x720`` (its own virtual X screen and window manager): the
Live streams tab with a long stream name beside its Replay button; a broadcast that begins and comes into the Assets
list by itself; its untitled recording opened from there early, named after its stream; End and Home to the last and
first frame, and Home/End inside a time field; a frame at 30 fps whose time the field and the picture write alike;
Alt+R with a segment listed; the storyboard strip once the recording has grown. Prints one JSON report; screenshots go
to ``--out`` (default ``docs/walkthrough/leftovers-SIZE/``).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.screen import walk_runner
from tests.screen.driver import Screen, centre, device_rect
from tests.support.waiting import until

#: What the stream broadcasts: small, 30 fps (frame 5 starts at 166.67 ms), made once and cached.
BROADCAST = "emulator://generated?duration=40&fps=30&width=320&height=180&preroll=1&postroll=1&label=SEMI"
STREAM = "Saturday night semi-final, second half"


def _click_tab(screen: Screen, tabs: Any, index: int) -> None:
    bar = tabs.tabBar()
    x, y, _, _ = device_rect(bar)
    ratio = bar.devicePixelRatioF()
    rect = bar.tabRect(index)
    screen.click(x + round(rect.center().x() * ratio), y + round(rect.center().y() * ratio))


async def walk(screen: Screen, report: dict[str, Any]) -> None:
    from PySide6.QtWidgets import QApplication, QDockWidget

    from tests.emulator.media_helpers import wait_settled

    scratch = Path(tempfile.mkdtemp(prefix="muxclipper-leftovers-"))
    with walk_runner.studio_emulator(0.5) as (server, api):
        made = api.post("/video/v1/assets", json={"inputs": [{"url": BROADCAST}], "playback_policies": ["public"],
                                                  "meta": {"title": "Semi-final feed"}})
        feed = wait_settled(api, made.json()["data"]["id"], timeout=300)["id"]
        api.post("/_emulator/clock/freeze", json={"frozen": True})
        stream = api.post("/video/v1/live-streams", json={
            "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
            "meta": {"title": STREAM}}).json()["data"]
        async with walk_runner.studio_window(server, scratch) as (session, window):
            window.show()
            await until(lambda: window.windowHandle() is not None and window.windowHandle().isExposed(), 10,
                        "the window")
            window.start()
            sources, tabs, tree = window.sources, window.sources.filter, window.sources.streams_tree
            await until(lambda: tabs.rowCount() == 1, 20, "the feed listed")

            # The broadcast begins: nothing clicked, the Assets list shows its recording (it waited for Refresh).
            api.post(f"/_emulator/live-streams/{stream['id']}/start", json={"source_asset_id": feed})
            api.post("/_emulator/clock/advance", json={"seconds": 3})

            def listed() -> list[str]:
                return [tabs.index(r, 0).data().split("\n")[0] for r in range(tabs.rowCount())]

            await until(lambda: len(listed()) == 2, 20, "the recording in the Assets list")
            report["assets_listed"] = listed()
            from PySide6.QtCore import Qt
            from PySide6.QtGui import QPixmap

            await until(lambda: isinstance(tabs.index(0, 0).data(Qt.ItemDataRole.DecorationRole), QPixmap), 20,
                        "the recording's thumbnail")
            screen.grab("recording-listed-without-refresh")

            # The Live streams tab, by a click: the Replay button beside the long name, not over it.
            _click_tab(screen, sources.tabs, 1)
            await until(lambda: tree.topLevelItem(0) is not None and tree.itemWidget(tree.topLevelItem(0), 1)
                        is not None, 20, "the stream and its Replay button")
            await asyncio.sleep(0.3)  # painted
            top = tree.topLevelItem(0)
            button = tree.itemWidget(top, 1)
            name_right = tree.visualItemRect(top).left() + tree.header().sectionSize(0) - tree.visualItemRect(
                top).left()
            report["replay_button"] = {"name_column_right": tree.header().sectionSize(0),
                                       "button_left": button.geometry().left(), "name_right": name_right,
                                       "tooltip": top.toolTip(0)}
            screen.grab("live-streams-tab")
            _click_tab(screen, sources.tabs, 0)

            # The untitled recording, opened early from the Assets list by a double click.
            view = sources.list_view
            index = tabs.index(0, 0)
            rect = view.visualRect(index)
            x, y, _, _ = device_rect(view.viewport())
            ratio = view.devicePixelRatioF()
            screen.click(x + round(rect.center().x() * ratio), y + round(rect.center().y() * ratio), double=True)
            await until(lambda: window.asset is not None and window.asset.is_live, 20, "the recording open")
            editor, player = window.editor, window.editor.player
            await until(lambda: player.frame_on_screen == 0, 20, "its first frame")
            report["opened"] = {"status": window.status.text(),
                                "heading": window.clip_options.facts_label.text().split("<br>")[0]}
            await asyncio.sleep(0.5)
            screen.grab("recording-opened")
            tiles = editor.timeline._tiles  # noqa: SLF001 - what the strip draws
            report["storyboard_first"] = tiles[-1].start_ms if tiles else None

            # End and Home: the last and the first frame, by real keys on the timeline.
            screen.key("End")
            last = window.editor.timeline.marked.cleared().last_frame
            await until(lambda: player.current_frame == last, 10, "the last frame by End")
            report["end_frame"] = [player.current_frame, last]
            screen.key("Home")
            await until(lambda: player.current_frame == 0, 10, "the first frame by Home")
            # Frame 5 at 30 fps: the field and the picture write its time alike.
            for _ in range(5):
                screen.key("Right")
            await until(lambda: player.current_frame == 5, 10, "frame 5")
            await asyncio.sleep(0.5)
            report["frame5_field"] = editor.position_field.text()
            screen.grab("frame-5-time-in-the-field-and-on-the-picture")
            # Home and End inside a time field move its cursor; the picture stays.
            screen.click(*centre(editor.in_field))
            await until(editor.in_field.hasFocus, 15, "the In field focused by the click")
            screen.type("12")
            screen.key("Home")
            screen.type("#")
            screen.key("End")
            await until(lambda: editor.in_field.text() == "#12", 15,
                        f"#12 typed (the field says {editor.in_field.text()!r})")
            report["in_field"] = [editor.in_field.text(), editor.in_field.cursorPosition(), player.current_frame]
            screen.key("Escape")

            # Alt+R with a segment listed and the Segments tab in front: nothing removed.
            editor.focus_timeline()
            screen.key("i", "End", "o", "ctrl+shift+a")
            segments = window.segments
            await until(lambda: len(segments.segments()) == 1, 10, "a segment")
            dock = window.findChild(QDockWidget, "dock-segments")
            assert dock is not None
            dock.raise_()
            await until(segments.isVisible, 15, "the Segments tab")
            screen.key("alt+r")
            await asyncio.sleep(0.5)
            report["segments_after_alt_r"] = len(segments.segments())
            screen.grab("alt-r-with-a-segment")

            # The recording grows: its storyboard strip follows.
            api.post("/_emulator/clock/advance", json={"seconds": 20})
            await until(lambda: (window.asset.duration_ms or 0) >= 20_000, 30, "the recording grown")
            await until(lambda: editor.timeline._tiles and editor.timeline._tiles[-1].start_ms >= 15_000,  # noqa: SLF001
                        30, "the storyboard of what is recorded")
            report["storyboard_grown"] = editor.timeline._tiles[-1].start_ms  # noqa: SLF001
            report["heading_grown"] = window.clip_options.facts_label.text().split("<br>")[0]
            screen.grab("storyboard-after-growing")
            available = QApplication.primaryScreen().availableGeometry()
            report["window_fits"] = [window.frameGeometry().width(), window.frameGeometry().height(),
                                     available.width(), available.height()]
            api.put(f"/video/v1/live-streams/{stream['id']}/complete")
            await window.aclose()
            window.close()


def main() -> int:
    return walk_runner.main("tests.screen.leftovers_walkthrough", __doc__.splitlines()[0], "leftovers", walk)


if __name__ == "__main__":
    sys.exit(main())
