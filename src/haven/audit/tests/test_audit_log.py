"""The audit log: every read and write, who and from where, never the values; append-only."""

import datetime as dt
import json

import pytest
from django.db import DatabaseError, connection, transaction

from haven.audit.models import AuditAction, AuditEvent, AuditTarget
from haven.core import clock

pytestmark = pytest.mark.django_db

HOUSEHOLD = {
    "site": "goris",
    "place_of_origin": "Martakert",
    "phone": "+374 97 555123",
    "members": [
        {"given_name": "Gayane", "family_name": "Harutyunyan", "patronymic": "Sergeyevna",
         "sex": "female", "birth_date": "1951-07-02", "relationship": "head",
         "document_type": "passport", "document_number": "AN7654321",
         "vulnerabilities": ["chronic_illness"]},
        {"given_name": "Давид", "family_name": "Арутюнян", "sex": "male",
         "birth_date": "2009", "relationship": "grandchild"},
    ],
}
# Digits alone could turn up inside a random UUID; the birth date is searched whole.
PERSONAL_VALUES = ["Gayane", "Harutyunyan", "Sergeyevna", "Martakert", "97 555123",
                   "+37497555123", "AN7654321", "1951-07-02", "chronic", "Давид", "Арутюнян"]


def registered(api):
    response = api("registrar").post("/households", HOUSEHOLD)
    assert response.status_code == 201
    return response.json()


def every_value_in_the_audit_tables():
    rows = [*AuditEvent.objects.values(), *AuditTarget.objects.values()]
    return json.dumps(rows, default=str, ensure_ascii=False).casefold()


def test_every_write_and_read_is_logged_with_who_where_and_when(api, sites, users):
    """Registration, detail and list reads, corrections and arrivals each leave one event."""
    moment = dt.datetime(2023, 9, 29, 6, 30, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        body = registered(api)
        goris = api("registrar")
        head = body["members"][0]
        ids = {body["id"], head["id"], body["members"][1]["id"]}
        goris.get(f"/persons/{head['code']}")
        goris.get(f"/households/{body['code']}")
        goris.get("/persons")
        goris.get("/households")
        goris.patch(f"/persons/{head['id']}", {"given_name": "Gayaneh"})
        goris.patch(f"/households/{body['id']}", {"size": 3})
        api("registrar_vayk").post("/arrivals", {"person": head["code"], "site": "vayk"})
    events = list(AuditEvent.objects.filter(action__in=[
        a for a in AuditAction.values if a.split(".")[0] in {"household", "person", "arrival"}
    ]).order_by("id"))
    logged = [(e.action, e.username, e.role, e.site, e.at, e.client_address, e.channel,
               {t.target_id for t in e.targets.all()}) for e in events]
    who = ("registrar-goris", "registrar")
    place = (moment, "127.0.0.1", "api")
    assert logged == [
        ("household.create", *who, "goris", *place, ids),
        ("person.view", *who, "goris", *place, {head["id"]}),
        ("household.view", *who, "goris", *place, ids),
        ("person.list", *who, "", *place, ids - {body["id"]}),
        ("household.list", *who, "", *place, ids),
        ("person.view", *who, "goris", *place, {head["id"]}),  # the correction reads first
        ("person.update", *who, "goris", *place, {head["id"]}),
        ("person.view", *who, "goris", *place, {head["id"]}),  # and answers the fresh record
        ("household.view", *who, "goris", *place, ids),
        ("household.update", *who, "goris", *place, {body["id"]}),
        ("household.view", *who, "goris", *place, ids),
        ("arrival.create", "registrar-vayk", "registrar", "vayk", *place, {head["id"]}),
    ]
    assert all(e.actor == users["registrar"] for e in events[:-1])


def test_the_audit_log_never_holds_personal_values(api, sites):
    """No name, phone, document, place or birth year appears in any audit column."""
    body = registered(api)
    head = body["members"][0]
    for role in ["registrar", "coordinator", "protection_officer", "registrar_vayk", "viewer"]:
        client = api(role)
        client.get(f"/persons/{head['id']}")
        client.get(f"/households/{body['code']}")
        client.get("/persons", q="Gayane")
        client.get("/households", q="Harutyunyan Gayane")
        client.get("/persons/Gayane Harutyunyan")
        client.get("/households/Gayane")
    api("registrar").patch(f"/persons/{head['id']}", {"family_name": "Harutyunian"})
    api("protection_officer").patch(f"/persons/{head['id']}", {"vulnerabilities": ["burns"]})
    stored = every_value_in_the_audit_tables()
    assert AuditEvent.objects.count() > 30
    for value in [*PERSONAL_VALUES, "Harutyunian", "burns"]:
        assert value.casefold() not in stored, value


@pytest.mark.parametrize("model", [AuditEvent, AuditTarget])
def test_an_update_of_an_audit_row_fails_in_the_database(api, sites, model):
    """The append-only trigger refuses UPDATE, through the ORM or plain SQL."""
    registered(api)
    row = model.objects.first()
    assert row is not None
    column = "site" if model is AuditEvent else "target_id"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{column: "tampered"})
    table = model._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s", ["tampered"])  # noqa: S608
    assert not model.objects.filter(**{column: "tampered"}).exists()


