"""PFIF 1.4 reading and writing: the format's rules, a round trip, hostile XML refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from haven.tracing import pfif

FILES = Path(__file__).parent / "pfif_files"
PERSON_FINDER = (FILES / "person_finder_1.4.xml").read_bytes()
UTC = dt.UTC


def wrap(body: str, namespace: str = pfif.PFIF_1_4) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="{namespace}">'
            f"{body}</pfif:pfif>").encode()


PERSON = ("<pfif:person><pfif:person_record_id>x.org/p1</pfif:person_record_id>"
          "<pfif:full_name>Aram Vardanyan</pfif:full_name>{extra}</pfif:person>")


def test_reads_a_person_finder_file_with_nested_and_top_level_notes() -> None:
    document = pfif.parse(PERSON_FINDER)
    anahit, tigran = document.persons
    assert anahit.person_record_id == "pf.example.org/person.21009"
    assert anahit.names() == ["Anahit Vardanyan", "Անահիտ Վարդանյան", "Анаит Варданян",
                              "Anahid Vartanian"]
    assert anahit.home_city == "Stepanakert"  # whitespace stripped
    assert anahit.date_of_birth == "1948-03"
    assert anahit.source_date == dt.datetime(2023, 9, 28, 10, 0, tzinfo=UTC)
    statuses = [n.status for n in anahit.notes]
    assert statuses == ["believed_missing", "information_sought", "is_note_author"]
    missing = anahit.notes[0]
    assert missing.linked_person_record_id == "other.example.net/person.999"
    assert missing.author_made_contact is False
    assert anahit.notes[2].author_made_contact is True
    assert anahit.notes[1].author_made_contact is None
    # A nested note without person_record_id belongs to its person.
    assert {n.person_record_id for n in anahit.notes} == {anahit.person_record_id}
    assert tigran.given_name == ""
    assert tigran.age == "35-45"
    (top,) = document.notes
    assert top.person_record_id == tigran.person_record_id
    assert top.status == "believed_alive"
    assert len(document.all_notes()) == 4


def test_round_trip_keeps_every_field() -> None:
    document = pfif.parse(PERSON_FINDER)
    written = pfif.serialize(document)
    assert written.startswith(b"<?xml")
    assert b'xmlns:pfif="http://zesty.ca/pfif/1.4"' in written
    again = pfif.parse(written)
    assert again == document
    assert pfif.serialize(again) == written


def test_writer_keeps_the_1_4_field_order_and_mandatory_fields() -> None:
    person = pfif.PfifPerson(person_record_id="haven.test/person.1", full_name="Ani Sargsyan",
                             sex="female", given_name="Ani",
                             notes=[pfif.PfifNote(note_record_id="haven.test/note.1",
                                                  person_record_id="haven.test/person.1")])
    text = pfif.serialize(pfif.PfifDocument(persons=[person])).decode()
    order = [text.index(f"<pfif:{name}>") for name in ("person_record_id", "full_name",
                                                        "given_name", "sex")]
    assert order == sorted(order)
    # source_date is mandatory for a person, author_name and text for a note: written empty.
    assert "<pfif:source_date />" in text or "<pfif:source_date></pfif:source_date>" in text
    assert "<pfif:author_name" in text
    assert "<pfif:text" in text


def test_older_versions_are_read_with_their_renamed_fields() -> None:
    document = pfif.parse(wrap(
        "<pfif:person><pfif:person_record_id>old.org/p.1</pfif:person_record_id>"
        "<pfif:first_name>Anahit</pfif:first_name><pfif:last_name>Vardanyan</pfif:last_name>"
        "<pfif:home_zip>3101</pfif:home_zip><pfif:other>tall</pfif:other>"
        "<pfif:note><pfif:note_record_id>old.org/n.1</pfif:note_record_id>"
        "<pfif:found>true</pfif:found><pfif:text>ok</pfif:text></pfif:note></pfif:person>",
        "http://zesty.ca/pfif/1.2"))
    (person,) = document.persons
    assert (person.given_name, person.family_name) == ("Anahit", "Vardanyan")
    assert person.full_name == "Anahit Vardanyan"  # 1.2 had none; 1.4 requires it
    assert person.home_postal_code == "3101"
    assert person.description == "tall"
    assert person.notes[0].author_made_contact is True


@pytest.mark.parametrize(("body", "message"), [
    (PERSON.replace("x.org/p1", "p1").format(extra=""), "is not <domain>/<id>"),
    (PERSON.format(extra="<pfif:sex>unknown</pfif:sex>"), "sex 'unknown'"),
    (PERSON.format(extra="<pfif:date_of_birth>12/03/1948</pfif:date_of_birth>"),
     "date_of_birth"),
    (PERSON.format(extra="<pfif:source_date>yesterday</pfif:source_date>"), "source_date"),
    # A date, but before year 1 in UTC (found by tests/faults/test_fuzz_parsers.py).
    (PERSON.format(extra="<pfif:entry_date>0001-01-01T00:00:00+01:00</pfif:entry_date>"),
     "entry_date .* is out of range in UTC"),
    (PERSON.format(extra="<pfif:note><pfif:note_record_id>x.org/n1</pfif:note_record_id>"
                   "<pfif:status>found_alive</pfif:status></pfif:note>"), "status 'found_alive'"),
    (PERSON.format(extra="<pfif:note><pfif:note_record_id>x.org/n1</pfif:note_record_id>"
                   "<pfif:person_record_id>x.org/other</pfif:person_record_id></pfif:note>"),
     "differs from its person's"),
    ("<pfif:note><pfif:note_record_id>x.org/n1</pfif:note_record_id></pfif:note>",
     "top-level note needs person_record_id"),
    (PERSON.format(extra="") + PERSON.format(extra=""), "appears twice"),
    ("<pfif:person><pfif:person_record_id>x.org/p</pfif:person_record_id></pfif:person>",
     "no name"),
])
def test_invalid_records_are_refused_naming_the_record(body: str, message: str) -> None:
    with pytest.raises(pfif.PfifError, match=message):
        pfif.parse(wrap(body))


def test_a_document_in_another_namespace_is_not_pfif() -> None:
    with pytest.raises(pfif.PfifError, match="not a PFIF document"):
        pfif.parse(wrap(PERSON.format(extra=""), "http://example.org/other"))
    with pytest.raises(pfif.PfifError, match="not well-formed"):
        pfif.parse(b"<pfif:pfif")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>
<pfif:person_record_id>x.org/p1</pfif:person_record_id>
<pfif:full_name>&lol9;</pfif:full_name></pfif:person></pfif:pfif>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE pfif [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>
<pfif:person_record_id>x.org/p1</pfif:person_record_id>
<pfif:full_name>&secret;</pfif:full_name></pfif:person></pfif:pfif>"""


PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE pfif [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/e.dtd"> %remote;]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY,
                                  b'<!DOCTYPE pfif SYSTEM "http://127.0.0.1:9/x.dtd"><pfif/>'])
def test_hostile_xml_is_refused_before_it_is_read(data: bytes) -> None:
    with pytest.raises(pfif.PfifError, match="DOCTYPE, entities or external references"):
        pfif.parse(data)


def test_an_oversized_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pfif, "MAX_BYTES", 100)
    with pytest.raises(pfif.PfifError, match="larger than"):
        pfif.parse(wrap(PERSON.format(extra="") * 5))


def test_record_ids_are_domain_slash_id() -> None:
    assert pfif.record_id("haven.example.org", "person.1") == "haven.example.org/person.1"
    assert pfif.record_domain("pf.example.org/note.3/x") == "pf.example.org"
    with pytest.raises(ValueError, match="not a record id"):
        pfif.record_id("a/b", "c")


def test_characters_xml_cannot_carry_are_dropped_on_writing() -> None:
    person = pfif.PfifPerson(person_record_id="h.org/p.1", full_name="Ani\x00 \x1bSargsyan")
    again = pfif.parse(pfif.serialize(pfif.PfifDocument(persons=[person])))
    assert again.persons[0].full_name == "Ani Sargsyan"
