"""Where a suite run's time goes: with ``MUXCLIPPER_TEST_TIMELINE=DIR``, each worker writes one JSON line per test
to ``DIR/<worker>.jsonl``: when it started and ended (wall clock, to line the workers up), and the CPU the worker spent
on it and the CPU of the processes it started and waited for (ffmpeg, the CLI, a build), and in which phase it
failed, if it did. ``python -m
tests.support.run_timeline DIR`` sums them by module. The emulators a worker starts for the session are counted when
they end, at the worker's last test. Give each run an empty ``DIR``: lines are added to what is there.
(docs/PERFORMANCE.md, "The test suite".)
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


class Timeline:
    def __init__(self, folder: Path, worker: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._out = (folder / f"{worker}.jsonl").open("a", encoding="utf-8")
        self._worker = worker
        self._failed: dict[str, str] = {}

    def pytest_unconfigure(self) -> None:
        self._out.close()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self._failed[report.nodeid] = report.when  # setup, call or teardown

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        start, cpu, children = time.time(), time.process_time(), _children_cpu()
        try:
            return (yield)
        finally:
            self._out.write(json.dumps({
                "worker": self._worker, "test": item.nodeid, "start": start, "end": time.time(),
                "cpu": time.process_time() - cpu, "children": _children_cpu() - children,
                "failed": self._failed.pop(item.nodeid, None)}) + "\n")
            self._out.flush()


def install(config: pytest.Config) -> None:
    """Record where each test runs: on each xdist worker, or in the one process (not on xdist's controller)."""
    folder = os.environ.get("MUXCLIPPER_TEST_TIMELINE")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if folder and (worker or not getattr(config.option, "numprocesses", None)):
        config.pluginmanager.register(Timeline(Path(folder), worker or "main"), "muxclipper-timeline")


def summary(folder: Path) -> str:
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    if not rows:
        return "no tests recorded"
    began = min(r["start"] for r in rows)
    modules: dict[str, dict[str, Any]] = defaultdict(lambda: {"wall": 0.0, "cpu": 0.0, "first": 1e18, "last": 0.0,
                                                              "workers": set(), "tests": 0})
    for r in rows:
        m = modules[r["test"].split("::", 1)[0]]
        m["wall"] += r["end"] - r["start"]
        m["cpu"] += r["cpu"] + r["children"]
        m["first"] = min(m["first"], r["start"] - began)
        m["last"] = max(m["last"], r["end"] - began)
        m["workers"].add(r["worker"])
        m["tests"] += 1
    lines = [f"{'module':70} {'tests':>5} {'wall':>7} {'cpu':>7} {'from':>6} {'to':>6} workers"]
    for name, m in sorted(modules.items(), key=lambda kv: -kv[1]["cpu"]):
        lines.append(f"{name[:70]:70} {m['tests']:5} {m['wall']:7.1f} {m['cpu']:7.1f} {m['first']:6.0f} "
                     f"{m['last']:6.0f} {','.join(sorted(m['workers']))}")
    ends: dict[str, float] = defaultdict(float)
    for r in rows:
        ends[r["worker"]] = max(ends[r["worker"]], r["end"] - began)
    lines.append("workers ended at: " + ", ".join(f"{w} {t:.0f} s" for w, t in sorted(ends.items())))
    lines.append(f"CPU recorded: {sum(m['cpu'] for m in modules.values()):.0f} s")
    lines += [f"failed ({r['failed']}): {r['test']} on {r['worker']} at {r['start'] - began:.0f}–{r['end'] - began:.0f} s"
              for r in rows if r.get("failed")]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1])))
