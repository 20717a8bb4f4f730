"""**Test connection**: two cheap requests that tell precisely what a set of credentials can do.

1. ``GET /video/v1/assets?limit=1`` — can the token read at all?
2. ``POST /video/v1/assets`` with an empty body — Mux checks permission before the body, so a token
   with Video Write gets 400 (invalid parameters: nothing is created) and one without gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import httpx

from muxclipper.mux.client import MuxClient
from muxclipper.mux.errors import (
    ApiConnectionError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    MuxError,
    PermissionDeniedError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
)

if TYPE_CHECKING:
    from muxclipper.services.environment import Environment

#: As a session's (services/session.py): a slow answer is waited for, an unreachable host is said soon.
CHECK_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class Verdict(StrEnum):
    WORKS = "works"
    READ_ONLY = "read_only"
    WRONG_CREDENTIALS = "wrong_credentials"
    UNREACHABLE = "unreachable"
    TLS_PROBLEM = "tls_problem"
    TIMED_OUT = "timed_out"
    RATE_LIMITED = "rate_limited"
    NOT_MUX = "not_mux"
    SERVER_ERROR = "server_error"


@dataclass(frozen=True)
class ConnectionReport:
    verdict: Verdict
    message: str

    @property
    def ok(self) -> bool:
        return self.verdict in (Verdict.WORKS, Verdict.READ_ONLY)


def _report(exc: MuxError) -> ConnectionReport:
    if isinstance(exc, AuthenticationError):
        return ConnectionReport(Verdict.WRONG_CREDENTIALS, "Wrong token id or secret: Mux refused them. Copy both "
                                "again from the Mux dashboard (Settings → Access Tokens); they must be a pair.")
    if isinstance(exc, ApiTimeoutError):
        return ConnectionReport(Verdict.TIMED_OUT, "The environment did not answer in time. Check the network, "
                                "or try again in a moment.")
    if isinstance(exc, ApiConnectionError):
        if "TLS" in str(exc):
            return ConnectionReport(Verdict.TLS_PROBLEM, str(exc))
        return ConnectionReport(Verdict.UNREACHABLE, f"{exc} Check the network and the API address.")
    if isinstance(exc, RateLimitError):
        return ConnectionReport(Verdict.RATE_LIMITED, "Mux is rate limiting this environment right now; the "
                                "credentials may be fine. Try again in a minute.")
    if isinstance(exc, ResponseFormatError):
        return ConnectionReport(Verdict.NOT_MUX, "Something answered, but not like Mux does: check the API address.")
    if isinstance(exc, ServerError):
        return ConnectionReport(Verdict.SERVER_ERROR, f"{exc} Try again in a moment.")
    return ConnectionReport(Verdict.NOT_MUX, exc.user_message)


async def check_connection(client: MuxClient) -> ConnectionReport:
    try:
        await client.list_assets_page(limit=1)
    except MuxError as exc:
        return _report(exc)
    try:
        await client.probe_write_permission()
    except BadRequestError:
        return ConnectionReport(Verdict.WORKS, "Works: the token can read assets and create clips.")
    except PermissionDeniedError:
        return ConnectionReport(Verdict.READ_ONLY, "The token can read but not create assets: give it Video "
                                "Write permission in the Mux dashboard to make clips.")
    except MuxError as exc:
        report = _report(exc)
        return ConnectionReport(Verdict.WORKS, "Works: the token can read assets (whether it may create clips "
                                f"could not be checked: {report.message})")
    return ConnectionReport(Verdict.WORKS, "Works: the token can read assets and create clips.")


async def test_environment(environment: Environment) -> ConnectionReport:
    """Test connection for ``environment`` as typed (the window's Environments dialog, ``muxclipper env add/test``),
    on a client of its own: nothing of an open session is touched."""
    async with httpx.AsyncClient(timeout=CHECK_TIMEOUT) as http:
        return await check_connection(MuxClient(http, environment.credentials, environment.endpoints))
