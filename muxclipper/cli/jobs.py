"""``muxclipper jobs``: the clip jobs in the local history; ``--watch`` finishes what a run left, ``--export``
writes the ready clips as a timeline for an editing suite."""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

from muxclipper.cli import environments
from muxclipper.cli.common import add_common, add_wait_timeout
from muxclipper.cli.exit_codes import EXIT_HELP, EXIT_INPUT, EXIT_OK, CliError
from muxclipper.cli.job_watch import finish_duplicate_watches, job_json, job_line, wait_for
from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.timecode import exact_rate
from muxclipper.mux.errors import ApiError
from muxclipper.services.clip_media import made_renditions
from muxclipper.services.environments import ProfileError
from muxclipper.services.session import Session


def add_parser(sub: Any) -> None:
    jobs = sub.add_parser("jobs", help="list clip jobs; --watch finishes unfinished ones",
                          description="List the clip jobs of this environment (kept in a local history), newest "
                                      "first; --watch sends and follows whatever a previous run left unfinished.",
                          epilog=EXIT_HELP)
    jobs.add_argument("--watch", action="store_true", help="finish unfinished jobs and follow them to the end")
    jobs.add_argument("--all", action="store_true", help="jobs of every environment")
    add_wait_timeout(jobs)
    jobs.add_argument("--json", action="store_true", help="print the jobs as JSON")
    jobs.add_argument("--export", metavar="FILE", type=Path,
                      help="also write the ready clips as a timeline for an editing suite, by FILE's extension: .edl "
                           "(CMX 3600), .xml (Final Cut Pro 7, Premiere, Resolve), .fcpxml or .otio; each clip "
                           "references its MP4 (else its HLS) so the suite can relink it")
    add_common(jobs, top=False)


async def run(args: argparse.Namespace, session: Session) -> int:
    if args.watch:
        unfinished = session.jobs.resume()
        done = {s for s in JobState if s.finished}
        for job in unfinished:
            assert job.id is not None
            await wait_for(session, job.id, done, show=not args.json, timeout_s=args.wait_timeout)
        await finish_duplicate_watches(session, show=not args.json, timeout_s=args.wait_timeout)
    jobs = session.jobs.history(limit=200, all_environments=args.all)
    if args.export is not None:
        await _export_jobs(args.export, jobs, session)
    if args.json:
        print(json.dumps([job_json(j, session) for j in jobs]))
    else:
        try:  # every job shows the environment it belongs to, by name where one is known
            names = {p.key: p.name for p in environments.open_store().profiles}
        except ProfileError:
            names = {}
        names.setdefault(session.environment.key, session.environment.name)
        for job in jobs:
            print(job_line(job, names))
    return EXIT_OK


async def _export_jobs(path: Path, jobs: list[ClipJob], session: Session) -> None:
    """The ready clips as a timeline a suite relinks, oldest first, at their sources' frame rates."""
    from muxclipper.services import cut_lists  # OpenTimelineIO: loaded by the commands that use it

    if not cut_lists.is_timeline(path):
        raise CliError(f"--export writes .edl, .xml, .fcpxml or .otio; for a table use --json. ({path.name})",
                       EXIT_INPUT)
    rates: dict[str, Fraction | None] = {}
    for source_id in dict.fromkeys(j.source_asset_id for j in jobs if j.state is JobState.READY):
        try:
            asset = await session.client.get_asset(source_id)
            rates[source_id] = exact_rate(asset.frame_rate) if asset.frame_rate else None
        except ApiError:  # a source deleted since: its clips still export, at 30 fps
            rates[source_id] = None
    made = await made_renditions(session.client, jobs)  # which MP4s exist, to link one Mux has made
    entries, left_out = cut_lists.clip_entries(list(reversed(jobs)), session.urls.for_clip, rates.get,
                                               lambda job: made.get(job.asset_id or ""))
    try:
        print(f"muxclipper: {cut_lists.write_clips(path, entries, 'muxclipper clips', left_out)}", file=sys.stderr)
    except cut_lists.CutListError as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
