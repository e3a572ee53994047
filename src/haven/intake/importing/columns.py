"""The columns of an import file: names and their aliases, coded values, the header row.

A file has one row per person. `household_key` groups the rows of one household; the
other columns are the registry's field names (`given_name`, `sex`, ...) or one of the
aliases below, in English, Russian or Armenian, in any case and with spaces, hyphens or
underscores alike. docs/import.md lists them; a test keeps the two in step. Columns as
KoboToolbox and ODK Central export Haven's own form are known too (`form_columns`): the
form's question names with or without their groups, their labels in three languages,
one column per choice of a select_multiple, and the tools' metadata.

Each row gets a *source key*: the first 128 bits (32 hex digits) of the SHA-256 of the
site, the household key and the row's values after normalizing (whitespace, Unicode NFC,
case, coded values mapped to their codes). The same person row in another file, re-saved
in another encoding, with other column names or another column order has the same key, so
it is stored once. 128 bits leave a chance of two rows' keys meeting below 10^-20 at a
billion rows, and half the key makes the unique index the import maintains half as
large: a million-row import ran 15% faster (intake migration 0002 shortened the keys
stored before).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from haven.intake.importing import form_columns as form
from haven.intake.importing.reading import DEFAULT_LIMITS, FileRefused, Limits
from haven.registry.vocabulary import (
    BirthDatePrecision,
    DocumentType,
    Relationship,
    Sex,
    Vulnerability,
)

KEY = "household_key"
MEMBER_FIELDS = ("given_name", "family_name", "patronymic", "sex", "birth_date",
                 "estimated_age", "relationship", "document_type", "document_number",
                 "vulnerabilities")
HOUSEHOLD_FIELDS = ("place_of_origin", "phone", "size", "arrived_at")
FIELDS = (KEY, *MEMBER_FIELDS, *HOUSEHOLD_FIELDS)
REQUIRED = (KEY, "given_name", "family_name", "sex", "relationship")
KEY_VERSION = "haven-import-1"

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    KEY: ("household", "household_id", "household_no", "hh_key", "hh_id", "family_id",
          "семья", "номер_семьи", "ключ_семьи", "ընտանիք", "ընտանիքի_համար"),
    "given_name": ("first_name", "firstname", "name", "forename", "given", "имя", "անուն"),
    "family_name": ("last_name", "lastname", "surname", "family", "фамилия", "ազգանուն"),
    "patronymic": ("middle_name", "father_name", "fathers_name", "отчество", "հայրանուն"),
    "sex": ("gender", "пол", "սեռ"),
    "birth_date": ("date_of_birth", "dob", "birthdate", "birthday", "born", "дата_рождения",
                   "ծննդյան_ամսաթիվ", "ծննդյան_տարեթիվ"),
    "estimated_age": ("age", "age_years", "возраст", "տարիք"),
    "relationship": ("relation", "relationship_to_head", "relation_to_head", "родство",
                     "отношение_к_главе", "ազգակցություն", "ազգակցական_կապ"),
    "document_type": ("doc_type", "id_type", "тип_документа", "փաստաթղթի_տեսակ"),
    "document_number": ("doc_number", "document_no", "id_number", "passport_number",
                        "номер_документа", "փաստաթղթի_համար"),
    "vulnerabilities": ("vulnerability", "specific_needs", "needs", "уязвимости",
                        "уязвимость", "խոցելիություն"),
    "place_of_origin": ("origin", "from", "hometown", "место_происхождения", "откуда",
                        "ծագման_վայր", "որտեղից"),
    "phone": ("phone_number", "telephone", "mobile", "tel", "телефон", "հեռախոս"),
    "size": ("household_size", "hh_size", "размер_семьи", "ընտանիքի_չափ"),
    "arrived_at": ("arrival", "arrival_date", "date_of_arrival", "arrived", "дата_прибытия",
                   "ժամանման_ամսաթիվ"),
}

VALUE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "sex": {
        Sex.FEMALE: ("f", "female", "woman", "w", "ж", "жен", "женский", "женщина",
                     "իգական", "կին", "ի"),
        Sex.MALE: ("m", "male", "man", "м", "муж", "мужской", "мужчина", "արական",
                   "տղամարդ", "ա"),
        Sex.UNKNOWN: ("u", "unknown", "?", "неизвестно", "անհայտ"),
    },
    "relationship": {
        Relationship.HEAD: ("head", "hoh", "head of household", "глава", "глава семьи",
                            "ղեկավար", "ընտանիքի ղեկավար", "գլխավոր"),
        Relationship.SPOUSE: ("wife", "husband", "супруг", "супруга", "жена", "муж",
                              "ամուսին", "կին"),
        Relationship.CHILD: ("son", "daughter", "сын", "дочь", "ребенок", "ребёнок",
                             "որդի", "դուստր", "աղջիկ", "երեխա"),
        Relationship.PARENT: ("mother", "father", "мать", "отец", "մայր", "հայր"),
        Relationship.SIBLING: ("brother", "sister", "брат", "сестра", "եղբայր", "քույր"),
        Relationship.GRANDCHILD: ("grandson", "granddaughter", "внук", "внучка", "թոռ",
                                  "թոռնիկ"),
        Relationship.GRANDPARENT: ("grandmother", "grandfather", "бабушка", "дедушка",
                                   "տատիկ", "պապիկ"),
        Relationship.OTHER_RELATIVE: ("relative", "other", "родственник", "родственница",
                                      "ազգական"),
        Relationship.NOT_RELATED: ("unrelated", "non relative", "не родственник",
                                   "ոչ ազգական"),
    },
    "document_type": {
        DocumentType.NONE: ("no", "нет", "без документа", "չկա"),
        DocumentType.PASSPORT: ("паспорт", "անձնագիր"),
        DocumentType.INTERNAL_PASSPORT: ("soviet passport", "внутренний паспорт",
                                         "советский паспорт"),
        DocumentType.NATIONAL_ID: ("id", "id card", "удостоверение личности",
                                   "նույնականացման քարտ"),
        DocumentType.BIRTH_CERTIFICATE: ("свидетельство о рождении",
                                         "ծննդյան վկայական"),
        DocumentType.MILITARY_ID: ("военный билет", "զինվորական գրքույկ"),
        DocumentType.REFUGEE_CERTIFICATE: ("удостоверение беженца", "փախստականի վկայական"),
        DocumentType.OTHER: ("другой", "այլ"),
    },
    "vulnerabilities": {
        Vulnerability.UNACCOMPANIED_CHILD: ("unaccompanied",),
        Vulnerability.SEPARATED_CHILD: ("separated",),
        Vulnerability.INJURED: ("injury", "ранен", "ранение"),
        Vulnerability.BURNS: ("burn", "ожоги", "ожог"),
        Vulnerability.MALNOURISHED: ("malnutrition", "истощение"),
        Vulnerability.CHRONIC_ILLNESS: ("chronic", "хроническое заболевание"),
        Vulnerability.PREGNANT: ("беременная", "беременность", "հղի"),
        Vulnerability.ELDERLY_ALONE: ("elderly", "одинокий пожилой"),
    },
}
_CHOICES: dict[str, Any] = {"sex": Sex, "relationship": Relationship,
                            "document_type": DocumentType, "vulnerabilities": Vulnerability,
                            form.BIRTH_PRECISION: BirthDatePrecision}
VALUE_ALIASES[form.BIRTH_PRECISION] = {}
# Fields a row may give that fold into the registry's (a form's birth-date questions,
# its times) or that join and key the rows of a form's export.
EXTRA_FIELDS = (form.BIRTH_PRECISION, form.BIRTH_MONTH, form.BIRTH_YEAR, form.STARTED,
                form.ENDED, form.SUBMITTED, form.SUBMISSION, form.DEPRECATED, form.PARENT,
                form.INDEX, form.MEMBER_KEY)
_METADATA = frozenset(EXTRA_FIELDS[3:])  # may be given twice (`_uuid`, `meta/instanceID`)


def header_key(text: str) -> str:
    """Return a column name as looked up: NFC, case-folded, with _ for spaces and hyphens."""
    text = unicodedata.normalize("NFC", text.replace("\ufeff", "")).strip().casefold()
    return re.sub(r"[\s\-.]+", "_", text).strip("_*")


def value_key(text: str) -> str:
    """Return a coded value as looked up: NFC, case-folded, with spaces for _ and -."""
    text = unicodedata.normalize("NFC", text).casefold().replace("_", " ").replace("-", " ")
    return " ".join(text.split()).rstrip(".")


@cache
def column_lookup() -> dict[str, str]:
    """Return {normalized name, alias, form question name or label: field}.

    The form's names and labels, with their groups or without, come first, so that the
    aliases (which a person chose) win where the two spell the same.
    """
    lookup: dict[str, str] = {}
    known = set(FIELDS) | set(form.FORM_ONLY)
    questions = form.form_questions()
    for question in questions.values():
        if question.kind.startswith("begin") or question.name in ("start", "end"):
            continue  # a group's own name or label is a prefix; the times are metadata
        if question.name in known:
            target = question.name
        elif question.kind == "note":
            target = form.IGNORED  # a note's column is empty
        else:
            continue  # a question Haven does not read: unknown, so the file is refused
        spellings = [question.name, *question.labels]
        if question.group:
            group = questions[question.group]
            spellings += [f"{group.name}/{question.name}", f"{group.name}-{question.name}"]
            spellings += [f"{g}/{label}" for g in group.labels for label in question.labels]
        lookup.update({header_key(text): target for text in spellings})
    lookup.update({header_key(name): name for name in FIELDS})
    for name, aliases in COLUMN_ALIASES.items():
        lookup.update({header_key(alias): name for alias in aliases})
    return lookup


def column_field(name: str, *, central: bool = False) -> str | None:
    """Return the field a column's name stands for, or None for an unknown column.

    Besides the fields, the result may be `form_columns.IGNORED` (metadata Haven does not
    use), an extra field (`EXTRA_FIELDS`), or `CHOICE + "vulnerabilities/" + code` for one
    column of a select_multiple's choices. Central's metadata (`KEY`, `Status`, ...) are
    generic names, known only in a Central export (`central`).
    """
    meta = form.metadata_key(name)
    if meta in form.KOBO_METADATA:
        return form.KOBO_METADATA[meta]
    if central and meta in form.CENTRAL_METADATA:
        return form.CENTRAL_METADATA[meta]
    lookup = column_lookup()
    found = lookup.get(header_key(name))
    if found is not None or "/" not in name:
        return found
    parts = [p for p in name.split("/") if p.strip()]
    prefixes = {header_key(p) for p in form.group_prefixes()}
    while len(parts) > 1 and header_key(parts[0]) in prefixes:
        parts = parts[1:]
    if len(parts) == 1:
        return lookup.get(header_key(parts[0]))
    if len(parts) == 2 and lookup.get(header_key(parts[0])) == "vulnerabilities":
        code = value_lookup("vulnerabilities").get(value_key(parts[1]))
        if code is not None:
            return f"{form.CHOICE}vulnerabilities/{code}"
    return None


@cache
def value_lookup(column: str) -> dict[str, str]:
    """Return {normalized code, label or alias: code} for a coded column.

    The codes, their labels in every language Haven speaks, and the aliases above; an
    alias wins over a label that happens to spell the same.
    """
    lookup: dict[str, str] = {}
    choices = _CHOICES[column]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup.update({value_key(str(label)): code for code, label in choices.choices})
    for code, aliases in VALUE_ALIASES[column].items():
        lookup.update({value_key(alias): str(code) for alias in aliases})
    lookup.update({value_key(code): code for code in choices.values})
    return lookup


def known_names() -> list[str]:
    """Return every column name and alias, for suggesting one in place of a misspelt name."""
    return [*FIELDS, *form.FORM_ONLY, *(a for aliases in COLUMN_ALIASES.values()
                                        for a in aliases)]


@dataclass(frozen=True)
class Header:
    """Which cell holds which field, and each field's column name as the file spells it."""

    fields: tuple[tuple[int, str], ...]  # (cell index, field), fields and extra fields
    names: dict[str, str]  # field -> the column's name in the file
    width: int
    # (cell index, code, column name) of a select_multiple's one-column-per-choice columns
    choices: tuple[tuple[int, str, str], ...] = ()
    # A form export's rows: keyed by their submission, not by their values (`rows`).
    by_submission: bool = False
    ignored: tuple[int, ...] = ()  # cells of columns known and not read (metadata, notes)

    def name(self, field_name: str) -> str:
        return self.names.get(field_name, field_name)

    def has(self, field_name: str) -> bool:
        return field_name in self.names


