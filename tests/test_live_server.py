"""The live server that browser tests drive answers concurrent requests correctly.

On SQLite the test database is in memory and every thread of the live server shares the
test's one connection. A page that loads two photographs at once ran two views on it at the
same moment, their transactions interleaved, and the broken connection failed every test
after it. The conftest serialises the live server's requests; this test is what a browser
does to it, only harder: many readers of audited records at once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings
from django.test import Client

from haven.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, EACH = 6, 8


def test_concurrent_audited_reads_all_answer_and_are_all_audited(live_server, users,
                                                                  make_household):
    household = make_household(site="goris")
    client = Client()
    client.force_login(users["coordinator"])
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    url = f"{live_server.url}/households/{household.code}/"
    before = AuditEvent.objects.count()

    def read(_: int) -> list[int]:
        with requests.Session() as session:
            session.cookies.update(cookies)
            return [session.get(url, timeout=60).status_code for _ in range(EACH)]

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = [status for batch in pool.map(read, range(THREADS)) for status in batch]

    assert statuses == [200] * (THREADS * EACH)
    assert AuditEvent.objects.count() - before >= THREADS * EACH  # every read audited once
