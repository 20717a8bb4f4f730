"""``muxclipper emulator``: run the local Mux emulator until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from muxclipper.emulator.config import DEMO_TOKEN, EmulatorConfig, RateLimits, Token
from muxclipper.emulator.server import EmulatorServer

STOP_POLL_S = 0.1  # how soon Ctrl-C is noticed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="muxclipper emulator", allow_abbrev=False,
        description="Run a local Mux API + stream + image server (for tests and the offline demo).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    parser.add_argument("--data-dir", type=Path, help="keep state here across restarts")
    parser.add_argument("--demo-content", action="store_true", help="seed the demo sources once")
    parser.add_argument("--token", action="append", type=Token.parse, metavar="ID:SECRET[:ro]",
                        help="an accepted access token; :ro makes it read-only (repeatable; "
                             "default: the demo token). Emulator tokens only, never a real Mux secret.")
    parser.add_argument("--no-rate-limit", action="store_true", help="never answer 429")
    parser.add_argument("--no-media", action="store_true",
                        help="make no real media: assets turn ready on a timer, metadata only")
    parser.add_argument("--processing-seconds", type=float, default=EmulatorConfig.processing_seconds,
                        help="how long new assets stay preparing (default %(default)s)")
    parser.add_argument("--serve-files", action="append", type=Path, default=[], metavar="DIR",
                        help="let file:// inputs name files in DIR, for callers on this machine (repeatable; "
                             "default: file:// inputs are refused)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = EmulatorConfig(
        tokens=tuple(args.token) if args.token else (DEMO_TOKEN,),
        rate_limits=None if args.no_rate_limit else RateLimits(),
        data_dir=args.data_dir, processing_seconds=args.processing_seconds,
        demo_content=args.demo_content, media=not args.no_media, file_folders=tuple(args.serve_files))
    try:
        server = EmulatorServer(config, host=args.host, port=args.port).start()
    except OSError as exc:
        print(f"muxclipper emulator: cannot listen on {args.host}:{args.port}: {exc.strerror}. "
              "Choose another --port, or 0 for any free one.", file=sys.stderr)
        return 2
    # The handlers only record the signal. Setting a threading.Event from a handler can deadlock: the handler
    # runs in the main thread, which may be inside that Event's own lock in wait() (seen as a rare hang on
    # Ctrl-C). signal.pause() would wake at once, but Windows has none.
    stopping: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _: stopping.append(signum))
    signal.signal(signal.SIGTERM, lambda signum, _: stopping.append(signum))
    print(f"MUX_BASE_URL={server.url}", flush=True)
    for token in config.tokens:
        mode = " (read-only)" if token.read_only else ""
        print(f"MUX_TOKEN_ID={token.id} MUX_TOKEN_SECRET={token.secret}{mode}", flush=True)
    print(f"stream host: {server.stream_url}  image host: {server.image_url}  (Ctrl-C stops)",
          file=sys.stderr, flush=True)
    while not stopping:
        time.sleep(STOP_POLL_S)
    server.stop()
    return 0
