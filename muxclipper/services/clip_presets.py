"""Clip presets: how clips are made (quality, resolution tier, playback policy, renditions, watermarks), kept per
environment in ``clip-presets.json`` beside the environments, for the window and the command line alike.

Each environment has named presets and its *own* preset: the one saved or applied last there, which Ctrl+Shift+R in
the window and ``--preset env`` on the command line apply (the live-replay trim is one keystroke the second time). A
preset holds every clip option but the title and passthrough, which belong to one clip; options are written field by
field (core/options_codec.py), so options added later are kept too. A file that cannot be read is set aside with the
time in its name, an entry that cannot be read is left out (and kept in the set-aside copy), and :attr:`notice` says
so; nothing is lost and nothing crashes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from muxclipper.core import limited_json
from muxclipper.core.models import ClipOptions
from muxclipper.core.options_codec import OptionsFormatError, options_from_json, options_to_json
from muxclipper.services import paths, settings_files
from muxclipper.services.outside_files import SETTINGS_MAX_BYTES, NotReadableFileError, read_limited

log = logging.getLogger(__name__)
#: The name ``--preset`` takes for the environment's own preset.
OWN = "env"
MAX_NAME = 60


class PresetError(ValueError):
    """A preset asked for does not exist or cannot be saved; the message says what to do."""


def presets_file() -> Path:
    return paths.config_dir() / "clip-presets.json"


def preset_part(options: ClipOptions) -> ClipOptions:
    """What a preset keeps of ``options``: all but the title and passthrough (one clip's)."""
    return replace(options, title=None, passthrough=None)


def applied(preset: ClipOptions, current: ClipOptions) -> ClipOptions:
    """``preset`` applied to the form's ``current`` options: the clip's own title and passthrough stay."""
    return replace(preset, title=current.title, passthrough=current.passthrough)


class PresetStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or presets_file()
        #: What was set aside when the file was read, in words; None when all was well.
        self.notice: str | None = None
        self._data: dict[str, dict[str, Any]] = self._load()

    # ------------------------------------------------------------------ reading
    def _load(self) -> dict[str, dict[str, Any]]:
        # Under the file's lock where one can be had, so that a damaged file is set aside and repaired once, not by
        # two processes in turn (the second would set aside the first one's repair).
        if not self.path.exists() and not self.path.is_symlink():
            return {}  # nothing to read: no folder or lock file made for it
        with settings_files.locked_if_possible(self.path):
            return self._read()

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = read_limited(self.path, SETTINGS_MAX_BYTES)
        except FileNotFoundError:
            return {}
        except NotReadableFileError as exc:  # a FIFO, a device, a folder, too big: set aside, never waited on
            self._set_aside([exc.reason])
            return {}
        except OSError as exc:
            self.notice = (f"The clip presets ({self.path}) cannot be read: {exc.strerror or exc}. Presets saved now "
                           "may not be kept.")
            log.warning("%s", self.notice)
            return {}
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self._set_aside(["it is not UTF-8 text"])
            return {}
        problems: list[str] = []
        sound: dict[str, dict[str, Any]] = {}
        try:
            raw = limited_json.loads(text)
            environments = raw.get("environments") if isinstance(raw, dict) else None
            if not isinstance(environments, dict):
                raise ValueError("it has no environments")
        except ValueError as exc:
            self._set_aside([f"the file is not readable JSON ({exc})"])
            return {}
        for key, entry in environments.items():
            if not isinstance(entry, dict):
                problems.append(f"the presets of {key} are not an object")
                continue
            kept: dict[str, Any] = {"named": {}}
            own = entry.get("own")
            if own is not None:
                try:
                    options_from_json(own, "own preset")
                    kept["own"] = own
                except OptionsFormatError as exc:
                    problems.append(f"{key}: {exc}")
            named = entry.get("named", {})
            for name, options in (named.items() if isinstance(named, dict) else []):
                try:
                    options_from_json(options, f"preset {name!r}")
                    kept["named"][name] = options
                except OptionsFormatError as exc:
                    problems.append(f"{key}: {exc}")
            sound[key] = kept
        if problems:
            self._set_aside(problems)
            self._data = sound
            try:
                self._save()
            except OSError as exc:  # SettingsWriteError
                log.warning("the repaired clip presets could not be written to %s: %s", self.path, exc)
        return sound

    def _set_aside(self, problems: list[str]) -> None:
        kept = settings_files.set_aside(self.path)
        where = f"the file as it was is kept as {kept.name} beside it" if kept else "it could not be copied aside"
        listed = "; ".join(problems[:3]) + (f" and {len(problems) - 3} more" if len(problems) > 3 else "")
        self.notice = (f"Some clip presets in {self.path} could not be read ({listed}) and were left out; {where}. "
                       "Save those presets again.")
        log.warning("%s", self.notice)

    def _save(self) -> None:
        with settings_files.locked(self.path):
            settings_files.write_atomic(self.path, json.dumps({"version": 1, "environments": self._data}, indent=2))

    # ------------------------------------------------------------------ presets
    def names(self, environment: str) -> list[str]:
        return sorted(self._data.get(environment, {}).get("named", {}), key=str.casefold)

    def own(self, environment: str) -> ClipOptions | None:
        """The environment's own preset (saved or applied last there), or None."""
        own = self._data.get(environment, {}).get("own")
        return options_from_json(own) if own is not None else None

    def get(self, environment: str, name: str) -> ClipOptions:
        """A named preset, or the environment's own for ``env``; :class:`PresetError` says which there are."""
        if name == OWN:
            found = self.own(environment)
            if found is None:
                raise PresetError("This environment has no preset yet: save one (in the window, Clip > Save the "
                                  "options as a preset, or create a clip with --save-preset NAME).")
            return found
        named = self._data.get(environment, {}).get("named", {})
        if name not in named:
            there = ", ".join(self.names(environment)) or "none yet"
            raise PresetError(f"No preset named {name!r} in this environment (presets: {there}; '{OWN}' is the "
                              "environment's own, the one saved or applied last).")
        return options_from_json(named[name])

    def save(self, environment: str, name: str | None, options: ClipOptions) -> None:
        """Keep ``options`` (less title and passthrough) as the preset ``name`` and as the environment's own; with
        ``name`` None, only as its own."""
        if name is not None:
            name = name.strip()
            if not name or len(name) > MAX_NAME or name == OWN or not name.isprintable():
                raise PresetError(f"A preset name is 1 to {MAX_NAME} printable characters, and not '{OWN}'.")
        with settings_files.locked(self.path):  # read, change and write as one: a save meanwhile is not lost
            self._data = self._read()  # as the file is now: another muxclipper may have saved a preset since
            entry = self._data.setdefault(environment, {"named": {}})
            stored = options_to_json(preset_part(options))
            entry["own"] = stored
            if name is not None:
                entry.setdefault("named", {})[name] = stored
            self._save()

    def remove(self, environment: str, name: str) -> None:
        with settings_files.locked(self.path):
            self._data = self._read()
            named = self._data.get(environment, {}).get("named", {})
            if named.pop(name, None) is not None:
                self._save()
