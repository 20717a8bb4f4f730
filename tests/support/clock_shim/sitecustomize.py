"""Test-only: steps this process's wall clock as a clock step on a real machine would, leaving its monotonic clock.

On ``PYTHONPATH`` (Python imports ``sitecustomize`` at start, before muxclipper), with
``MUXCLIPPER_TEST_CLOCK_FILE`` naming a file that holds an offset in seconds: ``time.time()`` and
``time.time_ns()`` answer the real time plus that offset, read again whenever the file is replaced. A test steps a
running process by replacing the file (tests/support/stepped_clock.py). ``time.monotonic()``, and so asyncio's
waits, are untouched. (libfaketime would do it in C, but in Debian's 0.9.10 leaving the monotonic clock real makes
``time.sleep`` fail with EINVAL.)
"""

from __future__ import annotations

import os
import time

_path = os.environ.get("MUXCLIPPER_TEST_CLOCK_FILE")

if _path:
    _real_time, _real_time_ns = time.time, time.time_ns
    _seen: list[object] = [None, 0.0]  # (inode, mtime) of the file last read, the offset it held

    def _offset() -> float:
        try:
            info = os.stat(_path)  # type: ignore[arg-type]
        except OSError:
            return 0.0
        key = (info.st_ino, info.st_mtime_ns)
        if key != _seen[0]:
            try:
                with open(_path, encoding="ascii") as file:  # type: ignore[arg-type]
                    _seen[1] = float(file.read().strip() or 0)
            except (OSError, ValueError):
                return float(_seen[1])  # type: ignore[arg-type]
            _seen[0] = key
        return float(_seen[1])  # type: ignore[arg-type]

    def _time() -> float:
        return _real_time() + _offset()

    def _time_ns() -> int:
        return _real_time_ns() + int(_offset() * 1e9)

    time.time = _time
    time.time_ns = _time_ns
