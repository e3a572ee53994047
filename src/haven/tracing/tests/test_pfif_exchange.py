"""PFIF import and export through the registry: idempotent, all or nothing, consent-bound."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from haven.audit.models import AuditEvent
from haven.cli import trace_exchange  # noqa: F401 - registers the commands
from haven.cli.main import cli
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.pfif.models import Note, PersonRecord
from haven.registry.models import Person
from haven.testing.factories import actor_for, member
from haven.tracing import pfif
from haven.tracing.pfif_exchange import haven_record_id, pfif_export, pfif_import
from haven.tracing.services import safe_and_well_consent

FILE = (Path(__file__).parent / "pfif_files" / "person_finder_1.4.xml").read_bytes()

pytestmark = pytest.mark.django_db


def test_import_registers_each_person_at_the_chosen_site_with_notes(users) -> None:
    outcome = pfif_import(actor=actor_for(users["coordinator"]), data=FILE, site="goris")
    assert (outcome.persons_added, outcome.notes_added) == (2, 4)
    anahit = PersonRecord.objects.get(record_id="pf.example.org/person.21009").person
    assert (anahit.given_name, anahit.family_name, anahit.sex) == ("Anahit", "Vardanyan",
                                                                   "female")
    assert (anahit.birth_year, anahit.birth_month) == (1948, 3)
    assert anahit.household.place_of_origin == "Stepanakert"
    assert anahit.household.channel == "import"
    assert anahit.arrivals.get().site.slug == "goris"
    assert "Анаит Варданян" in anahit.pfif_record.alternate_names
    # Only full_name in the file: its first line split into given and family name.
    tigran = PersonRecord.objects.get(record_id="pf.example.org/person.21010").person
    assert (tigran.given_name, tigran.family_name) == ("Тигран", "Петросян")
    assert tigran.birth_date_precision == "estimated"  # from age 35-45
    statuses = set(Note.objects.values_list("status", flat=True))
    assert statuses == {"believed_missing", "information_sought", "is_note_author",
                        "believed_alive"}
    linked = Note.objects.get(record_id="pf.example.org/note.27009")
    assert linked.linked_person_record_id == "other.example.net/person.999"
    assert linked.author_made_contact is False
    event = AuditEvent.objects.filter(action="pfif.import").get()
    assert (event.target_count, event.site) == (2, "goris")


def test_importing_the_same_file_twice_adds_nothing_twice(users) -> None:
    actor = actor_for(users["coordinator"])
    pfif_import(actor=actor, data=FILE, site="goris")
    again = pfif_import(actor=actor, data=FILE, site="vayk")
    assert (again.persons_added, again.persons_skipped) == (0, 2)
    assert (again.notes_added, again.notes_skipped) == (0, 4)
    assert Person.objects.count() == 2
    assert Note.objects.count() == 4


def test_new_notes_about_known_persons_are_added_on_a_later_import(users) -> None:
    actor = actor_for(users["coordinator"])
    pfif_import(actor=actor, data=FILE, site="goris")
    later = FILE.replace(b"</pfif:pfif>", b"""<pfif:note>
      <pfif:note_record_id>pf.example.org/note.60000</pfif:note_record_id>
      <pfif:person_record_id>pf.example.org/person.21009</pfif:person_record_id>
      <pfif:author_name>Her son</pfif:author_name><pfif:text>Found her.</pfif:text>
      <pfif:status>believed_alive</pfif:status></pfif:note></pfif:pfif>""")
    outcome = pfif_import(actor=actor, data=later, site="goris")
    assert (outcome.persons_added, outcome.notes_added) == (0, 1)
    assert Person.objects.count() == 2


def test_the_registrar_imports_at_their_own_site_by_default(users) -> None:
    outcome = pfif_import(actor=actor_for(users["registrar"]), data=FILE)
    assert Person.objects.get(id=outcome.person_ids[0]).arrivals.get().site.slug == "goris"
    with pytest.raises(ValidationFailed) as refused:
        pfif_import(actor=actor_for(users["registrar_vayk"]),
                    data=FILE.replace(b"person.210", b"person.310"), site="goris")
    assert any(key.endswith("site") for key in refused.value.errors)


def test_a_user_who_may_not_register_cannot_import(users) -> None:
    with pytest.raises(PermissionDenied):
        pfif_import(actor=actor_for(users["tracing_officer"]), data=FILE, site="goris")


def test_one_invalid_person_refuses_the_whole_file_naming_it(users) -> None:
    bad = FILE.replace(b"<pfif:date_of_birth>1948-03</pfif:date_of_birth>",
                       b"<pfif:date_of_birth>2999</pfif:date_of_birth>")
    with pytest.raises(ValidationFailed) as refused:
        pfif_import(actor=actor_for(users["coordinator"]), data=bad, site="goris")
    assert "pf.example.org/person.21009.members[0].birth_date" in refused.value.errors
    assert Person.objects.count() == 0
    assert Note.objects.count() == 0


@pytest.mark.parametrize("data", [
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">&b;</pfif:pfif>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
    b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">&s;</pfif:pfif>',
])
def test_hostile_xml_is_refused_on_the_file_field(users, data: bytes) -> None:
    with pytest.raises(ValidationFailed) as refused:
        pfif_import(actor=actor_for(users["coordinator"]), data=data, site="goris")
    assert list(refused.value.errors) == ["file"]
    assert Person.objects.count() == 0


def test_export_writes_imported_persons_with_their_notes(users) -> None:
    pfif_import(actor=actor_for(users["coordinator"]), data=FILE, site="goris")
    document = pfif.parse(pfif_export(actor=actor_for(users["tracing_officer"])))
    by_id = {p.person_record_id: p for p in document.persons}
    anahit = by_id["pf.example.org/person.21009"]
    assert anahit.names()[:2] == ["Anahit Vardanyan", "Անահիտ Վարդանյան"]
    assert [n.status for n in anahit.notes] == ["believed_missing", "information_sought",
                                                "is_note_author"]
    assert [n.status for n in by_id["pf.example.org/person.21010"].notes] == ["believed_alive"]
    assert AuditEvent.objects.filter(action="pfif.export").get().target_count == 2


def test_export_keeps_haven_persons_out_without_consent(users, make_household) -> None:
    consenting = make_household(site="goris", members=[member(
        given_name="Նարինե", family_name="Սարգսյան", birth_date="1990-04-02")])
    make_household(site="goris", members=[member(given_name="Armen", family_name="Hakobyan")])
    actor = actor_for(users["tracing_officer"])
    assert pfif.parse(pfif_export(actor=actor)).persons == []  # nobody consented yet
    narine = consenting.members.get()
    safe_and_well_consent(actor=actor, person=narine.code, consent=True)
    (written,) = pfif.parse(pfif_export(actor=actor)).persons
    assert written.person_record_id == haven_record_id(narine.id)
    assert written.full_name == "Նարինե Սարգսյան"
    assert written.alternate_names == "Narine Sargsyan"  # the other script travels too
    assert written.date_of_birth == "1990-04-02"
    text = pfif_export(actor=actor).decode()
    for private in ("goris", "Goris", consenting.code, narine.code):
        assert private not in text  # no site, household or code leaves Haven


def test_export_is_limited_to_what_the_user_may_see(users, monkeypatch) -> None:
    pfif_import(actor=actor_for(users["coordinator"]), data=FILE, site="goris")
    seen_at_vayk = pfif.parse(pfif_export(actor=actor_for(users["registrar_vayk"])))
    assert seen_at_vayk.persons == []
    seen_at_goris = pfif.parse(pfif_export(actor=actor_for(users["registrar"])))
    assert len(seen_at_goris.persons) == 2


def test_a_role_without_records_cannot_export(users) -> None:
    with pytest.raises(PermissionDenied):
        pfif_export(actor=actor_for(users["viewer"]))


def test_a_haven_export_imported_back_adds_no_person(users, monkeypatch, settings) -> None:
    settings.PFIF_DOMAIN = "haven.test"
    pfif_import(actor=actor_for(users["coordinator"]), data=FILE, site="goris")
    exported = pfif_export(actor=actor_for(users["coordinator"]))
    outcome = pfif_import(actor=actor_for(users["coordinator"]), data=exported, site="goris")
    assert (outcome.persons_added, outcome.notes_added) == (0, 0)
    assert Person.objects.count() == 2


def test_cli_import_twice_and_export(users, tmp_path: Path) -> None:
    source = tmp_path / "pf.xml"
    source.write_bytes(FILE)
    runner = CliRunner()
    first = runner.invoke(cli, ["trace", "pfif", "import", str(source), "--user",
                                "coordinator", "--site", "goris"])
    assert first.exit_code == 0, first.output
    assert "2 persons registered" in first.output
    second = runner.invoke(cli, ["trace", "pfif", "import", str(source), "--user",
                                 "coordinator", "--site", "goris"])
    assert "0 persons registered, 2 already known; 0 notes added, 4 already known" in (
        second.output)
    output = tmp_path / "out" / "haven.xml"
    exported = runner.invoke(cli, ["trace", "pfif", "export", "--user", "tracing", "-o",
                                   str(output)])
    assert exported.exit_code == 0, exported.output
    assert len(pfif.parse(output.read_bytes()).persons) == 2
    hostile = tmp_path / "bad.xml"
    hostile.write_bytes(b'<!DOCTYPE x [<!ENTITY s SYSTEM "file:///etc/passwd">]><x>&s;</x>')
    refused = runner.invoke(cli, ["trace", "pfif", "import", str(hostile), "--user",
                                  "coordinator", "--site", "goris"])
    assert refused.exit_code != 0
    assert "file:" in refused.output
    assert "DOCTYPE" in refused.output
