"""When the disk holding Haven's data is full: a clean refusal, the data intact.

SQLite answers "database or disk is full" (SQLITE_FULL) and rolls the transaction back;
PostgreSQL answers SQLSTATE 53100 ("could not extend file ...: No space left on
device"); a file written under var/ raises OSError ENOSPC. Nothing of the request is
stored, and the work resumes by itself once space is freed. Each adapter maps it once,
beside the busy database (haven.core.busy): the API answers 507 Insufficient Storage
with a JSON body, OpenRosa 503 with Retry-After (ODK Collect keeps the form and sends it
again), pages a 507 page saying so, the CLI a message and a non-zero exit.
"""

from __future__ import annotations

import errno

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 60  # freeing space takes a person, not a moment
MESSAGE = ("The disk holding Haven's data is full; nothing was stored. Tell the "
           "administrator, then send it again.")
_FULL_MESSAGES = (
    "database or disk is full",  # SQLite, SQLITE_FULL
    "no space left on device",  # PostgreSQL and the operating system
    "disk quota exceeded",
)
_FULL_SQLSTATES = {"53100"}  # PostgreSQL disk_full


def is_disk_full(exc: BaseException) -> bool:
    """Whether the error means "no space left", not a broken query or file."""
    if isinstance(exc, OSError) and exc.errno in {errno.ENOSPC, errno.EDQUOT}:
        return True
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _FULL_SQLSTATES:
        return True
    return any(m in str(exc).lower() for m in _FULL_MESSAGES)


def disk_full_page(request: HttpRequest) -> HttpResponse:
    """Return the page a person sees; rendered without the base template (no database)."""
    response = HttpResponse(render_to_string("core/disk_full.html", request=request),
                            status=507)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
