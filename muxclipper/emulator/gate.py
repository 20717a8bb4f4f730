"""ASGI middleware in front of every route: faults, Basic auth, rate limits, the request log.

Only the API host (``/video/…``, ``/system/…``) asks for credentials and is rate limited; the stream
and image hosts are public as on Mux, and ``/_emulator/…`` control routes are neither logged nor
checked.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from muxclipper.emulator.errors import error_body
from muxclipper.emulator.faults import Fault
from muxclipper.emulator.requestlog import LoggedRequest
from muxclipper.emulator.runtime import Runtime

API_PREFIXES = ("/video/", "/system/")
CONTROL_PREFIX = "/_emulator/"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ConnectionDroppedError(Exception):
    """An injected drop where no socket exists (in-process ``httpx.ASGITransport``)."""


def _json_message(status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]] | None = None,
                  ) -> tuple[Message, Message]:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    return ({"type": "http.response.start", "status": status, "headers": headers + (extra or [])},
            {"type": "http.response.body", "body": data, "more_body": False})


def _cycle(send: Send) -> Any:
    """uvicorn's request cycle behind its bound ``send`` (None in-process, under ASGITransport); through the
    gate's logging wrapper, which names the ``send`` it wraps as ``__wrapped__``."""
    return getattr(getattr(send, "__wrapped__", send), "__self__", None)


def _client_gone(send: Send) -> bool:
    return bool(getattr(_cycle(send), "disconnected", False))


