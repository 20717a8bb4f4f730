"""Waiting on a condition, with a deadline, on the asyncio loop (qasync in the Qt tests and the screen driver)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


async def until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """``condition()``'s first truthy answer; fails naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.02)
    return value


async def finished(task: asyncio.Task[Any] | None, timeout: float = 10) -> None:
    """Work a window started off its UI thread (a file read or written), done and reported; None: it was done at
    once."""
    if task is not None:
        await asyncio.wait_for(asyncio.shield(task), timeout)
