"""The window's clip presets: the panel's Save and Apply, Clip > Apply the environment's preset (Ctrl+Shift+R), and
the environment's own preset put in the clip options when the window attaches to that environment. Stored by the
preset service (services/clip_presets.py), shared with the command line."""

from __future__ import annotations

from PySide6.QtCore import QObject

from muxclipper.qt.clip_options_panel import ClipOptionsPanel
from muxclipper.services.clip_presets import OWN, PresetError, PresetStore, applied


class PresetController(QObject):
    def __init__(self, panel: ClipOptionsPanel, store: PresetStore | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self._store = store
        self.environment: str | None = None
        self.environment_name = ""
        panel.extras.preset_save_requested.connect(self.save)
        panel.extras.preset_apply_requested.connect(self.apply)

    @property
    def store(self) -> PresetStore:
        if self._store is None:  # read on first use: start-up does not wait for it
            self._store = PresetStore()
            if self._store.notice:
                self.panel.message.emit(self._store.notice)
        return self._store

    def attach(self, environment: str | None, name: str = "") -> None:
        """Presets of ``environment`` (None: none attached); its own preset fills the clip options."""
        self.environment, self.environment_name = environment, name
        if environment is None:
            self.panel.extras.set_preset_names([], "")
            return
        self.panel.extras.set_preset_names(self.store.names(environment), "")
        try:
            own = self.store.own(environment)
        except ValueError:
            own = None
        if own is not None:
            self.panel.set_options(applied(own, self.panel.options()))

    def save(self, name: str) -> None:
        if self.environment is None:
            self.panel.message.emit("Connect to an environment first: presets are kept per environment.")
            return
        try:
            self.store.save(self.environment, name or None, self.panel.options())
        except (PresetError, OSError) as exc:
            self.panel.message.emit(f"The preset was not saved: {exc}")
            return
        self.panel.extras.set_preset_names(self.store.names(self.environment), name)
        where = f" in {self.environment_name}" if self.environment_name else ""
        self.panel.message.emit(f"Preset {name!r} saved{where}; Ctrl+Shift+R applies it." if name else
                                f"The clip options are this environment's preset{where}; Ctrl+Shift+R applies it.")

    def apply(self, name: str) -> None:
        """The named preset, or with no name the environment's own, into the clip options."""
        if self.environment is None:
            self.panel.message.emit("Connect to an environment first: presets are kept per environment.")
            return
        try:
            preset = self.store.get(self.environment, name or OWN)
        except PresetError as exc:
            self.panel.message.emit(str(exc))
            return
        self.panel.set_options(applied(preset, self.panel.options()))
        try:
            self.store.save(self.environment, None, preset)  # now the environment's own
        except OSError as exc:
            self.panel.message.emit(f"Applied, but it could not be remembered as this environment's preset: {exc}")
            return
        self.panel.message.emit(f"Preset {name!r} applied." if name else "This environment's preset applied.")

    def apply_own(self) -> None:
        self.apply("")
