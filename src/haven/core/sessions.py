"""Database sessions that survive a busy database.

Sessions are saved on every request (their age is the idle timeout). When another writer
holds the lock past the busy timeout, refreshing an existing session's expiry must not
turn a page that was read fine into an error: that refresh is skipped. Creating a session
(a login) still fails loudly.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from haven.core.busy import is_busy


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except Exception as exc:
            if must_create or not is_busy(exc):
                raise
