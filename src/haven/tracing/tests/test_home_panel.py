"""The tracing desk on the home page: its open requests and new alerts, as counts."""

from __future__ import annotations

import pytest

from haven.testing.factories import actor_for, member, signed_in
from haven.tracing.services import RequestInput, SoughtInput, request_create

pytestmark = pytest.mark.django_db(transaction=True)  # alerts are raised on commit


def figure(page: str, name: str) -> str:
    return page.split(f'data-figure="{name}">', 1)[1].split("<", 1)[0]


def test_an_empty_desk_says_so_and_offers_a_new_request(users):
    page = signed_in(users["tracing_officer"]).get("/").content.decode()
    assert "No open tracing request, no new alert" in page
    assert 'href="/tracing/requests/new/"' in page


def test_the_desk_counts_open_requests_and_new_alerts_without_naming_anyone(
        users, make_household):
    officer = users["tracing_officer"]
    request_create(actor=actor_for(officer), request=RequestInput(
        site="goris", searcher_name="Mother", sought=[SoughtInput(
            given_name="Anahit", family_name="Vardanyan", birth_year=2012, sex="female")]))
    make_household(site="vayk", members=[member(
        given_name="Անահիտ", family_name="Վարդանյան", sex="female", birth_date="2012")])
    page = signed_in(officer).get("/").content.decode()
    assert figure(page, "open-requests") == "1"
    assert figure(page, "my-requests") == "1"
    assert figure(page, "new-alerts") == "1"
    assert "Անահիտ" not in page  # counts, not people: the list behind the link is audited


def test_roles_without_tracing_get_no_desk(users):
    page = signed_in(users["registrar"]).get("/").content.decode()
    assert 'data-figure="open-requests"' not in page
