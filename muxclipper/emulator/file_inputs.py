"""Which ``file://`` inputs the emulator reads: only for a caller on this machine, and only inside the folders it was
told to serve (``--serve-files DIR``; none by default).

``file://`` is an emulator extension (Mux reads only http(s) and ``mux://``): it lets tests and the demo ingest a
local file without a web server. Left open it would read any file the emulator's user can (``file:///etc/passwd``
as a source, its bytes then served as "media" to whoever holds a token), and to anyone who can reach the port when
it listens on more than loopback. A path is judged after symlinks are resolved, so a link inside a served folder
cannot point out of it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from muxclipper.emulator.errors import MuxApiError, invalid


def _loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host in ("localhost", "testclient"):  # starlette's TestClient and httpx's ASGI transport name no address
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def refusal(url: str, caller: str | None, folders: Iterable[Path]) -> str | None:
    """Why the ``file://`` input ``url`` is not read for ``caller`` (its address), or None when it may be."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return f"{url[:200]!r}: a file:// input must name a file on the emulator's own machine (file:///path)."
    if not _loopback(caller):
        return ("file:// inputs are read only for callers on the emulator's own machine; send an http(s) URL "
                "instead.")
    served = [folder.resolve() for folder in folders]
    if not served:
        return ("file:// inputs are off: start the emulator with --serve-files DIR to let it read files from DIR "
                "(or send an http(s) URL).")
    try:
        path = Path(unquote(parts.path)).resolve()
    except (OSError, RuntimeError, ValueError):
        return f"{url[:200]!r} is not a path the emulator can read."
    if not any(path.is_relative_to(folder) for folder in served):
        return (f"{url[:200]!r} is outside the folders the emulator serves files from "
                f"({', '.join(str(f) for f in served)[:300]}); move the file there or serve its folder with "
                "--serve-files.")
    return None


def check(urls: Iterable[str], caller: str | None, folders: Iterable[Path]) -> None:
    """Raise Mux's 400 ``invalid_parameters`` naming each ``file://`` input that may not be read."""
    kept = tuple(folders)
    problems = [why for url in urls if url.startswith("file:") and (why := refusal(url, caller, kept))]
    if problems:
        raise invalid(*problems)


__all__ = ["MuxApiError", "check", "refusal"]
