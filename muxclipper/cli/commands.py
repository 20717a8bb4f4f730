"""``muxclipper clip``, ``assets``, ``live-streams`` and ``jobs``.

Exit codes (the README's table says the same; ``tests/cli/test_exit_codes.py`` holds both to it): 0 done;
2 bad input or settings; 3 credentials refused (401/403, also when creating); 4 Mux refused or the clip
failed; 5 network (Mux unreachable, timing out, or answering only 429/5xx, also for longer than
``--wait-timeout`` while waiting); 6 the job history cannot be written (disk full, read-only); 7 no slate found
(``slates``, ``clip --trim-slates``); 9 still recording, the closing slate has not appeared yet (same commands); 1
anything else; 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from muxclipper.cli import clip_flags, environments, recording_sessions, slates
from muxclipper.cli.parsing import SafeArgumentParser
from muxclipper.cli.slates import EXIT_CLOSING_NOT_YET, EXIT_NO_SLATE
from muxclipper.core.clip_rules import check_request
from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import Asset, ClipOptions, ClipRequest
from muxclipper.core.program_time import INSTANT_CLIP_NOTE
from muxclipper.core.recording_clock import WallClockError, looks_like_wall_clock, parse_wall_time
from muxclipper.core.renditions import FIXED_SIZES, HIGHEST, RenditionError, clip_renditions
from muxclipper.core.sources import SourceRefError, parse_source
from muxclipper.core.timecode import TimecodeError, check_time_text, exact_rate, format_ms, ms_to_frame
from muxclipper.core.visible_text import hidden_character, visible
from muxclipper.mux.errors import (
    ApiConnectionError,
    ApiError,
    AuthenticationError,
    MuxError,
    PermissionDeniedError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
)
from muxclipper.mux.urls import asset_input, url_key
from muxclipper.services import paths
from muxclipper.services.clip_jobs import JobInputError
from muxclipper.services.clip_media import made_renditions
from muxclipper.services.clip_presets import PresetError
from muxclipper.services.credentials import KeyringUnavailableError
from muxclipper.services.environment import Environment, EnvironmentError_
from muxclipper.services.environment_choice import NO_ENVIRONMENT
from muxclipper.services.environment_choice import choose_environment as choose_environment_by_precedence
from muxclipper.services.environments import ProfileError
from muxclipper.services.instant_clips import NoPublicPlaybackError, instant_urls
from muxclipper.services.log_redaction import guard_handler
from muxclipper.services.session import Session, open_session
from muxclipper.store.jobs import StoreUnavailableError

EXIT_OK, EXIT_ERROR, EXIT_INPUT, EXIT_AUTH, EXIT_API, EXIT_NETWORK, EXIT_STORAGE = 0, 1, 2, 3, 4, 5, 6
EXIT_INTERRUPTED = 130
#: A wait (``clip``, ``clip --wait``, ``jobs --watch``) gives up after this long without a usable answer from Mux.
DEFAULT_WAIT_TIMEOUT_S = 120.0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 86_400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError("give a number of seconds between 0 and 86400")
    return value


def _add_wait_timeout(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument("--wait-timeout", type=_seconds, default=DEFAULT_WAIT_TIMEOUT_S, metavar="SECONDS",
                        help="give up waiting after SECONDS without a usable answer from Mux (unreachable, "
                             "timing out, or only 'too many requests' / server errors); default "
                             f"{DEFAULT_WAIT_TIMEOUT_S:g}. Exits 5; the job is kept and "
                             "'muxclipper jobs --watch' finishes it")


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


CREDENTIALS_HELP = ("Credentials: --env NAME (a stored environment: 'muxclipper env add'), else the MUX_TOKEN_ID and "
                    "MUX_TOKEN_SECRET variables (with MUX_BASE_URL for anything but api.mux.com, and MUX_SIGNING_KEY "
                    "with MUX_PRIVATE_KEY for signed playback ids), else the active stored environment ('muxclipper "
                    "env use NAME'). Secrets are read from the keyring, never from arguments.")
EXIT_HELP = ("Exit codes: 0 done; 2 bad input or settings; 3 credentials refused; 4 Mux refused the request or the "
             "clip failed; 5 network (Mux unreachable or silent past --wait-timeout: the job is kept, 'muxclipper "
             "jobs --watch' finishes it); 6 the job history cannot be written (disk full); 7 no slate found ('slates', "
             "'clip --trim-slates'); 9 still recording, the closing slate has not appeared yet (same commands); 1 a "
             "bug; 130 interrupted.")
TIMES_HELP = ("A TIME is seconds (12.5), HH:MM:SS.mmm, SMPTE HH:MM:SS:FF (';' before the frames for drop-frame), or "
              "#FRAME (a frame number from 0), at the source's frame rate.")


def _common(parser: argparse.ArgumentParser | argparse._ArgumentGroup, top: bool) -> None:
    """The options every command takes, before or after its name (``clip … --env Staging`` works too)."""
    default: Any = None if top else argparse.SUPPRESS  # after the name, an option not given leaves the first's
    parser.add_argument("--env", default=default, metavar="NAME",
                        help="a stored environment (see 'muxclipper env list'); default: the MUX_TOKEN_* "
                             "variables if set, else the active environment")
    parser.add_argument("--api-base-url", default=default, metavar="URL",
                        help="the Mux API address with the MUX_TOKEN_* variables (default: MUX_BASE_URL, else "
                             "https://api.mux.com; e.g. a local emulator's address)")
    parser.add_argument("--log-level", default="warning" if top else argparse.SUPPRESS,
                        choices=["debug", "info", "warning", "error"], help="how much goes to stderr (default: warning)")


def _add_download_flags(parser: argparse.ArgumentParser | argparse._ArgumentGroup, when: str) -> None:
    """``--mp4``, ``--mp4-sizes`` and ``--audio-only``, the same on ``clip`` and ``segments``. ``--mp4`` stays a
    plain flag: scripts written before sizes existed put it anywhere, even right before SOURCE."""
    parser.add_argument("--mp4", action="store_true",
                        help=f"{when}also make a downloadable MP4 at the highest resolution")
    parser.add_argument("--mp4-sizes", metavar="LIST",
                        help=f"{when}also make MP4s of these sizes, comma-separated: "
                             f"{', '.join((HIGHEST, *FIXED_SIZES))} (e.g. --mp4-sizes highest,720p). Mux skips a "
                             "size taller than the source rather than upscale it")
    parser.add_argument("--audio-only", action="store_true",
                        help=f"{when}also make an audio-only M4A (the replay as a podcast)")


def _renditions(args: argparse.Namespace) -> tuple[str, ...]:
    try:
        return clip_renditions(args.mp4, args.mp4_sizes, args.audio_only)
    except RenditionError as exc:
        raise CliError(f"--mp4-sizes: {exc}", EXIT_INPUT) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = SafeArgumentParser(
        prog="muxclipper", description="Frame-exact clips from Mux videos and live recordings, from the command line.",
        epilog=f"{CREDENTIALS_HELP} {EXIT_HELP} 'muxclipper COMMAND --help' explains each command; 'muxclipper' "
               "alone opens the window.")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    environments.add_parser(sub)

    _add_clip_parser(sub)
    slates.add_parser(sub, _common, f"{CREDENTIALS_HELP} {EXIT_HELP}")

    assets = sub.add_parser("assets", help="list assets, newest first",
                            description="List the environment's assets, newest first.")
    assets.add_argument("--limit", type=int, default=25, help="how many (1–100, default 25)")
    assets.add_argument("--live-stream", metavar="ID", help="only recordings of this live stream")
    assets.add_argument("--json", action="store_true", help="print Mux's view of each asset as JSON")
    _common(assets, top=False)

    sessions = sub.add_parser(
        "sessions", help="a live recording's sessions: encoder connections and slates, with wall-clock times",
        description="List the sessions of a live stream's recording, as Mux reports them (recording_times): each "
                    "encoder connection ('content') and each slate Mux inserted while the encoder was away "
                    "('slate'), where it is in the recording and when it was broadcast.",
        epilog=f"{recording_sessions.WALL_HELP} {CREDENTIALS_HELP} {EXIT_HELP}")
    recording_sessions.add_arguments(sessions)
    _common(sessions, top=False)

    streams = sub.add_parser("live-streams", help="list live streams",
                             description="List the environment's live streams with their recordings.")
    streams.add_argument("--status", choices=["active", "idle", "disabled"], help="only streams in this state")
    streams.add_argument("--json", action="store_true", help="print them as JSON")
    _common(streams, top=False)

    jobs = sub.add_parser("jobs", help="list clip jobs; --watch finishes unfinished ones",
                          description="List the clip jobs of this environment (kept in a local history), newest "
                                      "first; --watch sends and follows whatever a previous run left unfinished.",
                          epilog=EXIT_HELP)
    jobs.add_argument("--watch", action="store_true", help="finish unfinished jobs and follow them to the end")
    jobs.add_argument("--all", action="store_true", help="jobs of every environment")
    _add_wait_timeout(jobs)
    jobs.add_argument("--json", action="store_true", help="print the jobs as JSON")
    jobs.add_argument("--export", metavar="FILE", type=Path,
                      help="also write the ready clips as a timeline for an editing suite, by FILE's extension: .edl "
                           "(CMX 3600), .xml (Final Cut Pro 7, Premiere, Resolve), .fcpxml or .otio; each clip "
                           "references its MP4 (else its HLS) so the suite can relink it")
    _common(jobs, top=False)
    _add_segments_parser(sub)
    _replay().add_parser(sub, f"{CREDENTIALS_HELP} {EXIT_HELP}")
    return parser


def _replay() -> Any:
    """``replay`` lives in its own module, which takes this one's shared pieces (the errors, the waiting, the
    job's output): imported when used, so that the two do not import each other while loading."""
    from muxclipper.cli import replay

    return replay


