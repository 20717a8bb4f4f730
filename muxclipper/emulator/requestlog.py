"""The log of requests the emulator answered, read by tests to count calls."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    query: str
    status: int | None  # None when the connection was dropped before any answer
    time: float         # Unix seconds (emulator clock) when the request arrived
    duration_ms: float
    authorization: bool  # whether an Authorization header came (never its value)
    fault: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)
            if len(self._entries) > MAX_ENTRIES:  # a long demo must not grow without bound
                del self._entries[: MAX_ENTRIES // 10]

    def entries(self, method: str | None = None, path_prefix: str | None = None) -> list[LoggedRequest]:
        with self._lock:
            return [e for e in self._entries
                    if (method is None or e.method == method)
                    and (path_prefix is None or e.path.startswith(path_prefix))]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
