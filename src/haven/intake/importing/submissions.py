"""Exports of the household form's submissions, read as they come: Kobo XLSX, Central ZIP.

KoboToolbox exports a form with a repeat as a workbook: the households on the first
sheet, the members on a sheet named after the repeat (`members`), joined by `_index` /
`_parent_index` (and `_submission__uuid`). ODK Central's "CSV with repeats" is a ZIP of
one CSV per table, joined by `KEY` / `PARENT_KEY`. Either is read here as the rows the
import already knows, one per person: each member's cells followed by their household's
and three cells of our own — the submission's instanceID (the household key), the
member's place in the household, and what is wrong with the row as a whole (a member
whose household is missing, a household without members).

So a form's export goes through the same checks, report and exactly-once rules as any
file. Its rows are keyed by their submission (`rows.Header.by_submission`), and the
import also looks for the submission among those received from ODK devices, under the
instanceID the OpenRosa intake stores (`odk:<form id>`, `uuid:…`): an export that
overlaps data already received, by import or by ODK, stores nothing twice.

The households are held in memory while the members stream past (a dict of their cells,
about a kilobyte each); the members must be in their households' order, as both tools
write them.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from haven.intake.importing import form_columns as form
from haven.intake.importing.columns import (
    KEY,
    REQUIRED,
    Header,
    header_map,
    header_problems,
    header_refusal,
)
from haven.intake.importing.grouping import is_hashtag_row
from haven.intake.importing.reading import (
    DEFAULT_LIMITS,
    CsvTable,
    FileRefused,
    Limits,
    Table,
    XlsxTable,
)
from haven.intake.importing.rows import submission_id

_OWN = (KEY, form.POSITION, form.PROBLEM)  # the cells added after a household's


class _Part:
    """One table of an export: its name, header row and rows (the hashtag row skipped)."""

    def __init__(self, name: str, rows: Iterator[tuple[int, list[str]]]) -> None:
        self.name = name
        self._rows = rows
        first = next(rows, (1, []))
        self.header_cells = first[1]
        self._pending: tuple[int, list[str]] | None = next(rows, None)
        if self._pending is not None and is_hashtag_row(self._pending[1]):
            self._pending = None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        if self._pending is not None:
            yield self._pending
        for number, cells in self._rows:
            if any(c.strip() for c in cells):
                yield number, cells


class FormExportTable(Table):
    """A form's export as person rows: each member with their household's cells."""

    def __init__(self, households: _Part, members: _Part, *, tool: str,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self.format = tool  # "kobo" or "central"
        self.limits = limits
        self._households = households
        self._members = members
        central = tool == "central"
        self._main = _mapped(households, central=central, limits=limits, required=())
        member_map = _mapped(members, central=central, limits=limits,
                             required=[f for f in REQUIRED if f != KEY])
        self._member_header = _member_keys(member_map, central=central)
        self._check()
        self._header = self._joined_header()

    def _check(self) -> None:
        main, members = self._main.names, self._member_header.names
        problems: list[tuple[int, str, str]] = []
        if form.PARENT not in members:
            problems.append((1, f"{self._members.name}: _parent_index / PARENT_KEY",
                             _("missing column: it joins each member to their household")))
        if form.INDEX not in main and form.SUBMISSION not in main:
            problems.append((1, f"{self._households.name}: _index / _uuid / KEY",
                             _("missing column: it joins each household to its members")))
        for name in ("given_name", "family_name", "sex", "relationship"):
            if name in main:
                problems.append((1, f"{self._households.name}: {main[name]}",
                                 _("a member's question on the households' table")))
        if problems:
            raise FileRefused(header_refusal([], problems), problems)

    def _joined_header(self) -> Header:
        members = self._member_header
        width = members.width
        fields = [(i, f) for i, f in members.fields if f not in self._main.names]
        fields += [(i + width, f) for i, f in self._main.fields]
        names = {f: name for f, name in members.names.items() if f not in self._main.names}
        names.update({f: f"{self._households.name}: {name}"
                      for f, name in self._main.names.items()})
        own = width + self._main.width
        fields += [(own + i, f) for i, f in enumerate(_OWN)]
        names[KEY] = names.get(form.SUBMISSION, f"{self._households.name}: _uuid")
        ignored = (*members.ignored, *(i for i, f in members.fields if f in self._main.names),
                   *(i + width for i in self._main.ignored))
        return Header(fields=tuple(fields), names=names, width=own + len(_OWN),
                      choices=members.choices, by_submission=True, ignored=ignored)

    def header(self, cells: list[str], *, limits: Limits = DEFAULT_LIMITS) -> Header:
        return self._header

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        yield 1, [self.format]  # stands for the header, made of both tables' (`header`)
        households = self._household_rows()
        joined = form.INDEX if form.INDEX in self._main.names else form.SUBMISSION
        parent_index = _index(self._member_header, form.PARENT)
        submission_index = _index(self._member_header, form.SUBMISSION)
        main_width, member_width = self._main.width, self._member_header.width
        seen: set[str] = set()
        positions: dict[str, int] = {}
        for number, read in self._members.rows():
            cells = _padded(read, member_width)
            parent = cells[parent_index].strip() if parent_index is not None else ""
            found = households.get(_join_value(parent, joined))
            if found is None:
                sub = submission_id(cells[submission_index]) if submission_index is not None \
                    else ""
                problem = _("its household (%(parent)s) is not in the table %(table)s") \
                    % {"parent": parent[:60] or "?", "table": self._households.name}
                yield number, [*cells, *([""] * main_width),
                               sub or f"?{parent}", "", problem]
                continue
            _row, household_cells, submission = found
            seen.add(submission)
            positions[submission] = positions.get(submission, 0) + 1
            yield number, [*cells, *household_cells, submission,
                           str(positions[submission]), ""]
        for key, (number, household_cells, submission) in households.items():
            if submission not in seen and key:
                problem = _("this household has no members in the table %(table)s") \
                    % {"table": self._members.name}
                yield number, [*([""] * member_width), *household_cells, submission, "",
                               problem]

    def _household_rows(self) -> dict[str, tuple[int, list[str], str]]:
        """Return {join value: (row number, cells, submission id)} of every household."""
        index = _index(self._main, form.INDEX)
        submission = _index(self._main, form.SUBMISSION)
        joined = index if index is not None else submission
        result: dict[str, tuple[int, list[str], str]] = {}
        for number, read in self._households.rows():
            cells = _padded(read, self._main.width)
            key = _join_value(cells[joined].strip() if joined is not None else "",
                              form.INDEX if index is not None else form.SUBMISSION)
            sub = submission_id(cells[submission]) if submission is not None else ""
            if key in result:
                raise FileRefused(_("Row %(row)d of %(table)s repeats the household of row "
                                    "%(first)d (%(key)s).")
                                  % {"row": number, "table": self._households.name,
                                     "first": result[key][0], "key": key[:60]})
            result[key] = (number, cells, sub or f"?{self._households.name}:{number}")
        return result

    def close(self) -> None:
        pass


def _mapped(part: _Part, *, central: bool, limits: Limits, required: Any) -> Header:
    """Return the map of one table's header, refusing unknown or repeated columns."""
    if len(part.header_cells) > limits.max_columns:
        raise FileRefused(_("The table %(table)s has %(n)d columns; at most %(limit)d are "
                            "read.") % {"table": part.name, "n": len(part.header_cells),
                                        "limit": limits.max_columns})
    mapped = header_map(part.header_cells, central=central)
    problems = [(1, f"{part.name}: {column}", problem)
                for column, problem in header_problems(mapped, required=required)]
    if problems:
        raise FileRefused(header_refusal(part.header_cells, problems), problems)
    return mapped.header


