"""The window's clip presets: the panel's Save and Apply, Clip > Apply the environment's preset (Ctrl+Shift+R), and
the environment's own preset put in the clip options when the window attaches to that environment. Stored by the
preset service (services/clip_presets.py), shared with the command line.

The presets file is read and written off the UI thread, one operation at a time and in the order asked (a Save then
an Apply never cross), through the bridge; what they find is put in the options back on the UI thread. An answer for
an environment the window has left meanwhile is dropped."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject

from muxclipper.core.models import ClipOptions
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.clip_options.clip_options_panel import ClipOptionsPanel
from muxclipper.services.clip_presets import OWN, PresetError, PresetStore, applied


class PresetController(QObject):
    def __init__(self, panel: ClipOptionsPanel, store: PresetStore | None = None,
                 parent: QObject | None = None, bridge: Bridge | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self._store = store
        self._bridge = bridge
        # One worker: the file's reads and writes happen in the order they were asked for.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clip-presets")
        self._notice_said = False
        self.environment: str | None = None
        self.environment_name = ""
        panel.extras.preset_save_requested.connect(self.save)
        panel.extras.preset_apply_requested.connect(self.apply)
        executor = self._executor
        self.destroyed.connect(lambda *_: executor.shutdown(wait=False))

    @property
    def store(self) -> PresetStore:
        """The presets, read on first use (start-up does not wait for them); off the UI thread with a bridge."""
        if self._store is None:
            self._store = PresetStore()
        return self._store

    def _in_order(self, work: Callable[[PresetStore], Any], done: Callable[[Any], None],
                  what: str) -> asyncio.Task[Any] | None:
        """``work`` with the store in the presets' worker (at once without a bridge), then ``done`` on the UI thread;
        a file that could not be read is said once."""
        def said(result: Any) -> None:
            if not self._notice_said and self._store is not None and self._store.notice:
                self._notice_said = True
                self.panel.message.emit(self._store.notice)
            done(result)

        if self._bridge is None:
            said(work(self.store))
            return None
        return self._bridge.run_in_thread(lambda: work(self.store), said, what, self._executor)

    def attach(self, environment: str | None, name: str = "") -> asyncio.Task[Any] | None:
        """Presets of ``environment`` (None: none attached); its own preset fills the clip options."""
        self.environment, self.environment_name = environment, name
        if environment is None:
            self.panel.extras.set_preset_names([], "")
            return None

        def read(store: PresetStore) -> tuple[list[str], ClipOptions | None]:
            try:
                own = store.own(environment)
            except ValueError:
                own = None
            return store.names(environment), own

        def show(found: tuple[list[str], ClipOptions | None]) -> None:
            if self.environment != environment:
                return  # another environment was chosen while the file was read
            names, own = found
            self.panel.extras.set_preset_names(names, "")
            if own is not None:
                self.panel.set_options(applied(own, self.panel.options()))

        return self._in_order(read, show, "Reading the clip presets")

    def save(self, name: str) -> asyncio.Task[Any] | None:
        if self.environment is None:
            self.panel.message.emit("Connect to an environment first: presets are kept per environment.")
            return None
        environment, options = self.environment, self.panel.options()
        where = f" in {self.environment_name}" if self.environment_name else ""

        def write(store: PresetStore) -> list[str] | str:
            try:
                store.save(environment, name or None, options)
            except (PresetError, OSError) as exc:
                return f"The preset was not saved: {exc}"
            return store.names(environment)

        def saved(result: list[str] | str) -> None:
            if isinstance(result, str):
                self.panel.message.emit(result)
                return
            if self.environment == environment:
                self.panel.extras.set_preset_names(result, name)
            self.panel.message.emit(f"Preset {name!r} saved{where}; Ctrl+Shift+R applies it." if name else
                                    f"The clip options are this environment's preset{where}; Ctrl+Shift+R "
                                    "applies it.")

        return self._in_order(write, saved, "Saving the clip preset")

    def apply(self, name: str) -> asyncio.Task[Any] | None:
        """The named preset, or with no name the environment's own, into the clip options."""
        if self.environment is None:
            self.panel.message.emit("Connect to an environment first: presets are kept per environment.")
            return None
        environment = self.environment

        def take(store: PresetStore) -> tuple[ClipOptions | None, str | None]:
            try:
                preset = store.get(environment, name or OWN)
            except PresetError as exc:
                return None, str(exc)
            try:
                store.save(environment, None, preset)  # now the environment's own
            except OSError as exc:
                return preset, f"Applied, but it could not be remembered as this environment's preset: {exc}"
            return preset, None

        def put(result: tuple[ClipOptions | None, str | None]) -> None:
            preset, problem = result
            if preset is not None and self.environment == environment:
                self.panel.set_options(applied(preset, self.panel.options()))
            self.panel.message.emit(problem or (f"Preset {name!r} applied." if name else
                                                "This environment's preset applied."))

        return self._in_order(take, put, "Applying the clip preset")

    def apply_own(self) -> None:
        self.apply("")
