"""What every command shares: the options taken before or after its name, the help on credentials and times,
waiting and download flags, and reading SOURCE."""

from __future__ import annotations

import argparse
from typing import Any

from muxclipper.cli.exit_codes import EXIT_INPUT, CliError
from muxclipper.core.models import Asset
from muxclipper.core.renditions import FIXED_SIZES, HIGHEST, RenditionError, clip_renditions
from muxclipper.core.sources import SourceRefError, parse_source
from muxclipper.services.session import Session

#: A wait (``clip``, ``clip --wait``, ``jobs --watch``) gives up after this long without a usable answer from Mux.
DEFAULT_WAIT_TIMEOUT_S = 120.0


def seconds_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 86_400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError("give a number of seconds between 0 and 86400")
    return value


def add_wait_timeout(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument("--wait-timeout", type=seconds_arg, default=DEFAULT_WAIT_TIMEOUT_S, metavar="SECONDS",
                        help="give up waiting after SECONDS without a usable answer from Mux (unreachable, "
                             "timing out, or only 'too many requests' / server errors); default "
                             f"{DEFAULT_WAIT_TIMEOUT_S:g}. Exits 5; the job is kept and "
                             "'muxclipper jobs --watch' finishes it")


CREDENTIALS_HELP = ("Credentials: --env NAME (a stored environment: 'muxclipper env add'), else the MUX_TOKEN_ID and "
                    "MUX_TOKEN_SECRET variables (with MUX_BASE_URL for anything but api.mux.com, and MUX_SIGNING_KEY "
                    "with MUX_PRIVATE_KEY for signed playback ids), else the active stored environment ('muxclipper "
                    "env use NAME'). Secrets are read from the keyring, never from arguments.")
TIMES_HELP = ("A TIME is seconds (12.5), HH:MM:SS.mmm, SMPTE HH:MM:SS:FF (';' before the frames for drop-frame), or "
              "#FRAME (a frame number from 0), at the source's frame rate.")


def add_common(parser: argparse.ArgumentParser | argparse._ArgumentGroup, top: bool) -> None:
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


def add_download_flags(parser: argparse.ArgumentParser | argparse._ArgumentGroup, when: str) -> None:
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


def renditions_from(args: argparse.Namespace) -> tuple[str, ...]:
    try:
        return clip_renditions(args.mp4, args.mp4_sizes, args.audio_only)
    except RenditionError as exc:
        raise CliError(f"--mp4-sizes: {exc}", EXIT_INPUT) from exc


async def resolve_source(text: str, session: Session) -> Asset:
    """The asset a command's SOURCE names (an asset id, a playback id or a stream URL)."""
    try:
        ref = parse_source(text, session.environment.endpoints.stream)
    except SourceRefError as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    return await session.client.resolve_source(ref)
