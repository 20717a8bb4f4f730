"""``muxclipper segments``: an editing suite's cut list read for a source; ``--create`` makes a clip of each cut,
``--to`` converts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from muxclipper.cli.common import (
    CREDENTIALS_HELP,
    add_common,
    add_download_flags,
    add_wait_timeout,
    renditions_from,
    resolve_source,
)
from muxclipper.cli.exit_codes import EXIT_API, EXIT_HELP, EXIT_INPUT, EXIT_OK, CliError
from muxclipper.cli.job_watch import job_json, job_line, wait_for
from muxclipper.core.jobs import JobState
from muxclipper.core.models import ClipOptions, ClipRequest
from muxclipper.core.timecode import exact_rate, format_ms, ms_to_frame
from muxclipper.core.visible_text import visible
from muxclipper.mux.urls import asset_input
from muxclipper.services.clip_jobs import JobInputError
from muxclipper.services.session import Session


def add_parser(sub: Any) -> None:
    segments = sub.add_parser(
        "segments", help="read an editing suite's cut list for a source; --create makes a clip of each cut",
        description="Read FILE's cuts of SOURCE: a cut list from an editing suite (.edl CMX 3600, .xml Final Cut Pro "
                    "7 / Premiere / Resolve, .fcpxml, .otio) or muxclipper's own (.csv label,start,end; .txt YouTube "
                    "chapters). Of a file with several reels or tracks, the cuts of SOURCE are taken (clips naming its "
                    "asset id, playback id or a file named after its title; else the reel used most) and what was "
                    "skipped is said. Prints each cut; --create makes a clip of each, --to writes them in another "
                    "format.",
        epilog="Examples: muxclipper segments KEYNOTE_ID cut.edl --create --mp4 --wait; muxclipper segments "
               f"KEYNOTE_ID chapters.txt --to chapters.fcpxml. An EDL's timecodes are read at SOURCE's frame rate. "
               f"{CREDENTIALS_HELP} {EXIT_HELP}")
    segments.add_argument("source", metavar="SOURCE", help="an asset id, a playback id or a stream.mux.com/….m3u8 URL")
    segments.add_argument("file", metavar="FILE", type=Path, help="the cut list to read")
    segments.add_argument("--to", metavar="OUT", type=Path,
                          help="write the cuts taken to OUT, in the format of OUT's extension (to convert a "
                               "suite's list, or to hand chapters to a suite)")
    segments.add_argument("--create", action="store_true", help="create a clip of each cut (titled with its name)")
    segments.add_argument("--quality", choices=["basic", "plus", "premium"], help="with --create: the clips' quality")
    segments.add_argument("--policy", choices=["public", "signed"], default="public",
                          help="with --create: the clips' playback policy (default: public)")
    add_download_flags(segments, "with --create: ")
    segments.add_argument("--wait", action="store_true", help="with --create: follow the clips until they are ready")
    add_wait_timeout(segments)
    segments.add_argument("--json", action="store_true", help="print the cuts (or the clips made) as JSON")
    add_common(segments, top=False)


async def run(args: argparse.Namespace, session: Session) -> int:
    from muxclipper.core.interchange import SourceIdentity  # OpenTimelineIO: loaded by the commands that use it
    from muxclipper.services import cut_lists

    asset = await resolve_source(args.source, session)
    if asset.frame_rate is None:
        raise CliError(f"{asset.id} has no frame rate yet (it is {asset.status.value}); try again once it is ready.",
                       EXIT_INPUT)
    source = SourceIdentity(asset.id, exact_rate(asset.frame_rate), asset.duration_ms or 0, asset.title or "",
                            tuple(p.id for p in asset.playback_ids), asset_input(asset.id))
    try:
        found = cut_lists.read_segments(args.file, source)
        print(f"muxclipper: {found.summary}", file=sys.stderr)
        if args.to is not None:
            print(f"muxclipper: {cut_lists.write_segments(args.to, found.segments, source)}", file=sys.stderr)
    except cut_lists.CutListError as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    if not args.create:
        if args.json:
            print(json.dumps([{"label": s.label, "start_ms": s.start_ms, "end_ms": s.end_ms,
                               "first_frame": ms_to_frame(s.start_ms, source.rate),
                               "end_frame": ms_to_frame(s.end_ms, source.rate)} for s in found.segments]))
        else:
            for s in found.segments:
                print(f"{format_ms(s.start_ms)}  {format_ms(s.end_ms)}  #{ms_to_frame(s.start_ms, source.rate)}–"
                      f"#{ms_to_frame(s.end_ms, source.rate)}  {visible(s.label, 512)}")
        return EXIT_OK
    renditions = renditions_from(args)
    requests = [ClipRequest(asset.id, s.start_ms, s.end_ms,
                            ClipOptions(playback_policies=(args.policy,), video_quality=args.quality,
                                        renditions=renditions, title=s.label), source=asset) for s in found.segments]
    try:  # the same rules as one clip, for every cut, before any is sent
        jobs = session.jobs.submit(requests)
    except JobInputError as exc:
        raise CliError(f"{exc} Nothing was created.", EXIT_INPUT) from exc
    done = {s for s in JobState if s.finished}
    target = done if args.wait else done | {JobState.PREPARING}
    finished = []
    for job in jobs:
        assert job.id is not None
        finished.append(await wait_for(session, job.id, target, show=args.wait and not args.json,
                                        timeout_s=args.wait_timeout))
    if args.json:
        print(json.dumps([job_json(j, session) for j in finished]))
    else:
        for job in finished:
            print(job_line(job))
    return EXIT_API if any(j.state in (JobState.FAILED, JobState.ERRORED) for j in finished) else EXIT_OK
