"""Composition root of the desktop application: the flags, the log file, QApplication, the qasync loop, and the
window with one environment's session after another.

Which environment a run starts with is decided in ``services/environment_choice.py`` (the command line uses the
same), the sessions kept per environment in ``services/session_pool.py``, what opens first and the smoke test in
``launch/``. ``muxclipper --demo`` runs the emulator in-process with its demo content and a demo environment (no
keyring, no account) and opens the window on the live event's recording.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from muxclipper import __version__
from muxclipper.services.environment_choice import (
    DEMO_COLOUR,
    DEMO_KEY,
    NO_ENVIRONMENT,
    PROCESS_COLOUR,
    PROCESS_KEY,
    EnvironmentChoice,
    choose_environment,
)

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QApplication

    from muxclipper.emulator import EmulatorServer
    from muxclipper.qt.window.main_window import MainWindow

__all__ = ["DEMO_KEY", "NO_ENVIRONMENT", "build_parser", "main", "run_window"]
log = logging.getLogger("muxclipper")
FIRST_PAINT_WAIT_S = 1.0
PREVIEW_WAIT_S = 0.5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="muxclipper", allow_abbrev=False,
        usage="muxclipper [options] [SOURCE]          the window\n"
              "       muxclipper COMMAND [options] ...    clip, replay, assets, live-streams, sessions, slates, jobs, segments, env\n"
              "       muxclipper emulator [options]       a local Mux API for tests and the demo",
        description="Frame-exact clips from Mux videos and live recordings. Without a command, the window opens "
                    "(on SOURCE if one is named).",
        epilog="Commands: clip (create a clip), replay (the last seconds of a live stream: a link now, a clip "
               "later), assets, live-streams (list them), sessions (a live recording's "
               "encoder connections and slates, with wall-clock times), slates (find the slates to cut), segments "
               "(a cut list from an editing suite), jobs (the clip history; --watch finishes unfinished ones), env "
               "(stored environments). 'muxclipper COMMAND --help' explains each; "
               "'muxclipper emulator --help' the local emulator. Credentials: --env NAME, else the MUX_TOKEN_ID and "
               "MUX_TOKEN_SECRET variables, else the active stored environment; secrets stay in the keyring.")
    parser.add_argument("source", nargs="?", metavar="SOURCE",
                        help="open this at start: an asset id, a playback id or a stream.mux.com URL")
    from muxclipper.qt.versions import PrintVersions  # muxclipper's, Qt's and FFmpeg's, without a window

    parser.add_argument("--version", action=PrintVersions)
    parser.add_argument("--demo", action="store_true",
                        help="no account needed: a local emulator with demo content")
    parser.add_argument("--env", help="a named environment (default: the active one)")
    parser.add_argument("--api-base-url", help="the Mux API address, e.g. a self-hosted emulator")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    parser.add_argument("--smoke-test", action="store_true",
                        help="start, show a frame of a source, exit 0 (or non-zero with the reason)")
    return parser


def demo_data_dir() -> Path:
    override = os.environ.get("MUXCLIPPER_DEMO_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    return user_cache_path("muxclipper", appauthor=False) / "demo-emulator"


def log_file() -> Path:
    from platformdirs import user_log_path

    override = os.environ.get("MUXCLIPPER_LOG_DIR")
    return (Path(override) if override else user_log_path("muxclipper", appauthor=False)) / "muxclipper.log"


def setup_logging(level: str) -> Path:
    """The log file, every line of it with signed-URL tokens hidden (Qt's and FFmpeg's too), and failing quietly:
    a full disk or an unwritable folder is said once in the window (:func:`tell_logging_failure`), not printed
    as a traceback per line."""
    import logging.handlers

    from muxclipper.services.log_redaction import guard_handler, note_logging_failure

    path = log_file()
    root = logging.getLogger()
    root.setLevel(level.upper())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                                        encoding="utf-8")
    except OSError as exc:
        note_logging_failure(f"The log file {path} cannot be opened ({exc.strerror}); muxclipper goes on without "
                             "it. Make the folder writable (or set MUXCLIPPER_LOG_DIR) to have a log again.")
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(guard_handler(handler))
    return path


def tell_logging_failure(window: MainWindow) -> None:
    """A log that cannot be written is said in the status line, once, whenever it happens (from any thread)."""
    from PySide6.QtCore import QObject, Signal

    from muxclipper.services.log_redaction import on_logging_failure

    class Teller(QObject):
        said = Signal(str)

    teller = Teller(window)  # lives in the window's thread: a signal from another thread is queued to it
    teller.said.connect(window.show_message)
    on_logging_failure(teller.said.emit)


def report_unexpected(window: MainWindow, log_path: Path, loop: asyncio.AbstractEventLoop) -> None:
    """An error nobody foresaw (a bug) goes to the log file with its traceback and is said in the status line; the
    window carries on with the user's marks and jobs. Slots and Qt's virtual methods report through
    ``sys.excepthook`` (else a traceback on a terminal nobody reads), callbacks on the loop through its handler."""

    def say(error: BaseException) -> None:
        window.show_message(f"Something unexpected went wrong ({type(error).__name__}); the window carries on. "
                            f"Details are in {log_path}: please send them with a report.")

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        log.critical("unexpected error", exc_info=(kind, error, trace))
        say(error)

    def on_loop_error(_: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        log.error("unexpected error on the event loop: %s", context.get("message", ""), exc_info=error)
        if isinstance(error, Exception):
            say(error)

    sys.excepthook = hook
    loop.set_exception_handler(on_loop_error)


def wait_for(app: QApplication, signal: Any, seconds: float) -> None:
    """Let Qt run until ``signal`` fires, the last window closes or ``seconds`` pass. Before asyncio and qasync
    are imported (start-up shows what it can first), a plain Qt event loop does the waiting."""
    from PySide6.QtCore import QEventLoop, QTimer

    waiting = QEventLoop()
    signal.connect(waiting.quit)
    app.lastWindowClosed.connect(waiting.quit)
    QTimer.singleShot(int(seconds * 1000), waiting.quit)
    waiting.exec()
    signal.disconnect(waiting.quit)
    app.lastWindowClosed.disconnect(waiting.quit)


def show_frame(app: QApplication, window: MainWindow) -> bool:
    """Show the window's frame and let Qt paint it (at most FIRST_PAINT_WAIT_S: started minimised, or a
    compositor that holds the first frame, carries on). False if the window was closed meanwhile."""
    window.show()
    wait_for(app, window.painted, FIRST_PAINT_WAIT_S)
    return window.isVisible()


async def run_window(args: argparse.Namespace, app: QApplication, window: MainWindow,
                     startup: EnvironmentChoice) -> int:
    """After the frame is painted: the panels, then the network side (httpx, TLS set-up, the job store); then one
    session after another as the user switches environments, until the window is closed."""
    import asyncio

    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    window.build_panels()
    # Imported once the panels are on screen: httpx and its transport are most of what is left to wait for.
    from muxclipper.launch.first_source import open_first, unless_closed
    from muxclipper.qt.window.environment_switcher import EnvironmentSwitcher, Resolved
    from muxclipper.services import paths
    from muxclipper.services.session import open_session
    from muxclipper.services.session_pool import SessionPool
    from muxclipper.store.history_file import StoreUnavailableError

    extra = None
    if args.demo and startup.environment is not None:
        extra = Resolved(startup.environment, DEMO_COLOUR, False, DEMO_KEY)
    elif startup.from_variables is not None:
        extra = Resolved(startup.from_variables, PROCESS_COLOUR, False, PROCESS_KEY)
    switcher = EnvironmentSwitcher(window, None if args.demo else startup.store, extra)
    switcher.show_choices(startup.key)
    startup.read_secret()
    if startup.environment is None:
        if args.smoke_test:
            print(f"muxclipper: {startup.problem}", file=sys.stderr)
            await window.aclose()
            window.close()
            return 2
        window.show_message(startup.problem or NO_ENVIRONMENT)
        if startup.problem == NO_ENVIRONMENT:
            switcher.manage()  # the first start: where an environment is added, beside the window
    jobs_db = (demo_data_dir() / "jobs.sqlite3") if args.demo else paths.jobs_db()
    sessions = SessionPool(jobs_db, open_session)
    try:
        chosen: Resolved | None = None
        if startup.environment is not None:
            chosen = Resolved(startup.environment, startup.colour, startup.confirm_create, startup.key or "")
        first = True
        while True:
            if chosen is None:  # nothing to connect to until the user adds or unlocks one
                chosen = await switcher.next_switch(closed)
                if chosen is None:
                    await window.aclose()
                    return 0
            window.switch_to(chosen.environment, chosen.colour, chosen.confirm_create, chosen.key)
            try:
                session, chosen = await sessions.open(chosen.environment), None
            except StoreUnavailableError as exc:  # read-only, full or locked: the machine's, said as such
                log.warning("the job history cannot be opened: %s", exc)
                if args.smoke_test:
                    print(f"smoke test failed: {exc}", file=sys.stderr)
                    await window.aclose()
                    window.close()
                    return 6  # as the command line says it
                window.show_message(f"{exc} No clips until then.")  # the whole of it in the tooltip too
                chosen = await switcher.next_switch(closed)
                if chosen is None:
                    await window.aclose()
                    window.close()
                    return 0
                continue
            window.attach(session)
            notices = [n for n in (startup.store.notice if first and startup.store is not None else None,
                                   session.storage_notice) if n]
            if notices:  # a damaged settings file or job history was set aside: said where, once
                window.show_message(" ".join(notices))
            try:
                if first:
                    first = False
                    verdict = await unless_closed(open_first(args, window, session), closed)
                    if verdict is not None:
                        return verdict
                else:
                    window.start()
                    window.open_last_source()  # coming back to an environment takes it up where it was left
                chosen = await switcher.next_switch(closed)
            finally:
                if chosen is None:  # closed (or a smoke test's verdict, or a failure): the window ends here
                    await window.aclose()
                    window.close()
                else:  # the window stays, for the next environment; this one goes on following its clips
                    await window.detach()
                    sessions.leave(session, window.follow_in_background(session))
            if chosen is None:
                return 0
    finally:
        switcher.close()  # the Environments dialog goes with the window
        await sessions.aclose()


def _missing(advice: str, server: EmulatorServer | None) -> int:
    """A part of the system is missing: the advice, not a traceback, and the exit code the README gives."""
    from muxclipper.launch.system_check import EXIT_MISSING

    log.error("%s", advice)
    print(advice, file=sys.stderr)
    if server is not None:
        server.stop()
    return EXIT_MISSING


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    path = setup_logging(args.log_level)
    log.info("muxclipper %s starting (log: %s)", __version__, path)
    server: EmulatorServer | None = None
    # Qt first: on a system that lacks a library it needs, say so at once (not after the demo's emulator has started
    # making its videos).
    from muxclipper.launch import system_check

    try:
        from PySide6.QtWidgets import QApplication

        from muxclipper.qt.identity import apply_identity
        from muxclipper.qt.qt_messages import route_to_log
        from muxclipper.qt.window.main_window import MainWindow
    except ImportError as exc:  # a system library Qt links is missing (libGL, libEGL…): say which package has it
        return _missing(system_check.import_advice(exc), server)
    problem = system_check.platform_plugin_problem(os.environ.get("QT_QPA_PLATFORM"))
    if problem is not None:
        return _missing(problem, server)
    try:
        if args.demo:
            from muxclipper.emulator import EmulatorConfig, EmulatorServer
            from muxclipper.services.environments import demo_environment

            server = EmulatorServer(EmulatorConfig(demo_content=True, data_dir=demo_data_dir())).start()
            startup = EnvironmentChoice(demo_environment(server.url), colour=DEMO_COLOUR, key=DEMO_KEY)
        else:
            startup = choose_environment(args.env, args.api_base_url, os.environ)
            if startup.face is None and args.smoke_test:
                print(f"muxclipper: {startup.problem}", file=sys.stderr)
                return 2
    except Exception as exc:  # noqa: BLE001 - said in words, traceback in the log
        log.exception("start-up failed")
        print(f"muxclipper: {exc}", file=sys.stderr)
        if server is not None:
            server.stop()
        from muxclipper.emulator.media.ffmpeg import FfmpegError
        from muxclipper.launch.system_check import EXIT_MISSING

        return EXIT_MISSING if isinstance(exc, FfmpegError) else 2

    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                 or os.environ.get("QT_QPA_PLATFORM")):
        print("muxclipper: no display to open the window on. On a desktop session this works as it is; on a "
              "server, run it under xvfb-run, or run just the demo API with 'muxclipper emulator --demo-content'.",
              file=sys.stderr)
        if server is not None:
            server.stop()
        return 2

    route_to_log()  # Qt's and FFmpeg's lines to the log file, not the terminal

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    from PySide6.QtGui import QFontDatabase

    if system_check.no_fonts(QFontDatabase.families()):
        return _missing(system_check.font_advice(), server)
    app.setApplicationName("muxclipper")
    app.setApplicationVersion(__version__)
    apply_identity(app)  # the icon, and the desktop file name the dock matches the window to
    # run_window ends on lastWindowClosed itself: Qt quitting the loop first would cut its clean-up short
    # ("Event loop stopped before Future completed").
    app.setQuitOnLastWindowClosed(False)
    try:
        # The frame is painted before asyncio, the panels and the network side are even imported: the user
        # sees the window (and which environment it acts on) at once.
        window = MainWindow(startup.face, startup.colour, confirm_create=startup.confirm_create,
                            panels=False)
        if not show_frame(app, window):
            window.save_settings()
            return 0
        # A stream URL named on the command line starts playing as soon as there is a player, and its picture
        # comes next, as the frame did: the imports that follow (asyncio, qasync, the other panels, the network
        # side) hold the event loop ~0.3 s, and the picture needs a few turns of it. A slow stream carries on
        # loading meanwhile.
        try:
            built = window.build_editor(preview=args.source)
        except ImportError as exc:  # Qt Multimedia's system libraries (libpulse…), loaded with the editor
            window.hide()
            return _missing(system_check.import_advice(exc), None)  # (the emulator stops below)
        if built and window.editor.player.previewing:
            wait_for(app, window.editor.player.preview_settled, PREVIEW_WAIT_S)
            if not window.isVisible():
                window.save_settings()
                return 0
        import asyncio

        import qasync

        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        report_unexpected(window, path, loop)
        tell_logging_failure(window)
        with loop:
            return int(loop.run_until_complete(run_window(args, app, window, startup)))
    finally:
        if server is not None:
            server.stop()
