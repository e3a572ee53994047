"""List searches go by POST: no name, birth date or phone in a URL; paging still works."""

from __future__ import annotations

import re

import pytest

from haven.registry.selectors import PER_PAGE
from haven.testing.factories import member, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(users, make_household):
    for n in range(PER_PAGE + 5):
        make_household(members=[member(birth_date=str(1930 + n))])
    make_household(members=[member(given_name="Tigran", family_name="Petrosyan")])


def _links(content: bytes) -> list[str]:
    return re.findall(r'href="([^"]*)"', content.decode())


def test_a_search_is_posted_kept_in_the_session_and_paged(users, many):
    client = signed_in(users["registrar"])
    form = client.get("/persons/").content.decode()
    assert re.search(r'<form method="post" class="filters card"', form)
    posted = client.post("/persons/", {"q": "Anahit"})
    assert posted.status_code == 302
    assert posted["Location"] == "/persons/?page=1"
    first = client.get(posted["Location"])
    assert first.status_code == 200
    assert b"Petrosyan" not in first.content
    assert "Anahit" not in " ".join(_links(first.content))
    assert "?page=2" in _links(first.content)
    second = client.get("/persons/?page=2")
    assert second.status_code == 200
    assert b"Vardanyan" in second.content
    assert b"Petrosyan" not in second.content  # the search holds across pages
    # A fresh visit (the menu's link) starts unfiltered.
    fresh = client.get("/persons/")
    assert fresh.context["filtered"] is False
    assert fresh.context["page"].total == PER_PAGE + 6


def test_a_name_in_the_query_string_is_not_a_search(users, many):
    client = signed_in(users["registrar"])
    response = client.get("/persons/", {"q": "Tigran"})
    assert response.status_code == 200
    assert response.context["filtered"] is False
    assert response.context["page"].total == PER_PAGE + 6


def test_households_are_searched_by_post_too(users, many):
    client = signed_in(users["registrar"])
    assert client.post("/households/", {"q": "Petrosyan"})["Location"] == "/households/?page=1"
    page = client.get("/households/?page=1")
    assert page.context["page"].total == 1


def test_an_invalid_search_is_a_form_error(users, many):
    response = signed_in(users["registrar"]).post("/persons/", {"arrived_from": "not a date"})
    assert response.status_code == 422
