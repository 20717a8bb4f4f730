"""Signed playback URLs stay out of the log: their ``token=`` (a JWT anyone could replay for hours) is hidden.

httpx logs every request's URL at INFO, and the window's log file is at INFO: without this, each thumbnail of a signed
source would write a working token to disk. Installed on httpx's logger by the session that signs."""

from __future__ import annotations

import logging
import re

_TOKEN = re.compile(r"([?&]token=)[^&#\s\"']+")
HIDDEN = r"\1<hidden>"


def redact(text: str) -> str:
    """``text`` with the value of every ``token=`` query parameter hidden."""
    return _TOKEN.sub(HIDDEN, text)


class SignedUrlRedactor(logging.Filter):
    """Rewrites a record's message and arguments (httpx passes its ``URL`` object) before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "token=" in record.msg:
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(str(arg)) if "token=" in str(arg) else arg for arg in record.args)
        return True


REDACTOR = SignedUrlRedactor()


def install(logger_name: str = "httpx") -> None:
    """Idempotent: a filter is added to a logger once."""
    logging.getLogger(logger_name).addFilter(REDACTOR)
