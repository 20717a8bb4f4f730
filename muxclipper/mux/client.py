"""The async Mux REST client over an injected ``httpx.AsyncClient``.

Credentials go to the API origin only, per request (never set on the shared HTTP client, so the
stream and image hosts never see them), and redirects are not followed on API calls. Reads and
deletes are retried on connection errors, timeouts, 408, 429 and 5xx; creates never are — the clip
service decides what an unknown outcome means.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

from muxclipper.core.models import Asset, AssetPage, ClipRequest, LiveStream, PlaybackTarget
from muxclipper.core.sources import SourceRef
from muxclipper.mux import wire
from muxclipper.mux.budget import RateBudget
from muxclipper.mux.endpoints import DEFAULT_API, DEFAULT_IMAGE, DEFAULT_STREAM, Credentials, Endpoints
from muxclipper.mux.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    MuxError,
    NotFoundError,
    ResponseFormatError,
    for_status,
)
from muxclipper.mux.retry import RETRY_STATUSES, SAFE_METHODS, RetryPolicy, parse_retry_after

__all__ = ["DEFAULT_API", "DEFAULT_IMAGE", "DEFAULT_STREAM", "Credentials", "Endpoints", "MuxClient"]

class MuxClient:
    def __init__(self, http: httpx.AsyncClient, credentials: Credentials, endpoints: Endpoints | None = None,
                 *, budget: RateBudget | None = None, retry: RetryPolicy | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 rng: random.Random | None = None) -> None:
        self._http = http
        self._auth = httpx.BasicAuth(credentials.token_id, credentials.token_secret)
        self.endpoints = endpoints or Endpoints()
        self.budget = budget or RateBudget()
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        #: Requests actually sent, for tests and diagnostics.
        self.requests_sent = 0

    # ------------------------------------------------------------------ transport
    async def _request(self, method: str, path: str, *, action: str, params: dict[str, Any] | None = None,
                       body: Any = None, before_send: Callable[[], None] | None = None) -> Any:
        """``before_send`` is called once the budget lets the request go, just before it leaves: what it raises
        stops the request there (nothing was sent)."""
        url = f"{self.endpoints.api.rstrip('/')}{path}"
        may_retry = method in SAFE_METHODS
        attempt = 0
        started = time.monotonic()
        while True:
            await self.budget.acquire(method)
            if before_send is not None:
                before_send()
            error: MuxError
            retry_after: float | None = None
            try:
                self.requests_sent += 1
                response = await self._http.request(
                    method, url, params=params, json=body, auth=self._auth, follow_redirects=False,
                    headers={"accept": "application/json"})
            except httpx.TimeoutException as exc:
                error = ApiTimeoutError(f"Mux did not answer in time when asked to {action}.")
                error.__cause__ = exc
            except httpx.TransportError as exc:
                error = ApiConnectionError(self._transport_message(exc, action))
                error.__cause__ = exc
            else:
                if response.status_code < 300:
                    return self._parse(response, action)
                error = self._error(response, action)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if response.status_code == 429:
                    self.budget.penalise(retry_after if retry_after is not None else 1.0)
                if not (may_retry and response.status_code in RETRY_STATUSES):
                    raise error
            delay = self.retry.delay(attempt, retry_after, self._rng)
            deadline = self.retry.give_up_after_s
            if deadline is None:
                out_of_tries = attempt >= self.retry.max_retries
            else:  # a last try at the deadline, none after it
                left = deadline - (time.monotonic() - started)
                out_of_tries, delay = left <= 0, min(delay, max(left, 0.0))
            if not may_retry or out_of_tries:
                raise error
            await self._sleep(delay)
            attempt += 1

    @staticmethod
    def _transport_message(exc: httpx.TransportError, action: str) -> str:
        text = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
            return (f"The secure connection to Mux failed (TLS certificate problem) when asked to {action}. "
                    "Check the API address, or the proxy's certificate.")
        if isinstance(exc, httpx.ConnectError):
            return f"Could not connect to Mux to {action}."
        return f"The connection to Mux broke when asked to {action}."

    @staticmethod
    def _parse(response: httpx.Response, action: str) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except (ValueError, RecursionError) as exc:
            raise ResponseFormatError(f"Mux's answer when asked to {action} was not valid JSON.",
                                      status=response.status_code,
                                      request_id=response.headers.get("x-request-id")) from exc

    @staticmethod
    def _error(response: httpx.Response, action: str) -> MuxError:
        request_id = response.headers.get("x-request-id")
        if 300 <= response.status_code < 400:
            return ApiConnectionError(f"The API address redirects (HTTP {response.status_code}) when asked to "
                                      f"{action}; set it to the final address.", status=response.status_code,
                                      request_id=request_id)
        try:
            body = response.json()
        except (ValueError, RecursionError):
            body = None
        error_type, messages = wire.error_from_body(body)
        return for_status(response.status_code, error_type, messages, request_id, action)

    # ------------------------------------------------------------------ assets
    async def list_assets_page(self, *, limit: int = 100, cursor: str | None = None, page: int | None = None,
                               live_stream_id: str | None = None) -> AssetPage:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        elif page:
            params["page"] = page
        if live_stream_id:
            params["live_stream_id"] = live_stream_id
        return wire.asset_page_from_wire(await self._request("GET", "/video/v1/assets", action="list assets",
                                                             params=params))

    async def iter_asset_pages(self, *, limit: int = 100, live_stream_id: str | None = None,
                               ) -> AsyncIterator[AssetPage]:
        """Newest first, page by page, following ``next_cursor``."""
        cursor: str | None = None
        while True:
            page = await self.list_assets_page(limit=limit, cursor=cursor, live_stream_id=live_stream_id)
            yield page
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    async def get_asset(self, asset_id: str) -> Asset:
        data = await self._request("GET", f"/video/v1/assets/{asset_id}", action="read the asset")
        return wire.asset_from_wire(wire.envelope(data))

    async def create_clip(self, request: ClipRequest, passthrough: str,
                          before_send: Callable[[], None] | None = None) -> Asset:
        """``before_send``: a last look once the POST budget lets the create go (it may wait seconds there); what it
        raises means the create never left."""
        data = await self._request("POST", "/video/v1/assets", action="create the clip",
                                   body=wire.clip_to_wire(request, passthrough), before_send=before_send)
        return wire.asset_from_wire(wire.envelope(data))

    async def probe_write_permission(self) -> None:
        """An empty create: Mux answers 400 to a token that may write, 403 to one that may not.

        Nothing is created either way (the body has no inputs).
        """
        await self._request("POST", "/video/v1/assets", action="check write permission", body={})

    async def delete_asset(self, asset_id: str) -> None:
        await self._request("DELETE", f"/video/v1/assets/{asset_id}", action="delete the asset")

    # ------------------------------------------------------------------ live streams, playback ids
    async def list_live_streams(self, *, limit: int = 100, page: int = 1, status: str | None = None,
                                ) -> list[LiveStream]:
        params: dict[str, Any] = {"limit": limit, "page": page}
        if status:
            params["status"] = status
        data = wire.envelope(await self._request("GET", "/video/v1/live-streams", action="list live streams",
                                                 params=params))
        if not isinstance(data, list):
            raise ResponseFormatError("Mux's live stream list was not a list.")
        return [wire.live_stream_from_wire(item) for item in data]

    async def get_live_stream(self, stream_id: str) -> LiveStream:
        data = await self._request("GET", f"/video/v1/live-streams/{stream_id}", action="read the live stream")
        return wire.live_stream_from_wire(wire.envelope(data))

    async def resolve_playback_id(self, playback_id: str) -> PlaybackTarget:
        data = await self._request("GET", f"/video/v1/playback-ids/{playback_id}",
                                   action="look up the playback id")
        return wire.playback_target_from_wire(wire.envelope(data))

    async def resolve_source(self, ref: SourceRef) -> Asset:
        """The asset a pasted id or URL names; a live stream's id gives its active recording."""
        if ref.kind == "id":
            try:
                return await self.get_asset(ref.value)
            except NotFoundError:
                pass  # not an asset id: perhaps a playback id
        try:
            target = await self.resolve_playback_id(ref.value)
        except NotFoundError as exc:
            raise NotFoundError(f"{ref.value} is neither an asset nor a playback id in this environment.",
                                status=404) from exc
        if target.object_type == "live_stream":
            stream = await self.get_live_stream(target.object_id)
            if not stream.active_asset_id:
                raise ApiError(f"Live stream {stream.id} is not recording now; open one of its recordings "
                               "instead.", status=None)
            return await self.get_asset(stream.active_asset_id)
        return await self.get_asset(target.object_id)
