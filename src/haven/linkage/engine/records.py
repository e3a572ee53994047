"""Turn records as typed into the columns the linkage model compares.

Every input value is a string and "" means missing. The prepared table keeps
`record_id` and adds, per field, what the comparisons need:

- names: the matching key from `haven.core.names` (exact-key levels, blocking) and the
  Latin letters from `to_latin` (Jaro-Winkler levels: DuckDB's string distances count
  UTF-8 bytes, so they never see Armenian or Cyrillic text);
- birth date: year, month, day (NULL below the precision given), the full date as
  YYYYMMDD and the year-month as YYYYMM, so that partial dates compare at their precision;
- phone in E.164 (Armenia, +374, when no country code is given), sex as f/m, the
  document number without spaces and punctuation, the settlement of origin as a key;
- optional extra columns (`household_id`, and the address fields of FEBRL-like
  files: address_1, postcode, street_number, state) when the input has them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers

from haven.core.names import given_name_key, name_key, patronymic_key, surname_key, to_latin
from haven.linkage.contradictions import SEX_WORDS

RECORD_COLUMNS = ("record_id", "given_name", "family_name", "patronymic", "sex", "birth_date",
                  "place_of_origin", "phone", "document_number")  # fmt: skip
# Compared when present; household_id is evidence that two records are relatives.
EXTRA_COLUMNS = ("household_id", "address_1", "postcode", "street_number", "state")
PHONE_REGION = "AM"  # most arrivals carry Armenian numbers; see registry/phones.py

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_MIN_YEAR, _MAX_YEAR = 1850, 2100
_NOT_LETTER = re.compile("[^a-z]+")
_NOT_ALNUM = re.compile("[^0-9A-Z]+")
_SEX = SEX_WORDS


class EngineInputError(ValueError):
    """A record table the engine cannot use; `column` (and `row`, if known) say where."""

    def __init__(self, message: str, *, column: str, row: int | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.row = row


def parse_birth_date(value: str) -> tuple[int | None, int | None, int | None]:
    """Return (year, month, day) of "YYYY", "YYYY-MM" or "YYYY-MM-DD"; ("") → all None.

    Raise ValueError for anything else, or a date that does not exist.
    """
    value = value.strip()
    if not value:
        return None, None, None
    match = _DATE.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year = int(match[1])
    month = int(match[2]) if match[2] else None
    day = int(match[3]) if match[3] else None
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"{value!r}: year outside {_MIN_YEAR}-{_MAX_YEAR}")
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"{value!r} is not a date that exists") from None
    return year, month, day


def _letters(value: str) -> str | None:
    """Return the lowercase Latin letters of a name, words run together; None if none."""
    return _NOT_LETTER.sub("", to_latin(value).lower()) or None


@functools.lru_cache(maxsize=1 << 16)
def e164(phone: str) -> str | None:
    """Return the phone number in E.164, or None if it is not a valid number."""
    if sum(ch.isdigit() for ch in phone) < 5:
        return None
    try:
        parsed = phonenumbers.parse(phone, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    # A number that is only "possible" (12345 → +37412345) would match every other
    # record that wrote down the same few digits.
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_Parsed = tuple[int | None, int | None, int | None, str | None, str | None]


def _parsed_date(value: str) -> _Parsed:
    year, month, day = parse_birth_date(value)
    full = f"{year:04d}{month:02d}{day:02d}" if day is not None else None
    year_month = f"{year:04d}{month:02d}" if month is not None else None
    return year, month, day, full, year_month


def _dates(values: pd.Series) -> pd.DataFrame:
    codes, distinct = pd.factorize(values)
    parsed: list[_Parsed] = []
    for value in distinct:
        try:
            parsed.append(_parsed_date(value))
        except ValueError as exc:
            row = int((values == value).to_numpy().argmax()) + 1
            raise EngineInputError(f"row {row}, column birth_date: {exc}",
                                   column="birth_date", row=row) from None
    parts = pd.DataFrame(index=values.index)
    for position, column in enumerate(("birth_year", "birth_month", "birth_day")):
        numbers = pd.array([p[position] for p in parsed], dtype="Int64")
        parts[column] = numbers.take(codes) if len(codes) else numbers[:0]
    for position, column in ((3, "birth_full"), (4, "birth_ym")):
        texts = np.empty(len(parsed), dtype=object)
        texts[:] = [p[position] for p in parsed]
        parts[column] = texts[codes]
    return parts


def _clean_code(value: str) -> str | None:
    return _NOT_ALNUM.sub("", value.upper()) or None


def _stripped(values: pd.Series) -> np.ndarray:
    """Return the column as stripped strings, "" for missing values (once per value)."""
    codes, distinct = pd.factorize(values)
    texts = np.empty(len(distinct) + 1, dtype=object)
    texts[:-1] = [str(value).strip() for value in distinct]
    texts[-1] = ""  # code -1: a missing value
    return texts[codes]


def _validate(records: pd.DataFrame) -> pd.DataFrame:
    if "record_id" not in records.columns:
        raise EngineInputError("missing column record_id", column="record_id")
    table = pd.DataFrame(index=records.index)
    for column in (*RECORD_COLUMNS, *EXTRA_COLUMNS):
        if column in records.columns:
            table[column] = _stripped(records[column])
        elif column in RECORD_COLUMNS:
            table[column] = ""
    ids = table["record_id"]
    if (ids == "").any():
        row = int((ids == "").to_numpy().argmax()) + 1
        raise EngineInputError(f"row {row}, column record_id: empty record_id",
                               column="record_id", row=row)
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise EngineInputError(f"duplicate record_id {duplicated.iloc[0]!r}", column="record_id")
    return table.reset_index(drop=True)


def _per_value(values: pd.Series, function: Callable[[str], Any]) -> np.ndarray:
    """Apply `function` once per distinct value: a register repeats its names a lot."""
    codes, distinct = pd.factorize(values)
    results = np.empty(len(distinct), dtype=object)
    results[:] = [function(value) for value in distinct]
    return results[codes]


def _key_of(function: Callable[[str], str]) -> Callable[[str], str | None]:
    return lambda value: (function(value) or None) if value else None


def prepare_records(records: pd.DataFrame) -> pd.DataFrame:
    """Return the table of derived columns the comparisons and blocking rules use.

    Missing optional columns count as empty; extra columns are ignored except those in
    EXTRA_COLUMNS. Raise EngineInputError naming the column (and row) that is wrong.
    """
    table = _validate(records)
    prepared = pd.DataFrame({"record_id": table["record_id"]})
    given, family = table["given_name"], table["family_name"]
    prepared["given_key"] = _per_value(given, _key_of(given_name_key))
    prepared["given_latin"] = _per_value(given, _letters)
    prepared["family_key"] = _per_value(family, _key_of(surname_key))
    prepared["family_latin"] = _per_value(family, _letters)
    # Each name read as the other kind, for names written in each other's place: the
    # two keys fold differently (Lili is "lil" as a given name, "lili" as a surname), so
    # a swapped record's keys are not simply the other record's keys exchanged.
    prepared["given_as_family_key"] = _per_value(given, _key_of(surname_key))
    prepared["family_as_given_key"] = _per_value(family, _key_of(given_name_key))
    # First letters of the keys, for blocking on a birth date plus an initial.
    prepared["given_initial"] = _per_value(prepared["given_key"].fillna(""), _initial)
    prepared["family_initial"] = _per_value(prepared["family_key"].fillna(""), _initial)
    prepared["patronymic_key"] = _per_value(table["patronymic"], _key_of(patronymic_key))
    prepared["sex"] = _per_value(table["sex"], lambda v: _SEX.get(v.lower()))
    prepared = pd.concat([prepared, _dates(table["birth_date"])], axis=1)
    prepared["phone"] = _per_value(table["phone"], lambda v: e164(v) if v else None)
    prepared["document"] = _per_value(table["document_number"], _clean_code)
    prepared["origin_key"] = _per_value(table["place_of_origin"], _key_of(name_key))
    prepared["origin_latin"] = _per_value(table["place_of_origin"], _letters)
    if "household_id" in table.columns:
        prepared["household"] = [v or None for v in table["household_id"]]
    if "address_1" in table.columns:
        prepared["address_latin"] = _per_value(table["address_1"], _letters)
    for column in ("postcode", "street_number", "state"):
        if column in table.columns:
            prepared[column] = _per_value(table[column], _clean_code)
    return prepared


def _initial(key: str) -> str | None:
    return key[:1] or None
