"""Signed playback URLs stay out of the log: their ``token=`` (a JWT anyone could replay for hours) is hidden.

httpx logs every request's URL at INFO; at debug level Qt's FFmpeg logs every playlist and segment it opens, with
the token (``[hls @ 0x…] Opening 'https://stream…/seg_3.ts?token=eyJ…'``); Qt's own messages may quote a URL too.
So the filter sits on the **handlers** (the window's log file, a command's stderr), where every record passes
whichever logger made it — a filter on one logger sees only that logger's records. A JWT anywhere in a line (not
only after ``token=``) is hidden as well.

The handlers also fail quietly: a full disk made Python print "--- Logging error ---" and a traceback for every
line. The first failure is kept (:func:`logging_failure`) for the window to say once; the rest are dropped.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

_TOKEN = re.compile(r"([?&]token=)[^&#\s\"']+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+")
HIDDEN = r"\1<hidden>"


def redact(text: str) -> str:
    """``text`` with the value of every ``token=`` query parameter, and every JWT, hidden."""
    if "token=" in text:
        text = _TOKEN.sub(HIDDEN, text)
    if "eyJ" in text:
        text = _JWT.sub("<hidden>", text)
    return text


def _secret_in(text: str) -> bool:
    return "token=" in text or "eyJ" in text


class SignedUrlRedactor(logging.Filter):
    """Rewrites a record's message and arguments (httpx passes its ``URL`` object) before any handler writes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and _secret_in(record.msg):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(str(arg)) if _secret_in(str(arg)) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: redact(str(arg)) if _secret_in(str(arg)) else arg for key, arg in record.args.items()}
        return True


REDACTOR = SignedUrlRedactor()


def install(logger_name: str = "httpx") -> None:
    """Idempotent: a filter is added to a logger once (the handlers have it too: :func:`guard_handler`)."""
    logging.getLogger(logger_name).addFilter(REDACTOR)


_failure: list[str] = []
_listeners: list[Callable[[str], None]] = []
_failure_lock = threading.Lock()


def logging_failure() -> str | None:
    """Why the log could not be written, the first time it could not (None: it always could)."""
    with _failure_lock:
        return _failure[0] if _failure else None


def note_logging_failure(text: str) -> None:
    """Keep the first failure and tell the listeners (once)."""
    with _failure_lock:
        if _failure:
            return
        _failure.append(text)
        listeners = list(_listeners)
    for listener in listeners:
        listener(text)


def on_logging_failure(listener: Callable[[str], None]) -> None:
    """Call ``listener`` with the failure (at once if it happened already); it may be called from any thread."""
    with _failure_lock:
        _listeners.append(listener)
        told = _failure[0] if _failure else None
    if told is not None:
        listener(told)


def _quiet_error(handler: logging.Handler, record: logging.LogRecord) -> None:
    """``Handler.handleError`` without the traceback on stderr: the first failure is kept, the line dropped."""
    del record
    import sys

    error = sys.exc_info()[1]
    where = getattr(handler, "baseFilename", None)
    reason = getattr(error, "strerror", None) or (type(error).__name__ if error is not None else "unknown error")
    note_logging_failure(f"The log file {where} cannot be written ({reason}); muxclipper goes on without it. "
                         "Free some disk space (or make the folder writable) to have a log again."
                         if where else f"The log cannot be written ({reason}).")


def guard_handler(handler: logging.Handler) -> logging.Handler:
    """``handler`` hiding signed-URL tokens from every record, and failing quietly (see the module's docstring)."""
    if REDACTOR not in handler.filters:
        handler.addFilter(REDACTOR)
    handler.handleError = lambda record: _quiet_error(handler, record)  # type: ignore[method-assign]
    return handler
