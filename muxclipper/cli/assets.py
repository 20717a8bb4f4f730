"""``muxclipper assets``: the environment's assets, newest first."""

from __future__ import annotations

import argparse
import json
from typing import Any

from muxclipper.cli.common import add_common
from muxclipper.cli.exit_codes import EXIT_OK
from muxclipper.core.timecode import format_ms
from muxclipper.services.session import Session


def add_parser(sub: Any) -> None:
    assets = sub.add_parser("assets", help="list assets, newest first",
                            description="List the environment's assets, newest first.")
    assets.add_argument("--limit", type=int, default=25, help="how many (1–100, default 25)")
    assets.add_argument("--live-stream", metavar="ID", help="only recordings of this live stream")
    assets.add_argument("--json", action="store_true", help="print Mux's view of each asset as JSON")
    add_common(assets, top=False)


async def run(args: argparse.Namespace, session: Session) -> int:
    page = await session.client.list_assets_page(limit=min(max(args.limit, 1), 100),
                                                 live_stream_id=args.live_stream)
    if args.json:
        print(json.dumps([{"id": a.id, "status": a.status.value, "duration_ms": a.duration_ms, "title": a.title,
                           "created_at": a.created_at_s, "is_live": a.is_live, "audio_only": a.audio_only,
                           "playback_ids": [[p.id, p.policy] for p in a.playback_ids]} for a in page.assets]))
        return EXIT_OK
    for a in page.assets:
        duration = format_ms(a.duration_ms) if a.duration_ms is not None else "-"
        live = (" LIVE" if a.is_live else "") + (" AUDIO ONLY" if a.audio_only else "")
        print(f"{a.id}  {a.status.value:<9} {duration}{live}  {a.title or ''}")
    return EXIT_OK
