"""A real process whose wall clock a test can step while it runs (see clock_shim/sitecustomize.py)."""

from __future__ import annotations

import os
from pathlib import Path

SHIM = Path(__file__).parent / "clock_shim"


class SteppedClock:
    """The wall-clock offset of one process (or several sharing the file), in seconds from the real time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0.0
        self._write()

    def env(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` with what makes a child Python process honour this clock."""
        paths = [str(SHIM), *filter(None, [base.get("PYTHONPATH")])]
        return {**base, "PYTHONPATH": os.pathsep.join(paths), "MUXCLIPPER_TEST_CLOCK_FILE": str(self.path)}

    def step(self, seconds: float) -> None:
        """The wall clock jumps by ``seconds`` (either direction), as an NTP step or a user's change would."""
        self.offset += seconds
        self._write()

    def _write(self) -> None:
        partial = self.path.with_name(self.path.name + ".new")
        partial.write_text(repr(self.offset), encoding="ascii")
        os.replace(partial, self.path)  # a new inode: the process reads it on its next look at the time
