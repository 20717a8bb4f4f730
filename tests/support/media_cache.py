"""Media that tests generate, made once and shared by every test, every pytest-xdist worker and (locally) every run.

Use it for anything a test makes with ffmpeg (or otherwise slowly) that depends only on how it is made::

    from tests.support.media_cache import cached

    RECIPE = {"what": "slate corpus", "version": 1, "fps": "25", "size": "320x180", "slate": "ticker"}

    def make(path: Path) -> None:
        # Write the file (or a folder) at exactly ``path``; nothing else. It is renamed into place afterwards.
        ffmpeg.run([..., str(path)])

    video = cached(RECIPE, make, suffix=".mp4")  # the same path for every test, worker and run

The rules:

- **The recipe says everything that changes the result**: a dict (of JSON values) or a string. Its key is the
  SHA-256 of its canonical JSON (keys sorted), so two recipes that differ in anything are two entries, and the same
  recipe is the same entry wherever it is asked for. When ``make`` changes in a way the recipe does not show (a new
  filter, another codec setting), bump a ``"version"`` in the recipe: a local cache then makes it anew instead of
  serving the old one. :func:`code_version` hashes source files, for recipes that follow code automatically.
- **Made once**: a lock file per key (``filelock``) lets the first process make it while the others wait, then all
  of them answer the same path. Within one process a made path is remembered and the lock is not taken again.
- **Whole or absent**: ``make`` writes to a temporary name in the cache folder, which is renamed into place only when
  ``make`` returned. A test killed halfway leaves a ``*.partial*`` name, removed by the next maker of that key.
- **Read only for users**: a test that changes what it was given must copy it first (``shutil.copy``); the entry is
  shared with every other test.
- **Where**: ``$MUXCLIPPER_TEST_MEDIA`` when set, else ``.cache/test-media/`` in the checkout (gitignored). A fresh
  clone (CI) makes each entry once per run; the local edit-and-test loop reuses them across runs. Beside each entry a
  ``<key>.recipe.json`` says what it is. Removing the folder is always safe (``rm -rf .cache/test-media``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]

Recipe = Mapping[str, Any] | str

_made: dict[Path, Path] = {}
_made_lock = threading.Lock()


def cache_root() -> Path:
    """The folder every entry lives in (made when missing)."""
    root = Path(os.environ.get("MUXCLIPPER_TEST_MEDIA") or ROOT / ".cache" / "test-media")
    root.mkdir(parents=True, exist_ok=True)
    return root


def recipe_key(recipe: Recipe) -> str:
    """The recipe's hash: 24 hex digits of the SHA-256 of its canonical JSON."""
    text = json.dumps(recipe, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def code_version(*paths: Path | str, extra: Iterable[str] = ()) -> str:
    """A short hash of source files' text (and any ``extra`` strings): put it in a recipe whose result follows code,
    so that a change to that code makes the media anew."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
        digest.update(b"\0")
    for text in extra:
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def cached(recipe: Recipe, make: Callable[[Path], object], *, suffix: str = "") -> Path:
    """The path of what ``make`` made from ``recipe``: made now if no process made it before, else the one made.

    ``make(path)`` must create a file or a folder at exactly ``path`` (its parent exists). ``suffix`` (".mp4")
    ends the answered name, for tools that read the kind of file from it.
    """
    root = cache_root()
    key = recipe_key(recipe)
    final = root / f"{key}{suffix}"
    with _made_lock:
        known = _made.get(final)
    if known is not None and known.exists():
        return known
    with FileLock(str(root / f"{key}.lock")):
        if not final.exists():
            for leftover in root.glob(f"{key}.partial*"):
                _remove(leftover)
            partial = root / f"{key}.partial-{os.getpid()}{suffix}"
            try:
                make(partial)
                if not partial.exists():
                    raise RuntimeError(f"the maker of {recipe!r} made nothing at {partial}")
                (root / f"{key}.recipe.json").write_text(json.dumps(recipe, sort_keys=True, indent=1))
                os.replace(partial, final)
            finally:
                if partial.exists():
                    _remove(partial)
    with _made_lock:
        _made[final] = final
    return final


def cached_folder(recipe: Recipe) -> Path:
    """A folder shared by everything that asks with the same ``recipe`` (for a tool that keeps its own cache in a
    folder and makes its files whole by itself, as the emulator's generated sources do)."""
    return cached(recipe, lambda path: path.mkdir())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
