"""Import households from a CSV, XLSX or form export file through the registration service.

    import_job_create   check the role, the site and the file (size, magic bytes, zip
                        bomb) before anything is read; return the job
    import_job_run      first pass: header, encoding, row count, split households;
                        second pass: batches of households through `households_register`
    import_households   both, for the command line

Exactly once: every person row has a source key (see `columns` and `rows`); a batch's
households and one `Submission` per row, keyed `("import", source key)`, are written in
one transaction. A row of a form's export (KoboToolbox, ODK Central: `submissions`) is
keyed by its submission, and its household also gets the `Submission` the OpenRosa
intake would have written for it, `("odk:<form id>", instanceID)`: a household received
from an ODK device is skipped by an export that holds it, and one imported from an
export is acknowledged, not stored again, when a device sends it.

A batch is stored whole or not at all, so an import killed at any moment and run again
skips the rows it stored and stores the rest. A household some of whose
rows were stored before (an overlapping file that adds a member) is refused, naming the
rows: the registry adds members to a stored household only through a correction.

A dry run does all of the work, registration included, in transactions it rolls back.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from haven.core import clock
from haven.core.bulk import uuid_converter
from haven.core.errors import ValidationFailed
from haven.intake.forms.build_xlsform import FORM_ID
from haven.intake.importing.columns import HOUSEHOLD_FIELDS, KEY, Header
from haven.intake.importing.grouping import Group, Scan, groups, scan
from haven.intake.importing.processes import in_child_process
from haven.intake.importing.reading import (
    DEFAULT_LIMITS,
    FileKind,
    FileRefused,
    Limits,
    file_check,
    table_open,
)
from haven.intake.importing.report import ImportReport
from haven.intake.importing.rows import Row
from haven.intake.models import ImportJob, Submission
from haven.intake.openrosa.services import EXPORT_DIGEST, SOURCE_PREFIX
from haven.registry.models import Household, Site
from haven.registry.selectors import site_by_slug
from haven.registry.services import (
    HouseholdInput,
    HouseholdRows,
    households_check,
    households_register,
    households_rows,
)

if TYPE_CHECKING:
    from haven.accounts.access import Actor

SOURCE = "import"
# Where the OpenRosa intake keeps the instanceIDs it received (openrosa.services).
FORM_SOURCE = SOURCE_PREFIX + FORM_ID
BATCH_HOUSEHOLDS = 500
_MEMBER_ERROR = re.compile(r"^members\[(\d+)\](?:\.(\w+))?$")

Progress = Callable[[ImportJob], None]


def _site_check(actor: Actor, slug: str) -> Site:
    site = site_by_slug(slug or "")
    if site is None or not site.is_active:
        raise ValidationFailed.single("site", _("unknown site %(site)r") % {"site": slug[:40]})
    if not actor.may_act_for_site(site.id):
        raise ValidationFailed.single("site", _("you do not act for this site"))
    return site


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_job_create(
    *, actor: Actor, path: Path, site: str, dry_run: bool, file_name: str = "",
    limits: Limits = DEFAULT_LIMITS, save: bool = True,
) -> ImportJob:
    """Check the role, the site and the file, and return a queued import job.

    Raise PermissionDenied for a role that may not register, ValidationFailed naming
    `site`, or FileRefused (naming `file`) for a file too large, of the wrong kind or a
    zip bomb; nothing of the file is parsed before these checks pass. With `save=False`
    the job is not stored (a dry run from the command line writes nothing).
    """
    actor.require("register")
    site_obj = _site_check(actor, site)
    name = file_name or path.name
    file_check(path, name=name, limits=limits)
    job = ImportJob(file_name=name[:255], file_digest=_file_digest(path), site=site_obj,
                    dry_run=dry_run, created_by=actor.user, created_at=clock.now())
    if save:
        job.save()
    return job


def import_households(
    *, actor: Actor, path: Path, site: str, dry_run: bool = False,
    progress: Progress | None = None, report_path: Path | None = None,
    limits: Limits = DEFAULT_LIMITS, batch_size: int = BATCH_HOUSEHOLDS, processes: int = 1,
) -> ImportJob:
    """Import the file at `path` for `site` and return the finished job.

    A dry run stores no job either. Raise FileRefused for a file that cannot be read;
    refused rows are not an exception: they are counted and written to the report.
    """
    job = import_job_create(actor=actor, path=path, site=site, dry_run=dry_run,
                            limits=limits, save=not dry_run)
    return import_job_run(actor=actor, job=job, path=path, progress=progress,
                          report_path=report_path, limits=limits, batch_size=batch_size,
                          processes=processes)


def _job_update(job: ImportJob, **values: Any) -> None:
    for key, value in values.items():
        setattr(job, key, value)
    if job.pk is not None:
        ImportJob.objects.filter(pk=job.pk).update(**values)


def import_job_run(
    *, actor: Actor, job: ImportJob, path: Path, progress: Progress | None = None,
    report_path: Path | None = None, limits: Limits = DEFAULT_LIMITS,
    batch_size: int = BATCH_HOUSEHOLDS, processes: int = 1,
) -> ImportJob:
    """Validate and import the job's file in batches, updating the job as it goes.

    With `processes=2`, a child process reads and checks the next batch while this one
    stores the last (only where forking is safe: the command line, not a web server's
    thread). Only this process writes, so a batch is still stored whole or not at all.
    """
    actor.require("register")
    report = ImportReport(report_path)
    notify = progress or (lambda job: None)
    try:
        kind = file_check(path, name=job.file_name, limits=limits)
        _job_update(job, status=ImportJob.Status.VALIDATING)
        notify(job)
        with table_open(path, kind, limits=limits) as table:
            found = scan(table, limits=limits)
        _job_update(job, status=ImportJob.Status.IMPORTING, rows_total=found.rows)
        notify(job)
        batch = _Batch(actor=actor, job=job, header=found.header, report=report)
        site = job.site
        actor.may_act_for_site(site.id)  # read the actor's sites now: the check reads no more
        prepared = functools.partial(_prepared_batches, path, kind, found, actor=actor,
                                     site=site, limits=limits, batch_size=batch_size)
        for item in (in_child_process(prepared) if processes > 1 else prepared()):
            batch.store(item)
            notify(job)
        _job_update(job, status=ImportJob.Status.DONE, message=_summary(job, batch),
                    report=report.text(), finished_at=clock.now())
        notify(job)
    except FileRefused as exc:
        for row, column, problem in exc.problems:
            report.add(row, column, problem)
        _job_update(job, status=ImportJob.Status.FAILED, message=exc.message,
                    report=report.text(), finished_at=clock.now())
        raise
    except BaseException as exc:
        # An interrupted or failed import stores whole batches only: run it again. If
        # the database itself failed, the job cannot say so; the error still goes up.
        with contextlib.suppress(DatabaseError):
            _job_update(job, status=ImportJob.Status.FAILED, finished_at=clock.now(),
                        message=_("The import stopped (%(error)s). Import the same file "
                                  "again: rows already stored are skipped.")
                        % {"error": type(exc).__name__})
        raise
    finally:
        report.close()
    return job


@dataclass
class _Prepared:
    """A batch of households as read from the file, checked and made into rows."""

    groups: list[Group]
    checks: dict[int, int]  # group index -> index in `rows`, for groups with a key
    rows: HouseholdRows


def _prepared_batches(path: Path, kind: FileKind, found: Scan, *, actor: Actor, site: Site,
                      limits: Limits, batch_size: int) -> Iterator[_Prepared]:
    """Yield the file's households, `batch_size` at a time, read and checked."""
    with table_open(path, kind, limits=limits) as table:
        pending: list[Group] = []
        for group in groups(table, found, site=site.slug, limits=limits):
            pending.append(group)
            if len(pending) >= batch_size:
                yield _prepare(pending, actor=actor, site=site)
                pending = []
        if pending:
            yield _prepare(pending, actor=actor, site=site)


