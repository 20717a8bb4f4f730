"""``muxclipper env list|add|remove|test|use``: named environments without the window.

The token secret is read from a prompt that does not echo, or from standard input with
``--secret-stdin`` — never from an argument, where it would land in shell history and process lists.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path
from typing import Any

from muxclipper.core.visible_text import visible
from muxclipper.mux.client import Credentials
from muxclipper.services import paths
from muxclipper.services.connection_check import ConnectionReport, test_environment
from muxclipper.services.credentials import KeyringSecrets, KeyringUnavailableError
from muxclipper.services.environment import Environment, endpoints_for
from muxclipper.services.environments import (
    COLOURS,
    MAX_SIGNING_KEY,
    EnvironmentProfile,
    EnvironmentStore,
    ProfileError,
    check_profile,
    check_secret,
    new_profile,
)


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    env = sub.add_parser("env", help="manage named Mux environments (secrets in the OS keyring)",
                         description="Named Mux environments: a name, colour, addresses and token id in the settings "
                                     "file, the token secret (and signing key) only in the OS keyring.")
    actions = env.add_subparsers(dest="env_command", required=True, metavar="ACTION",
                                 help="list, add, remove, test or use")
    actions.add_parser("list", help="list environments (* marks the active one)")
    add = actions.add_parser("add", help="add an environment; asks for the token secret")
    add.add_argument("name", help="what to call it (shown on the window's badge); names like 'Production' ask "
                                  "before creating clips")
    add.add_argument("--token-id", required=True, help="the access token's id (Mux dashboard: Settings → "
                                                        "Access Tokens)")
    add.add_argument("--api-base-url", dest="env_api_base_url", help="default https://api.mux.com")
    add.add_argument("--colour", default=None, help="badge colour, like #1565c0")
    confirm = add.add_mutually_exclusive_group()
    confirm.add_argument("--confirm", dest="confirm", action="store_true", default=None,
                         help="ask before creating clips (default for names that look like production)")
    confirm.add_argument("--no-confirm", dest="confirm", action="store_false",
                         help="create clips without asking, even for a production-like name")
    add.add_argument("--secret-stdin", action="store_true", help="read the token secret from standard input")
    add.add_argument("--signing-key-id", help="a signing key's id, to play signed clips (with --signing-key-file)")
    add.add_argument("--signing-key-file", type=Path, help="the signing private key (base64 or PEM)")
    add.add_argument("--no-test", action="store_true", help="add it without testing the connection first")
    add.add_argument("--keep-if-failing", action="store_true",
                     help="keep it even if the connection test fails (by default a failing one is kept only if you "
                          "say so when asked; with --secret-stdin or no terminal it is not kept)")
    remove = actions.add_parser("remove", help="remove an environment and its keyring entries")
    remove.add_argument("name", help="the environment's name or id")
    test = actions.add_parser("test", help="test an environment's connection and permissions")
    test.add_argument("name", nargs="?", help="the environment's name or id (default: the active one)")
    use = actions.add_parser("use", help="make an environment the active one")
    use.add_argument("name", help="the environment's name or id")


def _tested(store: EnvironmentStore, profile: EnvironmentProfile, label: str = "") -> int:
    """Test the connection with the stored secret, say what was found, answer the exit code."""
    report = asyncio.run(test_environment(store.environment(profile)))
    print(f"{label}{report.message}")
    return exit_code(report)


def _keep_failing(args: argparse.Namespace) -> bool:
    """Whether to keep an environment whose connection test failed: told so, or asked at a terminal (the secret
    read from standard input means a script: not asked, not kept)."""
    if args.keep_if_failing:
        return True
    if args.secret_stdin or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    try:
        answer = input("The connection test failed. Keep this environment anyway? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def open_store() -> EnvironmentStore:
    """The settings; what had to be repaired in them is said on stderr (once: the file is repaired)."""
    store = EnvironmentStore(paths.environments_file(), KeyringSecrets())
    if store.notice:
        print(f"muxclipper: {store.notice}", file=sys.stderr)
    return store


def _read_secret(from_stdin: bool) -> str:
    if from_stdin:
        secret = sys.stdin.readline(8192).strip()
    else:
        secret = getpass.getpass("Token secret (not shown): ").strip()
    check_secret(secret)
    return secret


def _read_signing_key(path: Path) -> str:
    """The private key file's text; a missing or unreadable file is said, not a traceback."""
    shown = visible(str(path), 200)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SIGNING_KEY + 1)
    except OSError as exc:
        raise ProfileError(f"--signing-key-file {shown} cannot be read ({exc.strerror}); give the path of the "
                           "private key Mux gave when the signing key was created.") from exc
    try:
        return data.decode("ascii").strip()
    except UnicodeDecodeError as exc:
        raise ProfileError(f"--signing-key-file {shown} is not a base64 or PEM key; give the private key Mux "
                           "gave when the signing key was created.") from exc