def header_read(cells: Sequence[str], *, limits: Limits = DEFAULT_LIMITS,
                central: bool = False, prefix: str = "") -> Header:
    """Map the header row's cells to fields; refuse unknown, repeated or missing columns.

    An unknown column is refused rather than ignored: a misspelt `birth_dte` would
    otherwise import every person without a birth date, silently. Each unknown column
    is named once, with the closest known name if there is one; the message says what
    the file looks like when it is a part of a form's export (`describe`). `prefix` goes
    before each name in the problems (a form export's table: `members: sex`).
    """
    if len(cells) > limits.max_columns:
        raise FileRefused(_("The file has %(n)d columns; at most %(limit)d are read.")
                          % {"n": len(cells), "limit": limits.max_columns})
    header = header_map(cells, central=central)
    problems = [(1, prefix + column, problem) for column, problem in header_problems(header)]
    if problems:
        raise FileRefused(header_refusal(cells, problems), problems)
    return header.header


@dataclass
class _Mapped:
    header: Header
    unknown: list[str]
    repeated: list[tuple[str, str]]  # (column, the column it repeats)


def header_map(cells: Sequence[str], *, central: bool = False) -> _Mapped:
    """Map what can be mapped; return the unknown and repeated columns too."""
    fields: list[tuple[int, str]] = []
    names: dict[str, str] = {}
    choices: list[tuple[int, str, str]] = []
    ignored: list[int] = []
    unknown: list[str] = []
    repeated: list[tuple[str, str]] = []
    for index, cell in enumerate(cells):
        written = " ".join(cell.replace("\ufeff", "").split())
        if not written:
            continue  # an unnamed column: its cells must be empty (checked per row)
        name = column_field(written, central=central)
        if name is None:
            if written not in unknown:
                unknown.append(written)
        elif name == form.IGNORED:
            ignored.append(index)
        elif name.startswith(form.CHOICE):
            choices.append((index, name.rsplit("/", 1)[1], written))
            names.setdefault("vulnerabilities", written.rsplit("/", 1)[0])
        elif name in names:
            if name not in _METADATA:
                repeated.append((written, names[name]))
            ignored.append(index)
        else:
            names[name] = written
            fields.append((index, name))
    if choices:
        # One column per choice says exactly which were chosen; the summary column (with
        # labels, ambiguous where a label has spaces) is not read beside them.
        ignored.extend(i for i, f in fields if f == "vulnerabilities")
        fields = [(i, f) for i, f in fields if f != "vulnerabilities"]
    return _Mapped(Header(fields=tuple(fields), names=names, width=len(cells),
                          choices=tuple(choices), ignored=tuple(ignored)), unknown, repeated)