def _prepare(batch: list[Group], *, actor: Actor, site: Site) -> _Prepared:
    checks: dict[int, int] = {}
    households: list[HouseholdInput] = []
    for index, group in enumerate(batch):
        if group.key and not group.problem:
            checks[index] = len(households)
            households.append(_household_input(group, site.slug))
    checked = households_check(actor=actor, households=households, sites={site.slug: site})
    for index, group in enumerate(batch):
        check = checks.get(index)
        if check is not None and (group.problems or any(row.problems for row in group.rows)):
            checked.valid.pop(check, None)  # refused however it stands in the database
        for row in group.rows:
            row.member = None
    return _Prepared(groups=batch, checks=checks,
                     rows=households_rows(actor=actor, checked=checked))


def _summary(job: ImportJob, batch: _Batch) -> str:
    values = {"stored": job.rows_stored, "households": batch.households,
              "skipped": job.rows_skipped, "refused": job.rows_refused}
    if job.dry_run:
        return _("Dry run: %(stored)d rows (%(households)d households) would be stored, "
                 "%(skipped)d were imported before, %(refused)d are refused. Nothing was "
                 "stored.") % values
    return _("%(stored)d rows (%(households)d households) stored, %(skipped)d imported "
             "before, %(refused)d refused.") % values


@dataclass
class _Outcome:
    """What became of one batch; applied to the job and the report after it commits."""

    stored: int = 0
    households: int = 0
    skipped: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    refused_rows: int = 0


