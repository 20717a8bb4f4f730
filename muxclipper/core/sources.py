"""What a user may paste to name a source: an asset id, a playback id, or a stream.mux.com URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_ID = re.compile(r"^[A-Za-z0-9]{10,64}$")


class SourceRefError(ValueError):
    pass


@dataclass(frozen=True)
class SourceRef:
    kind: str  # "id" (an asset or playback id: ask Mux which) or "playback_id" (certainly one)
    value: str


def parse_source(text: str) -> SourceRef:
    value = text.strip()
    if "://" in value or value.startswith("stream.mux.com/") or ".m3u8" in value:
        parts = urlsplit(value if "://" in value else f"https://{value}")
        name = parts.path.strip("/").split("/")[0]
        name = name.removesuffix(".m3u8")
        if not _ID.match(name):
            raise SourceRefError(f"{text!r}: no playback id in that URL (expected …/PLAYBACK_ID.m3u8)")
        return SourceRef("playback_id", name)
    if value.startswith("mux://assets/"):
        value = value.removeprefix("mux://assets/")
    if not _ID.match(value):
        raise SourceRefError(f"{text!r} is not an asset id, a playback id or a stream.mux.com URL")
    return SourceRef("id", value)
