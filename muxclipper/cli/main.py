"""``muxclipper COMMAND``: the parser of every command and the one way a command runs (its environment chosen,
its session opened, its errors turned into exit codes: ``exit_codes.py``). One module per command beside it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace

from muxclipper.cli import assets, clip, environments, jobs, live_streams, replay, segments, sessions, slates
from muxclipper.cli.common import CREDENTIALS_HELP, add_common
from muxclipper.cli.exit_codes import (
    EXIT_API,
    EXIT_AUTH,
    EXIT_HELP,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_STORAGE,
    CliError,
)
from muxclipper.cli.parsing import SafeArgumentParser
from muxclipper.mux.errors import (
    ApiConnectionError,
    ApiError,
    AuthenticationError,
    MuxError,
    PermissionDeniedError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
)
from muxclipper.services import paths
from muxclipper.services.credentials import KeyringUnavailableError
from muxclipper.services.environment import Environment, EnvironmentError_
from muxclipper.services.environment_choice import NO_ENVIRONMENT
from muxclipper.services.environment_choice import choose_environment as choose_environment_by_precedence
from muxclipper.services.environments import ProfileError
from muxclipper.services.log_redaction import guard_handler
from muxclipper.services.session import open_session
from muxclipper.store.history_file import StoreUnavailableError


def build_parser() -> argparse.ArgumentParser:
    parser = SafeArgumentParser(
        prog="muxclipper", description="Frame-exact clips from Mux videos and live recordings, from the command line.",
        epilog=f"{CREDENTIALS_HELP} {EXIT_HELP} 'muxclipper COMMAND --help' explains each command; 'muxclipper' "
               "alone opens the window.")
    add_common(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # In the order of --help: env, then making clips, then reading what there is.
    for command in (environments, clip, slates, assets, sessions, live_streams, jobs, segments, replay):
        command.add_parser(sub)
    return parser


COMMANDS = {"clip": clip.run, "assets": assets.run, "live-streams": live_streams.run, "jobs": jobs.run,
            "sessions": sessions.run, "segments": segments.run, "slates": slates.run, "replay": replay.run}


async def run_command(args: argparse.Namespace, environment: Environment) -> int:
    async with open_session(environment, paths.jobs_db()) as session:
        if getattr(args, "wait_timeout", None):  # every read of the command waits as long as it is told to
            session.client.retry = replace(session.client.retry, give_up_after_s=args.wait_timeout)
        if session.storage_notice:
            print(f"muxclipper: {session.storage_notice}", file=sys.stderr)
        return await COMMANDS[args.command](args, session)


def choose_environment(args: argparse.Namespace) -> Environment:
    """By the one precedence the window uses too (services/environment_choice.py): ``--env``, the ``MUX_TOKEN_*``
    variables, the active stored environment."""
    choice = choose_environment_by_precedence(args.env, args.api_base_url, os.environ)
    if choice.store is not None and choice.store.notice:
        print(f"muxclipper: {choice.store.notice}", file=sys.stderr)  # the settings file was repaired: where, why
    choice.read_secret()
    if choice.environment is None:
        raise EnvironmentError_(choice.problem or NO_ENVIRONMENT)
    return choice.environment


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # signed-URL tokens hidden from every line, whichever logger
        guard_handler(handler)
    try:
        if args.command == "env":
            return environments.run(args)
        if args.command == "clip" and args.instant:  # flags that cannot go together: before any environment
            clip.check_instant_flags(args)
        environment = choose_environment(args)
        return asyncio.run(run_command(args, environment))
    except (ProfileError, KeyringUnavailableError) as exc:
        print(f"muxclipper: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except CliError as exc:
        print(f"muxclipper: {exc}", file=sys.stderr)
        return exc.code
    except EnvironmentError_ as exc:
        print(f"muxclipper: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except (AuthenticationError, PermissionDeniedError) as exc:
        print(f"muxclipper: {exc.user_message}", file=sys.stderr)
        return EXIT_AUTH
    except (ApiConnectionError, ResponseFormatError, RateLimitError, ServerError) as exc:
        # Unreachable, or answering only "too many requests" / server errors even after retries: try later.
        print(f"muxclipper: {exc.user_message}", file=sys.stderr)
        return EXIT_NETWORK
    except (ApiError, MuxError) as exc:
        print(f"muxclipper: {exc.user_message}", file=sys.stderr)
        return EXIT_API
    except StoreUnavailableError as exc:
        print(f"muxclipper: {exc} Unfinished jobs are kept as last saved: 'muxclipper jobs --watch' finishes "
              "them afterwards.", file=sys.stderr)
        return EXIT_STORAGE
    except KeyboardInterrupt:
        print("muxclipper: interrupted; unfinished jobs continue with 'muxclipper jobs --watch'.", file=sys.stderr)
        return EXIT_INTERRUPTED