@dataclass
class _Batch:
    actor: Actor
    job: ImportJob
    header: Header
    report: ImportReport
    households: int = 0

    def store(self, batch: _Prepared) -> None:
        """Store a batch's new households and their submissions in one transaction.

        Another import of an overlapping file may store the same rows in between: the
        unique source key then refuses this transaction, and the batch is read again.
        """
        for attempt in range(3):
            try:
                with transaction.atomic():
                    outcome = self._store(batch)
                    if self.job.dry_run:
                        transaction.set_rollback(True)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
        outcome.problems.sort(key=lambda problem: problem[0])  # stable: a row's order stays
        for row, column, problem in outcome.problems:
            self.report.add(row, column, problem)
        self.households += outcome.households
        job = self.job
        done = outcome.stored + outcome.skipped + outcome.refused_rows
        _job_update(job, rows_done=job.rows_done + done,
                    rows_stored=job.rows_stored + outcome.stored,
                    rows_skipped=job.rows_skipped + outcome.skipped,
                    rows_refused=job.rows_refused + outcome.refused_rows)

    def _store(self, batch: _Prepared) -> _Outcome:
        outcome = _Outcome()
        existing = _existing_keys([row.key for group in batch.groups if group.key
                                   for row in group.rows])
        received = _received([key for group in batch.groups if group.key
                              for key in group.rows[0].submissions])
        rows = batch.rows
        ready: list[tuple[Group, int]] = []
        for index, group in enumerate(batch.groups):
            before = [row for row in group.rows if row.key in existing]
            if group.problem or not group.key:
                self._refuse(outcome, group, household_problem=group.problem)
            elif received.intersection(group.rows[0].submissions) or \
                    len(before) == len(group.rows):
                # Imported before, or received from an ODK device: stored already.
                outcome.skipped += len(group.rows)
            elif before:
                outcome.skipped += len(before)
                new = [row for row in group.rows if row.key not in existing]
                problem = _("household %(key)r was partly imported before (rows %(rows)s); "
                            "this row is new. Add the person to the stored household by "
                            "hand, or correct the file") \
                    % {"key": group.key[:40], "rows": ", ".join(str(r.number) for r in before[:5])}
                self._refuse(outcome, group, rows=new, household_problem=problem)
            else:
                # A household with a problem found while reading is refused with the
                # registry's own findings too, so the report names every problem at once.
                check = batch.checks[index]
                if group.problems or any(row.problems for row in group.rows) \
                        or check in rows.errors:
                    self._refuse(outcome, group, errors=rows.errors.get(check, {}))
                else:
                    ready.append((group, check))
        if ready:
            keep = {check for _group, check in ready}
            registered = households_register(
                actor=self.actor, rows=rows.without([i for i in rows.indexes if i not in keep]))
            stored = [(group, registered.households[check], registered.person_ids[check])
                      for group, check in ready]
            self._submissions(stored)
            outcome.households += len(stored)
            outcome.stored += sum(len(group.rows) for group, _h, _p in stored)
        return outcome

    def _submissions(self, stored: list[tuple[Group, Household | None, list[Any]]]) -> None:
        """One submission per row: its household, and the person its row became.

        A form export's household also gets its form submission, under its instanceID.
        """
        if not stored:
            return
        _submissions_insert([
            (SOURCE, row.key, row.digest, household.id, person)
            for group, household, persons in stored if household is not None
            for row, person in zip(group.rows, persons, strict=True)
        ] + [
            (FORM_SOURCE, group.rows[0].submissions[0], _export_digest(group), household.id,
             None)
            for group, household, _persons in stored
            if household is not None and group.rows[0].submissions
        ], received_by=self.actor.user.pk)

    def _refuse(self, outcome: _Outcome, group: Group, *, rows: list[Row] | None = None,
                errors: dict[str, list[str]] | None = None, household_problem: str = "") -> None:
        """Report every row of a refused household (or `rows` of it), each with its problems.

        A problem of the whole household is named on each row; a row with none of its
        own points at the row that has one.
        """
        header = self.header
        rows = group.rows if rows is None else rows
        found: dict[int, list[tuple[str, str]]] = {row.number: [] for row in rows}
        local_fields: dict[int, set[str]] = {row.number: set() for row in rows}
        for row in rows:
            for name, message in row.problems:
                found[row.number].append((header.name(name) if name else "", message))
                local_fields[row.number].add(name)
        for row, name, message in group.problems:
            found[row.number].append((header.name(name) if name else "", message))
            local_fields[row.number].add(name)
        for key, messages in (errors or {}).items():
            row, name = _error_place(key, group)
            if name in local_fields[row.number]:
                continue  # already named, in the file's own terms ("unknown value 'ж.'")
            column = header.name(name) if name else ""
            found[row.number].extend((column, message) for message in messages)
        if household_problem:
            for row in rows:
                found[row.number].append((header.name(KEY), household_problem))
        with_problem = [number for number, problems in found.items() if problems]
        for row in rows:
            problems = found[row.number] or [
                ("", _("not stored: its household has a problem at row %(row)d")
                 % {"row": with_problem[0] if with_problem else rows[0].number})]
            outcome.problems.extend((row.number, column, message)
                                    for column, message in problems)
        outcome.refused_rows += len(rows)


