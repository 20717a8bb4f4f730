"""``muxclipper live-streams``: the environment's live streams with their recordings."""

from __future__ import annotations

import argparse
import json
from typing import Any

from muxclipper.cli.common import add_common
from muxclipper.cli.exit_codes import EXIT_OK
from muxclipper.services.session import Session


def add_parser(sub: Any) -> None:
    streams = sub.add_parser("live-streams", help="list live streams",
                             description="List the environment's live streams with their recordings.")
    streams.add_argument("--status", choices=["active", "idle", "disabled"], help="only streams in this state")
    streams.add_argument("--json", action="store_true", help="print them as JSON")
    add_common(streams, top=False)


async def run(args: argparse.Namespace, session: Session) -> int:
    streams = await session.client.list_live_streams(status=args.status)
    if args.json:
        print(json.dumps([{"id": s.id, "status": s.status, "active_asset_id": s.active_asset_id,
                           "recent_asset_ids": list(s.recent_asset_ids), "title": s.title} for s in streams]))
        return EXIT_OK
    for s in streams:
        print(f"{s.id}  {s.status:<8} {s.active_asset_id or '-'}  {s.title or ''}")
    return EXIT_OK
