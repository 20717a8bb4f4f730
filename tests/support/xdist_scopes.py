"""How scripts/test.sh's xdist workers share the suite: ``--dist loadscope`` keeps each test module whole on one worker
(a fixture made once per module, an emulator's media or a frozen build, is made once), except that a module whose
tests run once per screen size (the real-window walks, one walk per size) is split by size, so that two sizes walk
at once on two workers instead of one after another, and modules sharing a costly fixture go together (TOGETHER).

The size is read from the test's id, in tests/screen/ only (``…::test_x[1920x1080-scale-1.5]``): the controller that schedules sees only
ids, not the tests' marks. (``--dist loadgroup`` would name groups by mark, but pytest-xdist 3.8 cannot under pytest
9.2: it writes the group into a node id attribute pytest no longer reads.)"""

from __future__ import annotations

import re
from typing import Any

from xdist.scheduler import LoadScopeScheduling

#: Modules one worker takes together: they share a session fixture too costly to make twice. The media corpus, every
#: item uploaded to the worker's emulator and ingested (re-encodes of HEVC, ProRes, 4K, a phone's variable rate…), was
#: made on both workers when the frame matrix and the corpus clips landed on different ones.
TOGETHER = {"tests/qt/editor/test_frame_matrix.py": "the media corpus",
            "tests/emulator/test_corpus_clips.py": "the media corpus"}

SIZE = re.compile(r"\[(?:[^\]]*-)?(\d{3,4}x\d{3,4}(?:-scale-[\d.]+)?)(?:-[^\]]*)?\]$")


def scope_of(nodeid: str) -> str:
    """The unit a worker takes whole: the module, the module at one screen size, or modules taken together."""
    module = nodeid.split("::", 1)[0]
    if module in TOGETHER:
        return TOGETHER[module]
    size = SIZE.search(nodeid) if module.startswith("tests/screen/") else None
    return f"{module}@{size.group(1)}" if size else module


class ScopeBySize(LoadScopeScheduling):  # type: ignore[misc]  # xdist has no type hints
    def _split_scope(self, nodeid: str) -> str:
        return scope_of(nodeid)


def make_scheduler(config: Any, log: Any) -> ScopeBySize | None:
    return ScopeBySize(config, log) if config.getvalue("dist") == "loadscope" else None
