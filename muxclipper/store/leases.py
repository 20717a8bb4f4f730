"""Leases: one running muxclipper sends and follows a job at a time (the second half of exactly once; the first is
that a job is written before its POST leaves, ``services/clip_jobs.py``). The leases live in the job history
(schema 2: ``leases``, ``lease_owners``; schema 4: a holder's ``mark`` and its count of ``beats``); who is alive
is ``liveness.py``'s; taking and giving them is :class:`~muxclipper.store.jobs.JobRepository`'s."""

from __future__ import annotations

from muxclipper.store.liveness import LeaseOwner, pid_alive

__all__ = ["LEASE_TTL_S", "LeaseLostError", "LeaseOwner", "pid_alive"]


class LeaseLostError(Exception):
    """Another process holds the job's lease now (ours expired): this process must only watch the job."""


#: A lease whose holder's liveness cannot be checked directly (another host, this very process) is free once its
#: heartbeat count has stood still this long, timed by the observer's monotonic clock (``liveness.py``).
LEASE_TTL_S = 20.0
