"""The live side on a real window, with real key and mouse input, a screenshot per step.

``python -m tests.screen.replay_walkthrough --size 1280x720`` (on its own virtual X screen with a window manager):
the Live streams tab with an idle stream; the broadcast starts (no Refresh: the tab keeps itself current) and counts
up; R (the instant URL on the clipboard, the exact clip in the clips table, Undo replay offered), Shift+R (taken
back), R again to a ready clip; the recording opened from the tab (Replay and Follow live in the editor), F (the
player follows the live edge a set delay behind it, the zoomed timeline keeping the playhead in view), the editor's
Replay button clicked; the broadcast ends (the tab says so, no more counting). Prints one JSON report; screenshots go
to ``--out`` (default ``docs/walkthrough/replay-SIZE/``).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.screen import walk_runner
from tests.screen.driver import Screen, centre, device_rect
from tests.support.waiting import until

#: What the stream broadcasts: small and short, made once and cached.
BROADCAST = "emulator://generated?duration=90&fps=25&width=320&height=180&preroll=1&postroll=1&label=LIVE"


def _tree_lines(tree: Any) -> list[str]:
    lines = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        lines.append(top.text(0))
        lines += [f"  {top.child(j).text(0)}" for j in range(top.childCount())]
    return lines


async def walk(screen: Screen, report: dict[str, Any]) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from muxclipper.core.jobs import JobState
    from tests.emulator.media_helpers import wait_settled

    scratch = Path(tempfile.mkdtemp(prefix="muxclipper-replay-"))
    with walk_runner.studio_emulator(1.0) as (server, api):
        made = api.post("/video/v1/assets", json={"inputs": [{"url": BROADCAST}], "playback_policies": ["public"],
                                                  "meta": {"title": "Match feed"}})
        feed = wait_settled(api, made.json()["data"]["id"], timeout=300)["id"]
        stream = api.post("/video/v1/live-streams", json={
            "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
            "meta": {"title": "Saturday match"}}).json()["data"]
        async with walk_runner.studio_window(server, scratch) as (session, window):
            window.show()
            await until(lambda: window.windowHandle() is not None and window.windowHandle().isExposed(), 10,
                        "the window")
            window.start()
            sources, tree = window.sources, window.sources.streams_tree
            tabs = sources.tabs
            bar = tabs.tabBar()
            x, y, _, _ = device_rect(bar)
            ratio = bar.devicePixelRatioF()
            rect = bar.tabRect(1)
            screen.click(x + round(rect.center().x() * ratio), y + round(rect.center().y() * ratio))
            await until(lambda: tabs.currentIndex() == 1, 15, "the Live streams tab")
            await until(lambda: _tree_lines(tree)[:1] == ["Saturday match  [idle]"], 20, "the idle stream")
            screen.grab("idle")

            # The broadcast starts: nothing is clicked, the tab shows it and counts.
            api.post(f"/_emulator/live-streams/{stream['id']}/start", json={"source_asset_id": feed})
            started = time.monotonic()
            await until(lambda: _tree_lines(tree)[:1] == ["● Saturday match  [active]"], 20, "the broadcast listed")
            report["seen_live_after_s"] = round(time.monotonic() - started, 1)
            first = _tree_lines(tree)[1]
            await until(lambda: _tree_lines(tree)[1] != first, 15, "the count going up")
            report["counting"] = [first.strip(), _tree_lines(tree)[1].strip()]
            api.post("/_emulator/clock/advance", json={"seconds": 20})  # 20 s of match, on the emulator's clock
            await until(lambda: (window.sources.live.recorded_ms(stream_active(tree)) or 0) >= 20_000, 20,
                        "20 s recorded")
            screen.grab("live")

            # R: the instant URL on the clipboard, the exact clip in one row of the clips table.
            top = tree.topLevelItem(0)
            rect = tree.visualItemRect(top)
            x, y, _, _ = device_rect(tree.viewport())
            ratio = tree.devicePixelRatioF()
            screen.click(x + round((rect.left() + 40) * ratio), y + round(rect.center().y() * ratio))
            await until(lambda: tree.currentItem() is top, 15, "the stream selected")
            clipboard = QGuiApplication.clipboard()
            clipboard.setText("")
            replay = window.panels.replay
            assert replay is not None
            sent = time.monotonic()
            screen.key("r")
            await until(lambda: "program_start_time" in clipboard.text(), 15, "the instant URL on the clipboard")
            report["key_to_url_ms"] = round((time.monotonic() - sent) * 1000)
            report["url"] = clipboard.text()
            model = window.clips.jobs_model
            await until(lambda: model.rowCount() == 1 and model.job_at(0).state is JobState.PREPARING, 10,
                        "the exact clip being made")
            report["row_after_r"] = [model.index(0, c).data() for c in range(3)]
            report["status_after_r"] = window.status.text()
            report["undo_shown"] = replay.undo_button.isVisible()
            screen.grab("replayed")

            screen.key("shift+r")
            await until(lambda: model.job_at(0).state is JobState.CANCELLED, 10, "the replay taken back")
            report["after_undo"] = {"state": model.job_at(0).state.value, "status": window.status.text(),
                                    "clipboard": clipboard.text(),
                                    "clip_gone": api.get(f"/video/v1/assets/{model.job_at(0).asset_id}").status_code}
            screen.grab("undone")

            sent = time.monotonic()
            screen.key("r")
            await until(lambda: model.rowCount() == 2 and model.job_at(0).state is JobState.READY, 30,
                        "the second replay ready")
            report["key_to_ready_ms"] = round((time.monotonic() - sent) * 1000)
            screen.grab("ready")

            report["hints_before"] = _hints(window)
            # The recording opened from the tab: Replay and Follow live in the editor; F follows the live edge.
            child_item = top.child(0)
            rect = tree.visualItemRect(child_item)
            screen.click(x + round((rect.left() + 40) * ratio), y + round(rect.center().y() * ratio), double=True)
            await until(lambda: window.asset is not None and window.asset.is_live, 20, "the recording open")
            follower, editor = window.panels.follower, window.editor
            assert follower is not None and window.panels.replay_button is not None
            await until(lambda: editor.player.frame_on_screen is not None and follower.button.isVisible(), 20,
                        "the live tools")
            report["hints_after"] = _hints(window)
            tools = window.panels.replay_button.parentWidget()
            tools.hide()  # the live tools must not be what widens the editor (its widest row decides)
            report["editor_min_without_live_tools"] = window.editor.minimumSizeHint().width()
            tools.show()
            report["live_tools_visible"] = [follower.button.isVisible(), window.panels.replay_button.isVisible()]
            editor.focus_timeline()
            for _ in range(6):
                screen.key("ctrl+equal")
            await until(lambda: editor.timeline.view[1] < editor.timeline.marked.duration_ms, 15, "zoomed in")
            screen.key("f")
            await until(lambda: follower.following and editor.player.is_playing, 10, "following the live edge")
            behind: list[int] = []
            in_view: list[bool] = []
            for _ in range(3):  # each time the recording grows, the player comes back to its delay
                grown = window.asset.duration_ms if window.asset is not None else 0
                await until(lambda g=grown: window.asset is not None and (window.asset.duration_ms or 0) > g, 10,
                            "the recording growing")
                await until(lambda: abs(_behind(window) - follower.delay_ms) < 2500, 10, "held at the delay")
                behind.append(_behind(window))
                start, span = editor.timeline.view
                in_view.append(start <= editor.timeline.playhead_ms <= start + span)
            report["behind_ms"], report["playhead_in_view"] = behind, in_view
            report["status_following"] = window.status.text()
            screen.grab("following")
            x, y = centre(window.panels.replay_button)
            screen.click(x, y)
            await until(lambda: model.rowCount() == 3, 10, "the editor's Replay")
            report["editor_replay_source"] = model.job_at(0).source_asset_id == window.asset.id
            screen.key("space")  # taking the picture in hand stops following
            await until(lambda: not follower.following, 15, "no longer following")
            report["status_after_pause"] = window.status.text()

            # The broadcast ends: the tab says so by itself.
            api.put(f"/video/v1/live-streams/{stream['id']}/complete")
            await until(lambda: _tree_lines(tree)[0] == "Saturday match  [idle]"
                        and not any("Recording now" in line for line in _tree_lines(tree)), 20, "the broadcast ended")
            report["ended"] = _tree_lines(tree)[:2]
            await asyncio.sleep(0)  # one turn of the loop: the last change painted before the grab
            screen.grab("ended")
            available = QApplication.primaryScreen().availableGeometry()
            report["window_fits"] = [window.frameGeometry().width(), window.frameGeometry().height(),
                                     available.width(), available.height()]
            report["list_requests"] = sources.live.requests
            await window.aclose()
            window.close()


def _hints(window: Any) -> dict[str, int]:
    return {"window": window.frameGeometry().width(), "editor": window.editor.minimumSizeHint().width(),
            "transport": window.editor.transport.minimumSizeHint().width(),
            "options": window.clip_options.minimumSizeHint().width(),
            "options_dock": window.clip_options.parentWidget().minimumSizeHint().width(),
            "sources": window.sources.minimumSizeHint().width()}


def stream_active(tree: Any) -> str:
    from muxclipper.qt.sources.live_streams_tab import ASSET_ID_ROLE

    top = tree.topLevelItem(0)
    return str(top.child(0).data(0, ASSET_ID_ROLE)) if top is not None and top.childCount() else ""


def _behind(window: Any) -> int:
    return int((window.asset.duration_ms or 0) - window.editor.player.current_ms)


def main() -> int:
    return walk_runner.main("tests.screen.replay_walkthrough", __doc__.splitlines()[0], "replay", walk)


if __name__ == "__main__":
    sys.exit(main())
