"""Rows into households: a household's rows must be next to each other in the file.

Requiring the rows of a household to be together keeps memory flat: the import holds
one batch of households, never the file. A household whose rows are split (rows 2-3
and row 900) is refused whole, naming both places; the check runs in a first pass over
the file (`scan`), before anything is stored, and remembers each household key it has
passed in a temporary on-disk SQLite table, so it too uses flat memory for any size.
"""

from __future__ import annotations

import hashlib
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from haven.intake.importing.columns import KEY, Header
from haven.intake.importing.reading import DEFAULT_LIMITS, FileRefused, Limits, Table
from haven.intake.importing.rows import Row, row_read
from haven.registry.services import MAX_MEMBERS

MAX_SPLIT_HOUSEHOLDS = 1000
_MAX_LONE = 500


def household_key_text(cell: str) -> str:
    """Return a household key as compared: NFC with runs of whitespace collapsed."""
    return unicodedata.normalize("NFC", " ".join(cell.split()))


class SeenKeys:
    """A set of strings kept in a private temporary SQLite database on disk.

    SQLite's page cache bounds the memory (about 2 MB), whatever the number of keys.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "" is a private on-disk database, gone on close
        self._db.execute("CREATE TABLE seen (key BLOB PRIMARY KEY, first_row INTEGER) "
                         "WITHOUT ROWID")

    def add(self, key: str, row: int) -> int | None:
        """Remember `key` first seen at `row`; return the row it was first seen at, if before."""
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        cursor = self._db.execute("INSERT INTO seen VALUES (?, ?) ON CONFLICT DO NOTHING",
                                  (digest, row))
        if cursor.rowcount:
            return None
        first = self._db.execute("SELECT first_row FROM seen WHERE key = ?", (digest,))
        return int(first.fetchone()[0])

    def close(self) -> None:
        self._db.close()


@dataclass(frozen=True)
class Scan:
    """What the first pass learnt: the header, the number of person rows, split households."""

    header: Header
    rows: int
    split: dict[str, int]  # household key -> the row where it first appears


def scan(table: Table, *, limits: Limits = DEFAULT_LIMITS) -> Scan:
    """Read the whole file once: check the header, count the rows, find split households.

    Decoding errors anywhere in the file are found here, before anything is stored.
    """
    rows = _after_hashtags(table.rows())
    first = next(rows, None)
    if first is None or not any(c.strip() for c in first[1]):
        raise FileRefused(_("The first row must name the columns (household_key, "
                            "given_name, ...); it is empty."))
    header = table.header(first[1], limits=limits)
    key_index = next(i for i, name in header.fields if name == KEY)
    seen = SeenKeys()
    split: dict[str, int] = {}
    count = 0
    current = ""
    try:
        for number, cells in rows:
            key = household_key_text(cells[key_index]) if key_index < len(cells) else ""
            if not key and not any(c.strip() for c in cells):
                continue
            count += 1
            if not key or key == current:
                continue
            current = key
            before = seen.add(key, number)
            if before is not None and key not in split:
                split[key] = before
                if len(split) > MAX_SPLIT_HOUSEHOLDS:
                    raise FileRefused(_("The rows are not grouped by household: more than "
                                        "%(n)d households have rows in several places. "
                                        "Sort the file by household_key and import it "
                                        "again.") % {"n": MAX_SPLIT_HOUSEHOLDS})
    finally:
        seen.close()
    if count == 0:
        raise FileRefused(_("The file has a header but no rows of persons."))
    return Scan(header=header, rows=count, split=split)


@dataclass
class Group:
    """The rows of one household as they appear in the file, and what is wrong with it."""

    key: str
    rows: list[Row]
    problem: str = ""  # a reason to refuse the whole household, found while reading
    extra_rows: int = 0  # rows past MAX_MEMBERS, refused without being kept
    problems: list[tuple[Row, str, str]] = field(default_factory=list)  # (row, field, msg)


def groups(table: Table, found: Scan, *, site: str,
           limits: Limits = DEFAULT_LIMITS) -> Iterator[Group]:
    """Yield the households of the file in order, each with its rows.

    A row without a household key is yielded alone, with an empty key, and does not end
    the household around it. A household past MAX_MEMBERS rows keeps only the rows it
    had, so one mistyped key repeated a million times cannot fill the memory.
    """
    rows = _after_hashtags(table.rows())
    next(rows, None)  # the header, read by `scan`
    current: Group | None = None
    lone: list[Group] = []  # yielded after the household around them, so the report is in order
    for number, cells in rows:
        row = row_read(number, cells, found.header, site=site, limits=limits)
        if row is None:
            continue
        if current is not None and row.household_key == current.key:
            if len(current.rows) < MAX_MEMBERS:
                current.rows.append(row)
                continue
            current.extra_rows += 1
            lone.append(Group(key="", rows=[row], problem=_too_many(current.key)))
        elif not row.household_key:
            lone.append(Group(key="", rows=[row]))
        else:
            if current is not None:
                yield _closed(current, found)
            yield from lone
            lone = []
            current = Group(key=row.household_key, rows=[row])
            continue
        if len(lone) >= _MAX_LONE:
            yield from lone
            lone = []
    if current is not None:
        yield _closed(current, found)
    yield from lone


def is_hashtag_row(cells: Sequence[str]) -> bool:
    """Return whether a row holds HXL hashtags (`#beneficiary+name`): a second header row."""
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


def _after_hashtags(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """Yield the rows, without an HXL hashtag row right under the header (Kobo writes one)."""
    first = next(rows, None)
    if first is None:
        return
    yield first
    second = next(rows, None)
    if second is not None and not is_hashtag_row(second[1]):
        yield second
    yield from rows


def _too_many(key: str) -> str:
    return _("household %(key)r has more than %(n)d members: is the household_key right?") \
        % {"key": key[:40], "n": MAX_MEMBERS}


def _closed(group: Group, found: Scan) -> Group:
    if group.extra_rows:
        group.problem = _too_many(group.key)
    elif problem := next((r.household_problem for r in group.rows if r.household_problem), ""):
        group.problem = problem
    elif group.key in found.split:
        group.problem = _("the rows of household %(key)r are not next to each other (it "
                          "first appears at row %(row)d): put them together and import "
                          "again") % {"key": group.key[:40], "row": found.split[group.key]}
    return group
