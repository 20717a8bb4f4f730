"""Composition root of the desktop application: QApplication, the qasync loop, the wiring, the flags.

``muxclipper --demo`` runs the emulator in-process with its demo content and a demo environment (no
keyring, no account) and opens the window on the live event's recording.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from muxclipper import __version__

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QApplication

    from muxclipper.emulator import EmulatorServer
    from muxclipper.qt.main_window import MainWindow
    from muxclipper.services.environment import Environment, EnvironmentFace
    from muxclipper.services.environments import EnvironmentProfile, EnvironmentStore
    from muxclipper.services.session import Session

log = logging.getLogger("muxclipper")
PROCESS_KEY, DEMO_KEY = "process", "demo"  # the selector's keys of environments that are not stored
PROCESS_COLOUR, DEMO_COLOUR = "#455a64", "#6a1b9a"
NO_ENVIRONMENT = ("No Mux environment yet: add one with Environments… (or muxclipper env add), using an access token "
                  "from the Mux dashboard (Settings → Access Tokens); or run muxclipper --demo to try it without an "
                  "account.")
DEMO_RECORDING = "muxclipper-demo:live-event"
SMOKE_TIMEOUT_S = 60.0
FIRST_PAINT_WAIT_S = 1.0
SOURCE_FIRST_WAIT_S = 5.0
PREVIEW_WAIT_S = 0.5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="muxclipper", description="Frame-exact clips from Mux videos and live recordings.", allow_abbrev=False,
        epilog="Command line: muxclipper clip|assets|live-streams|jobs|env --help; "
               "the local emulator: muxclipper emulator --help.")
    parser.add_argument("source", nargs="?",
                        help="open this at start: an asset id, a playback id or a stream.mux.com URL")
    parser.add_argument("--version", action="version", version=f"muxclipper {__version__}")
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
    import logging.handlers

    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level.upper())
    return path


@dataclass
class Startup:
    """The environment the window opens with, or why there is none (the window opens anyway, says so, and offers
    the Environments dialog); the stored environments to switch between; the ``MUX_TOKEN_*`` one, if set.

    A stored environment is chosen by its ``profile`` before the window is painted and its secret read after
    (:meth:`read_secret`): importing keyring and asking the Secret Service take a few hundred milliseconds."""

    environment: Environment | None = None
    profile: EnvironmentProfile | None = None
    colour: str = PROCESS_COLOUR
    confirm_create: bool = False
    key: str | None = None
    store: EnvironmentStore | None = None
    from_variables: Environment | None = None
    problem: str | None = None

    @property
    def face(self) -> EnvironmentFace | None:
        """What the window's frame shows: the environment, or the stored one whose secret is still to be read."""
        return self.environment if self.environment is not None else self.profile

    def read_secret(self) -> None:
        """The chosen stored environment, made runnable with its secret from the keyring (or the problem, in words:
        a locked keyring, a secret missing)."""
        from muxclipper.services.credentials import KeyringUnavailableError
        from muxclipper.services.environments import ProfileError

        if self.environment is not None or self.profile is None or self.store is None:
            return
        try:
            self.environment = self.store.environment(self.profile)
        except (ProfileError, KeyringUnavailableError) as exc:
            self.problem = str(exc)


def choose_environment(args: argparse.Namespace) -> Startup:
    """``--env NAME``, else the ``MUX_TOKEN_*`` variables, else the active stored environment (its secret is read
    by :meth:`Startup.read_secret`). A problem (no environment yet, an unknown name, an unreadable settings file)
    is kept in words."""
    from muxclipper.services import paths
    from muxclipper.services.credentials import KeyringSecrets
    from muxclipper.services.environment import EnvironmentError_, from_process_env
    from muxclipper.services.environments import EnvironmentStore, ProfileError

    startup = Startup()
    try:
        startup.store = EnvironmentStore(paths.environments_file(), KeyringSecrets())
    except ProfileError as exc:
        startup.problem = str(exc)
    if os.environ.get("MUX_TOKEN_ID"):
        try:
            startup.from_variables = from_process_env(os.environ, args.api_base_url)
        except EnvironmentError_ as exc:
            startup.problem = str(exc)
    store = startup.store
    try:
        if args.env:
            if store is None:
                return startup
            profile = store.find(args.env)
        elif startup.from_variables is not None:
            startup.environment, startup.key = startup.from_variables, PROCESS_KEY
            return startup
        elif store is None or store.active is None:
            startup.problem = startup.problem or NO_ENVIRONMENT
            return startup
        else:
            profile = store.active
    except ProfileError as exc:
        startup.problem = str(exc)
        return startup
    startup.profile = profile
    startup.colour, startup.confirm_create, startup.key = profile.colour, profile.confirm_create, profile.id
    return startup


