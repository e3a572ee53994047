"""Pages people keep open all day stay cheap: their database queries do not grow with the data.

Issue 17 asks every page to answer within 300 ms on the demo data. Time is not asserted
here (a shared machine makes it flaky); bench/pages.py measures it (docs/benchmarks.md).
What makes a page slow as data grows is a query per row: each page below is rendered
with a few households and with many, and must make the same number of queries, under a
ceiling.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.reports.services import sitreps_forget
from haven.testing.factories import member, signed_in

pytestmark = pytest.mark.django_db

PAGES = [
    ("registrar", "/"),
    ("registrar", "/households/"),
    ("registrar", "/persons/"),
    ("registrar", "/households/new/"),
    ("coordinator", "/"),
    ("coordinator", "/reports/"),
    ("auditor", "/"),
    ("auditor", "/audit/"),
    ("tracing_officer", "/"),
]
CEILING = 60  # queries on one page
REGISTRATION_PAGE_BYTES = 150_000


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


NAMES = ["Anahit", "Narine", "Mariam", "Gayane", "Lusine", "Tigran", "Armen", "Davit"]


def _register(make_household, n: int) -> None:
    for i in range(n):
        make_household(site="goris", members=[
            member(given_name=NAMES[i % len(NAMES)], family_name=f"Vardanyan{'a' * (i // 8)}"),
            member(given_name=NAMES[(i + 3) % len(NAMES)], sex="male", relationship="child",
                   birth_date=str(1990 + i % 20))])


@pytest.mark.parametrize(("role", "path"), PAGES)
def test_queries_do_not_grow_with_the_data(users, make_household, role, path):
    client = signed_in(users[role])
    _register(make_household, 2)
    client.get(path)  # warm the per-process caches (sites, translations)
    sitreps_forget()  # count a report's build both times, not one build and one kept copy
    few = _queries(client, path)
    _register(make_household, 20)
    sitreps_forget()
    many = _queries(client, path)
    assert many <= few + 2, f"{path} as {role}: {few} queries with 2 households, {many} with 22"
    assert many <= CEILING


def test_the_registration_page_is_small(users):
    page = signed_in(users["registrar"]).get("/households/new/")
    assert len(page.content) < REGISTRATION_PAGE_BYTES
