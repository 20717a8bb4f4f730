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
    #: What a write to the API sent (JSON decoded), so that tests can check the request Mux would receive.
    body: Any = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._epoch = 0

    @property
    def epoch(self) -> int:
        """Which clearing of the log a request arrived after; taken when the request arrives."""
        return self._epoch

    def add(self, entry: LoggedRequest, epoch: int) -> None:
        with self._lock:
            if epoch != self._epoch:
                # Arrived before the log was cleared (a reset between tests) but finished after: a request
                # still sleeping in a delay fault must not turn up in the next test's log.
                return
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
            self._epoch += 1
