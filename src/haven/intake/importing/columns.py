"""The columns of an import file: names and their aliases, coded values, one row's reading.

A file has one row per person. `household_key` groups the rows of one household; the
other columns are the registry's field names (`given_name`, `sex`, ...) or one of the
aliases below, in English, Russian or Armenian, in any case and with spaces, hyphens or
underscores alike. docs/import.md lists them; a test keeps the two in step.

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

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from haven.core import clock
from haven.intake.importing.reading import DEFAULT_LIMITS, FileRefused, Limits
from haven.registry.services import MemberInput
from haven.registry.vocabulary import DocumentType, Relationship, Sex, Vulnerability

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
                            "document_type": DocumentType, "vulnerabilities": Vulnerability}
VULNERABILITY_SEPARATORS = re.compile(r"[;,|]")
_ARRIVED = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ARRIVED_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: (\d{1,2}):(\d{2}))?$")


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
    """Return {normalized name or alias: field}."""
    lookup = {header_key(name): name for name in FIELDS}
    for name, aliases in COLUMN_ALIASES.items():
        lookup.update({header_key(alias): name for alias in aliases})
    return lookup


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


@dataclass(frozen=True)
class Header:
    """Which cell holds which field, and each field's column name as the file spells it."""

    fields: tuple[tuple[int, str], ...]  # (cell index, field)
    names: dict[str, str]  # field -> the column's name in the file
    width: int

    def name(self, field_name: str) -> str:
        return self.names.get(field_name, field_name)


def header_read(cells: Sequence[str], *, limits: Limits = DEFAULT_LIMITS) -> Header:
    """Map the header row's cells to fields; refuse unknown, repeated or missing columns.

    An unknown column is refused rather than ignored: a misspelt `birth_dte` would
    otherwise import every person without a birth date, silently.
    """
    problems: list[tuple[int, str, str]] = []
    if len(cells) > limits.max_columns:
        raise FileRefused(_("The file has %(n)d columns; at most %(limit)d are read.")
                          % {"n": len(cells), "limit": limits.max_columns})
    lookup = column_lookup()
    fields: list[tuple[int, str]] = []
    names: dict[str, str] = {}
    for index, cell in enumerate(cells):
        written = " ".join(cell.replace("\ufeff", "").split())
        if not written:
            continue  # an unnamed column: its cells must be empty (checked per row)
        name = lookup.get(header_key(written))
        if name is None:
            problems.append((1, written, _("unknown column; known columns: %(known)s")
                             % {"known": ", ".join(FIELDS)}))
        elif name in names:
            problems.append((1, written, _("the same column as %(other)r")
                             % {"other": names[name]}))
        else:
            names[name] = written
            fields.append((index, name))
    problems.extend((1, name, _("missing column")) for name in REQUIRED if name not in names)
    if problems:
        summary = "; ".join(f"{column}: {problem}" for _row, column, problem in problems)
        raise FileRefused(_("The header row (row 1) is not right: %(problems)s")
                          % {"problems": summary}, problems)
    return Header(fields=tuple(fields), names=names, width=len(cells))


SOURCE_KEY_LENGTH = 32  # hex digits of the SHA-256: 128 bits


@dataclass
class Row:
    """One person row, read: the member, the household fields it gives, its source key."""

    number: int
    household_key: str
    # None once its household is checked: storing it needs only its key and problems,
    # and an import sends it from the reading process to the storing one.
    member: MemberInput | None
    household: dict[str, Any]  # household fields given on this row, parsed
    key: str  # the source key (see the module docstring)
    digest: str  # SHA-256 of the row's cells as received
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)


@lru_cache(maxsize=16)
def _named_cells(fields: tuple[tuple[int, str], ...]) -> frozenset[int]:
    return frozenset(index for index, _name in fields)


def row_read(number: int, cells: Sequence[str], header: Header, *, site: str,
             limits: Limits = DEFAULT_LIMITS) -> Row | None:
    """Read one row; None for a row with no value at all (it is skipped, not an error)."""
    raw: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    width = len(cells)
    for index, name in header.fields:
        if index < width:
            raw[name] = " ".join(cells[index].split())
    if not any(raw.values()) and not any(c.strip() for c in cells):
        return None
    named = _named_cells(header.fields)
    for index, cell in enumerate(cells):
        if index not in named and cell.strip():
            problems.append(("", _("a value in column %(n)d, which has no name")
                             % {"n": index + 1}))
            break
    for name, value in raw.items():
        if len(value) > limits.max_cell_chars:
            problems.append((name, _("is longer than %(n)d characters")
                             % {"n": limits.max_cell_chars}))
            raw[name] = value[: limits.max_cell_chars]
    values: dict[str, Any] = {}
    canonical: list[str] = []
    parsed_before = _PARSED
    for name in FIELDS:
        value = raw.get(name, "")
        hit = parsed_before.get((name, value))
        if hit is not None and not isinstance(hit[0], list):
            parsed, text = hit[0], hit[1]  # as `_parse` would return it, without the call
        else:
            parsed, text, problem = _parse(name, value)
            if problem:
                problems.append((name, problem))
        values[name] = parsed
        canonical.append(text)
    key_text = "\x1f".join((KEY_VERSION, site, *canonical))
    member = MemberInput(
        given_name=values["given_name"], family_name=values["family_name"],
        patronymic=values["patronymic"], sex=values["sex"], birth_date=values["birth_date"],
        estimated_age=values["estimated_age"], relationship=values["relationship"],
        document_type=values["document_type"] or DocumentType.NONE,
        document_number=values["document_number"], vulnerabilities=values["vulnerabilities"],
    )
    household_key = values[KEY]
    if not household_key:
        problems.append((KEY, _("is required")))
    return Row(
        number=number, household_key=household_key, member=member,
        household={k: values[k] for k in HOUSEHOLD_FIELDS if raw.get(k)},
        key=hashlib.sha256(key_text.encode()).hexdigest()[:SOURCE_KEY_LENGTH],
        digest=hashlib.sha256("\x1f".join(cells).encode("utf-8", "surrogatepass")).hexdigest(),
        problems=problems,
    )


