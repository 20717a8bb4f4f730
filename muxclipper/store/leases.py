"""Leases: one running muxclipper sends and follows a job at a time (the second half of exactly once; the first is
that a job is written before its POST leaves, ``services/clip_jobs.py``). The leases live in the job history
(schema 2: ``leases``, ``lease_owners``); taking and giving them is :class:`~muxclipper.store.jobs.JobRepository`'s."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass


class LeaseLostError(Exception):
    """Another process holds the job's lease now (ours expired): this process must only watch the job."""


#: A lease whose owner has not beaten for this long is free to take (the owner may be hung or on another host).
LEASE_TTL_S = 20.0


@dataclass(frozen=True)
class LeaseOwner:
    """Who holds a lease: a random nonce (so a reused pid is never mistaken for its dead predecessor), the pid
    and the host (a pid says whether the owner lives only on the host it belongs to)."""

    id: str
    pid: int
    host: str

    @classmethod
    def new(cls) -> LeaseOwner:
        return cls(uuid.uuid4().hex, os.getpid(), socket.gethostname())


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
    try:  # a killed child its parent has not reaped yet is a zombie: dead for our purpose
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True
