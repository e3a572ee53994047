"""The audit log cannot be deleted from, and its events are chained by SHA-256.

`haven audit verify` exits 0 on an intact chain and 1 naming the first broken event;
`haven check --integrity` reports the same.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.db import DatabaseError, connection, transaction

from haven.audit.chain import chain_verify
from haven.audit.models import AuditAction, AuditEvent, AuditTarget
from haven.audit.services import audit_record
from haven.cli import audit as _audit  # noqa: F401  (registers the commands)
from haven.cli import server as _server  # noqa: F401
from haven.cli.main import cli
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(users):
    actor = actor_for(users["registrar"])
    return [audit_record(actor=actor, action=AuditAction.PERSON_VIEW, target_type="person",
                         target_ids=[f"p{n}", f"q{n}"], site="goris") for n in range(5)]


def _sql(statement: str, *params: object) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_audittarget"])
def test_delete_is_refused_by_the_database(events, table):
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(f"DELETE FROM {table}")  # noqa: S608 - a fixed table name
    one = events[0].pk if table == "audit_auditevent" \
        else AuditTarget.objects.values_list("id", flat=True).first()
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(f"DELETE FROM {table} WHERE id = %s", one)  # noqa: S608 - a fixed table name
    assert AuditEvent.objects.count() == 5
    assert AuditTarget.objects.count() == 10


def test_the_orm_cannot_delete_either(events):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditTarget.objects.filter(event=events[0]).delete()


def test_update_is_still_refused(events):
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("UPDATE audit_auditevent SET username = 'someone-else'")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_audittarget"])
def test_truncate_is_refused_on_postgresql(events, table):
    # Check the deferred foreign keys first: PostgreSQL refuses TRUNCATE with checks
    # pending, which would hide whether the trigger refuses it.
    _sql("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == 5


def _around_the_triggers(statement: str, *params: object) -> None:
    """Do what only the database's owner could: change a row with the triggers off."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in ("audit_auditevent", "audit_audittarget"):
                for trigger in ("append_only", "no_delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no ALTER with checks pending
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_audittarget DISABLE TRIGGER USER")
        cursor.execute(statement, params)


def _verify():
    return CliRunner().invoke(cli, ["audit", "verify"])


def test_an_intact_chain_verifies(events):
    assert chain_verify() == (5, None)
    result = _verify()
    assert result.exit_code == 0, result.output
    assert "5 events" in result.output
    hashes = [e.chain_hash for e in AuditEvent.objects.order_by("id")]
    assert len(set(hashes)) == 5
    assert all(len(h) == 64 for h in hashes)


@pytest.mark.parametrize("tamper", ["change", "delete", "target"])
def test_a_tampered_event_breaks_the_chain_at_that_event(events, tamper):
    third = events[2]
    if tamper == "change":
        _around_the_triggers("UPDATE audit_auditevent SET username = 'nobody' WHERE id = %s",
                             third.pk)
        first_broken = third.pk
    elif tamper == "delete":
        _around_the_triggers("DELETE FROM audit_audittarget WHERE event_id = %s", third.pk)
        _around_the_triggers("DELETE FROM audit_auditevent WHERE id = %s", third.pk)
        first_broken = events[3].pk  # the next one no longer follows
    else:
        _around_the_triggers("UPDATE audit_audittarget SET target_id = 'other' "
                             "WHERE event_id = %s", third.pk)
        first_broken = third.pk
    checked, broken = chain_verify()
    assert (checked, broken.event_id) == (2, first_broken)
    result = _verify()
    assert result.exit_code == 1
    assert f"event {first_broken} " in result.output
    integrity = CliRunner().invoke(cli, ["check", "--integrity"])
    assert integrity.exit_code == 1
    assert f"audit.chain: event {first_broken} " in integrity.output
