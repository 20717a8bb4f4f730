"""A small driver for the emulator over real HTTP, shared by the emulator tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

RW = ("test-token-id", "test-token-secret")
RO = ("ro-token-id", "ro-token-secret")


@dataclass
class Emu:
    url: str
    api: httpx.Client       # read-write token
    ro: httpx.Client        # read-only token
    anon: httpx.Client      # no credentials
    control: httpx.Client   # /_emulator/ routes

    def ctl(self, method: str, path: str, json: Any = None) -> Any:
        response = self.control.request(method, f"/_emulator/{path}", json=json)
        assert response.status_code < 300, response.text
        return response.json()["data"] if response.content else None

    def seed(self, *items: dict[str, Any], count: int = 0, template: dict[str, Any] | None = None) -> list[str]:
        body: dict[str, Any] = {"assets": list(items), "count": count}
        if template is not None:
            body["template"] = template
        return list(self.ctl("POST", "seed", body)["assets"])

    def advance(self, seconds: float) -> None:
        self.ctl("POST", "clock/advance", {"seconds": seconds})

    def fault(self, **fault: Any) -> None:
        self.ctl("POST", "faults", fault)

    def requests(self, method: str | None = None, path_prefix: str | None = None) -> list[dict[str, Any]]:
        params = {k: val for k, val in (("method", method), ("path_prefix", path_prefix)) if val}
        response = self.control.get("/_emulator/requests", params=params)
        return list(response.json()["data"])

    def create_clip(self, source_id: str, start: float | None = None, end: float | None = None,
                    **extra: Any) -> httpx.Response:
        item: dict[str, Any] = {"url": f"mux://assets/{source_id}"}
        if start is not None:
            item["start_time"] = start
        if end is not None:
            item["end_time"] = end
        return self.api.post("/video/v1/assets", json={"inputs": [item], **extra})

    def asset(self, asset_id: str) -> dict[str, Any]:
        response = self.api.get(f"/video/v1/assets/{asset_id}")
        assert response.status_code == 200, response.text
        return dict(response.json()["data"])


@contextmanager
def emulator_process(data_dir: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``muxclipper emulator`` as a real process; always ended, so a failing test cannot hang."""
    args: Sequence[str] = [sys.executable, "-m", "muxclipper", "emulator", "--data-dir", str(data_dir),
                           "--no-rate-limit", "--token", f"{RW[0]}:{RW[1]}", *extra]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        assert first.startswith("MUX_BASE_URL=http://127.0.0.1:"), first
        yield process, first.split("=", 1)[1]
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)
