"""Drives the real window on the X display it is started on (xcb, a window manager running) with real key and mouse
input, grabs the screen after each step and measures what a user would see. Prints one JSON report on stdout.

Run by tests/screen/test_real_window.py (and scripts/walkthrough.sh) as a subprocess:
``python -m tests.screen.driver OUT_DIR [--scale 1.5]``; screenshots land in OUT_DIR, one per step.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from tests.support.waiting import until

SOURCE = "emulator://generated?duration=20&fps=25&width=640&height=360&preroll=2&postroll=2&label={label}"
SOURCE_HEIGHT = 360


class Screen:
    """Real input and screen grabs on this process's X display."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.steps: list[str] = []

    def key(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["xdotool", "key", "--clearmodifiers", key], check=True)

    def type(self, text: str) -> None:
        subprocess.run(["xdotool", "type", "--delay", "20", text], check=True)

    def click(self, x: int, y: int, *, double: bool = False) -> None:
        subprocess.run(["xdotool", "mousemove", "--sync", str(x), str(y), "click",
                        *(["--repeat", "2"] if double else []), "1"], check=True)

    def grab(self, step: str) -> Any:
        """The screen now, kept as the step's screenshot (a PNG in ``out``) and answered as a QImage."""
        path = self.out / f"{len(self.steps) + 1:02d}-{step}.png"
        image = self.peek()
        # zlib's level 1 (Qt's PNG quality 80): a walk's screenshot in two thirds of the default's time, about the
        # same size (one 1280x720 step: 159 KB against 164 KB).
        if not image.save(str(path), "PNG", 80):
            raise OSError(f"could not write {path}")
        self.steps.append(path.name)
        return image

    def peek(self) -> Any:
        """The screen now, as a QImage, without keeping it among the walk's screenshots (for waiting on a pixel).

        What the X server shows: Qt copies the root window's area (every window on it, the video's own included) and
        reads it back, as `import -window root` did (platform-notes: a widget's own grab misses the video), in this
        process: no program started, no PNG written and read back. Per grab of a 1920x1080 screen, ~60 ms of CPU
        against `import`'s ~150 ms; `import` was a fifth of the real-window tests' CPU. The image is in the screen's
        own pixels, as the PNG was (its device pixel ratio set back to 1 under QT_SCALE_FACTOR)."""
        from PySide6.QtGui import QGuiApplication, QImage

        screen = QGuiApplication.primaryScreen()
        image = screen.grabWindow(0).toImage().convertToFormat(QImage.Format.Format_RGB32)
        if image.isNull():  # Qt says nothing else when the X server gives no picture
            raise RuntimeError("the screen could not be grabbed (no picture from the X server)")
        image.setDevicePixelRatio(1)
        return image


def device_rect(widget: Any) -> tuple[int, int, int, int]:
    """Where ``widget`` is on the screen, in the screen's pixels (x, y, width, height)."""
    from PySide6.QtCore import QPoint

    ratio = widget.devicePixelRatioF()
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return (round(top_left.x() * ratio), round(top_left.y() * ratio), round(widget.width() * ratio),
            round(widget.height() * ratio))


def centre(widget: Any) -> tuple[int, int]:
    x, y, w, h = device_rect(widget)
    return x + w // 2, y + h // 2


def distinct_colours(image: Any, rect: tuple[int, int, int, int]) -> int:
    """How many different colours (to 4 bits a channel) a region of a grab holds: a solid block has one or two."""
    x0, y0, w, h = rect
    seen = set()
    for y in range(y0 + 2, y0 + h - 2, 2):
        for x in range(x0 + 2, x0 + w - 2, 2):
            rgb = image.pixel(x, y)
            seen.add(((rgb >> 20) & 0xF, (rgb >> 12) & 0xF, (rgb >> 4) & 0xF))
    return len(seen)


def stamp_on_screen(image: Any, video: Any, source_width: int, source_height: int) -> int | None:
    """The frame index stamped in the picture as it is on the screen (the video letterboxed in its widget)."""
    from muxclipper.emulator.media import stamp

    x, y, w, h = device_rect(video)
    scale = min(w / source_width, h / source_height)
    left, top = x + (w - source_width * scale) / 2, y + (h - source_height * scale) / 2
    size = stamp.block_size(source_height) * scale
    value = 0
    for bit in range(stamp.BITS):
        rgb = image.pixel(round(left + (bit + 0.5) * size), round(top + size / 2))
        luma = (((rgb >> 16) & 0xFF) * 299 + ((rgb >> 8) & 0xFF) * 587 + (rgb & 0xFF) * 114) // 1000
        if luma > 128:
            value |= 1 << bit
    return value


