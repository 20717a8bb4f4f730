"""``muxclipper clip``: a clip of a source, frame exact, made exactly once (or ``--instant``: only its URL)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from muxclipper.cli import clip_flags, sessions, slates
from muxclipper.cli.common import (
    CREDENTIALS_HELP,
    TIMES_HELP,
    add_common,
    add_download_flags,
    add_wait_timeout,
    renditions_from,
)
from muxclipper.cli.exit_codes import EXIT_CLOSING_NOT_YET, EXIT_HELP, EXIT_INPUT, EXIT_NO_SLATE, EXIT_OK, CliError
from muxclipper.cli.job_watch import finish_clip, job_json, wait_for
from muxclipper.core.clip_rules import check_request
from muxclipper.core.jobs import JobState
from muxclipper.core.models import Asset, ClipOptions, ClipRequest
from muxclipper.core.program_time import INSTANT_CLIP_NOTE
from muxclipper.core.recording_clock import WallClockError, looks_like_wall_clock, parse_wall_time
from muxclipper.core.sources import SourceRefError, parse_source
from muxclipper.core.timecode import TimecodeError, check_time_text, frame_to_ms, ms_to_frame, names_a_frame
from muxclipper.core.visible_text import hidden_character
from muxclipper.services.clip_jobs import JobInputError
from muxclipper.services.clip_presets import PresetError
from muxclipper.services.instant_clips import NoPublicPlaybackError, instant_urls
from muxclipper.services.session import Session


def add_parser(sub: Any) -> None:
    """``clip``: its flags in groups a newcomer reads in order (times, what the clip is, watermark, presets,
    output, or no clip at all)."""
    clip = sub.add_parser(
        "clip", help="create a clip of a source, frame exact",
        usage="%(prog)s SOURCE --start TIME --end TIME [options]\n"
              "       %(prog)s SOURCE --trim-slates [--start TIME] [--end TIME] [options]\n"
              "       %(prog)s SOURCE --start TIME --end TIME --instant [--json]",
        description="Create a clip of SOURCE from --start to --end: a new Mux asset, frame exact, made exactly once "
                    "even if the network fails (a later 'muxclipper jobs --watch' finishes what a run left).",
        epilog="Example: muxclipper clip KEYNOTE_ID --start 00:00:20.000 --end 00:03:05.000 --title 'Keynote' --mp4 "
               f"--wait. {CREDENTIALS_HELP} {EXIT_HELP}")
    clip.add_argument("source", metavar="SOURCE",
                      help="an asset id, a playback id or a stream.mux.com/….m3u8 URL (a live stream's gives its "
                           "recording so far)")
    times = clip.add_argument_group("times", f"{TIMES_HELP} {sessions.WALL_HELP} Quote a time of day: "
                                             "--start \"19:04:05 local\".")
    times.add_argument("--start", metavar="TIME",
                       help="where the clip starts: its first frame is the one shown at TIME (required unless "
                            "--trim-slates)")
    times.add_argument("--end", metavar="TIME",
                       help="where the clip ends. A time (seconds, HH:MM:SS.mmm) is where it stops: the frame shown "
                            "at TIME is the first one left out. A frame (#FRAME, SMPTE) is the last frame kept, as "
                            "typed into the window's Out field or marked there with O ('slates' names the out that "
                            "way). At least 0.5 s after --start; on a recording still going, "
                            "within what is recorded (required unless --trim-slates)")
    slates.add_clip_flag(times)
    what = clip.add_argument_group(
        "what the clip is", "Mux makes a clip at 1080p unless told otherwise, even of a 4K source: by default "
                            "muxclipper asks for the source's own tier and video quality.")
    what.add_argument("--title", help="the clip's title in Mux (meta.title, up to 512 characters)")
    what.add_argument("--quality", "--video-quality", choices=["basic", "plus", "premium"], metavar="LEVEL",
                      help="Mux's video quality of the clip: basic, plus or premium (default: the source's, sent "
                           "explicitly)")
    clip_flags.add_resolution_flag(what)
    what.add_argument("--policy", choices=["public", "signed"],
                      help="the clip's playback policy (default: public; signed needs a signing key to play)")
    add_download_flags(what, "")
    what.add_argument("--passthrough", metavar="TEXT",
                      help="your own passthrough text, kept in Mux beside muxclipper's job tag (up to 218 characters)")
    clip_flags.add_arguments(clip)
    output = clip.add_argument_group("output", "Without --wait the command ends once Mux is making the clip and "
                                               "prints its job; 'muxclipper jobs' shows it later.")
    output.add_argument("--wait", action="store_true",
                        help="follow the clip until it is ready (or failed), showing Mux's progress")
    add_wait_timeout(output)
    output.add_argument("--json", action="store_true",
                        help="print the job as JSON (with its HLS, MP4, thumbnail and instant-clip URLs once ready)")
    instead = clip.add_argument_group("or no clip at all")
    instead.add_argument("--instant", action="store_true",
                         help="make no clip: print the range's instant-clip URL at once (segment-accurate: it may run "
                              "a few seconds long; no MP4). On a recording still live, also the URL by program time "
                              "on the live stream's playback id. Takes the times and --json; the flags that make a "
                              "clip are refused")
    add_common(clip.add_argument_group("environment", "Which Mux environment, and how much is logged."), top=False)


#: What only a clip made has: with ``--instant`` (no clip) each is refused rather than silently ignored.
CLIP_ONLY_FLAGS = (("save_preset", "--save-preset"), ("preset", "--preset"), ("mp4", "--mp4"),
                   ("mp4_sizes", "--mp4-sizes"), ("audio_only", "--audio-only"), ("wait", "--wait"),
                   ("policy", "--policy"), ("quality", "--quality"), ("title", "--title"),
                   ("passthrough", "--passthrough"), ("max_resolution", "--max-resolution"),
                   ("watermark", "--watermark"), ("watermark_align", "--watermark-align"),
                   ("watermark_margin", "--watermark-margin"), ("watermark_width", "--watermark-width"),
                   ("watermark_height", "--watermark-height"), ("watermark_opacity", "--watermark-opacity"),
                   ("no_copy_overlays", "--no-copy-overlays"))


def check_instant_flags(args: argparse.Namespace) -> None:
    given = [flag for dest, flag in CLIP_ONLY_FLAGS if getattr(args, dest) not in (None, False)]
    if given:
        named = given[0] if len(given) == 1 else f"{', '.join(given[:-1])} and {given[-1]}"
        verb, it = ("does", given[0]) if len(given) == 1 else ("do", "them")
        raise CliError(f"--instant makes no clip, so {named} {verb} not apply: --instant only prints a URL of the "
                       f"source's own stream for the range. Leave {it} out, or leave out --instant to create a clip.",
                       EXIT_INPUT)


async def run(args: argparse.Namespace, session: Session) -> int:
    try:
        ref = parse_source(args.source, session.environment.endpoints.stream)
        for typed in (args.start, args.end):  # what was typed is checked before Mux is asked anything
            if typed is None:
                continue
            if looks_like_wall_clock(typed):
                parse_wall_time(typed)  # the form now; whether the recording holds it once it is known
            else:
                check_time_text(typed)
        if not args.trim_slates and (args.start is None or args.end is None):
            raise CliError("give --start and --end (or --trim-slates to cut the slates off)", EXIT_INPUT)
    except (SourceRefError, TimecodeError, WallClockError) as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    for flag, text in (("--title", args.title), ("--passthrough", args.passthrough)):
        hidden = hidden_character(text or "")
        if hidden is not None:  # it would be shown as is by every list of clips, in the window and here
            raise CliError(f"{flag} contains a control or formatting character ({hidden}); type it with letters, "
                           "digits, spaces and punctuation only.", EXIT_INPUT)
    asset = await session.client.resolve_source(ref)
    try:
        start_ms = None if args.start is None else sessions.position_ms(args.start, asset)
        end_ms = None if args.end is None else sessions.position_ms(args.end, asset)
        rate = asset.frame_rate
        if end_ms is not None and rate is not None and names_a_frame(args.end):  # the named frame is in
            end_ms = frame_to_ms(ms_to_frame(end_ms, rate) + 1, rate)
    except (TimecodeError, WallClockError) as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    if start_ms is None or end_ms is None:  # --trim-slates: the slates' edges, where not given
        start_ms, end_ms = await _slate_range(session, asset, start_ms, end_ms)
    if args.instant:  # the range rules a clip meets: a URL for a range Mux cannot play is no use either
        problem = check_request(ClipRequest(asset.id, start_ms, end_ms), asset)
        if problem is not None:
            raise CliError(problem.message, EXIT_INPUT)
        return await print_instant_urls(session, asset, start_ms, end_ms, as_json=args.json)
    options = ClipOptions(playback_policies=(args.policy or "public",), video_quality=args.quality,
                          renditions=renditions_from(args),
                          title=args.title, passthrough=args.passthrough)
    presets = clip_flags.open_presets(args)
    try:  # the preset, the resolution tier and the watermark
        options = clip_flags.options_from(args, options, session.environment.key, presets)
    except (clip_flags.FlagError, PresetError) as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    request = ClipRequest(asset.id, start_ms, end_ms, options, source=asset)
    try:  # the service checks the request against its source, by the rules the window uses
        session.jobs.make_job(request)
        if presets is not None:  # only a clip that passed its checks changes a preset, and before it is sent
            warning = clip_flags.remember_preset(presets, session.environment.key, applied_name=args.preset,
                                                 saved_name=args.save_preset, options=options)
            if warning:
                print(f"muxclipper: {warning}", file=sys.stderr)
        [job] = session.jobs.submit([request])
    except (JobInputError, clip_flags.FlagError, PresetError) as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    assert job.id is not None
    if asset.audio_only and not args.json:
        print(f"muxclipper: {asset.title or asset.id} is audio only: the clip is sound alone, cut to the millisecond "
              "asked.", file=sys.stderr)
    done = {s for s in JobState if s.finished}
    target = done if args.wait else done | {JobState.PREPARING}
    job = await wait_for(session, job.id, target, show=args.wait and not args.json, timeout_s=args.wait_timeout)
    if args.json:
        print(json.dumps(job_json(job, session)))
    return finish_clip(job, session, as_json=args.json)


async def print_instant_urls(session: Session, asset: Asset, start_ms: int, end_ms: int, *, as_json: bool) -> int:
    """``clip --instant``: the range's instant-clip URLs, and no clip made."""
    try:
        found = await instant_urls(session.client, session.urls, asset, start_ms, end_ms)
    except NoPublicPlaybackError as exc:  # a clip made of it is public unless told otherwise, with its own URLs
        raise CliError(f"{exc} Or leave out --instant to create a clip of the range: it is public unless "
                       "--policy signed.", EXIT_INPUT) from exc
    if as_json:
        print(json.dumps({"source_asset_id": asset.id, "start_ms": start_ms, "end_ms": end_ms, **found}))
    else:
        for url in found.values():
            print(url)
        print(INSTANT_CLIP_NOTE, file=sys.stderr)
    return EXIT_OK


async def _slate_range(session: Session, asset: Asset, start_ms: int | None, end_ms: int | None) -> tuple[int, int]:
    try:
        report = await slates.search(session, asset)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    if not report.edges.found and not report.closing_not_yet:
        raise CliError(slates.no_slate_message(asset, report.edges), EXIT_NO_SLATE)
    if report.closing_not_yet and end_ms is None:
        raise CliError(slates.closing_not_yet_message(asset, report), EXIT_CLOSING_NOT_YET)
    for line in slates.report_lines(asset, report):
        print(f"slates: {line}", file=sys.stderr)
    start = start_ms if start_ms is not None else report.edges.start_ms or 0
    end = end_ms if end_ms is not None else report.edges.end_ms or asset.duration_ms or 0
    return start, end