@pytest.fixture
def history(api, sites, users):
    """Reads by two clerks at known times: 08:00 Goris, 09:00 Vayk, 10:00 Goris again."""
    with clock.frozen_at(dt.datetime(2023, 9, 29, 7, 0, tzinfo=dt.UTC)):
        body = registered(api)
    reads = [("registrar", 8, body["members"][0]["id"]),
             ("registrar_vayk", 9, body["members"][0]["id"]),
             ("registrar", 10, body["members"][1]["id"])]
    for role, hour, person in reads:
        with clock.frozen_at(dt.datetime(2023, 9, 29, hour, 0, tzinfo=dt.UTC)):
            api(role).get(f"/persons/{person}")
    return body


def views(response):
    assert response.status_code == 200, response.content
    return [(e["user"], e["at"][11:16], e["outcome"], e["targets"]) for e in response.json()
            if e["action"] == "person.view"]


def test_the_auditor_filters_by_user(api, history):
    """?user= gives that user's events, newest first."""
    found = views(api("auditor").get("/audit", user="registrar-goris"))
    assert found == [("registrar-goris", "10:00", "allowed", [history["members"][1]["id"]]),
                     ("registrar-goris", "08:00", "allowed", [history["members"][0]["id"]])]


def test_the_auditor_filters_by_record(api, history):
    """?record= gives every event that touched the record, refused reads included."""
    head = history["members"][0]["id"]
    found = views(api("auditor").get("/audit", record=head))
    assert found == [("registrar-vayk", "09:00", "denied", [head]),
                     ("registrar-goris", "08:00", "allowed", [head])]
    actions = [e["action"] for e in api("auditor").get("/audit", record=head).json()]
    assert "household.create" in actions


def test_the_auditor_filters_by_time_window(api, history):
    """?since= is inclusive, ?until= exclusive; a time without zone is local (Yerevan, +04)."""
    auditor = api("auditor")
    window = views(auditor.get("/audit", since="2023-09-29T08:30:00Z",
                               until="2023-09-29T10:00:00Z"))
    assert [(u, at) for u, at, _, _ in window] == [("registrar-vayk", "09:00")]
    local = views(auditor.get("/audit", since="2023-09-29T13:00:00",
                              until="2023-09-29T14:00:00"))
    assert [(u, at) for u, at, _, _ in local] == [("registrar-vayk", "09:00")]


def test_reading_the_audit_log_is_itself_logged(api, history):
    """An auditor's read leaves an audit.view event."""
    api("auditor").get("/audit")
    assert AuditEvent.objects.filter(action="audit.view", username="auditor",
                                     outcome="allowed").count() == 1


@pytest.mark.parametrize("role", ["administrator", "coordinator", "registrar", "tracing_officer",
                                  "protection_officer", "viewer"])
def test_only_auditors_read_the_audit_log(api, history, role):
    """Every other role gets 403 JSON, and the attempt is logged as denied."""
    response = api(role).get("/audit")
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    assert AuditEvent.objects.filter(action="audit.view", outcome="denied").count() == 1


@pytest.mark.parametrize(("remote", "stored"), [("10.0.0.7", "10.0.0.7"),
                                                ("2001:db8::1", "2001:db8::1"),
                                                ("unix:/run/haven.sock", None), ("", None)])
def test_the_client_address_is_kept_when_it_is_an_ip_address(api, sites, remote, stored):
    """Anything else (a unix socket) is stored as unknown rather than failing the request."""
    client = api("registrar")
    response = client.client.get("/api/v1/persons", headers=client.headers, REMOTE_ADDR=remote)
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.PERSON_LIST)
    assert event.client_address == stored
