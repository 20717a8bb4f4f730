"""Mux's error bodies, and the exception the routes raise to send one.

Two shapes exist on the real API (see shared/mux-api.md)::

    {"error": {"type": "invalid_parameters", "messages": ["..."]}}   # 400, 401, 403, 404, 5xx
    {"errors": ["Too many requests, retry later."]}                  # 429 only
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

RATE_LIMITED_MESSAGE = "Too many requests, retry later."

#: The ``type`` Mux uses (or, where marked in docs/emulator.md, that we guess) for each status.
TYPE_FOR_STATUS: dict[int, str] = {
    400: "invalid_parameters",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    408: "request_timeout",
    409: "conflict",
    412: "precondition_failed",
    500: "internal_server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}

DEFAULT_MESSAGES: dict[int, str] = {
    401: "Unauthorized request",
    403: "This access token does not have permission to do that.",
    404: "The requested resource either doesn't exist or you don't have access to it.",
    500: "An internal error occurred.",
    502: "Bad gateway.",
    503: "The service is temporarily unavailable, please retry.",
    504: "The gateway timed out.",
}


class MuxApiError(Exception):
    """Raised by a route to answer with Mux's error body."""

    def __init__(self, status: int, messages: list[str] | str | None = None, type_: str | None = None):
        if messages is None:
            messages = [DEFAULT_MESSAGES.get(status, "Error.")]
        elif isinstance(messages, str):
            messages = [messages]
        super().__init__("; ".join(messages))
        self.status = status
        self.messages = messages
        self.type = type_ or TYPE_FOR_STATUS.get(status, "error")


def invalid(*messages: str) -> MuxApiError:
    return MuxApiError(400, list(messages))


def not_found() -> MuxApiError:
    return MuxApiError(404)


def error_body(status: int, messages: list[str] | None = None, type_: str | None = None) -> dict[str, Any]:
    """The JSON body Mux sends for ``status``."""
    if status == 429:
        return {"errors": [RATE_LIMITED_MESSAGE]}
    err = MuxApiError(status, messages, type_)
    return {"error": {"type": err.type, "messages": err.messages}}


def error_response(status: int, messages: list[str] | None = None, type_: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, messages, type_), status_code=status, headers=headers)