def run(args: argparse.Namespace) -> int:
    """Answers the exit code; raises ProfileError / KeyringUnavailableError for the caller to word."""
    store = open_store()
    command = args.env_command
    if command == "list":
        active = store.active
        for profile in store.profiles:
            mark = "*" if active and profile.id == active.id else " "
            confirm = " (confirms before creating)" if profile.confirm_create else ""
            print(f"{mark} {visible(profile.name)}  {visible(profile.token_id)}  {visible(profile.api_url, 200)}  "
                  f"{profile.colour}{confirm}")
        if not store.profiles:
            print("No environments yet: muxclipper env add NAME --token-id ID")
        return 0
    if command == "add":
        KeyringSecrets().check()
        endpoints = endpoints_for(args.env_api_base_url)
        fields: dict[str, object] = {"api_url": endpoints.api, "stream_url": endpoints.stream,
                                     "image_url": endpoints.image,
                                     "colour": args.colour or COLOURS[len(store.profiles) % len(COLOURS)]}
        if args.confirm is not None:
            fields["confirm_create"] = args.confirm
        signing = None
        if args.signing_key_file and not args.signing_key_id:
            raise ProfileError("--signing-key-file needs --signing-key-id, the id of that key in Mux.")
        if args.signing_key_id:
            if not args.signing_key_file:
                raise ProfileError("--signing-key-id needs --signing-key-file with the private key.")
            fields["signing_key_id"] = args.signing_key_id.strip()
        profile = new_profile(args.name, args.token_id, **fields)
        # Everything typed is checked before the secret is asked for, and nothing is saved unless all is good.
        check_profile(profile)
        if args.signing_key_file:
            signing = _read_signing_key(args.signing_key_file)
        secret = _read_secret(args.secret_stdin)
        code = 0
        if not args.no_test:  # tested before anything is saved: a failing one is kept only if the user says so
            report = asyncio.run(test_environment(Environment(profile.name, profile.endpoints,
                                                              Credentials(profile.token_id, secret))))
            print(report.message)
            code = exit_code(report)
            if not report.ok and not _keep_failing(args):
                print(f"muxclipper: {visible(profile.name)} was not added (nothing saved). Fix what the test says "
                      "and add it again, or add --keep-if-failing to keep it as it is (--no-test skips the test).",
                      file=sys.stderr)
                return code
        store.add(profile, secret, signing)
        kept = " although its connection test failed" if code else ""
        print(f"Added {visible(profile.name)}{kept}; its secret is in the keyring.")
        return code
    if command == "remove":
        profile = store.find(args.name)
        store.remove(profile)
        print(f"Removed {visible(profile.name)} and its keyring entries.")
        return 0
    if command == "test":
        chosen = store.find(args.name) if args.name else store.active
        if chosen is None:
            raise ProfileError("No environment to test: add one with muxclipper env add.")
        return _tested(store, chosen, f"{visible(chosen.name)}: ")
    if command == "use":
        chosen = store.find(args.name)
        store.set_active(chosen)
        print(f"{visible(chosen.name)} is now the active environment.")
        return 0
    raise AssertionError(command)


def exit_code(report: ConnectionReport) -> int:
    """The command line's exit code for a connection check (the README's table): 0 works, 3 credentials,
    5 network (unreachable, TLS, timing out, only 429), 4 anything else Mux (or not Mux) answered."""
    if report.ok:
        return 0
    if report.verdict == "wrong_credentials":
        return 3
    if report.verdict in ("unreachable", "tls_problem", "timed_out", "rate_limited"):
        return 5
    return 4


__all__ = ["KeyringUnavailableError", "exit_code", "ProfileError", "add_parser", "open_store", "run"]