def _export_digest(group: Group) -> str:
    """Return a form submission's digest when it comes from an export: its rows' digests'."""
    rows = "\x1f".join(row.digest for row in group.rows)
    # Submission.digest holds 64 characters: the prefix and as much of the hash as fits.
    return EXPORT_DIGEST + hashlib.sha256(rows.encode()).hexdigest()[:64 - len(EXPORT_DIGEST)]


def _existing_keys(keys: list[str]) -> set[str]:
    """Return those of the rows' source keys that are stored."""
    return _stored_keys(keys, source=SOURCE)


def _received(instance_ids: list[str]) -> set[str]:
    """Return those of the form submissions' instanceIDs that are stored (ODK or export)."""
    return _stored_keys(instance_ids, source=FORM_SOURCE) if instance_ids else set()


def _stored_keys(keys: list[str], *, source: str) -> set[str]:
    """Return those of the keys that are stored for `source`: one query per 5,000 keys.

    In SQL rather than through the ORM, whose preparing of each key of an `__in` lookup
    was 5% of the storing process's time.
    """
    meta = Submission._meta
    quote = connection.ops.quote_name
    key, column = quote("key"), quote("source")  # the fields keep their names as columns
    found: set[str] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 5000):  # well under SQLite's 32,766 parameters
            chunk = keys[start:start + 5000]
            cursor.execute(
                f"SELECT {key} FROM {quote(meta.db_table)} "  # noqa: S608 - names only
                f"WHERE {column} = %s AND {key} IN ({', '.join(['%s'] * len(chunk))})",
                [source, *chunk])
            found.update(key for (key,) in cursor.fetchall())
    return found


def _submissions_insert(rows: list[tuple[str, str, str, Any, Any]], *,
                        received_by: int) -> None:
    """Insert (source, key, digest, household id, person id) submissions in one executemany.

    Measured: Submission model instances and bulk_create's per-field preparation took
    13% of an import's time; the values here are prepared by the fields themselves, so
    SQLite and PostgreSQL each get their own UUID and datetime forms.
    """
    meta = Submission._meta
    fields: list[Any] = [meta.get_field(name) for name in (
        "source", "key", "digest", "household", "person", "received_at", "received_by")]
    received_at_field = fields[5]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    # Names from the model's own metadata, values as parameters: nothing from the file.
    sql = (f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    now = received_at_field.get_db_prep_save(clock.now(), connection)
    uuid_db = uuid_converter(Submission)  # both ids are UUIDs: the field's own conversion
    with connection.cursor() as cursor:
        cursor.executemany(sql, [
            (source, key, digest, uuid_db(household),
             None if person is None else uuid_db(person), now, received_by)
            for source, key, digest, household, person in rows
        ])


def _error_place(key: str, group: Group) -> tuple[Row, str]:
    """Return the row and field a registry error key (``members[2].sex``) points at."""
    if match := _MEMBER_ERROR.match(key):
        index = int(match.group(1))
        if index < len(group.rows):
            return group.rows[index], match.group(2) or ""
    if key in HOUSEHOLD_FIELDS:
        for row in group.rows:
            if key in row.household:
                return row, key
    return group.rows[0], KEY if key == "members" else key


def _household_input(group: Group, site: str) -> HouseholdInput:
    """Build the household from its rows; a household field given twice must agree."""
    values: dict[str, Any] = {}
    given_at: dict[str, Row] = {}
    seen: dict[str, Row] = {}
    group.problems = []  # found afresh each time: a batch may be read again
    for row in group.rows:
        if row.key in seen:
            group.problems.append((row, "", _("repeats row %(row)d")
                                   % {"row": seen[row.key].number}))
        seen.setdefault(row.key, row)
        for name, value in row.household.items():
            if value is None:
                continue  # unreadable: the row already says why
            if name not in values:
                values[name] = value
                given_at[name] = row
            elif values[name] != value:
                group.problems.append((row, name, _(
                    "differs from row %(row)d of the same household") % {
                    "row": given_at[name].number}))
    return HouseholdInput(
        site=site, members=[row.member for row in group.rows if row.member is not None],
        place_of_origin=values.get("place_of_origin", ""), phone=values.get("phone", ""),
        size=values.get("size"), arrived_at=values.get("arrived_at"),
    )
