"""The API host: ``/video/v1/…`` and ``/system/v1/…`` as Mux serves them, ``{"data": …}`` and all."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from muxclipper.emulator import file_inputs
from muxclipper.emulator import validation as v
from muxclipper.emulator.errors import invalid
from muxclipper.emulator.runtime import Runtime
from muxclipper.emulator.state.core import ASSET, LIVE_STREAM

Endpoint = Callable[[Request], Awaitable[Response]]


def data(payload: Any, status: int = 200) -> JSONResponse:
    return JSONResponse({"data": payload}, status_code=status)


def no_content() -> Response:
    return Response(status_code=204)


async def json_body(request: Request, *, optional: bool = False) -> Any:
    raw = await request.body()
    if not raw.strip():
        if optional:
            return {}
        raise invalid("The request body is empty; send a JSON object.")
    return v.parse_json_body(raw)


def int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    # ASCII digits only, and few of them: int() would read "٣" as 3 and refuse 5,000 digits with a ValueError.
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 18):
        raise invalid(f"{name} must be a whole number; got {raw[:40]!r}.")
    return int(raw)


def api_routes(rt: Runtime) -> list[Route]:
    state = rt.state

    async def create_asset(request: Request) -> Response:
        spec = v.parse_create_asset(await json_body(request))
        file_inputs.check([spec.main.url, *(t.url for t in spec.text_inputs), *(o.url for o in spec.overlays)],
                          request.client.host if request.client else None, rt.config.file_folders)
        return data(state.create_asset(spec), 201)

    async def list_assets(request: Request) -> Response:
        rows, cursor = state.list_assets(
            limit=int_param(request, "limit"), page=int_param(request, "page"),
            cursor=request.query_params.get("cursor") or None,
            live_stream_id=request.query_params.get("live_stream_id") or None,
            upload_id=request.query_params.get("upload_id") or None)
        return JSONResponse({"data": rows, "next_cursor": cursor})

    async def get_asset(request: Request) -> Response:
        return data(state.get_asset(request.path_params["asset_id"]))

    async def update_asset(request: Request) -> Response:
        spec = v.parse_update_asset(await json_body(request))
        return data(state.update_asset(request.path_params["asset_id"], spec))

    async def delete_asset(request: Request) -> Response:
        state.delete_asset(request.path_params["asset_id"])
        return no_content()

    def playback_routes(kind: str, prefix: str, owner_param: str) -> list[Route]:
        async def create(request: Request) -> Response:
            policy = v.parse_playback_policy(await json_body(request, optional=True))
            return data(state.add_playback_id(kind, request.path_params[owner_param], policy), 201)

        async def get(request: Request) -> Response:
            return data(state.get_playback_id(kind, request.path_params[owner_param],
                                              request.path_params["playback_id"]))

        async def delete(request: Request) -> Response:
            state.delete_playback_id(kind, request.path_params[owner_param], request.path_params["playback_id"])
            return no_content()

        return [
            Route(f"{prefix}/playback-ids", create, methods=["POST"]),
            Route(f"{prefix}/playback-ids/{{playback_id}}", get, methods=["GET"]),
            Route(f"{prefix}/playback-ids/{{playback_id}}", delete, methods=["DELETE"]),
        ]

    async def resolve_playback_id(request: Request) -> Response:
        return data(state.resolve_playback_id(request.path_params["playback_id"]))

    async def create_live_stream(request: Request) -> Response:
        spec = v.parse_create_live_stream(await json_body(request, optional=True))
        return data(state.create_live_stream(spec), 201)

    async def list_live_streams(request: Request) -> Response:
        return data(state.list_live_streams(
            limit=int_param(request, "limit"), page=int_param(request, "page"),
            status=request.query_params.get("status") or None,
            stream_key=request.query_params.get("stream_key") or None))

    async def get_live_stream(request: Request) -> Response:
        return data(state.get_live_stream(request.path_params["stream_id"]))

    async def delete_live_stream(request: Request) -> Response:
        state.delete_live_stream(request.path_params["stream_id"])
        return no_content()

    async def complete_live_stream(request: Request) -> Response:
        state.complete_live_stream(request.path_params["stream_id"])
        return data({})

    async def create_signing_key(request: Request) -> Response:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
        public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
        doc = state.add_signing_key(public_pem.decode())
        # Mux returns the private key once, base64 of the PEM, and keeps only the public half.
        doc["private_key"] = base64.b64encode(private_pem).decode()
        return data(doc, 201)

    async def list_signing_keys(request: Request) -> Response:
        return data(state.list_signing_keys(int_param(request, "limit"), int_param(request, "page")))

    async def get_signing_key(request: Request) -> Response:
        return data(dict(state.signing_key(request.path_params["key_id"]).doc))

    async def delete_signing_key(request: Request) -> Response:
        state.delete_signing_key(request.path_params["key_id"])
        return no_content()

    assets = "/video/v1/assets"
    streams = "/video/v1/live-streams"
    return [
        Route(assets, list_assets, methods=["GET"]),
        Route(assets, create_asset, methods=["POST"]),
        Route(f"{assets}/{{asset_id}}", get_asset, methods=["GET"]),
        Route(f"{assets}/{{asset_id}}", update_asset, methods=["PATCH"]),
        Route(f"{assets}/{{asset_id}}", delete_asset, methods=["DELETE"]),
        *playback_routes(ASSET, f"{assets}/{{asset_id}}", "asset_id"),
        Route("/video/v1/playback-ids/{playback_id}", resolve_playback_id, methods=["GET"]),
        Route(streams, list_live_streams, methods=["GET"]),
        Route(streams, create_live_stream, methods=["POST"]),
        Route(f"{streams}/{{stream_id}}", get_live_stream, methods=["GET"]),
        Route(f"{streams}/{{stream_id}}", delete_live_stream, methods=["DELETE"]),
        Route(f"{streams}/{{stream_id}}/complete", complete_live_stream, methods=["PUT"]),
        *playback_routes(LIVE_STREAM, f"{streams}/{{stream_id}}", "stream_id"),
        Route("/system/v1/signing-keys", list_signing_keys, methods=["GET"]),
        Route("/system/v1/signing-keys", create_signing_key, methods=["POST"]),
        Route("/system/v1/signing-keys/{key_id}", get_signing_key, methods=["GET"]),
        Route("/system/v1/signing-keys/{key_id}", delete_signing_key, methods=["DELETE"]),
    ]
