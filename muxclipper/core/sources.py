"""What a user may paste to name a source: an asset id, a playback id, or a stream URL of the environment.

A URL is accepted only on a stream host the environment plays from (``stream.mux.com``, or the environment's
own stream address, such as a local emulator's): a playback id taken from any other host would be looked up
all the same, and the user would believe that host's video is the one being clipped.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_ID = re.compile(r"[A-Za-z0-9]{10,64}", re.ASCII)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:", re.ASCII)  # javascript:, data:, file: …
MUX_STREAM_HOST = "stream.mux.com"
MAX_SOURCE_TEXT = 2048


class SourceRefError(ValueError):
    pass


@dataclass(frozen=True)
class SourceRef:
    kind: str  # "id" (an asset or playback id: ask Mux which) or "playback_id" (certainly one)
    value: str


def _shown(text: str, limit: int = 80) -> str:
    """The text quoted for a message: control characters escaped, long text cut."""
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_source(text: str, stream_url: str | None = None) -> SourceRef:
    """The source ``text`` names; raises :class:`SourceRefError` (only) saying why when it names none.

    ``stream_url`` is the environment's stream address (``https://stream.mux.com``, or an emulator's
    ``http://127.0.0.1:PORT/stream``). URLs on ``stream.mux.com`` are always accepted (the id is resolved in
    the environment); without ``stream_url``, URLs on this machine's loopback addresses are too.
    """
    value = text.strip()
    if len(value) > MAX_SOURCE_TEXT:
        raise SourceRefError(f"That is {len(value):,} characters long: paste an asset id, a playback id or a "
                             "stream.mux.com URL.")
    if value.startswith("mux://assets/"):  # the clip input's own form, as copied from an API body
        value = value.removeprefix("mux://assets/")
    elif "://" in value or value.startswith(f"{MUX_STREAM_HOST}/") or ".m3u8" in value:
        if "://" not in value and _SCHEME.match(value) and not value.startswith(MUX_STREAM_HOST):
            raise SourceRefError(f"{_shown(text)}: paste an https://stream.mux.com/PLAYBACK_ID.m3u8 URL")
        return SourceRef("playback_id", _playback_id_in(text, value if "://" in value else f"https://{value}",
                                                        stream_url))
    if not _ID.fullmatch(value):
        raise SourceRefError(f"{_shown(text)} is not an asset id, a playback id or a stream.mux.com URL")
    return SourceRef("id", value)


def _playback_id_in(text: str, url: str, stream_url: str | None) -> str:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise SourceRefError(f"{_shown(text)} is not a URL muxclipper can read ({exc})") from exc
    if parts.scheme not in ("https", "http") or "@" in parts.netloc:
        raise SourceRefError(f"{_shown(text)}: paste an https://stream.mux.com/PLAYBACK_ID.m3u8 URL")
    prefix = ""
    if host == MUX_STREAM_HOST:
        pass
    elif stream_url is not None and _same_origin(parts.scheme, host, parts.port, stream_url):
        prefix = urlsplit(stream_url).path.rstrip("/")
    elif stream_url is None and _is_loopback(host):
        prefix = "/stream" if parts.path.startswith("/stream/") else ""
    else:
        own = stream_url and urlsplit(stream_url).hostname != MUX_STREAM_HOST
        where = f" or {_shown(stream_url, 100)}" if stream_url and own else ""
        raise SourceRefError(f"{_shown(text)} is on {_shown(host, 60)}, not a Mux stream host: paste a URL on "
                             f"{MUX_STREAM_HOST}{where}, or the playback id alone")
    path = parts.path
    if prefix and not path.startswith(f"{prefix}/"):
        raise SourceRefError(f"{_shown(text)}: no playback id in that URL (expected …/PLAYBACK_ID.m3u8)")
    name = path[len(prefix):].strip("/").split("/")[0].removesuffix(".m3u8")
    if not _ID.fullmatch(name):
        raise SourceRefError(f"{_shown(text)}: no playback id in that URL (expected …/PLAYBACK_ID.m3u8)")
    return name


def _same_origin(scheme: str, host: str, port: int | None, stream_url: str) -> bool:
    try:
        own = urlsplit(stream_url)
        own_port = own.port
    except ValueError:
        return False
    defaults = {"https": 443, "http": 80}
    return ((own.scheme, (own.hostname or "").lower(), own_port or defaults.get(own.scheme))
            == (scheme, host, port or defaults.get(scheme)))
