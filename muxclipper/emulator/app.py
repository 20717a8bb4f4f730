"""The emulator's ASGI application: API routes, control routes, Mux-shaped errors, the gate."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from muxclipper.emulator.config import EmulatorConfig
from muxclipper.emulator.demo import seed_demo_content
from muxclipper.emulator.errors import MuxApiError, error_response
from muxclipper.emulator.gate import Gate
from muxclipper.emulator.routes_api import api_routes
from muxclipper.emulator.routes_control import control_routes
from muxclipper.emulator.routes_media import media_routes
from muxclipper.emulator.runtime import Runtime


async def _mux_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MuxApiError)
    return error_response(exc.status, exc.messages, exc.type)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return error_response(405, [f"{request.method} is not allowed on {request.url.path}."],
                              "method_not_allowed")
    return error_response(exc.status_code)


class EmulatorApp(Gate):
    """The emulator as one ASGI callable; ``runtime`` gives tests its state, faults and log."""


def create_app(config: EmulatorConfig | None = None, runtime: Runtime | None = None) -> EmulatorApp:
    """Build the app, for ``httpx.ASGITransport`` in-process or a server on a socket."""
    runtime = runtime or Runtime.from_config(config or EmulatorConfig())
    if runtime.config.demo_content:
        seed_demo_content(runtime.state)
    routes = Starlette(
        routes=[*api_routes(runtime), *control_routes(runtime), *media_routes(runtime)],
        exception_handlers={MuxApiError: _mux_error, HTTPException: _http_error},
    )
    return EmulatorApp(routes, runtime)
