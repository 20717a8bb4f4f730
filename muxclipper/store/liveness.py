"""Whether another process that holds a job is alive, judged without comparing clocks.

A lease holder is recorded with its pid, its host and a *mark*: the boot it runs in, its pid namespace and the
moment the kernel started it (``/proc/PID/stat``, in ticks since boot). A pid the system gave out again carries
another start time, a pid from before a reboot another boot id: so on this host a holder is alive exactly when
its pid runs and still carries its mark. That is checked first, and no clock is read for it.

Only when that cannot be said (another host sharing the history, another pid namespace, a system without
``/proc``, another service in this very process, a row written by an older muxclipper) does time decide, and
then never a clock of another process: each holder counts its heartbeats, and an observer takes a lease only
after the count has stood still for the TTL **on its own monotonic clock**. A wall-clock step in either
direction, in either process, changes neither judgement.

The same boot id tells whether a monotonic reading saved by another process can be compared with ours: Linux's
``CLOCK_MONOTONIC`` is one clock for every process of a boot (see :func:`clock_id`).
"""

from __future__ import annotations

import enum
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None


def _boot_id() -> str | None:
    return _read(_PROC / "sys" / "kernel" / "random" / "boot_id")


def _pid_namespace() -> str | None:
    try:
        return os.readlink(_PROC / "self" / "ns" / "pid")
    except OSError:
        return None


_BOOT = _boot_id()
_NAMESPACE = _pid_namespace()


def clock_id() -> str | None:
    """What names this boot's monotonic clock (None where it cannot be told): two readings of
    ``time.monotonic()`` with the same clock id, from any two processes, can be subtracted."""
    return _BOOT


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (which may hold spaces and parentheses)."""
    text = _read(_PROC / str(pid) / "stat")
    if text is None or ")" not in text:
        return None
    return text.rpartition(")")[2].split()


def process_mark(pid: int) -> str | None:
    """``boot/pid-namespace/start-ticks`` of a running process, None if it cannot be read (or it is gone)."""
    if _BOOT is None or _NAMESPACE is None:
        return None
    fields = _stat_fields(pid)
    if fields is None or len(fields) < 20:
        return None
    return f"{_BOOT}/{_NAMESPACE}/{fields[19]}"  # field 22 of stat: starttime


def pid_alive(pid: int) -> bool:
    """Whether a process with ``pid`` runs on this host; unknown (True) where the system cannot say cheaply."""
    if os.name != "posix":
        return True  # the heartbeat alone decides (os.kill(pid, 0) would send CTRL_C_EVENT on Windows)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    fields = _stat_fields(pid)  # a killed child its parent has not reaped yet is a zombie: dead for our purpose
    return not (fields and fields[0] == "Z")


class Liveness(enum.Enum):
    ALIVE = "alive"
    DEAD = "dead"
    UNKNOWN = "unknown"  # the heartbeat count decides


def judge(pid: int, host: str, mark: str | None, *, own_pid: int | None = None) -> Liveness:
    """What can be said of the holder ``(pid, host, mark)`` from this process, without any clock."""
    if host != socket.gethostname():
        return Liveness.UNKNOWN
    if pid == (os.getpid() if own_pid is None else own_pid):
        return Liveness.UNKNOWN  # another service of this process (or a reused pid): only its heartbeat tells
    if mark is not None and _BOOT is not None:
        boot, _, rest = mark.partition("/")
        if boot != _BOOT:
            return Liveness.DEAD  # recorded before this machine last started: every process of then is gone
        if rest.partition("/")[0] != _NAMESPACE:
            return Liveness.UNKNOWN  # a container with its own pids: its pid numbers mean nothing here
    if not pid_alive(pid):
        return Liveness.DEAD
    if mark is None:
        return Liveness.UNKNOWN  # alive, but maybe a newer process under a reused pid
    now = process_mark(pid)
    if now is None:
        return Liveness.UNKNOWN if _BOOT is None else Liveness.DEAD  # gone between the two looks
    return Liveness.ALIVE if now == mark else Liveness.DEAD  # another process under the same pid


@dataclass(frozen=True)
class LeaseOwner:
    """Who holds a lease: a random nonce (a lease row names it), the pid and host, and the process's mark."""

    id: str
    pid: int
    host: str
    mark: str | None = None

    @classmethod
    def new(cls) -> LeaseOwner:
        import uuid

        pid = os.getpid()
        return cls(uuid.uuid4().hex, pid, socket.gethostname(), process_mark(pid))


class BeatObserver:
    """Heartbeat counts seen by this process, each with when (on this process's monotonic clock) it last moved:
    a holder is silent when its count has not moved for the TTL as *we* measure it."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._seen: dict[str, tuple[int, float]] = {}

    def silent_for(self, owner: str, beats: int) -> float:
        """Seconds since ``owner``'s count was first seen at ``beats`` (0.0 on the first look)."""
        now = self._monotonic()
        seen = self._seen.get(owner)
        if seen is None or seen[0] != beats:
            self._seen[owner] = (beats, now)
            return 0.0
        return max(now - seen[1], 0.0)

    def forget(self, owner: str) -> None:
        self._seen.pop(owner, None)
