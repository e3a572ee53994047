"""One row of an import file, read: its member, household fields, source key and problems.

A row's cells are read by the header's map (`columns.header_read`). Before the values
are parsed, what a form's export spreads over several columns is folded into Haven's
fields: the birth-date questions (`birth_date_precision`, `birth_date`, `birth_month`,
`birth_year`, `estimated_age`) into one birth date or age, as ODK submissions are read;
one column per choice of a select_multiple (1/0, True/False) into the list of codes; and
the form's start time (with its UTC offset, checked against when the server received
it) into the arrival time.

Each row gets a *source key* (see `columns`): the first 128 bits of the SHA-256 of the
site, the household key and the row's values after normalizing. A row of a form's
export (`Header.by_submission`) is keyed by its submission's uuid and its place in the
household instead: the same submission is the same household wherever it comes from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.core import clock
from haven.intake.importing import form_columns as form
from haven.intake.importing.columns import (
    _CHOICES,
    FIELDS,
    HOUSEHOLD_FIELDS,
    KEY,
    KEY_VERSION,
    Header,
    value_key,
    value_lookup,
)
from haven.intake.importing.reading import DEFAULT_LIMITS, Limits
from haven.registry.services import MemberInput
from haven.registry.vocabulary import BirthDatePrecision, DocumentType, Vulnerability

FORM_KEY_VERSION = "haven-form-1"
# A device's clock may be wrong: a form started more than this long before the server
# received it, or after, arrived when it was received (as ODK submissions are read).
ARRIVAL_OLDEST = dt.timedelta(days=90)
CLOCK_SLACK = dt.timedelta(minutes=10)
_ARRIVED = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ARRIVED_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: (\d{1,2}):(\d{2}))?$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_CHOSEN = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False,
           "": False}
VULNERABILITY_SEPARATORS = re.compile(r"[;,|]")
# Which of the form's birth-date questions holds the answer, by precision, most precise first.
_BIRTH_SOURCES: dict[str, str] = {
    BirthDatePrecision.DAY: "birth_date", BirthDatePrecision.MONTH: form.BIRTH_MONTH,
    BirthDatePrecision.YEAR: form.BIRTH_YEAR, BirthDatePrecision.ESTIMATED: "estimated_age"}


def submission_id(value: str) -> str:
    """Return an instanceID as ODK stores it: a bare uuid (Kobo's `_uuid`) gets `uuid:`."""
    value = value.strip()
    return f"uuid:{value.lower()}" if _UUID.match(value) else value


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
    # A form export's row: the instanceIDs its submission is known by (`uuid:…`, and the
    # one an edit replaced), to find it among submissions received from ODK devices.
    submissions: tuple[str, ...] = ()
    household_problem: str = ""  # refuses the row's household whole (no household at all)


@lru_cache(maxsize=16)
def _named_cells(fields: tuple[tuple[int, str], ...], ignored: tuple[int, ...],
                 choices: tuple[tuple[int, str, str], ...]) -> frozenset[int]:
    """Return the cells a column name covers: read, ignored, or one choice of several."""
    return frozenset(index for index, _name in fields) | set(ignored) \
        | {index for index, _code, _column in choices}


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
    _cells_check(raw, cells, header, limits, problems)
    sources = _folded(raw, cells, header, problems)
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
                problems.append((sources.get(name, name), problem))
        values[name] = parsed
        canonical.append(text)
    household_key = values[KEY]
    submissions: tuple[str, ...] = ()
    if header.by_submission:
        household_key, submissions, key_text = _by_submission(raw, household_key)
    else:
        key_text = "\x1f".join((KEY_VERSION, site, *canonical))
    member = MemberInput(
        given_name=values["given_name"], family_name=values["family_name"],
        patronymic=values["patronymic"], sex=values["sex"], birth_date=values["birth_date"],
        estimated_age=values["estimated_age"], relationship=values["relationship"],
        document_type=values["document_type"] or DocumentType.NONE,
        document_number=values["document_number"], vulnerabilities=values["vulnerabilities"],
    )
    if not household_key:
        problems.append((KEY, _("is required")))
    return Row(
        number=number, household_key=household_key, member=member,
        household={k: values[k] for k in HOUSEHOLD_FIELDS if raw.get(k)},
        key=hashlib.sha256(key_text.encode()).hexdigest()[:SOURCE_KEY_LENGTH],
        digest=hashlib.sha256("\x1f".join(cells).encode("utf-8", "surrogatepass")).hexdigest(),
        problems=problems, submissions=submissions,
        household_problem=raw.get(form.PROBLEM, ""),
    )


def _cells_check(raw: dict[str, str], cells: Sequence[str], header: Header, limits: Limits,
                 problems: list[tuple[str, str]]) -> None:
    """Name a value in a column without a name, and cut cells that are too long."""
    named = _named_cells(header.fields, header.ignored, header.choices)
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


def _by_submission(raw: dict[str, str], household_key: str
                   ) -> tuple[str, tuple[str, ...], str]:
    """Return a form export's row's household key, submission ids and source key text.

    The household is its submission, known by its instanceID (`uuid:…`); the row is the
    submission's member at its place, wherever the submission is imported.
    """
    submission = submission_id(raw.get(form.SUBMISSION, "") or household_key)
    ids = tuple(dict.fromkeys(
        s for s in (submission, submission_id(raw.get(form.DEPRECATED, ""))) if s))
    return submission, ids, "\x1f".join((FORM_KEY_VERSION, submission,
                                          raw.get(form.POSITION, "")))


def _folded(raw: dict[str, str], cells: Sequence[str], header: Header,
            problems: list[tuple[str, str]]) -> dict[str, str]:
    """Fold what a form's export spreads over several columns into Haven's fields.

    Return {field: the extra field its value came from}, to name that column in problems.
    """
    sources: dict[str, str] = {}
    if header.choices:
        raw["vulnerabilities"] = _chosen(cells, header, problems)
    names = header.names
    if form.BIRTH_PRECISION in names or form.BIRTH_MONTH in names or form.BIRTH_YEAR in names:
        _fold_birth_date(raw, sources, problems)
    if not raw.get("arrived_at") and (form.STARTED in names or form.SUBMITTED in names):
        raw["arrived_at"] = _form_arrival(raw)
        sources["arrived_at"] = form.STARTED if form.STARTED in names else form.SUBMITTED
    return sources


def _chosen(cells: Sequence[str], header: Header, problems: list[tuple[str, str]]) -> str:
    """Return the codes whose one-column-per-choice cell says chosen (1, True), as `a;b`."""
    codes = []
    for index, code, column in header.choices:
        value = " ".join(cells[index].split()).casefold() if index < len(cells) else ""
        chosen = _CHOSEN.get(value[:-2] if value.endswith(".0") else value)
        if chosen is None:
            problems.append(("vulnerabilities", _("%(value)r in column %(column)s: use 1 or 0 "
                                                  "(or True or False)")
                             % {"value": value[:20], "column": column}))
        elif chosen:
            codes.append(code)
    return ";".join(codes)


def _fold_birth_date(raw: dict[str, str], sources: dict[str, str],
                     problems: list[tuple[str, str]]) -> None:
    """Fold the form's birth-date questions into `birth_date` or `estimated_age`.

    The precision says which question holds the answer, as for an ODK submission (a
    month comes as the first of the month: 1948-03-01 is 1948-03); without one, the
    first that is given, from the most precise.
    """
    text = raw.get(form.BIRTH_PRECISION, "")
    precision = value_lookup(form.BIRTH_PRECISION).get(value_key(text)) if text else None
    if text and precision is None:
        problems.append((form.BIRTH_PRECISION, _("unknown value %(value)r; use one of: "
                                                 "%(codes)s")
                         % {"value": text[:40], "codes": ", ".join(BirthDatePrecision.values)}))
        return
    order = [precision] if precision else list(_BIRTH_SOURCES)
    for choice in order:
        source = _BIRTH_SOURCES[choice]
        value = raw.get(source, "")
        if not value:
            continue
        if source == form.BIRTH_MONTH:
            value = value[:7]  # 2010-05-01 -> 2010-05
        target = "estimated_age" if source == "estimated_age" else "birth_date"
        raw["birth_date"], raw["estimated_age"] = "", ""
        raw[target] = value
        sources[target] = source
        return
    if precision:  # the answer the precision points at is missing: no birth date at all
        raw["birth_date"], raw["estimated_age"] = "", ""


def _form_arrival(raw: dict[str, str]) -> str:
    """Return when a form's household arrived: its start, else its end, else its receipt.

    As for an ODK submission: a start or end outside 90 days before the server received
    the form to 10 minutes after is a wrong device clock, and the receipt is taken.
    """
    submitted = _moment(raw.get(form.SUBMITTED, ""), naive_utc=True)
    for name in (form.STARTED, form.ENDED):
        moment = _moment(raw.get(name, ""), naive_utc=False)
        if moment is None:
            continue
        if submitted is None:
            return moment.isoformat()
        if submitted - ARRIVAL_OLDEST <= moment <= submitted + CLOCK_SLACK:
            return min(moment, submitted).isoformat()
    return submitted.isoformat() if submitted else ""


def _moment(text: str, *, naive_utc: bool) -> dt.datetime | None:
    """Return an ISO 8601 timestamp as an aware datetime (Kobo's server times are UTC)."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC) if naive_utc else timezone.make_aware(moment)


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
    """Read codes or labels separated by `;`, `,` or `|`, or by spaces as ODK writes them.

    Between spaces, the longest run of words that is a code or a label is taken, so that
    a label export's `Chronic illness Pregnant` is two vulnerabilities.
    """
    lookup = value_lookup("vulnerabilities")
    codes: list[str] = []
    unknown: list[str] = []
    for part in VULNERABILITY_SEPARATORS.split(value):
        if not part.strip():
            continue
        code = lookup.get(value_key(part))
        found = [code] if code is not None else _words(part, lookup, unknown)
        codes.extend(c for c in found if c not in codes)
    problem = ""
    if unknown:
        problem = _("unknown vulnerability %(values)s; use codes separated by ';': %(codes)s") \
            % {"values": ", ".join(repr(u) for u in unknown),
               "codes": ", ".join(Vulnerability.values)}
    return codes, ";".join(sorted(codes) + [value_key(u) for u in unknown]), problem


def _words(part: str, lookup: dict[str, str], unknown: list[str]) -> list[str]:
    """Return the codes of a space-separated run, the longest known phrase first."""
    words = part.split()
    found: list[str] = []
    start = 0
    while start < len(words):
        for end in range(len(words), start, -1):
            code = lookup.get(value_key(" ".join(words[start:end])))
            if code is not None:
                found.append(code)
                start = end
                break
        else:
            unknown.append(words[start][:40])
            start += 1
    return found


def _whole_number(value: str) -> tuple[int | None, str, str]:
    if not value:
        return None, "", ""
    text = value[:-2] if value.endswith(".0") else value
    if not text.isdigit() or not text.isascii():
        return None, value, _("must be a whole number")
    return int(text), str(int(text)), ""


def _arrived_at(value: str) -> tuple[dt.datetime | None, str, str]:
    """Parse 2023-09-28, 2023-09-28 14:30, 28.09.2023 or 28.09.2023 14:30 in local time,
    or a timestamp with its UTC offset (2023-09-28T14:02:11.000+04:00, ...Z)."""
    if not value:
        return None, "", ""
    if match := _ARRIVED.match(value):
        year, month, day, hour, minute, second = match.groups()
    elif match := _ARRIVED_DOTTED.match(value):
        day, month, year, hour, minute = match.groups()
        second = None
    elif (stamp := _moment(value, naive_utc=False)) is not None:
        return _arrival_checked(stamp, value)
    else:
        return None, value, _("use YYYY-MM-DD or YYYY-MM-DD HH:MM")
    try:
        naive = dt.datetime(  # noqa: DTZ001 - made aware on the next line
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None, value, _("is not a date in the calendar")
    return _arrival_checked(timezone.make_aware(naive), value)


def _arrival_checked(moment: dt.datetime, value: str) -> tuple[dt.datetime | None, str, str]:
    if moment > clock.now() + dt.timedelta(minutes=5):
        return None, value, _("is in the future")
    if moment.year < 2000:
        return None, value, _("is before 2000")
    return moment, moment.isoformat(), ""
