"""``muxclipper sessions``: a live recording's sessions, and times of day as clip
times (``muxclipper clip REC --start "19:04:05 local"``)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from muxclipper.cli.common import CREDENTIALS_HELP, add_common, resolve_source
from muxclipper.cli.exit_codes import EXIT_HELP, EXIT_OK
from muxclipper.core.models import Asset
from muxclipper.core.recording_clock import WALL_FORMS, RecordingClock, format_wall, looks_like_wall_clock
from muxclipper.core.timecode import TimecodeError, format_ms, names_a_frame, parse_ms
from muxclipper.services.session import Session

WALL_HELP = (f"On a live stream's recording, a time may also be {WALL_FORMS} (this computer's zone, or UTC): the "
             "moment it was broadcast, found through the recording's sessions ('muxclipper sessions SOURCE').")


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "sessions", help="a live recording's sessions: encoder connections and slates, with wall-clock times",
        description="List the sessions of a live stream's recording, as Mux reports them (recording_times): each "
                    "encoder connection ('content') and each slate Mux inserted while the encoder was away "
                    "('slate'), where it is in the recording and when it was broadcast.",
        epilog=f"{WALL_HELP} {CREDENTIALS_HELP} {EXIT_HELP}")
    parser.add_argument("source", metavar="SOURCE",
                        help="a recording's asset id, a playback id or a stream.mux.com/….m3u8 URL (a live stream's "
                             "gives its recording so far)")
    parser.add_argument("--utc", action="store_true", help="wall-clock times in UTC rather than this computer's zone")
    parser.add_argument("--json", action="store_true",
                        help="print the sessions as JSON: type, started_at (ISO 8601, UTC), offset_ms, duration_ms")
    add_common(parser, top=False)


def position_ms(text: str, asset: Asset) -> int:
    """A clip time on ``asset``: a time of day on a recording, or any timecode form (raises WallClockError or
    TimecodeError saying why not)."""
    if looks_like_wall_clock(text):
        return RecordingClock(asset.recording_times).resolve(text)
    if asset.audio_only and names_a_frame(text):
        raise TimecodeError(f"{text} names a frame, and {asset.title or asset.id} is audio only (sound, no picture): "
                            "it has no frames. Give a time in seconds or HH:MM:SS.mmm.")
    return parse_ms(text, asset.frame_rate)


def _iso(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sessions_json(asset: Asset) -> list[dict[str, Any]]:
    return [{"type": s.type, "started_at": _iso(s.started_at_ms), "offset_ms": s.offset_ms,
             "duration_ms": s.duration_ms, "end_offset_ms": s.end_offset_ms} for s in asset.recording_times]


def render(asset: Asset, *, as_json: bool, utc: bool) -> tuple[str, str | None]:
    """What to print: the sessions (a table or JSON), and a note for stderr when there are none."""
    note = None
    if not asset.recording_times:
        note = (f"{asset.title or asset.id} has no recording sessions: only a live stream's recording has them "
                "('muxclipper assets --live-stream ID' lists a stream's recordings).")
    if as_json:
        return json.dumps(sessions_json(asset)), note
    lines = []
    if asset.recording_times:
        clock = RecordingClock(asset.recording_times)
        lines.append(f"{asset.title or asset.id}: {len(asset.recording_times)} sessions, "
                     f"broadcast {clock.describe_span(utc=utc)}")
        lines.append(f"{'#':>2}  {'type':<8} {'in the recording':<29} {'wall clock':<39} length")
        for index, s in enumerate(asset.recording_times, 1):
            end_wall = s.started_at_ms + s.duration_ms
            lines.append(f"{index:>2}  {s.type:<8} {format_ms(s.offset_ms)} – {format_ms(s.end_offset_ms)}  "
                         f"{format_wall(s.started_at_ms, utc=utc)} – {format_wall(end_wall, utc=utc)}  "
                         f"{s.duration_ms / 1000:.3f} s")
    return "\n".join(lines), note


async def run(args: argparse.Namespace, session: Session) -> int:
    asset = await resolve_source(args.source, session)
    text, note = render(asset, as_json=args.json, utc=args.utc)
    if text:
        print(text)
    if note:
        print(f"muxclipper: {note}", file=sys.stderr)
    return EXIT_OK
