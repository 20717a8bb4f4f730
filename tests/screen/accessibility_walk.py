"""A screen reader's walk of the real window: the app on xcb with its accessibility bridge on, a D-Bus session with
the AT-SPI bus, and the accessible tree walked from outside the process (tests/screen/atspi_tree.py, the system's
pyatspi, as Orca reads it) in each state a producer meets: a source open, the Live streams tab with a broadcast
listed, each tab under the editor (clips, segments, watermark) in front, the list of keys and About.

``python -m tests.screen.accessibility_walk --size 1280x720`` (its own virtual X screen, window manager, D-Bus session
and AT-SPI bus). Prints one JSON report: per state, the focusable controls with no name and how many were seen.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.screen import walk_runner
from tests.screen.driver import Screen
from tests.support.waiting import until

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "emulator://generated?duration=8&fps=25&width=320&height=180&preroll=1&postroll=1&label=A11Y"
SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"


def missing() -> str | None:
    """Why the walk cannot run here (a missing package), or None."""
    if not Path(BUS_LAUNCHER).exists():
        return "at-spi2-core (the AT-SPI bus) is not installed"
    if shutil.which("dbus-run-session") is None:
        return "dbus-run-session (dbus) is not installed"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return "the system python3 has no pyatspi (python3-pyatspi)"
    return None


async def _read_out(name: str, report: dict[str, Any]) -> None:
    """The accessible tree as a reader sees it now, walked by another process while this one's loop answers it."""
    walker = subprocess.Popen([SYSTEM_PYTHON, str(ROOT / "tests" / "screen" / "atspi_tree.py"), str(os.getpid())],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    await until(lambda: walker.poll() is not None, 60, f"the AT-SPI walk of {name}")
    out, err = walker.communicate()
    if walker.returncode != 0:
        raise AssertionError(f"the AT-SPI walk of {name} failed: {err[-2000:]}")
    report["states"][name] = json.loads(out.strip().splitlines()[-1])


async def walk(screen: Screen, report: dict[str, Any]) -> None:
    from PySide6.QtWidgets import QDockWidget

    from tests.emulator.media_helpers import wait_settled

    scratch = Path(tempfile.mkdtemp(prefix="muxclipper-a11y-"))
    report["states"] = {}
    with walk_runner.studio_emulator(0.5) as (server, api):
        made = api.post("/video/v1/assets", json={"inputs": [{"url": SOURCE}], "playback_policies": ["public"],
                                                  "meta": {"title": "Keynote"}})
        source = wait_settled(api, made.json()["data"]["id"], timeout=120)["id"]
        stream = api.post("/video/v1/live-streams", json={
            "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
            "meta": {"title": "Saturday match"}}).json()["data"]
        api.post(f"/_emulator/live-streams/{stream['id']}/start", json={"source_asset_id": source})
        async with walk_runner.studio_window(server, scratch) as (session, window):
            window.show()
            await until(lambda: window.windowHandle() is not None and window.windowHandle().isExposed(), 10,
                        "the window")
            window.start()
            window.open_asset_id(source)
            await until(lambda: window.asset is not None and window.asset.id == source
                        and window.editor.player.frame_on_screen is not None, 20, "the source open")
            await _read_out("a source open", report)
            screen.grab("source-open")
            tabs, tree = window.sources.tabs, window.sources.streams_tree
            tabs.setCurrentIndex(1)
            await until(lambda: (top := tree.topLevelItem(0)) is not None and top.childCount() > 0, 20,
                        "the broadcast and its recording listed")
            tree.setCurrentItem(tree.topLevelItem(0))  # type: ignore[arg-type]  # listed: waited on above
            await _read_out("the Live streams tab", report)
            screen.grab("live-streams")
            tabs.setCurrentIndex(0)
            for name in ("segments", "watermark", "clips"):
                dock = window.findChild(QDockWidget, f"dock-{name}")
                assert dock is not None
                dock.raise_()
                panel = dock.widget()
                await until(panel.isVisible, 15, f"the {name} tab in front")
                await _read_out(f"the {name} tab", report)
                screen.grab(f"{name}-tab")
            # The two windows of their own a keyboard opens from here: the list of keys (?) and About.
            window.editor.show_cheat_sheet()
            sheet = window.editor._cheat_sheet  # noqa: SLF001 - the one it showed
            assert sheet is not None
            await until(lambda: sheet.windowHandle() is not None and sheet.windowHandle().isExposed(), 10,
                        "the list of keys")
            await _read_out("the list of keys", report)
            screen.grab("keys")
            sheet.close()
            window.show_about()
            about = window._about  # noqa: SLF001
            assert about is not None
            await until(lambda: about.windowHandle() is not None and about.windowHandle().isExposed(), 10, "About")
            await _read_out("About", report)
            screen.grab("about")
            about.close()
            await window.aclose()
            window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1280x720", help="the virtual screen, WIDTHxHEIGHT")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "walkthrough" / "accessibility")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.child:

        return walk_runner.run_child(args.out, walk)
    reason = missing()
    if reason:
        print(reason, file=sys.stderr)
        return 3
    from tests.screen.xserver import x_screen

    width, height = (int(n) for n in args.size.split("x"))
    with x_screen(width, height) as display:
        # Qt's bridge talks to AT-SPI only when asked to (or when a reader says it runs): always, here.
        env = {**os.environ, "DISPLAY": display, "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1"}
        for name in ("DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS", "NO_AT_BRIDGE", "QT_QPA_PLATFORM"):
            env.pop(name, None)
        # A D-Bus session of its own, with the accessibility bus started in it before the app asks for it.
        script = f'{BUS_LAUNCHER} --launch-immediately & exec "$@"'
        return subprocess.run(["dbus-run-session", "--", "sh", "-c", script, "sh", sys.executable, "-m",
                               "tests.screen.accessibility_walk", "--child", "--out", str(args.out)],
                              cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