def text_fits(field: Any) -> bool:
    """Whether a line edit shows its whole text (what is typed or displayed is not cut off)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionFrame

    option = QStyleOptionFrame()
    field.initStyleOption(option)
    room = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field).width()
    margins = field.textMargins()
    return field.fontMetrics().horizontalAdvance(field.text()) <= room - margins.left() - margins.right() - 4




class Run:
    def __init__(self, out: Path, report: dict[str, Any]) -> None:
        self.screen = Screen(out)
        self.report = report

    async def settled_stamp(self, window: Any, step: str) -> dict[str, int | None]:
        """Grab until the picture on screen holds still, then compare its stamp with the playhead's frame."""
        player = window.editor.player
        # A frame of the source on screen (a busy machine takes seconds to load the stream), and not moving.
        await until(lambda: player.frame_on_screen is not None and not player.is_playing, 30,
                    "the player to show a frame and stop")
        reads: list[int | None] = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            image = self.screen.grab(step)
            reads.append(stamp_on_screen(image, window.editor.video, 640, SOURCE_HEIGHT))
            if len(reads) >= 2 and reads[-1] == reads[-2] == player.current_frame:
                break
            await asyncio.sleep(0.1)  # the next grab: what the X server shows after Qt's next paint
        return {"on_screen": reads[-1], "playhead": player.current_frame}


