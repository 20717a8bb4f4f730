"""Benchmark: following 1, 10, 100 and 500 pending clips with one batch poller.

Run: ``.venv/bin/python -m tests.benchmarks.bench_polling [--counts 1 10 100 500] [--spread 30]``.
The emulator has N clip assets ``preparing``, reporting progress; they turn ready one after another
over ``--spread`` seconds after a 2 s start, oldest first (as Mux works through a batch). Printed per N: API requests per
minute while polling and the latency from "ready in Mux" to "ready in muxclipper" (median, p95, max),
next to what one GET per job per second would cost. Goals: requests/min flat in N and ≤ 60; median
latency ≤ 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.emulator import EmulatorConfig, EmulatorServer
from muxclipper.emulator.config import DEMO_TOKEN
from muxclipper.mux.client import Credentials, Endpoints, MuxClient
from muxclipper.services.clip_jobs import ClipJobService
from muxclipper.store.jobs import JobRepository
from tests.benchmarks.machine import describe


async def run(count: int, spread: float) -> tuple[float, list[float], float]:
    with tempfile.TemporaryDirectory() as tmp, EmulatorServer(EmulatorConfig(media=False)) as server:
        control = httpx.Client(base_url=server.url, timeout=60)
        [source] = control.post("/_emulator/seed", json={"assets": [{}]}).json()["data"]["assets"]
        # Mux works through a batch oldest first, reporting progress as it goes.
        schedule = [2.0 + spread * (i + 1) / count for i in range(count)]
        seeded_at = time.time()
        ids = control.post("/_emulator/seed", json={"assets": [
            {"status": "preparing", "processing_seconds": s} for s in schedule]}).json()["data"]["assets"]
        repo = JobRepository(Path(tmp) / "jobs.sqlite3")
        now = time.time()
        repo.add_many([ClipJob(id=None, token=uuid.uuid4().hex, environment="bench", source_asset_id=source,
                               start_ms=0, end_ms=5_000, state=JobState.PREPARING, asset_id=asset_id,
                               created_at_s=now + i * 1e-3) for i, asset_id in enumerate(ids)])
        observed: dict[str, float] = {}
        async with httpx.AsyncClient(timeout=30) as http:
            client = MuxClient(http, Credentials(DEMO_TOKEN.id, DEMO_TOKEN.secret), Endpoints.for_origin(server.url))
            service = ClipJobService("bench", client, repo)
            all_seen = asyncio.Event()

            def on_update(job: ClipJob) -> None:
                if job.state is JobState.READY and job.asset_id:
                    observed[job.asset_id] = time.time()
                    if len(observed) == count:
                        all_seen.set()

            service.updates.add(on_update)
            control.delete("/_emulator/requests")
            started = time.time()
            service.resume()
            released = {asset_id: seeded_at + delay for asset_id, delay in zip(ids, schedule, strict=True)}
            await asyncio.wait_for(all_seen.wait(), 120)
            elapsed = time.time() - started
            await service.close()
        requests = len([e for e in control.get("/_emulator/requests").json()["data"] if e["path"].startswith("/video/")])
        control.close()
        repo.close()
    return requests / (elapsed / 60), [observed[a] - released[a] for a in ids], elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 10, 100, 500])
    parser.add_argument("--spread", type=float, default=30.0)
    args = parser.parse_args()
    print(f"machine: {describe()}")
    print(f"clips turn ready one after another over {args.spread:g} s, oldest first")
    print(f"{'pending':>8} {'req/min':>8} {'latency median':>15} {'p95':>6} {'max':>6} {'1 GET/job/s':>12}")
    for count in args.counts:
        rate, latencies, _ = asyncio.run(run(count, args.spread))
        latencies.sort()
        p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        print(f"{count:>8} {rate:>8.1f} {statistics.median(latencies):>13.2f} s {p95:>5.2f}s {latencies[-1]:>5.2f}s "
              f"{count * 60:>10}/min")


if __name__ == "__main__":
    main()
