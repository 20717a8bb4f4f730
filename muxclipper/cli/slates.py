"""``muxclipper slates SOURCE`` and ``muxclipper clip SOURCE --trim-slates``: the opening and closing slates of a
recording, found to the frame from Mux's image host (:mod:`muxclipper.services.slate_finder`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from muxclipper.cli.common import CREDENTIALS_HELP, add_common
from muxclipper.cli.exit_codes import EXIT_CLOSING_NOT_YET, EXIT_HELP, EXIT_INPUT, EXIT_NO_SLATE, EXIT_OK, CliError
from muxclipper.core.models import Asset
from muxclipper.core.slate_detect import EdgeEvidence, SlateEdges
from muxclipper.core.sources import SourceRefError, parse_source
from muxclipper.core.timecode import format_ms, frame_to_smpte
from muxclipper.services.session import Session
from muxclipper.services.slate_finder import SlateReport, SlateSearchError

NO_SLATE_ADVICE = ("Give the cut by hand instead: 'muxclipper clip SOURCE --start TIME --end TIME', or open it in the "
                   "window and mark it.")
HELP = ("Finds where the opening slate ends and the closing slate begins (a picture that holds: 'starting soon', "
        "a black screen, a still with a clock), to the frame, from Mux's storyboard and a few exact-time "
        "thumbnails; no video is downloaded.")


def add_parser(sub: Any) -> None:
    slates = sub.add_parser(
        "slates", help="find the opening and closing slates of a recording, to the frame",
        description=f"Print the in and out that cut the slates off SOURCE. {HELP}",
        epilog=f"Prints the proposed in and out as the window names them: in, the time and the first frame kept (the "
               f"first after the opening slate); out, the time the clip ends and the last frame kept (the last "
               f"before the closing slate, which is left out), each as SMPTE timecode and frame number, with the "
               f"number of image "
               f"requests it took, and what was seen at each side. A side is proposed only when its picture clearly "
               f"holds and then cuts; otherwise the line says what was seen there. Exits {EXIT_NO_SLATE} when the "
               f"source shows no slate (or has no picture: an audio-only asset), {EXIT_CLOSING_NOT_YET} when it is still recording and its closing slate has "
               f"not appeared yet (the opening edge is printed; run it again later). 'muxclipper clip SOURCE "
               f"--trim-slates' makes the clip. {CREDENTIALS_HELP} {EXIT_HELP}")
    slates.add_argument("source", metavar="SOURCE",
                        help="an asset id, a playback id or a stream.mux.com/….m3u8 URL (a live stream's gives its "
                             "recording so far: its opening slate only)")
    slates.add_argument("--json", action="store_true",
                        help="print the result as JSON: start_ms/end_ms, start_frame (the first frame kept), "
                             "last_frame (the last frame kept) and end_frame (the closing slate's first frame, left "
                             "out) (null for a side without a slate), frame_rate, requests, seconds, note, live and closing_appeared, and "
                             "evidence per side (held_ms, still_share, cut_share, drift_share, after_share, problem)")
    add_common(slates, top=False)


def add_clip_flag(clip: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    clip.add_argument("--trim-slates", action="store_true",
                      help="cut the opening and closing slates off: --start and --end default to where they end and "
                           f"begin (found as 'muxclipper slates' finds them; give either to override it). Exits "
                           f"{EXIT_NO_SLATE} when the source shows no slate, {EXIT_CLOSING_NOT_YET} when it is still "
                           "recording and its closing slate has not appeared (give --end, or wait)")


async def find(session: Session, source: str) -> tuple[Asset, SlateReport]:
    """The source's slates; :class:`ValueError` for a source that cannot be read or searched."""
    try:
        ref = parse_source(source, session.environment.endpoints.stream)
    except SourceRefError as exc:
        raise ValueError(str(exc)) from exc
    asset = await session.client.resolve_source(ref)
    return asset, await search(session, asset)


def no_picture_message(asset: Asset) -> str:
    return (f"{asset.title or asset.id} is audio only (sound, no picture): there is no picture to find a slate in. "
            "Give --start and --end instead (seconds or HH:MM:SS.mmm; it has no frames).")


async def search(session: Session, asset: Asset) -> SlateReport:
    """The slates of ``asset``; :class:`ValueError` when it cannot be searched (not ready, no playback id), and for
    sound alone :class:`CliError` with :data:`EXIT_NO_SLATE`: there is no slate to find, as on a video without one."""
    if asset.audio_only:
        raise CliError(no_picture_message(asset), EXIT_NO_SLATE)
    try:
        return await session.slate_finder().find(asset)
    except SlateSearchError as exc:
        raise ValueError(str(exc)) from exc


