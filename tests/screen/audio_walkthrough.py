"""An audio-only asset (a podcast cut from a show's sound: the corpus's M4A) on a real window, with real keys and a
screenshot per step.

``python -m tests.screen.audio_walkthrough --size 1280x720`` (on its own virtual X screen with a window manager): the
asset id typed into the open field and Return; the editor opens it as sound (the card, the waveform on the timeline
and around the cut, no frame number); Space plays and pauses; Shift+→ twice, → and I mark the in point at 2.010 s,
Alt+→ and O the out point ten seconds on; Ctrl+Enter creates the clip, which turns ready in the clips panel. Prints one JSON report; screenshots go to ``--out`` (default
``docs/walkthrough/audio-SIZE/``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.screen import walk_runner
from tests.screen.driver import Screen, centre, device_rect
from tests.support.waiting import until

TITLE = "Friday show, the interview"


def wave_pixels(image: Any, rect: tuple[int, int, int, int]) -> int:
    """Pixels of the waveform's green (qt/editor/waveform_view.py) in a region of a grab."""
    x0, y0, w, h = rect
    count = 0
    for y in range(y0, y0 + h):
        for x in range(x0, x0 + w, 2):
            rgb = image.pixel(x, y)
            red, green, blue = (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF
            count += abs(red - 0x2E) < 24 and abs(green - 0x7D) < 24 and abs(blue - 0x32) < 24
    return count


def texts_shown(window: Any) -> list[str]:
    """Every label's and field's text on the window (what a producer can read)."""
    from PySide6.QtWidgets import QLabel, QLineEdit

    return [w.text() for kind in (QLabel, QLineEdit) for w in window.findChildren(kind) if w.isVisible()]


async def walk(screen: Screen, report: dict[str, Any]) -> None:
    import httpx
    from PySide6.QtCore import QSettings

    from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
    from muxclipper.mux.client import Credentials, Endpoints
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.environment import Environment
    from muxclipper.services.session import open_session
    from tests.emulator.helpers import RW
    from tests.emulator.media_helpers import wait_settled
    from tests.support import corpus
    from tests.support.media_cache import cache_root

    item = corpus.AUDIO_ITEMS[0]
    scratch = Path(tempfile.mkdtemp(prefix="muxclipper-audio-"))
    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=True, processing_seconds=1.0,
                            data_dir=scratch / "emulator", file_folders=(cache_root(),))
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=RW, timeout=60) as api:
        made = api.post("/video/v1/assets", json={"inputs": [{"url": corpus.media(item).as_uri()}],
                                                  "playback_policies": ["public"], "meta": {"title": TITLE}})
        asset_id = wait_settled(api, made.json()["data"]["id"], timeout=120)["id"]
        environment = Environment("Studio", Endpoints.for_origin(server.url), Credentials(*RW))
        settings = QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat)
        async with open_session(environment, scratch / "jobs.sqlite3") as session:
            window = MainWindow(session, "#2e7d32", settings=settings)
            window.show()
            await until(lambda: window.windowHandle() is not None and window.windowHandle().isExposed(), 10,
                        "the window")
            window.start()
            editor = window.editor
            # Opened as a producer does: the id typed into the open field, then Return.
            screen.click(*centre(window.sources.open_field))
            screen.type(asset_id)
            screen.key("Return")
            await until(lambda: window.asset is not None and window.asset.id == asset_id, 20, "the source opened")
            report["status_opened"] = window.status.text()
            await until(lambda: editor.timeline.waveform is not None and editor.timeline.waveform.complete, 30,
                        "the waveform made")
            await until(lambda: editor.player.duration_ms > 0, 20, "the sound loaded")
            editor.focus_timeline()
            image = screen.grab("opened")
            report["wave_on_timeline"] = wave_pixels(image, device_rect(editor.timeline))
            report["timeline_tooltip"] = editor.timeline.toolTip()
            report["frame_label_visible"] = editor.transport.frame_label.isVisible()
            report["card_visible"] = editor.audio_card.isVisible()
            report["facts"] = window.clip_options.facts_label.toolTip()
            screen.key("space")  # play…
            await until(lambda: editor.player.current_ms > 1_200, 15, "playing")
            screen.key("space")  # … and pause
            await until(lambda: not editor.player.is_playing, 15, "paused")
            report["played_to_ms"] = editor.player.current_ms
            screen.grab("played")
            editor.player.seek_ms(0)
            await until(lambda: editor.player.current_ms == 0, 15, "back at the start")
            screen.key("shift+Right", "shift+Right", "Right", "i")  # 2.010 s
            screen.key("alt+Right", "o")  # 12.010 s: the out point is after the millisecond on screen
            await until(lambda: editor.timeline.marked.out_ms is not None, 15, "the out point")
            marked = editor.timeline.marked
            report["marks"] = [marked.in_ms, marked.out_ms]
            report["fields"] = [editor.in_field.text(), editor.out_field.text(), editor.length_label.text()]
            image = screen.grab("marked")
            report["wave_around_in"] = wave_pixels(image, device_rect(editor.close_ups["In"]))
            report["wave_around_out"] = wave_pixels(image, device_rect(editor.close_ups["Out"]))
            screen.key("ctrl+Return")
            clips: list[dict[str, Any]] = []

            def clip_ready() -> bool:
                clips[:] = [a for a in api.get("/video/v1/assets").json()["data"]
                            if a.get("source_asset_id") == asset_id]
                return bool(clips) and clips[0]["status"] == "ready"

            await until(clip_ready, 60, "the clip ready")
            report["clip"] = {"duration": clips[0]["duration"],
                              "tracks": [t["type"] for t in clips[0]["tracks"]]}
            model = window.clips.jobs_model

            def row_state() -> str:
                return str(model.data(model.index(0, 1))) if model.rowCount() else ""

            await until(lambda: row_state().startswith("ready"), 60, "the clip ready in the clips panel")
            report["row"] = [str(model.data(model.index(0, column))) for column in range(model.columnCount())]
            screen.grab("clip-ready")
            report["status_end"] = window.status.text()
            report["texts"] = texts_shown(window)
            await window.aclose()
            window.close()


def main() -> int:
    return walk_runner.main("tests.screen.audio_walkthrough", __doc__.splitlines()[0], "audio", walk)


if __name__ == "__main__":
    sys.exit(main())