def _member_keys(header: Header, *, central: bool) -> Header:
    """Return a members table's map with Central's `KEY` as the member's, not the household's."""
    if not central or form.SUBMISSION not in header.names:
        return header
    fields = tuple((i, form.MEMBER_KEY if f == form.SUBMISSION else f) for i, f in header.fields)
    names = {(form.MEMBER_KEY if f == form.SUBMISSION else f): n for f, n in header.names.items()}
    return Header(fields=fields, names=names, width=header.width, choices=header.choices,
                  ignored=header.ignored)


def _index(header: Header, field: str) -> int | None:
    return next((i for i, f in header.fields if f == field), None)


def _padded(cells: list[str], width: int) -> list[str]:
    return (cells + [""] * (width - len(cells)))[:width]


def _join_value(value: str, field: str) -> str:
    """Return a join key as compared: an index as a whole number, an instanceID as ODK's."""
    if field == form.INDEX:
        return value[:-2] if value.endswith(".0") else value
    return submission_id(value)


def kobo_workbook(path: Path, limits: Limits = DEFAULT_LIMITS) -> FormExportTable | None:
    """Return a Kobo export with a members sheet as person rows, or None for another workbook."""
    import openpyxl  # type: ignore[import-untyped, unused-ignore]  # noqa: PLC0415

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = book.worksheets
        if len(sheets) < 2:
            return None
        heads = [XlsxTable.sheet_header(sheet) for sheet in sheets]
        repeats = [i for i, head in enumerate(heads) if i and any(
            form.metadata_key(c) == "_parent_index" for c in head)]
        if not repeats:
            return None
    finally:
        book.close()
    members = next((i for i in repeats if sheets[i].title == form.MEMBERS_SHEET), repeats[0])
    others = [sheets[i].title for i in repeats if i != members]
    if others:
        raise FileRefused(_("The workbook has repeat sheets Haven's form does not have: "
                            "%(sheets)s. Export the household form's submissions only.")
                          % {"sheets": ", ".join(others)})
    main = XlsxTable(path, limits, sheet=0)
    repeat = XlsxTable(path, limits, sheet=members)
    return FormExportTable(_Part(main.sheet_title, main.rows()),
                           _Part(repeat.sheet_title, repeat.rows()), tool="kobo", limits=limits)


