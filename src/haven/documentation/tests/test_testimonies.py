"""Testimonies: only with consent, encrypted, for protection officers of the site; withdrawal."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.db import connection

from haven.audit.models import AuditEvent
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.documentation import testimonies as statements
from haven.documentation.evidence import evidence_export
from haven.documentation.models import Testimony as Statement
from haven.documentation.testimonies import TestimonyInput as StatementInput
from haven.testing.factories import actor_for, signed_in

pytestmark = pytest.mark.django_db

STATEMENT = "The road to the bridge took thirty-one hours; Varduhi Petrosyan was with us."


@pytest.fixture
def officer(users):
    return actor_for(users["protection_officer"])


def record(actor, **values):
    spec = {"site": "goris", "given_on": dt.date(2023, 9, 29), "statement": STATEMENT,
            "witness_description": "a mother of two", "consent_internal": True}
    spec.update(values)
    return statements.testimony_record(actor=actor, testimony=StatementInput(**spec))


def test_nothing_is_kept_without_consent_to_at_least_one_use(officer):
    with pytest.raises(ValidationFailed) as refused:
        record(officer, consent_internal=False)
    assert "consent" in refused.value.errors
    assert not Statement.objects.exists()


def test_the_statement_is_encrypted_in_the_database(officer):
    kept = record(officer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, witness_description FROM documentation_testimony")
        stored = cursor.fetchone()
    assert "Varduhi" not in stored[0]
    assert "mother" not in stored[1]
    assert statements.testimony_get(actor=officer, ref=kept.pk).statement == STATEMENT


def test_only_protection_officers_of_the_site_read_it(officer, users, make_user):
    kept = record(officer, witness="", witness_description="a neighbour")
    for role in ("coordinator", "registrar", "tracing_officer", "auditor", "viewer"):
        with pytest.raises(PermissionDenied):
            statements.testimony_get(actor=actor_for(users[role]), ref=kept.pk)
    vayk = actor_for(make_user("protection-vayk", "protection_officer", ("vayk",)))
    with pytest.raises(NotFound):
        statements.testimony_get(actor=vayk, ref=kept.pk)
    assert statements.testimony_list(actor=vayk) == []
    assert [t.pk for t in statements.testimony_list(actor=officer)] == [kept.pk]
    denied = AuditEvent.objects.filter(action="testimony.view", outcome="denied")
    assert denied.count() == 1


def test_a_registered_witness_is_named_by_code_and_must_be_visible(officer, make_household):
    household = make_household(site="goris")
    kept = record(officer, witness=household.members.get().code, witness_description="")
    assert kept.witness_id == household.members.get().pk
    hidden = make_household(site="vayk")
    with pytest.raises(ValidationFailed) as refused:
        record(officer, witness=hidden.members.get().code, witness_description="")
    assert refused.value.errors["witness"] == ["no person you may see has this code"]


def test_withdrawal_hides_it_from_everyone_and_erases_the_text(officer, users, tmp_path):
    kept = record(officer, consent_legal=True)
    statements.testimony_withdraw(actor=officer, ref=kept.pk)
    with pytest.raises(NotFound):
        statements.testimony_get(actor=officer, ref=kept.pk)
    assert statements.testimony_list(actor=officer) == []
    export = evidence_export(actor=officer)
    assert b"Varduhi" not in export.archive
    with zipfile.ZipFile(io.BytesIO(export.archive)) as z:
        assert not any(n.startswith("records/testimonies/") for n in z.namelist())
    assert Statement.objects.get(pk=kept.pk).statement == ""
    actions = list(AuditEvent.objects.filter(targets__target_id=str(kept.pk))
                   .values_list("action", flat=True))
    assert "testimony.record" in actions
    assert "testimony.withdraw" in actions  # the audit keeps that it existed


def test_the_evidence_export_carries_only_statements_consented_to_legal_use(officer):
    legal = record(officer, consent_legal=True)
    internal = record(officer, statement="Only for the agency.")
    export = evidence_export(actor=officer)
    with zipfile.ZipFile(io.BytesIO(export.archive)) as z:
        names = z.namelist()
        data = json.loads(z.read(f"records/testimonies/{legal.pk}.json"))
    assert f"records/testimonies/{internal.pk}.json" not in names
    assert data["statement"] == STATEMENT
    assert data["consent"] == ["internal", "legal"]


def test_pages_and_api(officer, users, api):
    client = signed_in(users["protection_officer"])
    assert client.post("/documentation/testimonies/", {
        "given_on": "2023-09-29", "language": "en", "statement": STATEMENT,
        "witness_description": "a mother of two"}).status_code == 422  # no consent
    created = client.post("/documentation/testimonies/", {
        "given_on": "2023-09-29", "language": "en", "statement": STATEMENT,
        "witness_description": "a mother of two", "consent_legal": "on"})
    assert created.status_code == 302
    pk = created["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert "Varduhi" in client.get(f"/documentation/testimonies/{pk}/").content.decode()
    assert signed_in(users["coordinator"]).get(f"/documentation/testimonies/{pk}/"
                                               ).status_code == 403
    answer = api("protection_officer").get(f"/documentation/testimonies/{pk}")
    assert answer.json()["consent"] == ["legal"]
    assert api("protection_officer").post(f"/documentation/testimonies/{pk}/withdraw",
                                          {}).status_code == 200
    assert api("protection_officer").get(f"/documentation/testimonies/{pk}").status_code == 404