async def wait_for_demo_recording(window: MainWindow, deadline: float) -> str | None:
    """The demo keynote's asset id once it is ready (its media is made on first start)."""
    import asyncio

    while time.monotonic() < deadline:
        page = await window.session.client.list_assets_page(limit=100)
        for asset in page.assets:
            if asset.passthrough == DEMO_RECORDING and asset.status.value == "ready":
                return asset.id
        await asyncio.sleep(1.0)
    return None


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


def freeze_startup_objects() -> None:
    """Modules, Qt wrappers and settings made at start-up live as long as the program: leave them out of
    Python's full garbage collections, which otherwise scan them all and stall the window ~50 ms each."""
    import gc

    gc.collect()
    gc.freeze()


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


async def run_window(args: argparse.Namespace, app: QApplication, window: MainWindow, startup: Startup) -> int:
    """After the frame is painted: the panels, then the network side (httpx, TLS set-up, the job store); then one
    session after another as the user switches environments, until the window is closed."""
    import asyncio

    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    window.build_panels()
    # Imported once the panels are on screen: httpx and its transport are most of what is left to wait for.
    from muxclipper.qt.environment_switcher import EnvironmentSwitcher, Resolved
    from muxclipper.services import paths
    from muxclipper.services.session import open_session

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
    sessions = KeptSessions(jobs_db, open_session)
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
            session, chosen = await sessions.open(chosen.environment), None
            window.attach(session)
            try:
                if first:
                    first = False
                    verdict = await _unless_closed(open_first(args, window, session), closed)
                    if verdict is not None:
                        return verdict
                else:
                    window.start()
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


class KeptSessions:
    """The session of every environment the window has shown, kept open until the window closes: one left behind
    goes on submitting and following its clips (and says when they end), and coming back to it takes it up as
    it is. A session whose credentials or addresses have changed since is closed and opened anew."""

    def __init__(self, jobs_db: Path, opener: Callable[[Environment, Path], AbstractAsyncContextManager[Session]]
                 ) -> None:
        # ``opener`` is services.session.open_session, passed in: importing it here would bring httpx before the
        # first paint.
        self.jobs_db = jobs_db
        self.opener = opener
        self._kept: dict[str, tuple[Session, AsyncExitStack, Callable[[], None] | None]] = {}

    async def open(self, environment: Environment) -> Session:
        kept = self._kept.pop(environment.key, None)
        if kept is not None:
            session, stack, stop_following = kept
            if stop_following is not None:
                stop_following()  # the window takes its clips back, or the session goes
            if (session.environment.credentials, session.environment.endpoints) == (
                    environment.credentials, environment.endpoints):
                session.environment = environment  # perhaps renamed meanwhile
                self._kept[environment.key] = (session, stack, None)
                return session
            await stack.aclose()
        stack = AsyncExitStack()
        session = await stack.enter_async_context(self.opener(environment, self.jobs_db))
        self._kept[environment.key] = (session, stack, None)
        return session

    def leave(self, session: Session, stop_following: Callable[[], None]) -> None:
        _, stack, _ = self._kept[session.environment.key]
        self._kept[session.environment.key] = (session, stack, stop_following)

    async def aclose(self) -> None:
        kept, self._kept = self._kept, {}
        for _, stack, _ in kept.values():
            await stack.aclose()


async def _unless_closed(work: Coroutine[Any, Any, int | None], closed: asyncio.Event) -> int | None:
    """``work``'s answer, or None as soon as the window is closed (the demo's first start waits ~40 s for its
    recording: a window closed meanwhile must end the program, not wait with it)."""
    import asyncio

    task = asyncio.ensure_future(work)
    closing = asyncio.ensure_future(closed.wait())
    try:
        await asyncio.wait([task, closing], return_when=asyncio.FIRST_COMPLETED)
    finally:
        closing.cancel()
        if not task.done():
            task.cancel()
            await asyncio.wait([task])
    return None if task.cancelled() else task.result()


