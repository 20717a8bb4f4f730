"""A MuxClient on the loopback emulator, with fast retries so tests do not wait."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from muxclipper.mux.budget import BudgetLimits, RateBudget
from muxclipper.mux.client import Credentials, Endpoints, MuxClient
from muxclipper.mux.retry import RetryPolicy
from tests.emulator.helpers import RO, RW, Emu

FAST_RETRY = RetryPolicy(max_retries=4, base_delay=0.01, max_delay=0.05)
LOOSE_BUDGET = BudgetLimits(post_per_second=100, post_burst=50, other_per_second=100, other_burst=50)


def make_client(http: httpx.AsyncClient, url: str, auth: tuple[str, str] = RW) -> MuxClient:
    return MuxClient(http, Credentials(*auth), Endpoints.for_origin(url), budget=RateBudget(LOOSE_BUDGET),
                     retry=FAST_RETRY)


@pytest_asyncio.fixture
async def client(emu: Emu) -> AsyncIterator[MuxClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0)) as http:
        yield make_client(http, emu.url)


@pytest_asyncio.fixture
async def ro_client(emu: Emu) -> AsyncIterator[MuxClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0)) as http:
        yield make_client(http, emu.url, RO)
