"""`haven check --integrity`: passes on sound data, and names each broken invariant."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from django.db import connection

from haven.cli.main import cli
from haven.core.integrity import integrity_run
from haven.registry.models import Arrival, Household, Person
from haven.testing.factories import member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    """Files other tests attached stay out of this test's var/attachments."""
    settings.VAR_DIR = tmp_path / "var"
    (tmp_path / "var").mkdir()


def broken(check: str) -> list[str]:
    return [f.message for f in integrity_run() if f.check == check]


def check_command():
    from haven.cli import server  # noqa: F401, PLC0415 - registers `haven check`

    return CliRunner().invoke(cli, ["check", "--integrity"])


def test_sound_data_passes(make_household):
    make_household(members=[member(), member(given_name="Tigran", sex="male",
                                             relationship="child", birth_date="2010")])
    assert integrity_run() == []
    result = check_command()
    assert result.exit_code == 0, result.output
    assert "every integrity check passed" in result.output


def test_a_person_without_an_arrival_is_named_by_code(make_household):
    household = make_household()
    person = household.members.get()
    Arrival.objects.filter(person=person).delete()
    assert broken("registry.persons_have_arrivals") == [
        f"1 persons have no arrival (e.g. {person.code})"]
    result = check_command()
    assert result.exit_code == 1
    assert person.code in result.output


def test_a_household_without_members_is_found(make_household):
    household = make_household()
    Arrival.objects.filter(person__household=household).delete()
    Person.objects.filter(household=household).delete()
    assert broken("registry.households_have_members") == [
        f"1 households have no member (e.g. {household.code})"]


def test_a_drifted_arrival_summary_is_found(make_household):
    person = make_household().members.get()
    Person.objects.filter(pk=person.pk).update(
        first_arrived_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert len(broken("registry.arrival_summaries")) == 1


def test_merge_chains_and_cycles_are_found(make_household):
    a, b, c = (make_household(members=[member(given_name=n)]).members.get()
               for n in ("Anahit", "Anait", "Anahid"))
    Person.objects.filter(pk=a.pk).update(merged_into=b)
    Person.objects.filter(pk=b.pk).update(merged_into=c)
    assert broken("registry.merges_are_one_level") == [
        f"1 persons are merged into a merged record (e.g. {a.code})"]
    Person.objects.filter(pk=c.pk).update(merged_into=c)
    assert any("into themselves" in m for m in broken("registry.merges_are_one_level"))


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_dangling_foreign_key_is_found_by_sqlite(make_household):
    household = make_household()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
        cursor.execute("DELETE FROM registry_household WHERE id = %s",
                       [household.pk.hex])
        cursor.execute("PRAGMA foreign_keys = ON")
    assert Household.objects.count() == 0
    messages = broken("database.foreign_keys")
    assert any("registry_person -> registry_household" in m for m in messages)


def test_files_changed_missing_or_stray_are_found(users, settings, tmp_path):
    from haven.documentation.attachments import (  # noqa: PLC0415
        attachment_path,
        attachment_store,
        storage_dir,
    )
    from haven.testing.factories import actor_for  # noqa: PLC0415

    actor = actor_for(users["registrar"])
    kept = attachment_store(actor=actor, upload=_pdf(b"%PDF-1.4 deed"))
    gone = attachment_store(actor=actor, upload=_pdf(b"%PDF-1.4 other"))
    assert integrity_run() == []
    attachment_path(kept).write_bytes(b"%PDF-1.4 forged")
    attachment_path(gone).unlink()
    (storage_dir() / "0190aaaa-0000-7000-8000-000000000000.bin").write_bytes(b"%PDF-")
    messages = broken("documentation.files_match_their_digests")
    assert any("missing" in m and str(gone.pk) in m for m in messages)
    assert any("changed since upload" in m and str(kept.pk) in m for m in messages)
    assert len(broken("documentation.no_stray_files")) == 1


def test_aid_delivered_beyond_its_commitment_is_found(users, sites):
    from haven.aid import services  # noqa: PLC0415
    from haven.aid.models import Delivery  # noqa: PLC0415
    from haven.testing.factories import actor_for  # noqa: PLC0415

    coordinator = actor_for(users["coordinator"])
    services.donor_create(actor=coordinator, name="ICRC", kind="ngo")
    kits = services.contribution_create(actor=coordinator, contribution=services.ContributionInput(
        donor="ICRC", kind="in_kind", status="commitment", date=dt.date(2023, 9, 28),
        item="Hygiene kit", quantity="10", unit="kits"))
    services.delivery_record(actor=coordinator, contribution=kits.pk, site="goris",
                             quantity="10", received_on=dt.date(2023, 9, 29))
    assert integrity_run() == []
    Delivery.objects.update(quantity=12)
    assert len(broken("aid.deliveries_within_commitments")) == 1


def _pdf(data: bytes):
    import io  # noqa: PLC0415

    return io.BytesIO(data)