def header_problems(mapped: _Mapped, *, required: Sequence[str] = REQUIRED
                    ) -> list[tuple[str, str]]:
    """Return (column, problem) for each unknown, repeated or missing column."""
    problems: list[tuple[str, str]] = []
    for column in mapped.unknown:
        close = difflib.get_close_matches(header_key(column), known_names(), n=1, cutoff=0.8)
        problems.append((column, _("unknown column (%(name)s?)") % {"name": close[0]}
                         if close else _("unknown column")))
    problems.extend((column, _("the same column as %(other)r") % {"other": other})
                    for column, other in mapped.repeated)
    problems.extend((name, _("missing column")) for name in required
                    if not mapped.header.has(name))
    return problems


def header_refusal(cells: Sequence[str], problems: list[tuple[int, str, str]]) -> str:
    """Return the message refusing a header: what the file is, each problem once, the names."""
    what = describe(cells)
    summary = "; ".join(f"{column}: {problem}" for _row, column, problem in problems)
    message = _("The header row (row 1) is not right: %(problems)s.") % {"problems": summary}
    if any(problem.startswith(_("unknown column")) for _r, _c, problem in problems):
        message += " " + _("Known columns: %(known)s, and their aliases in three languages "
                           "(docs/import.md).") % {"known": ", ".join(FIELDS)}
    return f"{what} {message}" if what else message