async def open_first(args: argparse.Namespace, window: MainWindow, session: Session) -> int | None:
    """The first session: the source named on the command line, or the demo's recording; for ``--smoke-test``
    the verdict (an exit code), else None once the window is working."""
    import asyncio

    watch = SmokeWatch(window) if args.smoke_test else None
    if args.source:
        # What was asked for gets the network (and the emulator's CPU) first: the lists of sources and
        # clips load once it is open, or has failed, or after SOURCE_FIRST_WAIT_S.
        opening = window.open_text(args.source)
        if opening is not None:
            await asyncio.wait([opening], timeout=SOURCE_FIRST_WAIT_S)
    window.start()
    freeze_startup_objects()
    if args.source:
        if watch is not None:
            return await watch.verdict(time.monotonic() + SMOKE_TIMEOUT_S - 5)
    elif args.demo or args.smoke_test:
        deadline = time.monotonic() + (SMOKE_TIMEOUT_S - 5 if args.smoke_test else 600)
        if args.demo:
            window.show_message("Preparing the demo sources (about 40 s the first time)…")
            asset_id = await wait_for_demo_recording(window, deadline)
        else:
            page = await session.client.list_assets_page(limit=25)
            asset_id = next((a.id for a in page.assets if a.status.value == "ready"), None)
        if asset_id is None:
            if watch is not None:
                print("smoke test failed: no playable source appeared in time", file=sys.stderr)
                return 1
        else:
            window.open_asset_id(asset_id)
        if watch is not None:
            return await watch.verdict(deadline)
    return None


class SmokeWatch:
    """What ``--smoke-test`` waits for: a frame on screen, or the first failure. Listening starts before the
    source is opened, so that an answer arriving at once is not missed."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.shown: list[int] = []
        self.failures: list[str] = []
        window.frame_on_screen.connect(self.shown.append)
        window.editor.player.failed.connect(self.failures.append)
        window.bridge.failed.connect(self.failures.append)

    async def verdict(self, deadline: float) -> int:
        import asyncio

        while time.monotonic() < deadline and not self.shown and not self.failures:
            await asyncio.sleep(0.05)
        if self.shown:
            asset = self.window.asset
            print(f"smoke test passed: frame {self.shown[0]} of {asset.id if asset else '?'} shown")
            return 0
        reason = self.failures[0] if self.failures else "no frame was shown in time"
        print(f"smoke test failed: {reason}", file=sys.stderr)
        return 1


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    path = setup_logging(args.log_level)
    log.info("muxclipper %s starting (log: %s)", __version__, path)
    server: EmulatorServer | None = None
    try:
        if args.demo:
            from muxclipper.emulator import EmulatorConfig, EmulatorServer
            from muxclipper.services.environments import demo_environment

            server = EmulatorServer(EmulatorConfig(demo_content=True, data_dir=demo_data_dir())).start()
            startup = Startup(demo_environment(server.url), colour=DEMO_COLOUR, key=DEMO_KEY)
        else:
            startup = choose_environment(args)
            if startup.face is None and args.smoke_test:
                print(f"muxclipper: {startup.problem}", file=sys.stderr)
                return 2
    except Exception as exc:  # noqa: BLE001 - said in words, traceback in the log
        log.exception("start-up failed")
        print(f"muxclipper: {exc}", file=sys.stderr)
        if server is not None:
            server.stop()
        return 2

    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                 or os.environ.get("QT_QPA_PLATFORM")):
        print("muxclipper: no display to open the window on. On a desktop session this works as it is; on a "
              "server, run it under xvfb-run, or run just the demo API with 'muxclipper emulator --demo-content'.",
              file=sys.stderr)
        if server is not None:
            server.stop()
        return 2

    from PySide6.QtWidgets import QApplication

    from muxclipper.qt.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("muxclipper")
    app.setApplicationVersion(__version__)
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
        if window.build_editor(preview=args.source) and window.editor.player.previewing:
            wait_for(app, window.editor.player.preview_settled, PREVIEW_WAIT_S)
            if not window.isVisible():
                window.save_settings()
                return 0
        import asyncio

        import qasync

        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        report_unexpected(window, path, loop)
        with loop:
            return int(loop.run_until_complete(run_window(args, app, window, startup)))
    finally:
        if server is not None:
            server.stop()