def _add_clip_parser(sub: Any) -> None:
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
    times = clip.add_argument_group("times", f"{TIMES_HELP} {recording_sessions.WALL_HELP} Quote a time of day: "
                                             "--start \"19:04:05 local\".")
    times.add_argument("--start", metavar="TIME",
                       help="where the clip starts: its first frame is the one shown at TIME (required unless "
                            "--trim-slates)")
    times.add_argument("--end", metavar="TIME",
                       help="where the clip ends, not included: the frame shown at TIME is the first one left out "
                            "(the window's out point). At least 0.5 s after --start; on a recording still going, "
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
    _add_download_flags(what, "")
    what.add_argument("--passthrough", metavar="TEXT",
                      help="your own passthrough text, kept in Mux beside muxclipper's job tag (up to 218 characters)")
    clip_flags.add_arguments(clip)
    output = clip.add_argument_group("output", "Without --wait the command ends once Mux is making the clip and "
                                               "prints its job; 'muxclipper jobs' shows it later.")
    output.add_argument("--wait", action="store_true",
                        help="follow the clip until it is ready (or failed), showing Mux's progress")
    _add_wait_timeout(output)
    output.add_argument("--json", action="store_true",
                        help="print the job as JSON (with its HLS, MP4, thumbnail and instant-clip URLs once ready)")
    instead = clip.add_argument_group("or no clip at all")
    instead.add_argument("--instant", action="store_true",
                         help="make no clip: print the range's instant-clip URL at once (segment-accurate: it may run "
                              "a few seconds long; no MP4). On a recording still live, also the URL by program time "
                              "on the live stream's playback id. Takes the times and --json; the flags that make a "
                              "clip are refused")
    _common(clip.add_argument_group("environment", "Which Mux environment, and how much is logged."), top=False)


def _add_segments_parser(sub: Any) -> None:
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
    _add_download_flags(segments, "with --create: ")
    segments.add_argument("--wait", action="store_true", help="with --create: follow the clips until they are ready")
    _add_wait_timeout(segments)
    segments.add_argument("--json", action="store_true", help="print the cuts (or the clips made) as JSON")
    _common(segments, top=False)


def job_json(job: ClipJob, session: Session | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": job.id, "state": job.state.value, "environment": job.environment, "source_asset_id": job.source_asset_id,
        "start_ms": job.start_ms, "end_ms": job.end_ms, "asset_id": job.asset_id, "progress": job.progress,
        "error": job.error, "note": job.note, "title": job.options.title,
        "playback_ids": [list(p) for p in job.playback_ids]}
    if session is not None and job.state is JobState.READY:
        data.update({url_key(label): url for label, url in session.urls.for_clip(job).items()})
    return data


def job_line(job: ClipJob, names: dict[str, str] | None = None) -> str:
    progress = f"{job.progress:5.1f}%" if job.progress is not None and job.state is JobState.PREPARING else ""
    # Titles and errors come from the history and from Mux: escaped, so no control character reaches the terminal.
    title = f"  {visible(job.options.title, 512)}" if job.options.title else ""
    detail = f"  {visible(job.error, 1000)}" if job.error else ""
    if job.note:
        detail += f"  ({visible(job.note, 1000)})"
    where = f"[{names[job.environment]}] " if names and job.environment in names else ""
    return (f"#{job.id:<5} {where}{job.state.value:<10} {progress:>6}  {job.source_asset_id}  "
            f"{format_ms(job.start_ms)}–{format_ms(job.end_ms)}  {job.asset_id or '-'}{title}{detail}")


class _MuxSilence:
    """How long since Mux last gave a usable answer: any answer but 408, 429 and 5xx resets it."""

    def __init__(self, session: Session, limit_s: float) -> None:
        self.limit_s = limit_s
        self._last = time.monotonic()
        self._status: int | None = None
        self._session = session
        session.answers.add(self._on_status)

    def _on_status(self, status: int) -> None:
        if status not in (408, 429) and status < 500:
            self._last = time.monotonic()
        else:
            self._status = status

    def remaining(self) -> float:
        return self._last + self.limit_s - time.monotonic()

    def error(self, job_id: int) -> CliError:
        if self._status == 429:
            what = "only answered 'too many requests'"
        elif self._status is not None:
            what = f"only answered with errors (HTTP {self._status})"
        else:
            what = "could not be reached or did not answer"
        return CliError(f"Mux {what} for {self.limit_s:g} s. Job #{job_id} is kept: run 'muxclipper jobs --watch' "
                        "to finish it when the network is back, or give --wait-timeout a longer time.",
                        EXIT_NETWORK)


async def _wait_for(session: Session, job_id: int, done: set[JobState], show: bool,
                    timeout_s: float | None = None) -> ClipJob:
    """The job once it reaches ``done``; raises CliError (5) after ``timeout_s`` without a usable answer
    from Mux, and the history's error when the job history cannot be written (a full disk)."""
    finished = asyncio.Event()
    last: dict[str, ClipJob] = {}
    problems: list[Exception] = []

    def on_update(job: ClipJob) -> None:
        if job.id != job_id:
            return
        if show and (job.state, job.progress) != ((last["job"].state, last["job"].progress) if last else None):
            print(job_line(job), file=sys.stderr, flush=True)
        last["job"] = job
        if job.state in done:
            finished.set()

    def on_problem(exc: Exception) -> None:
        problems.append(exc)
        finished.set()

    silence = _MuxSilence(session, timeout_s) if timeout_s else None
    remove = session.jobs.updates.add(on_update)
    remove_problems = session.jobs.problems.add(on_problem)
    try:
        current = session.jobs.job(job_id)
        if current is not None and current.state in done:
            return current
        while not finished.is_set():
            try:
                await asyncio.wait_for(finished.wait(), None if silence is None else max(silence.remaining(), 0.0))
            except TimeoutError:
                if silence is not None and silence.remaining() <= 0:
                    raise silence.error(job_id) from None
    finally:
        remove()
        remove_problems()
    if problems and not ("job" in last and last["job"].state in done):
        raise problems[0]
    return last["job"]


async def _finish_duplicate_watches(session: Session, show: bool, timeout_s: float | None) -> None:
    """Go on with the late-duplicate watches a previous run left (Mux may still act on a create it held): an extra
    copy is deleted and the job's note says so. Ends when every watch has run out (at most 10 minutes after its
    send), or is kept by another muxclipper that is running."""
    service = session.jobs
    if not service.duplicate_watches:
        return
    if show:
        print(f"muxclipper: watching {service.duplicate_watches} clip job(s) for a late duplicate (Mux may still act "
              "on a request it held); an extra copy is deleted. Ctrl+C stops: the next 'muxclipper jobs --watch' "
              "goes on.", file=sys.stderr, flush=True)
    silence = _MuxSilence(session, timeout_s) if timeout_s else None
    waiting = asyncio.ensure_future(service.wait_duplicate_watches())
    try:
        while not waiting.done():
            limit = None if silence is None else max(silence.remaining(), 0.0)
            await asyncio.wait({waiting}, timeout=limit)
            if not waiting.done() and silence is not None and silence.remaining() <= 0:
                raise CliError(f"Mux did not answer for {silence.limit_s:g} s while muxclipper watched for late "
                               "duplicates; the watch is kept: run 'muxclipper jobs --watch' again when the network "
                               "is back.", EXIT_NETWORK)
    finally:
        waiting.cancel()


#: What only a clip made has: with ``--instant`` (no clip) each is refused rather than silently ignored.
CLIP_ONLY_FLAGS = (("save_preset", "--save-preset"), ("preset", "--preset"), ("mp4", "--mp4"),
                   ("mp4_sizes", "--mp4-sizes"), ("audio_only", "--audio-only"), ("wait", "--wait"),
                   ("policy", "--policy"), ("quality", "--quality"), ("title", "--title"),
                   ("passthrough", "--passthrough"), ("max_resolution", "--max-resolution"),
                   ("watermark", "--watermark"), ("watermark_align", "--watermark-align"),
                   ("watermark_margin", "--watermark-margin"), ("watermark_width", "--watermark-width"),
                   ("watermark_height", "--watermark-height"), ("watermark_opacity", "--watermark-opacity"),
                   ("no_copy_overlays", "--no-copy-overlays"))


def _check_instant_flags(args: argparse.Namespace) -> None:
    given = [flag for dest, flag in CLIP_ONLY_FLAGS if getattr(args, dest) not in (None, False)]
    if given:
        named = given[0] if len(given) == 1 else f"{', '.join(given[:-1])} and {given[-1]}"
        verb, it = ("does", given[0]) if len(given) == 1 else ("do", "them")
        raise CliError(f"--instant makes no clip, so {named} {verb} not apply: --instant only prints a URL of the "
                       f"source's own stream for the range. Leave {it} out, or leave out --instant to create a clip.",
                       EXIT_INPUT)


async def cmd_clip(args: argparse.Namespace, session: Session) -> int:
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
        start_ms = None if args.start is None else recording_sessions.position_ms(args.start, asset)
        end_ms = None if args.end is None else recording_sessions.position_ms(args.end, asset)
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
                          renditions=_renditions(args),
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
    done = {s for s in JobState if s.finished}
    target = done if args.wait else done | {JobState.PREPARING}
    job = await _wait_for(session, job.id, target, show=args.wait and not args.json, timeout_s=args.wait_timeout)
    if args.json:
        print(json.dumps(job_json(job, session)))
    return finish_clip(job, session, as_json=args.json)


def finish_clip(job: ClipJob, session: Session, *, as_json: bool) -> int:
    """The end of ``clip`` (and ``replay``): the job's line and HLS URL (unless JSON was printed), why it failed,
    and the exit code."""
    if not as_json:
        print(job_line(job))
        info = job_json(job, session)
        if "hls_url" in info:
            print(info["hls_url"])
    if job.state in (JobState.FAILED, JobState.ERRORED):
        print(f"muxclipper: job #{job.id} {job.state.value}: {job.error or 'no reason given'}", file=sys.stderr)
    if job.state is JobState.FAILED and job.id is not None and isinstance(session.jobs.refusal(job.id),
                                                   (AuthenticationError, PermissionDeniedError)):
        return EXIT_AUTH  # the create was refused for the credentials: the same code as any other request
    if job.state is JobState.FAILED or job.state is JobState.ERRORED:
        return EXIT_API
    return EXIT_OK


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


async def cmd_assets(args: argparse.Namespace, session: Session) -> int:
    page = await session.client.list_assets_page(limit=min(max(args.limit, 1), 100),
                                                 live_stream_id=args.live_stream)
    if args.json:
        print(json.dumps([{"id": a.id, "status": a.status.value, "duration_ms": a.duration_ms, "title": a.title,
                           "created_at": a.created_at_s, "is_live": a.is_live,
                           "playback_ids": [[p.id, p.policy] for p in a.playback_ids]} for a in page.assets]))
        return EXIT_OK
    for a in page.assets:
        duration = format_ms(a.duration_ms) if a.duration_ms is not None else "-"
        live = " LIVE" if a.is_live else ""
        print(f"{a.id}  {a.status.value:<9} {duration}{live}  {a.title or ''}")
    return EXIT_OK


async def cmd_live_streams(args: argparse.Namespace, session: Session) -> int:
    streams = await session.client.list_live_streams(status=args.status)
    if args.json:
        print(json.dumps([{"id": s.id, "status": s.status, "active_asset_id": s.active_asset_id,
                           "recent_asset_ids": list(s.recent_asset_ids), "title": s.title} for s in streams]))
        return EXIT_OK
    for s in streams:
        print(f"{s.id}  {s.status:<8} {s.active_asset_id or '-'}  {s.title or ''}")
    return EXIT_OK


async def cmd_jobs(args: argparse.Namespace, session: Session) -> int:
    if args.watch:
        unfinished = session.jobs.resume()
        done = {s for s in JobState if s.finished}
        for job in unfinished:
            assert job.id is not None
            await _wait_for(session, job.id, done, show=not args.json, timeout_s=args.wait_timeout)
        await _finish_duplicate_watches(session, show=not args.json, timeout_s=args.wait_timeout)
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


async def _source(text: str, session: Session) -> Asset:
    """The asset a command's SOURCE names (an asset id, a playback id or a stream URL)."""
    try:
        ref = parse_source(text, session.environment.endpoints.stream)
    except SourceRefError as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    return await session.client.resolve_source(ref)


async def cmd_segments(args: argparse.Namespace, session: Session) -> int:
    from muxclipper.core.interchange import SourceIdentity  # OpenTimelineIO: loaded by the commands that use it
    from muxclipper.services import cut_lists

    asset = await _source(args.source, session)
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
    renditions = _renditions(args)
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
        finished.append(await _wait_for(session, job.id, target, show=args.wait and not args.json,
                                        timeout_s=args.wait_timeout))
    if args.json:
        print(json.dumps([job_json(j, session) for j in finished]))
    else:
        for job in finished:
            print(job_line(job))
    return EXIT_API if any(j.state in (JobState.FAILED, JobState.ERRORED) for j in finished) else EXIT_OK


async def cmd_sessions(args: argparse.Namespace, session: Session) -> int:
    asset = await _source(args.source, session)
    text, note = recording_sessions.render(asset, as_json=args.json, utc=args.utc)
    if text:
        print(text)
    if note:
        print(f"muxclipper: {note}", file=sys.stderr)
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


async def cmd_slates(args: argparse.Namespace, session: Session) -> int:
    try:
        asset, report = await slates.find(session, args.source)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    if args.json:
        print(json.dumps(slates.report_json(asset, report)))
    else:
        print("\n".join(slates.report_lines(asset, report)))
    if report.closing_not_yet:
        print(f"muxclipper: {slates.closing_not_yet_message(asset, report)}", file=sys.stderr)
        return EXIT_CLOSING_NOT_YET
    if not report.edges.found:
        print(f"muxclipper: {slates.no_slate_message(asset, report.edges)}", file=sys.stderr)
        return EXIT_NO_SLATE
    return EXIT_OK


async def cmd_replay(args: argparse.Namespace, session: Session) -> int:
    return int(await _replay().cmd_replay(args, session))


COMMANDS = {"clip": cmd_clip, "assets": cmd_assets, "live-streams": cmd_live_streams, "jobs": cmd_jobs,
            "sessions": cmd_sessions, "segments": cmd_segments, "slates": cmd_slates, "replay": cmd_replay}


async def run(args: argparse.Namespace, environment: Environment) -> int:
    async with open_session(environment, paths.jobs_db()) as session:
        if getattr(args, "wait_timeout", None):  # every read of the command waits as long as it is told to
            session.client.retry = replace(session.client.retry, give_up_after_s=args.wait_timeout)
        if session.storage_notice:
            print(f"muxclipper: {session.storage_notice}", file=sys.stderr)
        return await COMMANDS[args.command](args, session)


def choose_environment(args: argparse.Namespace) -> Environment:
    """By the one precedence the window uses too (services/environment_choice.py): ``--env``, the ``MUX_TOKEN_*``
    variables, the active stored environment."""
    choice = choose_environment_by_precedence(args.env, args.api_base_url, os.environ)
    if choice.store is not None and choice.store.notice:
        print(f"muxclipper: {choice.store.notice}", file=sys.stderr)  # the settings file was repaired: where, why
    choice.read_secret()
    if choice.environment is None:
        raise EnvironmentError_(choice.problem or NO_ENVIRONMENT)
    return choice.environment


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # signed-URL tokens hidden from every line, whichever logger
        guard_handler(handler)
    try:
        if args.command == "env":
            return environments.run(args)
        if args.command == "clip" and args.instant:  # flags that cannot go together: before any environment
            _check_instant_flags(args)
        environment = choose_environment(args)
        return asyncio.run(run(args, environment))
    except (ProfileError, KeyringUnavailableError) as exc:
        print(f"muxclipper: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except CliError as exc:
        print(f"muxclipper: {exc}", file=sys.stderr)
        return exc.code
    except EnvironmentError_ as exc:
        print(f"muxclipper: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except (AuthenticationError, PermissionDeniedError) as exc:
        print(f"muxclipper: {exc.user_message}", file=sys.stderr)
        return EXIT_AUTH
    except (ApiConnectionError, ResponseFormatError, RateLimitError, ServerError) as exc:
        # Unreachable, or answering only "too many requests" / server errors even after retries: try later.
        print(f"muxclipper: {exc.user_message}", file=sys.stderr)
        return EXIT_NETWORK
    except (ApiError, MuxError) as exc:
        print(f"muxclipper: {exc.user_message}", file=sys.stderr)
        return EXIT_API
    except StoreUnavailableError as exc:
        print(f"muxclipper: {exc} Unfinished jobs are kept as last saved: 'muxclipper jobs --watch' finishes "
              "them afterwards.", file=sys.stderr)
        return EXIT_STORAGE
    except KeyboardInterrupt:
        print("muxclipper: interrupted; unfinished jobs continue with 'muxclipper jobs --watch'.", file=sys.stderr)
        return EXIT_INTERRUPTED
