"""Errors from the Mux API, mapped from HTTP to a small tree (after httpx and Mux's Node SDK)::

    MuxError
    ├── ApiError                    Mux answered with an error status
    │   ├── BadRequestError         400 invalid_parameters
    │   ├── AuthenticationError     401
    │   ├── PermissionDeniedError   403
    │   ├── NotFoundError           404
    │   ├── RateLimitError          429
    │   └── ServerError             5xx (and other statuses)
    ├── ApiConnectionError          no answer: refused, reset, DNS, TLS, dropped mid-way
    │   └── ApiTimeoutError         no answer in time
    └── ResponseFormatError         an answer that is not what Mux sends (bad JSON, wrong shape)

Each carries the HTTP status, Mux's error ``type`` and ``messages`` and the ``x-request-id``; its
``str()`` is a sentence a producer can act on. No message ever holds a credential.
"""

from __future__ import annotations


class MuxError(Exception):
    """Base of every error the client raises."""

    #: What the user should do next; shown after the message.
    advice: str = ""

    def __init__(self, message: str, *, status: int | None = None, error_type: str | None = None,
                 messages: tuple[str, ...] = (), request_id: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.messages = messages
        self.request_id = request_id

    @property
    def user_message(self) -> str:
        return f"{self} {self.advice}".strip()


class ApiError(MuxError):
    pass


class BadRequestError(ApiError):
    advice = "Check the values and try again."


class AuthenticationError(ApiError):
    advice = ("Check the access token id and secret: they must be a pair from the same Mux environment, "
              "and the token must not be revoked.")


class PermissionDeniedError(ApiError):
    advice = "Give the token Video Write permission in the Mux dashboard (Settings → Access Tokens)."


class NotFoundError(ApiError):
    advice = "It may have been deleted, or belong to another environment."


class RateLimitError(ApiError):
    advice = "Mux is limiting requests; muxclipper will slow down and try again."


class ServerError(ApiError):
    advice = "Mux had a problem; try again in a moment."


class ApiConnectionError(MuxError):
    advice = "Check the network connection and the API address in the environment's settings."


class ApiTimeoutError(ApiConnectionError):
    advice = "Mux did not answer in time; muxclipper checks whether the request took effect before retrying."


class ResponseFormatError(MuxError):
    advice = "The answer was not Mux's usual format: check the API address (a proxy or captive portal?)."


_BY_STATUS: dict[int, tuple[type[ApiError], str]] = {
    400: (BadRequestError, "Mux refused to {action}: {detail}"),
    401: (AuthenticationError, "Mux did not accept the credentials when asked to {action}."),
    403: (PermissionDeniedError, "The token may not {action}."),
    404: (NotFoundError, "Mux could not find what was needed to {action}."),
    429: (RateLimitError, "Too many requests to {action} just now."),
}


def for_status(status: int, error_type: str | None, messages: tuple[str, ...], request_id: str | None,
               action: str) -> ApiError:
    """The error for an HTTP error answer to ``action`` (e.g. "create the clip")."""
    detail = " ".join(m.rstrip(".") + "." for m in messages) if messages else ""
    kind, template = _BY_STATUS.get(
        status, (ServerError, f"Mux answered HTTP {status} when asked to {{action}}. {{detail}}"))
    message = template.format(action=action, detail=detail or ("invalid parameters." if status == 400 else "")).strip()
    return kind(message, status=status, error_type=error_type, messages=messages, request_id=request_id)