async def scenario(run: Run, scale: float) -> None:
    import httpx
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
    from muxclipper.mux.client import Credentials, Endpoints
    from muxclipper.qt.editor.timecode_edit import TimecodeEdit
    from muxclipper.qt.sources.sources_model import SourceRole
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.environment import Environment
    from muxclipper.services.session import open_session
    from tests.emulator.helpers import RW
    from tests.emulator.media_helpers import wait_settled

    report, screen = run.report, run.screen
    cache = Path(os.environ.get("MUXCLIPPER_SCREEN_CACHE", tempfile.mkdtemp()))
    config = EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=True, generated_dir=cache,
                            processing_seconds=1.0)
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=RW, timeout=60) as api:
        ids = []
        for label in ("FIRST", "SECOND"):
            made = api.post("/video/v1/assets", json={"inputs": [{"url": SOURCE.format(label=label)}],
                                                      "playback_policies": ["public"]})
            ids.append(wait_settled(api, made.json()["data"]["id"])["id"])
        environment = Environment("Staging", Endpoints.for_origin(server.url), Credentials(*RW))
        settings = QSettings(str(screen.out / "window.ini"), QSettings.Format.IniFormat)
        async with open_session(environment, screen.out / "jobs.sqlite3") as session:
            window = MainWindow(session, settings=settings)
            window.show()
            await until(lambda: window.isVisible() and window.windowHandle() is not None
                        and window.windowHandle().isExposed(), 10, "the window on screen")
            window.start()
            available = QApplication.primaryScreen().availableGeometry()
            frame = window.frameGeometry()
            report["window"] = [frame.x(), frame.y(), frame.width(), frame.height()]
            report["screen"] = [available.width(), available.height()]
            report["window_fits"] = available.contains(frame)
            await until(lambda: window.sources.model.rowCount() >= 2, 20, "the sources listed")

            # Open the first source from the list, by double-clicking it.
            view = window.sources.list_view
            listed = window.sources.filter
            row = next(r for r in range(listed.rowCount()) if listed.index(r, 0).data(SourceRole.ASSET).id == ids[0])
            rect = view.visualRect(window.sources.filter.index(row, 0))
            x, y, _, _ = device_rect(view.viewport())
            ratio = view.devicePixelRatioF()
            screen.click(x + round(rect.center().x() * ratio), y + round(rect.center().y() * ratio), double=True)
            await until(lambda: window.asset is not None and window.asset.id == ids[0], 15, "the source opened")
            report["opened"] = await run.settled_stamp(window, "opened")
            focus = QApplication.focusWidget()
            report["focus_after_open"] = type(focus).__name__ if focus else None
            # The status line, the window's last row, says what happened: with a source open (its facts make the
            # right-hand column taller) it must still be on the screen, not pushed past its bottom edge.
            height_px = round(available.height() * window.devicePixelRatioF())
            x, y, w, h = device_rect(window.status)
            report["status_line"] = {"text": window.status.text()[:20], "bottom": y + h, "screen": height_px}

            # A click on the picture plays, another pauses (as in every player); then back to the first frame.
            player = window.editor.player
            screen.click(*centre(window.editor.video))
            playing = await until(lambda: player.is_playing, 15, "playing after a click on the picture")
            screen.click(*centre(window.editor.video))
            await until(lambda: not player.is_playing, 15, "paused after a second click")
            report["click_plays_and_pauses"] = bool(playing)
            player.seek_frame(0)
            await until(lambda: player.current_frame == 0, 15, "back to the first frame")
            window.editor.focus_timeline()
            # Keys straight away: step, mark in, a second on, mark out.
            report["focus_after_open"] = report.get("focus_after_open")
            screen.key("Right", "Right", "Right")
            await until(lambda: player.current_frame == 3, 15, "three frames on")
            screen.key("i", "shift+Right", "o")
            await until(lambda: window.editor.timeline.marked.out_ms is not None and player.current_frame == 28, 15,
                        "in and out by keys, and the frame a second on")
            report["keys_without_clicking"] = {"frame": player.current_frame,
                                               "in_ms": window.editor.timeline.marked.in_ms,
                                               "out_ms": window.editor.timeline.marked.out_ms}
            report["after_keys"] = await run.settled_stamp(window, "marked-by-keys")

            # The timeline with focus and both markers: ruler, filmstrip, markers, playhead — not one block.
            timeline = window.editor.timeline
            timeline.setFocus()
            await until(lambda: timeline.hasFocus(), 15, "the timeline focused")
            screen.key("Left")
            await until(lambda: player.current_frame == 27, 15, "a frame back")
            image = screen.grab("timeline-focused")
            report["timeline_colours_focused"] = distinct_colours(image, device_rect(timeline))
            # Alt+X clears in and out (it used to open "Export clips…"); Ctrl+Z brings them back.
            marked = timeline.marked
            screen.key("alt+x")
            await until(lambda: timeline.marked.in_ms is None and timeline.marked.out_ms is None, 15, "Alt+X")
            screen.key("ctrl+z")
            await until(lambda: timeline.marked == marked, 15, "Ctrl+Z")
            report["alt_x_then_undo"] = True

            # Typed times show in full.
            fields = window.findChildren(TimecodeEdit)
            report["fields_fit"] = {field.accessibleName(): text_fits(field) for field in fields if field.isVisible()}

            # Seek by a typed time, then re-open the open source by double-clicking it again.
            screen.key("g")
            await until(lambda: window.editor.position_field.hasFocus(), 15, "the playhead field (G)")
            screen.type("00:00:06.000")
            screen.key("Return")
            await until(lambda: player.current_frame == 150, 15, "the typed time")
            report["typed_seek"] = await run.settled_stamp(window, "typed-seek")
            report["focus_after_typing"] = type(QApplication.focusWidget()).__name__
            rect = view.visualRect(listed.index(row, 0))  # where the row is now (the layout may have moved)
            x, y, _, _ = device_rect(view.viewport())
            screen.click(x + round(rect.center().x() * ratio), y + round(rect.center().y() * ratio), double=True)
            await until(lambda: player.frame_on_screen == 0, 15, "the source re-opened at its start")
            report["reopened"] = await run.settled_stamp(window, "reopened")
            player.seek_frame(212)
            await until(lambda: player.current_frame == 212, 15, "a seek after re-opening")
            report["reopened_seek"] = await run.settled_stamp(window, "reopened-seek")

            # A title typed (real keys) on the first source belongs to it: the second opens with an empty title, and
            # its clip (below) is not named after the first ("Keynote trim" sat on the live recording).
            title_field = window.clip_options.title_field
            screen.click(*centre(title_field))
            await until(title_field.hasFocus, 15, "the title field focused")
            screen.type("Keynote trim")
            await until(lambda: title_field.text() == "Keynote trim", 15, "the title typed")
            frame = window.frameGeometry()
            report["before_live"] = [frame.x(), frame.y(), frame.width(), frame.height()]
            # Another source, then a clip of it, played.
            window.open_asset_id(ids[1])
            await until(lambda: window.asset is not None and window.asset.id == ids[1], 15, "the second source")
            report["titles"] = {"second_source": title_field.text()}
            report["switched"] = await run.settled_stamp(window, "second-source")

            # Segments from a list: six rows, then a list with bad rows (each named in the panel, in the table's
            # place). At 1280×720 the table under the clip options showed one row, and the list of bad rows grew the
            # window past the screen.
            segments = window.segments
            listed_csv = screen.out / "six.csv"
            listed_csv.write_text("label,start,end\n" + "".join(f"Part {n},{2 * n}.0,{2 * n + 1}.5\n" for n in range(6)))
            segments.import_from(listed_csv)
            await until(lambda: len(segments.segments()) == 6, 15, "six segments imported")
            segments.attention_wanted.emit()  # as adding a range does: the Segments tab in front
            table = segments.table
            await until(table.isVisible, 15, "the segments table in front")
            shown = sum(1 for r in range(table.rowCount())
                        if table.viewport().rect().contains(table.visualRect(table.model().index(r, 0))))
            screen.grab("segments-imported")
            bad_csv = screen.out / "bad.csv"
            bad_csv.write_text("label,start,end\n" + "".join(f"Back {n},{n + 5}.0,{n}.0\n" for n in range(9)))
            segments.import_from(bad_csv)
            await until(segments.notice_area.isVisible, 15, "the bad rows listed")
            screen.grab("segments-bad-rows")
            frame = window.frameGeometry()
            available = window.screen().availableGeometry()
            _, status_y, _, status_h = device_rect(window.status)
            report["segments"] = {"rows_shown": shown, "window_fits": available.contains(window.frameGeometry()),
                                  "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                                  "status_bottom": status_y + status_h,
                                  "screen_height": round(available.height() * window.devicePixelRatioF()),
                                  "table_kept": len(segments.segments()) == 6,
                                  "notice_lines": segments.notice.text().count("\n")}
            segments.back_button.click()
            window.activateWindow()
            timeline.setFocus()
            screen.key("shift+Right", "shift+Right", "i", "shift+Right", "shift+Right", "o", "ctrl+Return")
            await until(lambda: window.clips.jobs_model.rowCount() == 1, 10, "the clip queued")
            from muxclipper.core.jobs import JobState

            await until(lambda: window.clips.jobs_model.job_at(0).state is JobState.READY, 60, "the clip ready")
            clip = window.clips.jobs_model.job_at(0)
            report["titles"]["second_clip"] = clip.options.title
            window.open_asset_id(str(clip.asset_id))
            await until(lambda: window.asset is not None and window.asset.id == clip.asset_id, 15, "the clip opened")
            played = await run.settled_stamp(window, "clip-opened")
            # The clip's frames carry their source's stamps: its frame n is the source's frame (in + n).
            report["clip_played"] = {"on_screen": played["on_screen"],
                                     "playhead": (played["playhead"] or 0) + clip.start_ms * 25 // 1000}
            # A recording in progress, 12 s in: it opens at its first frame (Qt alone starts 6 s in and calls it
            # frame 0), and its first seconds can be reached.
            stream = api.post("/video/v1/live-streams",
                              json={"new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
            # The clock stopped: the recording is 12 s in however slowly the machine goes, and grows no further.
            api.post("/_emulator/clock/freeze", json={"frozen": True})
            live = api.post(f"/_emulator/live-streams/{stream['id']}/start",
                            json={"source_asset_id": ids[0]}).json()["data"]
            api.post("/_emulator/clock/advance", json={"seconds": 12})
            window.open_asset_id(live["id"])
            await until(lambda: window.asset is not None and window.asset.id == live["id"], 15, "the recording")
            report["recording_opened"] = await run.settled_stamp(window, "recording-in-progress")
            # Opening the recording shows its live tools and program times: the window stays as it was, inside the
            # screen, its status line on it (it grew 684 → 706 px and past the right edge, and never shrank back).
            frame = window.frameGeometry()
            _, status_y, _, status_h = device_rect(window.status)
            available = window.screen().availableGeometry()
            report["live_opened"] = {"before": report["before_live"],
                                     "after": [frame.x(), frame.y(), frame.width(), frame.height()],
                                     "fits": available.contains(frame), "status_bottom": status_y + status_h,
                                     "screen_height": round(available.height() * window.devicePixelRatioF())}
            report["titles"]["recording"] = title_field.text()
            screen.grab("live-opened")
            player.seek_frame(40)
            await until(lambda: player.current_frame == 40, 10, "frame 40 of the recording")
            report["recording_seek"] = await run.settled_stamp(window, "recording-first-seconds")
            screen.grab("end")
            await window.aclose()
            window.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    import qasync
    from PySide6.QtWidgets import QApplication

    from muxclipper.qt.qt_messages import route_to_log

    route_to_log()  # as the app does

    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    report: dict[str, Any] = {"errors": []}
    run = Run(args.out, report)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(asyncio.wait_for(scenario(run, args.scale), 240))
    except Exception:  # noqa: BLE001 - reported: the test says which step failed and why
        report["errors"].append(traceback.format_exc())
    finally:
        loop.close()
    report["screenshots"] = run.screen.steps
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