def report_json(asset: Asset, report: SlateReport) -> dict[str, Any]:
    edges = report.edges
    return {"source_asset_id": asset.id, "start_ms": edges.start_ms, "end_ms": edges.end_ms,
            "start_frame": edges.programme_start, "end_frame": edges.programme_end,
            "last_frame": None if edges.programme_end is None else edges.programme_end - 1,
            "frame_rate": float(edges.rate), "frames": edges.frames, "found": edges.found,
            "live": report.live, "closing_appeared": not report.closing_not_yet,
            "requests": report.requests, "seconds": round(report.seconds, 3),
            "requests_per_edge": {"opening": report.opening.requests, "closing": report.closing.requests},
            "seconds_per_edge": {"opening": round(report.opening.seconds, 3),
                                 "closing": round(report.closing.seconds, 3)},
            "evidence": {side: None if seen is None else seen.as_dict()
                         for side, seen in (("opening", edges.opening), ("closing", edges.closing))},
            "hints": list(report.hints), "note": edges.note}


def report_lines(asset: Asset, report: SlateReport) -> list[str]:
    edges = report.edges
    live = " (still recording)" if report.live else ""
    lines = [f"{asset.title or asset.id}: {format_ms(asset.duration_ms or 0)} at {_rate(edges)} fps{live}"]
    lines.append(_side("in ", edges.programme_start, edges.start_ms, edges, "no opening slate: from the start"))
    # The out line names the last frame kept, as the window's Out field and its proposal do (#5549, not the closing
    # slate's first frame #5550): 'clip --end #5549' then cuts where this says.
    closing_none = "the closing slate has not appeared yet: out stays open" if report.closing_not_yet else \
        "no closing slate: to the end"
    lines.append(_side("out", edges.programme_end, edges.end_ms, edges, closing_none))
    for seen in (edges.opening, edges.closing):
        if seen is not None:
            lines.append(evidence_line(seen))
    if edges.note:
        lines.append(f"note: {edges.note}")
    lines.append(f"{report.requests} image request{'' if report.requests == 1 else 's'} in {report.seconds:.2f} s "
                 f"(opening {report.opening.requests}, closing {report.closing.requests})")
    return lines


def evidence_line(seen: EdgeEvidence) -> str:
    """What was seen at one side, in a line: how long the picture held, how much of it held still, how much changed
    at its edge, and why it is no clear slate when it is not."""
    if seen.edge is None and seen.problem is not None:
        return f"{seen.side}: {seen.problem}"
    what = (f"{seen.side}: held {seen.held_ms / 1000:.2f} s, {round(seen.still_share * 100)}% of it still, "
            f"{round(seen.cut_share * 100)}% changed at the cut, {round(seen.drift_share * 100)}% wobbled")
    return f"{what} — not proposed: {seen.problem}" if seen.problem else what


def no_slate_message(asset: Asset, edges: SlateEdges) -> str:
    return f"No slate found on {asset.title or asset.id} ({edges.note or 'nothing to cut'}). {NO_SLATE_ADVICE}"


def closing_not_yet_message(asset: Asset, report: SlateReport) -> str:
    opening = f"the opening slate ends at {format_ms(report.edges.start_ms)}" if report.edges.start_ms is not None \
        else "no opening slate"
    return (f"{asset.title or asset.id} is still recording and its closing slate has not appeared yet ({opening}). "
            "Run it again once the closing slate is on, or give the out point yourself (--end).")


def _side(label: str, frame: int | None, ms: int | None, edges: SlateEdges, none: str) -> str:
    if frame is None or ms is None:
        return f"{label}  {none}"
    if label.strip() == "out":
        kept = frame - 1
        return (f"{label}  {format_ms(ms)}  last frame kept {frame_to_smpte(kept, edges.rate)}  #{kept}  (the "
                f"closing slate begins at #{frame})")
    return f"{label}  {format_ms(ms)}  first frame kept {frame_to_smpte(frame, edges.rate)}  #{frame}"


def _rate(edges: SlateEdges) -> str:
    return f"{float(edges.rate):.3f}".rstrip("0").rstrip(".")


async def run(args: argparse.Namespace, session: Session) -> int:
    try:
        asset, report = await find(session, args.source)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    if args.json:
        print(json.dumps(report_json(asset, report)))
    else:
        print("\n".join(report_lines(asset, report)))
    if report.closing_not_yet:
        print(f"muxclipper: {closing_not_yet_message(asset, report)}", file=sys.stderr)
        return EXIT_CLOSING_NOT_YET
    if not report.edges.found:
        print(f"muxclipper: {no_slate_message(asset, report.edges)}", file=sys.stderr)
        return EXIT_NO_SLATE
    return EXIT_OK