def describe(cells: Sequence[str]) -> str:
    """Return what a file whose header is `cells` looks like, when it is part of an export."""
    keys = {form.metadata_key(c) for c in cells if c.strip()}
    mapped = {column_field(c, central=True) for c in cells if c.strip()}
    members = bool(mapped & {"given_name", "family_name", "sex"})
    if keys & {"_parent_index", "_submission__uuid", "_parent_table_name"}:
        return _("This is the members sheet of a KoboToolbox export, on its own. Export the "
                 "whole form from KoboToolbox as XLSX and import that workbook: Haven joins "
                 "each member to their household.")
    if keys & form.KOBO_MARKS and not members:
        return _("This is a KoboToolbox export of the households without their members "
                 "(Kobo's CSV export leaves repeated questions out). Export the form from "
                 "KoboToolbox as XLSX, which holds the members on a second sheet, and "
                 "import that workbook.")
    if "parent_key" in keys:
        return _("This is the members table of an ODK Central export, on its own. Download "
                 "the submissions from Central as \"CSV with repeats\" (a ZIP) and import "
                 "the ZIP as it is.")
    if keys & form.CENTRAL_MARKS and not members:
        return _("This is the main table of an ODK Central export, without the members. "
                 "Download the submissions from Central as \"CSV with repeats\" (a ZIP) "
                 "and import the ZIP as it is.")
    return ""


