"""Test connection reports precisely what works and what to do."""

from __future__ import annotations

import httpx
import pytest

from muxclipper.mux.client import Credentials, Endpoints, MuxClient
from muxclipper.services.connection_check import Verdict, check_connection
from tests.emulator.helpers import RO, RW, Emu
from tests.mux.conftest import FAST_RETRY, make_client

pytestmark = pytest.mark.asyncio


async def _check(emu: Emu, auth: tuple[str, str] = RW, url: str | None = None) -> tuple[Verdict, str]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(1.0)) as http:
        client = make_client(http, url or emu.url, auth)
        report = await check_connection(client)
    return report.verdict, report.message


async def test_works_and_nothing_is_created(emu: Emu) -> None:
    verdict, message = await _check(emu)
    assert verdict is Verdict.WORKS and "create clips" in message
    assert emu.api.get("/video/v1/assets").json()["data"] == []


async def test_read_only_token(emu: Emu) -> None:
    verdict, message = await _check(emu, RO)
    assert verdict is Verdict.READ_ONLY and "Video Write" in message


async def test_wrong_secret(emu: Emu) -> None:
    verdict, message = await _check(emu, ("test-token-id", "wrong"))
    assert verdict is Verdict.WRONG_CREDENTIALS and "wrong" not in message.split(":")[-1]


async def test_unreachable(emu: Emu) -> None:
    async with httpx.AsyncClient() as http:
        client = MuxClient(http, Credentials(*RW), Endpoints.for_origin("http://127.0.0.1:9"), retry=FAST_RETRY)
        report = await check_connection(client)
    assert report.verdict is Verdict.UNREACHABLE and "API address" in report.message


async def test_rate_limited_and_not_mux(emu: Emu) -> None:
    emu.fault(kind="status", status=429, times=5)
    assert (await _check(emu))[0] is Verdict.RATE_LIMITED
    emu.ctl("DELETE", "faults")
    emu.fault(kind="malformed", method="GET")
    assert (await _check(emu))[0] is Verdict.NOT_MUX


async def test_timeout(emu: Emu) -> None:
    emu.fault(kind="delay", method="GET", delay_ms=3000, times=5)
    assert (await _check(emu))[0] is Verdict.TIMED_OUT


async def test_tls_problem_is_named() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = MuxClient(http, Credentials("a", "b"), Endpoints("https://api.example"), retry=FAST_RETRY)
        report = await check_connection(client)
    assert report.verdict is Verdict.TLS_PROBLEM and "certificate" in report.message
