"""Keep secrets that travel in URLs out of logs.

ODK Collect cannot send a password over plain HTTP, so devices at a border post use
ODK Central's scheme: a token inside the URL (/openrosa/key/<token>/…). Anyone who
can read an access log could otherwise act as that device.
"""

from __future__ import annotations

import logging
import re

_TOKEN_IN_PATH = re.compile(r"(/openrosa/key/)[^/\s?]+")


def redact(text: str) -> str:
    """Return `text` with any device token in a URL path replaced by '***'."""
    return _TOKEN_IN_PATH.sub(r"\1***", text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts device tokens from the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
