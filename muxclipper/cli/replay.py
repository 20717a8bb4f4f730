"""``muxclipper replay LIVE_STREAM_ID --last SECONDS``: the last seconds of a live stream, as a link at once and an
exact clip that follows (:mod:`muxclipper.services.replay`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from muxclipper.cli.common import CREDENTIALS_HELP, add_common, add_wait_timeout
from muxclipper.cli.exit_codes import EXIT_HELP, EXIT_INPUT, CliError
from muxclipper.cli.job_watch import finish_clip, job_json, wait_for
from muxclipper.core.jobs import JobState
from muxclipper.core.models import ClipOptions
from muxclipper.core.replay import MAX_REPLAY_S, ReplayRefusal, check_seconds
from muxclipper.core.sources import SourceRefError, parse_source
from muxclipper.core.timecode import format_ms
from muxclipper.core.visible_text import hidden_character, visible
from muxclipper.services.clip_jobs import JobInputError
from muxclipper.services.replay import ReplayPlan, ReplayService
from muxclipper.services.session import Session


def _length(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds (e.g. --last 30)") from None
    try:
        check_seconds(value)
    except ReplayRefusal as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def add_parser(sub: Any) -> None:
    replay = sub.add_parser(
        "replay", help="the last seconds of a live stream: a link now, an exact clip minutes later",
        usage="%(prog)s LIVE_STREAM_ID --last SECONDS [--title T] [--wait] [--json]",
        description="While a live stream is broadcasting, make its last SECONDS into a clip, as a replay is made: "
                    "first the instant-clip URL, printed at once (it plays now; segment-accurate, so it may run a "
                    "few seconds long), then a frame-exact clip of the recording in progress, ending at its live edge "
                    "(the moment Mux has recorded up to), made exactly once like 'muxclipper clip' makes one.",
        epilog="Example: muxclipper replay LIVE_STREAM_ID --last 30 --title 'Goal!' --wait. Find the id with "
               "'muxclipper live-streams --status active'. A stream that is idle or whose broadcast has ended has "
               f"nothing to replay: the command says so and exits 2. {CREDENTIALS_HELP} {EXIT_HELP}")
    replay.add_argument("stream", metavar="LIVE_STREAM_ID",
                        help="the live stream's id, or its playback id (alone or in its stream.mux.com URL); never "
                             "its stream key")
    replay.add_argument("--last", type=_length, required=True, metavar="SECONDS",
                        help=f"how much of the stream, back from its live edge: 10, 30, 60… (0.5 to {MAX_REPLAY_S}; "
                             "a recording shorter than that gives all of it)")
    replay.add_argument("--title", help="the clip's title in Mux (default: 'Replay HH:MM:SS — the stream's title')")
    output = replay.add_argument_group("output", "Without --wait the command ends once Mux is making the clip; "
                                                 "'muxclipper jobs' shows it later.")
    output.add_argument("--wait", action="store_true", help="follow the clip until it is ready (or failed)")
    add_wait_timeout(output)
    output.add_argument("--json", action="store_true",
                        help="print one JSON object at the end instead: the job (as 'clip --json') with "
                             "instant_url, program_instant_url and live_stream_id")
    add_common(replay.add_argument_group("environment", "Which Mux environment, and how much is logged."), top=False)


async def run(args: argparse.Namespace, session: Session) -> int:
    hidden = hidden_character(args.title or "")
    if hidden is not None:
        raise CliError(f"--title contains a control or formatting character ({hidden}); type it with letters, digits, "
                       "spaces and punctuation only.", EXIT_INPUT)
    service = ReplayService(session.client, session.urls, session.jobs)
    try:
        ref = parse_source(args.stream, session.environment.endpoints.stream)
    except SourceRefError as exc:
        raise CliError(f"{visible(args.stream, 80)!r} is not a live stream's id, its playback id or its "
                       "stream.mux.com URL (ids are letters and digits: 'muxclipper live-streams' lists them).",
                       EXIT_INPUT) from exc
    try:
        stream_id = await service.stream_id(ref)
        plan = await service.prepare(stream_id, check_seconds(args.last), title=args.title, options=ClipOptions())
    except (ReplayRefusal, JobInputError) as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    if not args.json:  # the link first, before anything else is asked of Mux
        print(plan.instant_url or "", flush=True)
        print(_said(plan), file=sys.stderr, flush=True)
    job = service.submit(plan)
    assert job.id is not None
    done = {s for s in JobState if s.finished}
    target = done if args.wait else done | {JobState.PREPARING}
    job = await wait_for(session, job.id, target, show=args.wait and not args.json, timeout_s=args.wait_timeout)
    if args.json:
        print(json.dumps({**job_json(job, session), **plan.instant_urls, "live_stream_id": plan.stream.id}))
    return finish_clip(job, session, as_json=args.json)


def _said(plan: ReplayPlan) -> str:
    span = f"{format_ms(plan.range.start_ms)}–{format_ms(plan.range.end_ms)} of recording {plan.recording.id}"
    short = " (all that is recorded so far)" if plan.range.short else ""
    link = ("The URL above plays now (segment-accurate: it may run a few seconds long); the frame-exact clip follows."
            if plan.instant_url else
            "No instant URL: neither the stream nor its recording has a public playback id (add one in Mux), or a "
            "signed one with a signing key in the environment (MUX_SIGNING_KEY and MUX_PRIVATE_KEY, or 'muxclipper "
            "env add … --signing-key-id').")
    return f"muxclipper: replay of {format_ms(plan.range.duration_ms)}{short}: {span}. {link}"
