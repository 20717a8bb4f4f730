"""The shared media cache: one maker per recipe across processes, whole or absent, keyed by everything in the recipe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import media_cache

ROOT = Path(__file__).resolve().parents[2]

# A maker that takes a moment and counts its runs in a file: four processes started together must run it once.
CHILD = """
import sys, time
from pathlib import Path
from tests.support.media_cache import cached

def make(path: Path) -> None:
    with open(sys.argv[1], "a") as runs:
        runs.write("made\\n")
    time.sleep(0.3)  # long enough that the others arrive while it works (what they see is the lock, not the time)
    path.write_text("frames")

print(cached({"what": "counted", "n": 1}, make, suffix=".txt"))
"""


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUXCLIPPER_TEST_MEDIA", str(tmp_path / "cache"))
    monkeypatch.setattr(media_cache, "_made", {})


def test_processes_asking_together_share_one_making(tmp_path: Path) -> None:
    runs = tmp_path / "runs.txt"
    env = {"MUXCLIPPER_TEST_MEDIA": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(runs)], stdout=subprocess.PIPE, text=True,
                                 env=env, cwd=ROOT) for _ in range(4)]
    answers = {child.communicate(timeout=60)[0].strip() for child in children}
    assert all(child.returncode == 0 for child in children)
    assert runs.read_text() == "made\n"
    [answer] = answers
    assert Path(answer).read_text() == "frames" and answer.endswith(".txt")


def test_the_same_recipe_in_another_order_is_the_same_entry_and_any_change_is_another() -> None:
    made: list[Path] = []

    def make(path: Path) -> None:
        made.append(path)
        path.write_text(str(len(made)))

    first = media_cache.cached({"fps": "25", "size": "320x180"}, make)
    assert media_cache.cached({"size": "320x180", "fps": "25"}, make) == first
    other = media_cache.cached({"size": "320x180", "fps": "30"}, make)
    assert other != first and len(made) == 2
    assert first.read_text() == "1" and other.read_text() == "2"


def test_a_maker_that_fails_leaves_nothing_and_the_next_one_makes_it_whole() -> None:
    def broken(path: Path) -> None:
        path.write_text("half")
        raise RuntimeError("ffmpeg died")

    with pytest.raises(RuntimeError, match="ffmpeg died"):
        media_cache.cached("recipe", broken, suffix=".mp4")
    assert [p.name for p in media_cache.cache_root().iterdir() if not p.name.endswith(".lock")] == []
    path = media_cache.cached("recipe", lambda p: p.write_text("whole"), suffix=".mp4")
    assert path.read_text() == "whole"


def test_a_killed_makers_leftover_is_cleared_and_a_folder_can_be_an_entry() -> None:
    root = media_cache.cache_root()
    key = media_cache.recipe_key({"what": "folder"})
    (root / f"{key}.partial-999").mkdir()
    (root / f"{key}.partial-999" / "half.ts").write_text("x")
    folder = media_cache.cached_folder({"what": "folder"})
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert not (root / f"{key}.partial-999").exists()
    assert media_cache.recipe_key({"what": "folder"}) in folder.name


def test_code_version_follows_the_files_text(tmp_path: Path) -> None:
    source = tmp_path / "make.py"
    source.write_text("a = 1\n")
    before = media_cache.code_version(source)
    source.write_text("a = 2\n")
    assert media_cache.code_version(source) != before
    assert media_cache.code_version(source, extra=["ffmpeg 7"]) != media_cache.code_version(source)