_PARSED: dict[tuple[str, str], tuple[Any, str, str]] = {}
_PARSED_MAX = 50_000
# Columns whose values repeat from row to row; a key, phone or place is new on each
# household, and a time is read in the current time zone: those are parsed every time.
_REPEATING = frozenset({"given_name", "family_name", "patronymic", "sex", "relationship",
                        "document_type", "vulnerabilities", "estimated_age", "size"})


def _parse(name: str, value: str) -> tuple[Any, str, str]:
    """Return (value for the registry, text for the source key, problem or '').

    A file repeats its values (the same family name, sex, relationship row after row),
    so values read without a problem are remembered; a problem is worded afresh, in the
    language active now.
    """
    cached = _PARSED.get((name, value))
    if cached is not None:
        parsed, text, _problem = cached
        if isinstance(parsed, list):
            parsed = list(parsed)  # each member its own list
        return parsed, text, ""
    result = _parse_value(name, value)
    if not result[2] and (name in _REPEATING or not value):
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        parsed = result[0]
        _PARSED[name, value] = (list(parsed) if isinstance(parsed, list) else parsed,
                                result[1], "")
    return result


def _parse_value(name: str, value: str) -> tuple[Any, str, str]:  # noqa: PLR0911 - one per kind
    """Parse one value, as `_parse` describes."""
    if name in ("sex", "relationship", "document_type"):
        if not value:
            return "", "", ""
        code = value_lookup(name).get(value_key(value))
        if code is None:
            return "", value_key(value), _unknown_value(name, value)
        return code, code, ""
    if name == "vulnerabilities":
        return _vulnerabilities(value)
    if name in ("estimated_age", "size"):
        return _whole_number(value)
    if name == "arrived_at":
        return _arrived_at(value)
    text = unicodedata.normalize("NFC", value)
    if name in ("given_name", "family_name", "patronymic"):
        return text, text.casefold(), ""
    return text, text, ""


def _unknown_value(name: str, value: str) -> str:
    codes = ", ".join(_CHOICES[name].values)
    return _("unknown value %(value)r; use one of: %(codes)s (or an alias in docs/import.md)") \
        % {"value": value[:40], "codes": codes}


def _vulnerabilities(value: str) -> tuple[list[str], str, str]:
    lookup = value_lookup("vulnerabilities")
    codes: list[str] = []
    unknown: list[str] = []
    for part in VULNERABILITY_SEPARATORS.split(value):
        if not part.strip():
            continue
        code = lookup.get(value_key(part))
        if code is None:
            unknown.append(part.strip()[:40])
        elif code not in codes:
            codes.append(code)
    problem = ""
    if unknown:
        problem = _("unknown vulnerability %(values)s; use codes separated by ';': %(codes)s") \
            % {"values": ", ".join(repr(u) for u in unknown),
               "codes": ", ".join(Vulnerability.values)}
    return codes, ";".join(sorted(codes) + [value_key(u) for u in unknown]), problem


def _whole_number(value: str) -> tuple[int | None, str, str]:
    if not value:
        return None, "", ""
    text = value[:-2] if value.endswith(".0") else value
    if not text.isdigit() or not text.isascii():
        return None, value, _("must be a whole number")
    return int(text), str(int(text)), ""


def _arrived_at(value: str) -> tuple[dt.datetime | None, str, str]:
    """Parse 2023-09-28, 2023-09-28 14:30, 28.09.2023 or 28.09.2023 14:30, local time."""
    if not value:
        return None, "", ""
    if match := _ARRIVED.match(value):
        year, month, day, hour, minute, second = match.groups()
    elif match := _ARRIVED_DOTTED.match(value):
        day, month, year, hour, minute = match.groups()
        second = None
    else:
        return None, value, _("use YYYY-MM-DD or YYYY-MM-DD HH:MM")
    try:
        naive = dt.datetime(  # noqa: DTZ001 - made aware on the next line
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None, value, _("is not a date in the calendar")
    moment = timezone.make_aware(naive)
    if moment > clock.now() + dt.timedelta(minutes=5):
        return None, value, _("is in the future")
    if moment.year < 2000:
        return None, value, _("is before 2000")
    return moment, moment.isoformat(), ""