class CentralZip(FormExportTable):
    """ODK Central's "CSV with repeats": the ZIP's CSVs unpacked in a private folder."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="haven-import-"))
        try:
            main, members = self._unpack(path)
            super().__init__(_Part(main.name, main.rows()),
                             _Part(members.name, members.rows()), tool="central",
                             limits=limits)
        except BaseException:
            self.close()
            raise

    def _unpack(self, path: Path) -> tuple[CsvTable, CsvTable]:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist()
                     if n.lower().endswith(".csv") and not n.startswith(("__MACOSX", "/"))
                     and ".." not in n]
            tables: list[tuple[str, CsvTable]] = []
            for number, name in enumerate(names):
                target = self._folder / f"{number}.csv"
                with archive.open(name) as source, target.open("wb") as copy:
                    shutil.copyfileobj(source, copy)
                tables.append((name, CsvTable(target, DEFAULT_LIMITS, name=Path(name).name)))
        heads = {name: {form.metadata_key(c) for c in table.first_row()} for name, table in tables}
        repeats = [(n, t) for n, t in tables if "parent_key" in heads[n]]
        mains = [(n, t) for n, t in tables if "parent_key" not in heads[n]
                 and heads[n] & {"key", "submissiondate"}]
        if len(mains) != 1 or not repeats:
            raise FileRefused(_("This ZIP is not an ODK Central export of the household form "
                                "with its members: it should hold the main table and the "
                                "members' (household_registration.csv and "
                                "household_registration-members.csv). Download the "
                                "submissions from Central as \"CSV with repeats\"."))
        members = [t for n, t in repeats if n.lower().endswith(f"-{form.MEMBERS_SHEET}.csv")]
        if len(repeats) > 1 and not members:
            raise FileRefused(_("The ZIP holds repeat tables Haven's form does not have: "
                                "%(files)s.") % {"files": ", ".join(n for n, _t in repeats)})
        return mains[0][1], members[0] if members else repeats[0][1]

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)
