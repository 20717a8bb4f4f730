"""Which static renditions (downloads) Mux has made for clips, asked of Mux: a timeline export links only a file that
exists. Mux makes a clip's downloads after the clip itself is ready, and skips a size taller than the source, so a
job's own record (what was asked for) does not say which files there are."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import StaticRendition
from muxclipper.mux.client import MuxClient
from muxclipper.mux.errors import NotFoundError

#: Clip assets asked for at once (the client's rate budget paces them further).
AT_ONCE = 4


async def made_renditions(client: MuxClient, jobs: Iterable[ClipJob]) -> dict[str, tuple[StaticRendition, ...]]:
    """What Mux says of the downloads of each ready clip that asked for some, by clip asset id. A clip deleted in Mux
    since is left out (it exports with its HLS); any other error is raised, for the caller to say."""
    wanted = list(dict.fromkeys(job.asset_id for job in jobs
                                if job.state is JobState.READY and job.asset_id and job.options.renditions))
    slots = asyncio.Semaphore(AT_ONCE)

    async def one(asset_id: str) -> tuple[StaticRendition, ...] | None:
        async with slots:
            try:
                return (await client.get_asset(asset_id)).static_renditions
            except NotFoundError:
                return None

    found = await asyncio.gather(*(one(asset_id) for asset_id in wanted))
    return {asset_id: made for asset_id, made in zip(wanted, found, strict=True) if made is not None}
