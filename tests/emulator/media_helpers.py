"""Waiting on the real media pipeline, and reading frame stamps, for the media tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from muxclipper.emulator.media import ffmpeg, stamp

T = TypeVar("T")


def wait_until(condition: Callable[[], T | None], timeout: float, what: str) -> T:
    """Poll ``condition`` until it answers something truthy; fail with ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def wait_settled(api: httpx.Client, asset_id: str, timeout: float = 60.0) -> dict[str, Any]:
    """The asset once it is ready or errored."""
    def settled() -> dict[str, Any] | None:
        asset = dict(api.get(f"/video/v1/assets/{asset_id}").json()["data"])
        return asset if asset["status"] != "preparing" else None

    return wait_until(settled, timeout, f"asset {asset_id} to leave preparing")


def frame_indexes(path: Path | str, *, first: int = 0, last: int = 0) -> tuple[list[int], list[int], int]:
    """Stamped indexes of the first ``first`` and last ``last`` frames, and the number of frames."""
    info = ffmpeg.probe(path)
    head: list[int] = []
    tail: list[int] = []
    if first:
        w, h, frames = ffmpeg.read_frames_rgb(path, frames=first)
        head = [stamp.read_index(f, w, h) for f in frames]
    if last:
        w, h, frames = ffmpeg.read_frames_rgb(path, frames=last, last=True)
        tail = [stamp.read_index(f, w, h) for f in frames]
    return head, tail, round(info.duration * info.frame_rate)
