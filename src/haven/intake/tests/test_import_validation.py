"""Import validation: every refused row named by row, column and problem; dry runs store nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from haven.audit.models import AuditEvent
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.intake.importing.columns import COLUMN_ALIASES, VALUE_ALIASES
from haven.intake.importing.reading import FileRefused, Limits
from haven.intake.importing.services import import_households
from haven.intake.models import ImportJob, Submission
from haven.registry.models import Arrival, Household, Person
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db

HEADER = "household_key,given_name,family_name,sex,birth_date,relationship,phone,vulnerabilities"


def write(tmp_path, *lines, name="people.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def run(users, path, role="coordinator", **options):
    options.setdefault("site", "goris")
    return import_households(actor=actor_for(users[role], "import"), path=path, **options)


def report(job):
    return list(csv.reader(io.StringIO(job.report)))[1:]


def test_a_good_file_is_stored_through_the_registry(users, tmp_path):
    """Each household is registered whole, with arrivals at the site, on the import channel."""
    path = write(tmp_path, HEADER,
                 "A,Анаит,Варданян,ж,1948-03-15,глава,+374 97 123456,",
                 "A,Tigran,Vardanyan,m,15.03.1975,son,,injured;burns",
                 "B,Նարինե,Սարգսյան,իգական,1990,head,,")
    job = run(users, path)
    assert (job.status, job.rows_total, job.rows_stored, job.rows_refused) == ("done", 3, 3, 0)
    assert job.message == "3 rows (2 households) stored, 0 imported before, 0 refused."
    household = Household.objects.get(members__given_name="Анаит")
    assert household.channel == "import"
    assert household.phone == "+374 97 123456"
    assert household.registered_at.slug == "goris"
    tigran = household.members.get(given_name="Tigran")
    assert (tigran.sex, tigran.relationship, tigran.birth_date) == ("male", "child", "1975-03-15")
    assert sorted(tigran.vulnerabilities.values_list("code", flat=True)) == ["burns", "injured"]
    assert Arrival.objects.filter(site__slug="goris", channel="import").count() == 3
    submissions = Submission.objects.filter(source="import")
    assert submissions.count() == 3
    assert {(s.household_id, s.person_id) for s in submissions} == {
        (p.household_id, p.id) for p in Person.objects.all()}
    assert ImportJob.objects.get().rows_stored == 3


def test_every_bad_row_is_reported_with_row_column_and_problem(users, tmp_path):
    """Row numbers count the header as row 1; columns are named as in the file."""
    path = write(
        tmp_path,
        "household_key;имя;фамилия;пол;дата рождения;родство;возраст",
        "1;Анаит;Варданян;ж;1948;глава;",          # 2: good
        "2;Tigran;;m;1975;head;",                   # 3: family name missing
        "2;Narine;Vardanyan;x;31.02.1980;wife;",    # 4: sex unknown, no such date
        "3;Aram;Petrosyan;m;;head;forty",           # 5: age not a number
        ";Lone;Person;f;;head;",                    # 6: no household key
        "4;Anahit;Sargsyan;f;;child;",              # 7: no head
    )
    job = run(users, path)
    assert (job.rows_total, job.rows_stored, job.rows_refused) == (6, 1, 5)
    assert report(job) == [
        ["3", "фамилия", "is required"],
        ["4", "пол", "unknown value 'x'; use one of: female, male, unknown (or an alias in "
                     "docs/import.md)"],
        ["4", "дата рождения", "31.02.1980 is not a date in the calendar"],
        ["5", "возраст", "must be a whole number"],
        ["6", "household_key", "is required"],
        ["7", "household_key", "exactly one member must be the head of household"],
    ]
    assert Person.objects.get().given_name == "Анаит"


def test_a_row_without_problems_in_a_refused_household_points_at_the_row_that_has_one(
        users, tmp_path):
    path = write(tmp_path, HEADER, "A,Anahit,Vardanyan,f,1948,head,,",
                 "A,Tigran,Vardanyan,m,2099,child,,")
    job = run(users, path)
    assert report(job) == [
        ["2", "", "not stored: its household has a problem at row 3"],
        ["3", "birth_date", "is in the future"],
    ]
    assert not Household.objects.exists()


def test_household_fields_given_twice_must_agree(users, tmp_path):
    path = write(tmp_path, HEADER, "A,Anahit,Vardanyan,f,1948,head,+374 97 123456,",
                 "A,Tigran,Vardanyan,m,1975,child,+374 97 999999,")
    job = run(users, path)
    assert report(job)[1] == ["3", "phone", "differs from row 2 of the same household"]
    assert job.rows_refused == 2


def test_unknown_vulnerability_codes_are_named(users, tmp_path):
    path = write(tmp_path, HEADER, "A,Anahit,Vardanyan,f,1948,head,,injured; flu")
    job = run(users, path)
    [(row, column, problem)] = report(job)
    assert (row, column) == ("2", "vulnerabilities")
    assert problem.startswith("unknown vulnerability 'flu'; use codes separated by ';'")


def test_a_household_whose_rows_are_apart_is_refused_whole(users, tmp_path):
    path = write(tmp_path, HEADER, "A,Anahit,Vardanyan,f,1948,head,,",
                 "B,Aram,Petrosyan,m,1950,head,,", "A,Tigran,Vardanyan,m,1975,child,,")
    job = run(users, path)
    assert (job.rows_stored, job.rows_refused) == (1, 2)
    problem = ("the rows of household 'A' are not next to each other (it first appears at "
               "row 2): put them together and import again")
    assert report(job) == [["2", "household_key", problem], ["4", "household_key", problem]]


def test_a_repeated_row_is_named(users, tmp_path):
    path = write(tmp_path, HEADER, "A,Anahit,Vardanyan,f,1948,head,,",
                 "A,Anahit,Vardanyan,f,1948,head,,")
    job = run(users, path)
    assert ["3", "", "repeats row 2"] in report(job)
    assert job.rows_refused == 2


def test_a_household_of_more_than_fifty_rows_is_refused_without_holding_them(users, tmp_path):
    rows = [f"A,Name{'x' * (n % 5)},Vardanyan,f,{1940 + n},child,," for n in range(60)]
    job = run(users, write(tmp_path, HEADER, *rows))
    assert (job.rows_total, job.rows_refused) == (60, 60)
    assert "has more than 50 members" in job.report


def test_the_header_must_name_known_columns(users, tmp_path):
    """A misspelt column refuses the file: it would otherwise be dropped without a word."""
    path = write(tmp_path, "household_key,given_name,family_name,sex,relationship,birth_dte",
                 "A,Anahit,Vardanyan,f,head,1948")
    with pytest.raises(FileRefused, match="birth_dte: unknown column"):
        run(users, path)
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert report(job)[0][:2] == ["1", "birth_dte"]
    assert not Person.objects.exists()


def test_the_header_must_have_the_required_columns_once(users, tmp_path):
    path = write(tmp_path, "household,first_name,name,sex", "A,Anahit,Anahit,f")
    with pytest.raises(FileRefused) as refused:
        run(users, path)
    assert [p[1:] for p in refused.value.problems] == [
        ("name", "the same column as 'first_name'"),
        ("family_name", "missing column"), ("relationship", "missing column")]


def test_a_dry_run_writes_nothing(users, tmp_path):
    """Not a household, a person, a submission, an audit event, nor the job itself."""
    path = write(tmp_path, HEADER, "A,Anahit,Vardanyan,f,1948,head,,",
                 "B,Aram,Petrosyan,x,1950,head,,")
    events = AuditEvent.objects.count()
    job = run(users, path, dry_run=True)
    assert (job.rows_stored, job.rows_refused) == (1, 1)
    assert job.message.startswith("Dry run: 1 rows (1 households) would be stored")
    assert report(job)[0][:2] == ["3", "sex"]
    assert not Household.objects.exists()
    assert not Person.objects.exists()
    assert not Submission.objects.exists()
    assert not ImportJob.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_registrar_imports_only_at_their_own_site(users, tmp_path):
    path = write(tmp_path, HEADER, "A,Anahit,Vardanyan,f,1948,head,,")
    with pytest.raises(ValidationFailed) as refused:
        run(users, path, role="registrar", site="vayk")
    assert refused.value.errors == {"site": ["you do not act for this site"]}
    assert run(users, path, role="registrar", site="goris").rows_stored == 1


def test_roles_that_may_not_register_may_not_import(users, tmp_path):
    path = write(tmp_path, HEADER, "A,Anahit,Vardanyan,f,1948,head,,")
    for role in ("administrator", "tracing_officer", "auditor", "viewer"):
        with pytest.raises(PermissionDenied):
            run(users, path, role=role)


def test_an_unknown_site_is_refused(users, tmp_path):
    with pytest.raises(ValidationFailed, match="unknown site 'stepanakert'"):
        run(users, write(tmp_path, HEADER), site="stepanakert")


def test_the_size_limit_refuses_the_file_and_stores_no_job(users, tmp_path):
    path = write(tmp_path, HEADER, "A,Anahit,Vardanyan,f,1948,head,,")
    with pytest.raises(FileRefused, match="the limit is"):
        run(users, path, limits=Limits(max_bytes=40))
    assert not ImportJob.objects.exists()


def test_small_batches_give_the_same_result(users, tmp_path):
    lines = [f"H{n},Anahit,Vardanyan,f,{1940 + n},head,," for n in range(7)]
    job = run(users, write(tmp_path, HEADER, *lines), batch_size=2)
    assert (job.rows_done, job.rows_stored) == (7, 7)
    assert Household.objects.count() == 7


def test_every_alias_is_documented():
    """docs/import.md lists each column and value alias: what the code accepts, it says."""
    doc = (Path(__file__).resolve().parents[4] / "docs" / "import.md").read_text()
    for name, aliases in COLUMN_ALIASES.items():
        assert f"| `{name}` |" in doc
        assert ", ".join(f"`{alias}`" for alias in aliases) in doc, name
    for values in VALUE_ALIASES.values():
        for code, aliases in values.items():
            assert f"| `{code}`" in doc
            assert ", ".join(f"`{alias}`" for alias in aliases) in doc, code


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1251"])
def test_names_are_stored_the_same_from_every_encoding(users, tmp_path, encoding):
    """Armenian (not in cp1251) and Cyrillic names, and Russian headers, in each encoding."""
    lines = ["Семья;Имя;Фамилия;Отчество;Пол;Родство",
             "1;Анаит;Варданян;Сергеевна;ж;глава", "1;Пётр;Оганесян;Ёлкин;м;муж"]
    if encoding != "cp1251":
        lines.append("2;Անահիտ;Հարությունյան;;իգական;head")
    path = tmp_path / "people.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    job = run(users, path)
    assert (job.rows_stored, job.rows_refused) == (len(lines) - 1, 0), job.report
    names = set(Person.objects.values_list("given_name", "family_name", "patronymic"))
    assert {("Анаит", "Варданян", "Сергеевна"), ("Пётр", "Оганесян", "Ёлкин")} <= names
    if encoding != "cp1251":
        assert ("Անահիտ", "Հարությունյան", "") in names


def test_reading_in_a_second_process_gives_the_same_result(users, tmp_path):
    """The command line's two processes store and report exactly what one process does."""
    lines = [f"H{n},Anahit,Vardanyan,f,{1940 + n},head,," for n in range(9)]
    lines += ["X,Tigran,Vardanyan,m,2099,head,,", "Y,Aram,,m,1970,head,,",
              "H3,Anahit,Vardanyan,f,1943,head,,"]
    path = write(tmp_path, HEADER, *lines)
    one = run(users, path, batch_size=2, dry_run=True)
    two = run(users, path, batch_size=2, processes=2)
    assert (two.rows_stored, two.rows_refused) == (one.rows_stored, one.rows_refused) == (8, 4)
    assert report(two) == report(one)
    assert Household.objects.count() == 8
