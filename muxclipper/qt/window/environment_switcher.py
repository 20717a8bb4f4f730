"""The window's environment selector and Environments dialog, wired to the stored environments.

The window only shows the choices and says which one the user picked; this turns a pick into a runnable
:class:`Environment` (its secret read from the keyring) or into a message saying what stops it, and hands the
environments to switch to, one at a time, to whoever runs the window's sessions.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from muxclipper.qt.environments.environment_bar import NO_ENVIRONMENT_COLOUR
from muxclipper.services.credentials import KeyringUnavailableError, SessionSecrets
from muxclipper.services.environment import Environment
from muxclipper.services.environments import EnvironmentProfile, EnvironmentStore, ProfileError

if TYPE_CHECKING:
    from muxclipper.qt.environments.environments_dialog import EnvironmentsDialog
    from muxclipper.qt.window.main_window import MainWindow
    from muxclipper.services.connection_check import ConnectionReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resolved:
    """An environment ready to open: what the window shows of it and the key the selector knows it by."""

    environment: Environment
    colour: str
    confirm_create: bool
    key: str


class EnvironmentSwitcher(QObject):
    """``store`` holds the named environments (None: the self-contained demo, nothing to switch to); ``extra``
    is one that is not stored, such as the ``MUX_TOKEN_*`` variables', listed first under its own key."""

    def __init__(self, window: MainWindow, store: EnvironmentStore | None, extra: Resolved | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.extra = extra
        self.dialog: EnvironmentsDialog | None = None
        self._wanted: asyncio.Queue[Resolved] = asyncio.Queue()
        self._checks: set[asyncio.Task[ConnectionReport]] = set()  # held: the loop keeps only weak references
        if store is not None and store.session_secrets is None:
            store.session_secrets = SessionSecrets()  # "for this run only", if the keyring refuses
        window.environment_chosen.connect(self.choose)
        window.manage_environments_requested.connect(self.manage)

    # ------------------------------------------------------------------ the selector
    def show_choices(self, current: str | None) -> None:
        choices: list[tuple[str, str, str]] = []
        if self.extra is not None:
            choices.append((self.extra.key, self.extra.environment.name, self.extra.colour))
        if self.store is not None:
            choices += [(p.id, p.name, p.colour) for p in self.store.profiles]
        shown = self.window.environment
        if current is not None and shown is not None and current not in {key for key, _, _ in choices}:
            # Removed in the Environments dialog while in use: the window goes on with it until another is chosen.
            choices.insert(0, (current, f"{shown.name} (removed)", NO_ENVIRONMENT_COLOUR))
        self.window.set_environment_choices(choices, current, manageable=self.store is not None)

    def resolve(self, key: str) -> Resolved:
        """The environment behind ``key``. Raises ProfileError or KeyringUnavailableError, which say what to do."""
        if self.extra is not None and key == self.extra.key:
            return self.extra
        if self.store is None:
            raise ProfileError("The demo runs on its own; start muxclipper without --demo for your environments.")
        profile = self.store.find(key)
        return self._resolved(profile, self.store.environment(profile))

    @staticmethod
    def _resolved(profile: EnvironmentProfile, environment: Environment) -> Resolved:
        return Resolved(environment, profile.colour, profile.confirm_create, profile.id)

    def choose(self, key: str) -> None:
        """The user picked ``key``: queue the switch, or say in the window why it cannot be made."""
        try:
            resolved = self.resolve(key)
        except (ProfileError, KeyringUnavailableError) as exc:
            self.window.show_message(f"{exc} (Environments… to fix it.)" if self.store is not None else str(exc))
            return
        if self.store is not None and key != (self.extra.key if self.extra else None):
            self.store.set_active(self.store.find(key))  # the next start opens it too
            if self.dialog is not None:
                self.dialog.refresh()
        self._wanted.put_nowait(resolved)

    async def next_switch(self, closed: asyncio.Event) -> Resolved | None:
        """The next environment the user switches to, or None once the window is closed."""
        wanted = asyncio.ensure_future(self._wanted.get())
        closing = asyncio.ensure_future(closed.wait())
        try:
            await asyncio.wait([wanted, closing], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (wanted, closing):
                task.cancel()
        if closed.is_set():
            return None
        return wanted.result()

    # ------------------------------------------------------------------ the dialog
    def manage(self) -> None:
        """The Environments dialog, beside the window (not modal: the window stays usable)."""
        if self.store is None:
            return
        if self.dialog is None:
            from muxclipper.qt.environments.environments_dialog import EnvironmentsDialog

            self.dialog = EnvironmentsDialog(self.store, self.window)
            self.dialog.test_requested.connect(self._test)
            self.dialog.active_changed.connect(lambda profile: self.window.choose_environment(profile.id))
            self.dialog.environments_changed.connect(self._on_environments_changed)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()

    def _test(self, environment: Environment) -> None:
        """Test connection in the dialog: one request with the typed settings, the answer in its status line."""
        from muxclipper.services.connection_check import ConnectionReport, Verdict, test_environment

        def show(done: asyncio.Task[ConnectionReport]) -> None:
            self._checks.discard(done)
            if done.cancelled() or self.dialog is None:
                return
            error = done.exception()
            if error is not None:
                log.error("the connection test failed", exc_info=error)
                report = ConnectionReport(Verdict.NOT_MUX, "The test itself failed (details in the log file).")
            else:
                report = done.result()
            self.dialog.show_report(report)

        task = asyncio.ensure_future(test_environment(environment))
        self._checks.add(task)
        task.add_done_callback(show)

    def _on_environments_changed(self) -> None:
        """Added, edited or removed: the selector follows. Not connected yet (no environment, a locked keyring, a
        missing secret), the edit may be what was missing: the one shown, or else the active one, is tried again.
        Connected, the environment in use takes its new name and colour, and reconnects if its settings changed."""
        assert self.store is not None
        current = self.window.environment_key
        self.show_choices(current)
        profile = self._profile(current)
        if profile is not None:
            self.window.restyle_environment(profile, profile.colour, profile.confirm_create)
        if not self.window.attached:
            target = profile or self.store.active
            if target is not None:
                self.choose(target.id)
            return
        if profile is None:
            return  # the variables' environment, or removed while in use: it carries on until another is chosen
        try:
            resolved = self._resolved(profile, self.store.environment(profile))
        except (ProfileError, KeyringUnavailableError):
            return  # said when it is next chosen
        connected = self.window.session.environment
        # The signing key too: a key added to the environment in use is what lets its signed sources open.
        if (resolved.environment.credentials, resolved.environment.endpoints, resolved.environment.signing_key) != (
                connected.credentials, connected.endpoints, connected.signing_key):
            if self.window.open_work():
                self.window.show_message(f"{profile.name}'s new settings are used when it is next opened: "
                                         f"{self.window.open_work()} stay open until then.")
            else:
                self._wanted.put_nowait(resolved)

    def _profile(self, key: str | None) -> EnvironmentProfile | None:
        if key is None or self.store is None or (self.extra is not None and key == self.extra.key):
            return None
        try:
            return self.store.find(key)
        except ProfileError:
            return None
