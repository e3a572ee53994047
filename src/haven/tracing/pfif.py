"""PFIF 1.4 (People Finder Interchange Format, http://zesty.ca/pfif/1.4): parse and write.

Pure functions over dataclasses; no Django, no database. The facts follow the format as
Google Person Finder exchanges it (its app/pfif.py and test files):

- a document is `<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">` holding `<pfif:person>`
  elements (each with its notes nested) and top-level `<pfif:note>` elements, which then
  must name their person in `person_record_id`;
- record ids are `<domain>/<id>` (`haven.example.org/person.21009`): the domain names the
  repository that created the record, so an id stays unique across systems;
- a person's mandatory fields are person_record_id, source_date and full_name; a note's
  note_record_id, author_name, source_date and text;
- `full_name` and `alternate_names` hold one name per line: the other scripts of a name
  (Անահիտ Վարդանյան / Анаит Варданян) travel there;
- a note's `status` is one of information_sought, is_note_author, believed_alive,
  believed_missing, believed_dead (or empty), `author_made_contact` is true/false, and
  `linked_person_record_id` points at another record of the same person;
- dates are UTC, `YYYY-MM-DDTHH:MM:SSZ`; date_of_birth is YYYY, YYYY-MM or YYYY-MM-DD.

Files in PFIF 1.2 and 1.3 are read too, their renamed fields mapped to 1.4 (first_name →
given_name, last_name → family_name, found → author_made_contact, other → description,
home_zip → home_postal_code). Only 1.4 is written.

Hostile XML is refused before anything is read from it: defusedxml rejects any DOCTYPE,
entity declaration or external reference (billion laughs, XXE), and the caller bounds the
size (MAX_BYTES).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from typing import Any
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element, ParseError

# No stubs are installed for defusedxml (types-defusedxml would have them).
from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped, unused-ignore]

PFIF_1_4 = "http://zesty.ca/pfif/1.4"
READABLE_NAMESPACES = ("http://zesty.ca/pfif/1.2", "http://zesty.ca/pfif/1.3", PFIF_1_4)
MAX_BYTES = 50 * 1024 * 1024

NOTE_STATUSES = ("information_sought", "is_note_author", "believed_alive",
                 "believed_missing", "believed_dead")
SEX_VALUES = ("female", "male", "other")

# PFIF 1.4's order of fields, which the writer keeps.
PERSON_FIELDS = (
    "person_record_id", "entry_date", "expiry_date", "author_name", "author_email",
    "author_phone", "source_name", "source_date", "source_url", "full_name", "given_name",
    "family_name", "alternate_names", "description", "sex", "date_of_birth", "age",
    "home_street", "home_neighborhood", "home_city", "home_state", "home_postal_code",
    "home_country", "photo_url", "profile_urls")
NOTE_FIELDS = (
    "note_record_id", "person_record_id", "linked_person_record_id", "entry_date",
    "author_name", "author_email", "author_phone", "source_date", "author_made_contact",
    "status", "email_of_found_person", "phone_of_found_person", "last_known_location",
    "text", "photo_url")
RENAMED_FIELDS = {"first_name": "given_name", "last_name": "family_name",
                  "found": "author_made_contact", "other": "description",
                  "home_zip": "home_postal_code"}
MULTILINE_FIELDS = ("full_name", "alternate_names", "profile_urls", "description", "text")
DATE_FIELDS = ("entry_date", "expiry_date", "source_date")

_RECORD_ID = re.compile(r"^[^/\s]+/\S.*$")
_BIRTH = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_AGE = re.compile(r"^\d{1,3}(-\d{1,3})?$")
# XML 1.0 allows only these characters, even as character references.
_NOT_XML_CHAR = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class PfifError(ValueError):
    """A document that is not PFIF we can read; the message says where and why."""


@dataclass
class PfifNote:
    note_record_id: str
    person_record_id: str = ""
    linked_person_record_id: str = ""
    entry_date: dt.datetime | None = None
    author_name: str = ""
    author_email: str = ""
    author_phone: str = ""
    source_date: dt.datetime | None = None
    author_made_contact: bool | None = None
    status: str = ""
    email_of_found_person: str = ""
    phone_of_found_person: str = ""
    last_known_location: str = ""
    text: str = ""
    photo_url: str = ""


@dataclass
class PfifPerson:
    person_record_id: str
    full_name: str = ""  # one name per line
    given_name: str = ""
    family_name: str = ""
    alternate_names: str = ""  # one name per line
    entry_date: dt.datetime | None = None
    expiry_date: dt.datetime | None = None
    author_name: str = ""
    author_email: str = ""
    author_phone: str = ""
    source_name: str = ""
    source_date: dt.datetime | None = None
    source_url: str = ""
    description: str = ""
    sex: str = ""
    date_of_birth: str = ""
    age: str = ""
    home_street: str = ""
    home_neighborhood: str = ""
    home_city: str = ""
    home_state: str = ""
    home_postal_code: str = ""
    home_country: str = ""
    photo_url: str = ""
    profile_urls: str = ""
    notes: list[PfifNote] = field(default_factory=list)

    def names(self) -> list[str]:
        """Return every name the record carries: full_name's lines, then alternate_names'."""
        return [line for text in (self.full_name, self.alternate_names)
                for line in text.splitlines() if line.strip()]


@dataclass
class PfifDocument:
    persons: list[PfifPerson] = field(default_factory=list)
    notes: list[PfifNote] = field(default_factory=list)  # top-level notes

    def all_notes(self) -> list[PfifNote]:
        """Return the nested notes and the top-level ones, each with its person_record_id."""
        return [note for person in self.persons for note in person.notes] + self.notes


def record_id(domain: str, local_id: str) -> str:
    """Return the PFIF record id `<domain>/<local_id>`."""
    if not domain or "/" in domain or not local_id:
        raise ValueError(f"not a record id domain and id: {domain!r}, {local_id!r}")
    return f"{domain}/{local_id}"


def record_domain(value: str) -> str:
    """Return the domain of a PFIF record id (the part before the first slash)."""
    return value.split("/", 1)[0]


def valid_record_id(value: str) -> bool:
    return bool(_RECORD_ID.match(value)) and len(value) <= 500


# --- reading ---------------------------------------------------------------------------

def _local(tag: object) -> tuple[str, str]:
    text = str(tag)
    if text.startswith("{"):
        namespace, _, name = text[1:].partition("}")
        return namespace, name
    return "", text


def _value(name: str, element: Element) -> str:
    text = element.text or ""
    if name in MULTILINE_FIELDS:
        lines = [line.strip() for line in text.strip().splitlines()]
        return "\n".join(line for line in lines if line) if name != "text" else text.strip()
    return " ".join(text.split())


def _moment(text: str, where: str, name: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise PfifError(f"{where}: {name} {text!r} is not a date (YYYY-MM-DDTHH:MM:SSZ)") from None
    if moment.tzinfo is None:
        raise PfifError(f"{where}: {name} {text!r} has no time zone (PFIF dates are UTC, Z)")
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is a date; in UTC it is before year 1
        raise PfifError(f"{where}: {name} {text!r} is out of range in UTC") from None


def _values(element: Element, known: tuple[str, ...], namespace: str,
            where: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for child in element:
        child_namespace, name = _local(child.tag)
        if child_namespace != namespace or name in ("note", "person"):
            continue  # another vocabulary's extension, or a nested record
        name = RENAMED_FIELDS.get(name, name)
        if name in known:
            if values.get(name):
                raise PfifError(f"{where}: field {name} given twice")
            values[name] = _value(name, child)
    return values


def _note(element: Element, namespace: str, where: str, person_id: str) -> PfifNote:
    values = _values(element, NOTE_FIELDS, namespace, where)
    note_id = values.get("note_record_id", "")
    if not valid_record_id(note_id):
        raise PfifError(f"{where}: note_record_id {note_id!r} is not <domain>/<id>")
    where = f"note {note_id}"
    if person_id:
        if values.get("person_record_id") not in (None, "", person_id):
            raise PfifError(f"{where}: person_record_id differs from its person's")
        values["person_record_id"] = person_id
    elif not valid_record_id(values.get("person_record_id", "")):
        raise PfifError(f"{where}: a top-level note needs person_record_id as <domain>/<id>")
    linked = values.get("linked_person_record_id", "")
    if linked and not valid_record_id(linked):
        raise PfifError(f"{where}: linked_person_record_id {linked!r} is not <domain>/<id>")
    status = values.get("status", "")
    if status and status not in NOTE_STATUSES:
        raise PfifError(f"{where}: status {status!r} is not one of {', '.join(NOTE_STATUSES)}")
    contact = values.pop("author_made_contact", "").lower()
    if contact not in ("", "true", "false"):
        raise PfifError(f"{where}: author_made_contact {contact!r} is not true or false")
    moments = {name: _moment(values.pop(name, ""), where, name)
               for name in ("entry_date", "source_date")}
    arguments: dict[str, Any] = {**values, **moments}
    return PfifNote(**arguments, author_made_contact=None if not contact else contact == "true")


def _person(element: Element, namespace: str, where: str) -> PfifPerson:
    values = _values(element, PERSON_FIELDS, namespace, where)
    person_id = values.get("person_record_id", "")
    if not valid_record_id(person_id):
        raise PfifError(f"{where}: person_record_id {person_id!r} is not <domain>/<id>")
    where = f"person {person_id}"
    if not values.get("full_name"):
        # PFIF 1.2 had no full_name; 1.4 requires it. Build it from the parts.
        values["full_name"] = " ".join(
            v for v in (values.get("given_name", ""), values.get("family_name", "")) if v)
    if not values["full_name"]:
        raise PfifError(f"{where}: no name (full_name, or given_name and family_name)")
    sex = values.get("sex", "")
    if sex and sex not in SEX_VALUES:
        raise PfifError(f"{where}: sex {sex!r} is not female, male or other")
    birth = values.get("date_of_birth", "")
    if birth and not _BIRTH.match(birth):
        raise PfifError(f"{where}: date_of_birth {birth!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    age = values.get("age", "")
    if age and not _AGE.match(age):
        raise PfifError(f"{where}: age {age!r} is not a number or a range such as 35-45")
    moments = {name: _moment(values.pop(name, ""), where, name) for name in DATE_FIELDS}
    notes = [_note(child, namespace, f"{where}, note {index}", person_id)
             for index, child in enumerate(
                 (c for c in element if _local(c.tag) == (namespace, "note")), start=1)]
    arguments: dict[str, Any] = {**values, **moments}
    return PfifPerson(**arguments, notes=notes)


def parse(data: bytes) -> PfifDocument:
    """Read a PFIF 1.2-1.4 document; raise PfifError for hostile, broken or invalid input."""
    if len(data) > MAX_BYTES:
        raise PfifError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise PfifError("the file declares a DOCTYPE, entities or external references; "
                        "PFIF needs none, so it is refused") from None
    except ParseError as exc:
        raise PfifError(f"not well-formed XML ({exc})") from None
    namespace, name = _local(root.tag)
    if name != "pfif" or namespace not in READABLE_NAMESPACES:
        raise PfifError("not a PFIF document (the root must be pfif:pfif in the namespace "
                        f"{PFIF_1_4})")
    document = PfifDocument()
    seen_persons: set[str] = set()
    seen_notes: set[str] = set()
    for index, child in enumerate(root, start=1):
        child_namespace, child_name = _local(child.tag)
        if child_namespace != namespace:
            continue
        if child_name == "person":
            person = _person(child, namespace, f"record {index} (person)")
            if person.person_record_id in seen_persons:
                raise PfifError(f"person {person.person_record_id} appears twice")
            seen_persons.add(person.person_record_id)
            document.persons.append(person)
        elif child_name == "note":
            document.notes.append(_note(child, namespace, f"record {index} (note)", ""))
    for note in document.all_notes():
        if note.note_record_id in seen_notes:
            raise PfifError(f"note {note.note_record_id} appears twice")
        seen_notes.add(note.note_record_id)
    return document


# --- writing ---------------------------------------------------------------------------

def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    return _NOT_XML_CHAR.sub("", str(value))


def _append(parent: Element, record: object, names: tuple[str, ...],
            mandatory: tuple[str, ...]) -> None:
    for name in names:
        text = _text(getattr(record, name))
        if text or name in mandatory:
            ET.SubElement(parent, f"{{{PFIF_1_4}}}{name}").text = text


def serialize(document: PfifDocument) -> bytes:
    """Write the document as PFIF 1.4 (UTF-8, notes nested in their persons)."""
    ET.register_namespace("pfif", PFIF_1_4)
    root = ET.Element(f"{{{PFIF_1_4}}}pfif")
    for person in document.persons:
        element = ET.SubElement(root, f"{{{PFIF_1_4}}}person")
        _append(element, person, PERSON_FIELDS, ("person_record_id", "source_date",
                                                 "full_name"))
        for note in person.notes:
            _append(ET.SubElement(element, f"{{{PFIF_1_4}}}note"), note, NOTE_FIELDS,
                    ("note_record_id", "author_name", "source_date", "text"))
    for note in document.notes:
        _append(ET.SubElement(root, f"{{{PFIF_1_4}}}note"), note, NOTE_FIELDS,
                ("note_record_id", "person_record_id", "author_name", "source_date", "text"))
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _check_fields() -> None:
    # The dataclasses and the field lists must stay in step: the writer reads by name.
    person = {f.name for f in fields(PfifPerson)} - {"notes"}
    note = {f.name for f in fields(PfifNote)}
    if person != set(PERSON_FIELDS) or note != set(NOTE_FIELDS):
        raise AssertionError("PFIF field lists and dataclasses differ")


_check_fields()
