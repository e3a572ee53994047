"""Importing again: each person row is stored once, whatever file it comes back in."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from haven.intake.importing import services
from haven.intake.importing.columns import header_read
from haven.intake.importing.rows import row_read
from haven.intake.importing.samples import COLUMNS, sample_csv, sample_households
from haven.intake.importing.services import import_households
from haven.intake.models import Submission
from haven.registry.models import Household, Person
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def run(users, path, site="goris", **options):
    return import_households(actor=actor_for(users["coordinator"], "import"), path=path,
                             site=site, **options)


def counts():
    return (Household.objects.filter(channel="import").count(),
            Person.objects.filter(household__channel="import").count(),
            Submission.objects.filter(source="import").count())


def test_importing_the_same_file_again_adds_nothing(users, tmp_path):
    path = tmp_path / "households.csv"
    rows = sample_csv(path, 40)
    first = run(users, path)
    assert first.rows_stored == rows
    before = counts()
    again = run(users, path)
    assert (again.rows_stored, again.rows_skipped, again.rows_refused) == (0, rows, 0)
    assert counts() == before


def test_an_overlapping_file_adds_only_its_new_households(users, tmp_path):
    """Households 0-29, then 20-49: the second import stores 30-49 only."""
    first_path, second_path = tmp_path / "day1.csv", tmp_path / "day2.csv"
    sample_csv(first_path, 30)
    overlap = sum(len(h) for h in sample_households(10, start=20))
    new = sample_csv(second_path, 30, start=20) - overlap
    run(users, first_path)
    job = run(users, second_path)
    assert (job.rows_stored, job.rows_skipped) == (new, overlap)
    assert counts()[0] == 50
    origins = Household.objects.values_list("place_of_origin", flat=True)
    assert sorted(origins) == sorted(f"Village {n}" for n in range(50))


def test_the_same_rows_in_another_encoding_column_order_and_aliases_are_the_same_rows(
        users, tmp_path):
    """Re-saved as Windows-1251 with Russian headers, reordered columns and ж/м: no new rows."""
    utf8 = tmp_path / "a.csv"
    utf8.write_text("household_key,given_name,family_name,sex,relationship\n"
                    "7,Анаит,Варданян,female,head\n7,Армен,Варданян,male,spouse\n",
                    encoding="utf-8")
    windows = tmp_path / "b.csv"
    windows.write_bytes("Пол;Фамилия;Имя;Семья;Родство\r\nж;Варданян;Анаит;7;глава\r\n"
                        "м;Варданян;Армен;7;муж\r\n".encode("cp1251"))
    assert run(users, utf8).rows_stored == 2
    job = run(users, windows)
    assert (job.rows_stored, job.rows_skipped) == (0, 2)


def test_the_same_rows_from_xlsx_are_the_same_rows(users, tmp_path):
    csv_path, xlsx_path = tmp_path / "a.csv", tmp_path / "a.xlsx"
    sample_csv(csv_path, 5)
    book = openpyxl.Workbook()
    sheet = book.active
    with csv_path.open(encoding="utf-8") as handle:
        for cells in csv.reader(handle):
            sheet.append(cells)
    book.save(xlsx_path)
    stored = run(users, csv_path).rows_stored
    job = run(users, xlsx_path)
    assert (job.rows_stored, job.rows_skipped) == (0, stored)


def test_the_same_rows_at_another_site_are_other_people(users, tmp_path):
    """The site is part of the source key: the file of another hub is its own."""
    path = tmp_path / "households.csv"
    rows = sample_csv(path, 5)
    run(users, path, site="goris")
    assert run(users, path, site="vayk").rows_stored == rows


def test_a_household_with_a_new_member_is_refused_naming_the_rows(users, tmp_path):
    """Rows of a household stored before are skipped; its new row is refused, not lost."""
    path = tmp_path / "households.csv"
    path.write_text("household_key,given_name,family_name,sex,relationship\n"
                    "A,Anahit,Vardanyan,f,head\n", encoding="utf-8")
    run(users, path)
    path.write_text("household_key,given_name,family_name,sex,relationship\n"
                    "A,Anahit,Vardanyan,f,head\nA,Tigran,Vardanyan,m,son\n", encoding="utf-8")
    job = run(users, path)
    assert (job.rows_stored, job.rows_skipped, job.rows_refused) == (0, 1, 1)
    [line] = list(csv.reader(io.StringIO(job.report)))[1:]
    assert line[:2] == ["3", "household_key"]
    assert line[2].startswith("household 'A' was partly imported before (rows 2)")
    assert Person.objects.count() == 1


def test_a_batch_another_import_stored_meanwhile_is_read_again(users, tmp_path, monkeypatch):
    """A rival import of the same file commits between this batch's look-up of stored keys
    and its insert (possible on PostgreSQL): the unique source key refuses the insert, the
    batch is rolled back whole and read again, and finds its rows stored."""
    path = tmp_path / "households.csv"
    rows = sample_csv(path, 3)
    assert run(users, path).rows_stored == rows  # the rival, committed first
    real_lookup = services._existing_keys
    lookups = []

    def lookup_before_the_rival_committed(keys):
        lookups.append(len(keys))
        return set() if len(lookups) == 1 else real_lookup(keys)

    monkeypatch.setattr(services, "_existing_keys", lookup_before_the_rival_committed)
    job = run(users, path)
    assert lookups == [rows, rows]
    assert (job.rows_stored, job.rows_skipped) == (0, rows)
    assert counts() == (3, rows, rows)


def test_the_source_key_normalizes_what_does_not_change_the_person():
    header = header_read(["household_key", "given_name", "family_name", "sex", "relationship",
                          "phone"])
    key = row_read(2, ["A", "Anahit", "Vardanyan", "f", "head", ""], header, site="goris").key
    for cells in (["A", " anahit ", "VARDANYAN", "Female", "Head", ""],
                  ["A", "Anahit", "Vardanyan", "ж", "глава", ""]):
        assert row_read(2, cells, header, site="goris").key == key
    for cells in (["B", "Anahit", "Vardanyan", "f", "head", ""],
                  ["A", "Anahit", "Vardanyan", "f", "head", "+374 97 123456"],
                  ["A", "Anahit", "Vardanyan", "m", "head", ""]):
        assert row_read(2, cells, header, site="goris").key != key
    assert row_read(2, ["A", "Anahit", "Vardanyan", "f", "head", ""], header,
                    site="vayk").key != key
    assert COLUMNS[0] == "household_key"


def test_rows_imported_with_the_old_long_keys_are_still_found_after_the_migration(
        users, tmp_path):
    """Keys were 64 hex digits before intake migration 0002; it keeps their first 32."""
    import importlib  # noqa: PLC0415

    from django.apps import apps  # noqa: PLC0415

    path = tmp_path / "arrivals.csv"
    sample_csv(path, 20)
    run(users, path)
    stored = counts()
    for submission in Submission.objects.filter(source="import"):
        assert len(submission.key) == 32
        # As an import before the migration stored it: the whole SHA-256 in hex.
        submission.key += "f" * 32
        submission.save(update_fields=["key"])
    migration = importlib.import_module("haven.intake.migrations.0002_shorter_import_keys")
    migration.shorten(apps, None)
    again = run(users, path)
    assert (again.rows_stored, again.rows_skipped) == (0, again.rows_total)
    assert counts() == stored