async def _read_body(receive: Receive) -> bytes:
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body.extend(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _drop(send: Send) -> None:
    """Close the TCP connection without an answer.

    uvicorn's h11 cycle keeps its transport on the bound ``send``; aborting it is the only way an
    ASGI app can hang up. The short wait lets uvicorn see the loss, so it does not log an error or
    try to send a 500 of its own.
    """
    cycle = _cycle(send)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionDroppedError("the emulator dropped the connection (injected fault)")
    transport.abort()
    for _ in range(100):
        if getattr(cycle, "disconnected", False):
            break
        await asyncio.sleep(0)


_FUTURE_ENUMS = {"video_quality": "ultra", "ingest_type": "on_demand_future", "max_resolution_tier": "4320p"}


def _future_body(body: bytes, kind: str) -> bytes:
    """The answer as a newer Mux might send it: extra fields and enum values this client has never seen."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    if not isinstance(doc, dict):
        return body
    items = doc.get("data")
    objects = [o for o in (items if isinstance(items, list) else [items]) if isinstance(o, dict)]
    for obj in objects:
        if kind == "unknown_status":
            if "status" in obj:
                obj["status"] = "awaiting_review"
            continue
        obj["x_future_field"] = {"nested": [1, "two", None]}
        for key, value in _FUTURE_ENUMS.items():
            if key in obj:
                obj[key] = value
        if isinstance(obj.get("progress"), dict):
            obj["progress"]["state"] = "transcoding_future"
    if kind == "extra_fields":
        doc["x_future_top_level"] = True
    return json.dumps(doc).encode()


#: Larger bodies are not kept in the log (it holds up to 100,000 entries); Mux's own bodies are a few hundred bytes.
MAX_LOGGED_BODY = 64 * 1024


def _logged_body(method: str, path: str, body: bytes) -> Any:
    """A write to the API's body as JSON; None for reads, the media hosts, what is not JSON and what is too large
    or too deep to keep (the request itself is judged by the API, whatever it is)."""
    if method not in WRITE_METHODS or not path.startswith(API_PREFIXES) or not body or len(body) > MAX_LOGGED_BODY:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


async def _discard(message: Message) -> None:
    """The ``send`` for an answer whose client has gone."""


class Gate:
    """The outermost ASGI layer, so that ``send`` is the server's own (needed to hang up)."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        arrived = self.runtime.state.clock.now()
        # The body is read once, up front: kept for the log, judged on what fully arrived when a fault delays the
        # request, and replayed to the routes.
        sent_body = await _read_body(receive)
        receive = _replay(sent_body, receive)
        epoch = self.runtime.log.epoch
        method: str = scope["method"]
        path: str = scope["path"]
        headers = dict(scope.get("headers", []))
        fault = self.runtime.faults.take(method, path)
        status: int | None = None
        answered: int | None = None  # the status sent, once the response has started
        logged = False
        def record(final: int | None) -> None:
            nonlocal logged
            if not logged:
                logged = True
                self.runtime.log.add(LoggedRequest(
                    method=method, path=path, query=scope.get("query_string", b"").decode("latin-1"),
                    status=final, time=arrived, duration_ms=(time.perf_counter() - started) * 1000,
                    authorization=b"authorization" in headers, fault=fault.kind if fault else None,
                    body=_logged_body(method, path, sent_body)), epoch)

        async def send_logged(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                # Logged before the last of the answer leaves: a client that reads the log after its response
                # always finds the request there (logging after the send raced with such a reader).
                record(answered)
            await send(message)

        send_logged.__wrapped__ = send  # type: ignore[attr-defined]
        try:
            status = await self._handle(scope, receive, send_logged, method, path, headers, fault)
        finally:
            record(status)  # dropped or cut short: what is known

    async def _handle(self, scope: Scope, receive: Receive, send: Send, method: str, path: str,
                      headers: dict[bytes, bytes], fault: Fault | None) -> int | None:
        if fault is not None:
            if fault.kind == "status":
                extra = [(b"retry-after", f"{fault.retry_after:g}".encode())] if fault.retry_after else []
                for message in _json_message(fault.status, error_body(fault.status), extra):
                    await send(message)
                return fault.status
            if fault.when == "before" and fault.kind == "delay":
                await asyncio.sleep(fault.delay_ms / 1000)
                if _client_gone(send) and not fault.acts_if_abandoned:
                    return None  # like a request that timed out in a queue: never acted on
                if _client_gone(send):
                    await self._pass(scope, receive, _discard)  # acts, and nobody hears the answer
                    return None
            if fault.when == "before" and fault.kind == "drop":
                await _drop(send)
                return None
        if path.startswith(API_PREFIXES):
            refusal = self._refuse(method, headers)
            if refusal is not None:
                for message in _json_message(refusal, error_body(refusal)):
                    await send(message)
                return refusal
        if fault is None or (fault.kind == "delay" and fault.when == "before"):
            return await self._pass(scope, receive, send)
        return await self._after(scope, receive, send, fault)

    def _refuse(self, method: str, headers: dict[bytes, bytes]) -> int | None:
        token = self._token(headers.get(b"authorization"))
        if token is None:
            return 401
        if token.read_only and method in WRITE_METHODS:
            return 403
        if not self.runtime.limiter.allow(method):
            return 429
        return None

    def _token(self, header: bytes | None) -> Any:
        if not header or header[:6].lower() != b"basic ":
            return None
        try:
            user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        for token in self.runtime.tokens:
            # Compare both halves in constant time so a timing probe learns nothing.
            same_id = hmac.compare_digest(user.encode(), token.id.encode())
            same_secret = hmac.compare_digest(password.encode(), token.secret.encode())
            if same_id and same_secret:
                return token
        return None

    async def _pass(self, scope: Scope, receive: Receive, send: Send) -> int | None:
        status: int | None = None

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        return status

    async def _after(self, scope: Scope, receive: Receive, send: Send, fault: Fault) -> int | None:
        """Let the route act, hold its answer, then spoil the answer as the fault says."""
        start: Message | None = None
        body = bytearray()

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(scope, receive, capture)
        assert start is not None
        status = int(start["status"])
        if fault.kind == "delay":
            await asyncio.sleep(fault.delay_ms / 1000)
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body), "more_body": False})
            return status
        if fault.kind == "drop":
            await _drop(send)
            return None
        if fault.kind in ("extra_fields", "unknown_status"):
            changed = _future_body(bytes(body), fault.kind)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers += [(b"content-length", str(len(changed)).encode()), (b"x-emulator-fault", fault.kind.encode())]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": changed, "more_body": False})
            return status
        if fault.kind == "malformed":
            junk = bytes(body[: max(len(body) // 2, 1)]) or b"{"
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers += [(b"content-length", str(len(junk)).encode()), (b"x-emulator-fault", b"malformed")]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": junk, "more_body": False})
            return status
        # truncate: promise the whole body, deliver half of it, hang up.
        await send(start)
        await send({"type": "http.response.body", "body": bytes(body[: len(body) // 2]), "more_body": True})
        await _drop(send)
        return status
