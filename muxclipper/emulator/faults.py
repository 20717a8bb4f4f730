"""Faults that tests arm through ``/_emulator/faults`` for the next N matching requests.

Kinds (``when`` says whether the emulator acts on the request first):

- ``status``: answer ``status`` with Mux's body for it, without acting (``retry_after`` adds the header);
- ``delay``: wait ``delay_ms`` before acting (``when: before``) or before answering (``when: after``); a
  request whose client hung up during a ``before`` delay is dropped unacted, unless ``acts_if_abandoned``
  (as Mux does behind a proxy that keeps a request it has accepted: it acts after the client gave up);
- ``drop``: close the connection with no response, before or after acting;
- ``truncate``: act, then send the headers and half the body and close;
- ``malformed``: act, then answer with the real status and a body that is not JSON;
- ``extra_fields``: act, then answer with fields Mux may add one day (at the top, in ``data`` and in each
  object of it) and unknown values of open enums (``progress.state``, ``video_quality``, ``ingest_type``,
  ``max_resolution_tier``), as a newer Mux would;
- ``unknown_status``: act, then answer with every asset ``status`` replaced by one no client knows yet.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import asdict, dataclass
from typing import Any

from muxclipper.emulator.errors import invalid

KINDS = ("status", "delay", "drop", "truncate", "malformed", "extra_fields", "unknown_status")


@dataclass
class Fault:
    kind: str
    method: str | None = None  # None matches every method
    path: str = "/video/*"     # a glob over the request path
    times: int = 1
    status: int = 500
    delay_ms: int = 0
    when: str = "before"
    retry_after: float | None = None
    acts_if_abandoned: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and fnmatch.fnmatchcase(path, self.path)

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        if not isinstance(data, dict):
            raise invalid("A fault is an object with at least a kind.")
        known = {"kind", "method", "path", "times", "status", "delay_ms", "when", "retry_after",
                 "acts_if_abandoned"}
        unknown = set(data) - known
        if unknown:
            raise invalid(f"Unknown fault fields: {', '.join(sorted(unknown))}.")
        try:
            fault = cls(**data)
        except TypeError as exc:
            raise invalid(str(exc)) from exc
        if fault.kind not in KINDS:
            raise invalid(f"kind must be one of {', '.join(KINDS)}.")
        if fault.when not in ("before", "after"):
            raise invalid("when must be before or after.")
        if not isinstance(fault.times, int) or fault.times < 1:
            raise invalid("times must be a whole number of at least 1.")
        if not isinstance(fault.status, int) or not 100 <= fault.status <= 599:
            raise invalid("status must be an HTTP status code.")
        if not isinstance(fault.acts_if_abandoned, bool):
            raise invalid("acts_if_abandoned must be true or false.")
        if fault.method is not None:
            fault.method = fault.method.upper()
        return fault

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FaultBook:
    """Armed faults, consumed in the order they were armed."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def arm(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.to_json() for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
