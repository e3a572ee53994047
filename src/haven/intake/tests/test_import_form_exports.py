"""KoboToolbox and ODK Central exports of Haven's form, imported as the tools write them.

The Kobo workbooks in `fixtures/kobo/` were written by formpack, KoboToolbox's own export
library, with the options KoboToolbox passes it (`fixtures/kobo/make_exports.py`); the
Central ZIPs in `fixtures/central/` follow Central's code for "CSV with repeats"
(`fixtures/central/make_export.py`). Three households: Անահիտ Վարդանյան's of three, with
her son Тигран Варданян and granddaughter Նարե; two of the Petrosyans' four; Мариам
Оганесян alone.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from haven.cli import intake as _intake  # noqa: F401  (registers the command)
from haven.cli.main import cli
from haven.core import clock
from haven.intake.importing.reading import FileRefused
from haven.intake.importing.services import import_households
from haven.intake.models import Submission
from haven.intake.openrosa import services as openrosa
from haven.intake.tests.test_openrosa_recordings import collect_submission
from haven.registry.models import Household, Person
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KOBO = ["kobo-xml-names.xlsx", "kobo-xml-groups.xlsx", "kobo-labels-en.xlsx",
        "kobo-labels-hy-groups.xlsx", "kobo-labels-ru.xlsx"]
CENTRAL = ["central-csv-with-repeats.zip", "central-split-no-groups.zip"]
EXPORTS = [FIXTURES / "kobo" / n for n in KOBO] + [FIXTURES / "central" / n for n in CENTRAL]
VARDANYAN = "uuid:5b7c2f1e-93a4-4d7a-9c1b-0e6f2a3d4b51"


@pytest.fixture(autouse=True)
def _a_few_days_later():
    with clock.frozen_at(dt.datetime(2023, 10, 3, 12, tzinfo=dt.UTC)):
        yield


def run(users, path, **options):
    options.setdefault("site", "goris")
    return import_households(actor=actor_for(users["coordinator"], "import"), path=path,
                             **options)


def command(path, *more):
    return CliRunner().invoke(cli, ["import", "households", str(path), "--site", "goris",
                                    "--user", "coordinator", *more])


def people() -> dict[str, Person]:
    return {p.given_name: p for p in Person.objects.prefetch_related("vulnerabilities")}


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_an_export_imports_in_one_command_and_again_adds_nothing(users, path):
    result = command(path)
    assert result.exit_code == 0, result.output
    assert result.stdout == "6 rows (3 households) stored, 0 imported before, 0 refused.\n"
    found = people()
    assert set(found) == {"Անահիտ", "Тигран", "Նարե", "Aram", "Gayane", "Мариам"}
    anahit, tigran, nare = found["Անահիտ"], found["Тигран"], found["Նարե"]
    assert anahit.household_id == tigran.household_id == nare.household_id
    household = anahit.household
    assert (household.phone, household.place_of_origin, household.size) == \
        ("+374 97 123456", "Ստեփանակերտ", 3)
    # The form's birth-date questions, folded: a day, a year, a month, an age.
    assert (anahit.birth_date, anahit.relationship, anahit.document_number) == \
        ("1948-03-15", "head", "AM1234567")
    assert (tigran.family_name, tigran.patronymic, tigran.birth_date, tigran.relationship,
            tigran.document_type) == ("Варданян", "Сергеевич", "1975", "child",
                                      "internal_passport")
    assert nare.birth_date == "2010-05"
    assert found["Aram"].birth_date_precision == "estimated"
    assert found["Aram"].birth_year == 1978  # 45 on the day of the import
    # select_multiple, as ODK writes it (space-separated) and one column per choice.
    codes = {name: sorted(v.code for v in p.vulnerabilities.all()) for name, p in found.items()}
    assert codes["Тигран"] == ["burns", "injured"]
    assert codes["Gayane"] == ["chronic_illness", "pregnant"]
    assert codes["Мариам"] == ["disability_mobility", "elderly_alone"]
    assert codes["Անահիտ"] == []
    # The form was started at 14:02:11 in Goris (+04:00): that is the arrival.
    assert [a.arrived_at for a in anahit.arrivals.all()] == \
        [dt.datetime(2023, 9, 28, 10, 2, 11, tzinfo=dt.UTC)]
    assert found["Aram"].household.size == 4  # two more on the way
    # Each household under its instanceID, as the OpenRosa intake keys submissions.
    assert set(Submission.objects.filter(source="odk:household_registration")
               .values_list("key", flat=True)) == {
        VARDANYAN, "uuid:a41d0c77-2f58-4e0b-8f3e-6d2b7c9e1f08",
        "uuid:0f3e9b26-7c14-4a5d-b2e8-93c1d6a7f450"}
    again = command(path)
    assert again.exit_code == 0
    assert again.stdout == "0 rows (0 households) stored, 6 imported before, 0 refused.\n"
    assert Person.objects.count() == 6


def test_the_same_submissions_from_kobo_then_central_are_stored_once(users):
    assert run(users, FIXTURES / "kobo" / "kobo-labels-ru.xlsx").rows_stored == 6
    job = run(users, FIXTURES / "central" / "central-csv-with-repeats.zip")
    assert (job.rows_stored, job.rows_skipped) == (0, 6)
    # ... wherever they are imported: a submission is one household.
    assert run(users, FIXTURES / "central" / "central-split-no-groups.zip",
               site="vayk").rows_stored == 0
    assert Household.objects.count() == 3


def test_a_household_received_from_a_device_is_not_imported_again(users):
    receipt = openrosa.submission_receive(
        actor=actor_for(users["registrar"], "odk"), site="goris",
        xml=collect_submission(instance_id=VARDANYAN, start="2023-09-28T14:02:11.000+04:00"),
        received_at=dt.datetime(2023, 9, 28, 10, 7, tzinfo=dt.UTC))
    assert receipt.outcome == openrosa.Outcome.REGISTERED
    job = run(users, FIXTURES / "kobo" / "kobo-xml-names.xlsx")
    assert (job.rows_stored, job.rows_skipped, job.rows_refused) == (3, 3, 0)
    assert Household.objects.count() == 3  # the device's and the two others


def test_a_device_resending_an_imported_submission_is_acknowledged(users):
    run(users, FIXTURES / "central" / "central-csv-with-repeats.zip")
    receipt = openrosa.submission_receive(
        actor=actor_for(users["registrar"], "odk"), site="goris",
        xml=collect_submission(instance_id=VARDANYAN, start="2023-09-28T14:02:11.000+04:00"),
        received_at=dt.datetime(2023, 10, 1, 9, tzinfo=dt.UTC))
    assert receipt.outcome == openrosa.Outcome.DUPLICATE
    assert receipt.household == Person.objects.get(given_name="Անահիտ").household
    assert Household.objects.count() == 3


def test_a_dry_run_stores_neither_households_nor_submissions(users):
    job = run(users, FIXTURES / "kobo" / "kobo-xml-names.xlsx", dry_run=True)
    assert (job.rows_stored, job.rows_refused) == (6, 0)
    assert not Household.objects.exists()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(("path", "says"), [
    (FIXTURES / "kobo" / "kobo-households.csv",
     "This is a KoboToolbox export of the households without their members"),
    (FIXTURES / "kobo" / "kobo-members-only.xlsx",
     "This is the members sheet of a KoboToolbox export, on its own. Export the whole form"),
    (FIXTURES / "central" / "central-main-only.csv",
     "This is the main table of an ODK Central export, without the members"),
    (FIXTURES / "central" / "central-members-only.csv",
     "This is the members table of an ODK Central export, on its own"),
], ids=lambda v: v.name if isinstance(v, Path) else "")
def test_a_part_of_an_export_is_refused_saying_what_it_is(users, path, says):
    result = command(path)
    assert result.exit_code == 2
    assert says in result.stderr
    assert not Household.objects.exists()


def test_each_unknown_column_is_named_once_and_the_known_ones_once(users, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("household_key,given_name,family_name,sex,relationship,colour,pets,"
                    "birth_dte\nA,Anahit,Vardanyan,f,head,red,cat,1948\n", encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        run(users, path)
    message = refused.value.message
    for column in ("colour: unknown column", "pets: unknown column",
                   "birth_dte: unknown column (birth_date?)"):
        assert message.count(column) == 1, message
    assert message.count("household_key, given_name, family_name") == 1
    assert [p[1:] for p in refused.value.problems] == [
        ("colour", "unknown column"), ("pets", "unknown column"),
        ("birth_dte", "unknown column (birth_date?)")]


def _central_without(tmp_path, drop_member: str = "", drop_household: str = "") -> Path:
    """Return the Central ZIP with a member's or a household's row left out."""
    source = FIXTURES / "central" / "central-csv-with-repeats.zip"
    target = tmp_path / "household_registration.zip"
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(target, "w") as after:
        for name in before.namelist():
            lines = before.read(name).decode().splitlines(keepends=True)
            drop = drop_member if name.endswith("-members.csv") else drop_household
            after.writestr(name, "".join(line for line in lines
                                         if not (drop and drop in line)))
    return target


def test_a_household_without_members_and_members_without_household_are_named(users,
                                                                              tmp_path):
    lonely = _central_without(tmp_path, drop_member="Мариам,")
    job = run(users, lonely, report_path=tmp_path / "report.csv")
    assert (job.rows_stored, job.rows_refused) == (5, 1)
    assert "this household has no members in the table household_registration-members.csv" \
        in job.report
    orphans = _central_without(tmp_path, drop_household="Martuni")
    job = run(users, orphans)
    assert (job.rows_refused, job.rows_skipped) == (2, 3)
    assert "is not in the table household_registration.csv" in job.report


def _csv(tmp_path, text: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_flat_file_takes_the_form_s_names_labels_and_groups_too(users, tmp_path):
    path = _csv(tmp_path,
                "household_key,members/given_name,Ազգանուն,Пол,Relationship to the head,"
                "What is known of the birth date?,Birth year,household/phone,"
                "members/vulnerabilities\n"
                "A,Anahit,Վարդանյան,Женский,Head of household,Year only,1948,"
                "+374 97 123456,injured burns\n")
    job = run(users, path)
    assert job.rows_stored == 1, job.report
    anahit = Person.objects.get()
    assert (anahit.family_name, anahit.sex, anahit.birth_date, anahit.household.phone) == \
        ("Վարդանյան", "female", "1948", "+374 97 123456")
    assert sorted(v.code for v in anahit.vulnerabilities.all()) == ["burns", "injured"]


def test_one_column_per_choice_reads_1_0_true_and_false(users, tmp_path):
    path = _csv(tmp_path,
                "household_key,given_name,family_name,sex,relationship,vulnerabilities,"
                "vulnerabilities/injured,vulnerabilities/burns,Vulnerabilities/Pregnant\n"
                "A,Anahit,Vardanyan,f,head,ignored label text,1,0,True\n"
                "B,Tigran,Vardanyan,m,head,,False,TRUE,0\n"
                "C,Aram,Petrosyan,m,head,,maybe,0,0\n")
    job = run(users, path)
    assert (job.rows_stored, job.rows_refused) == (2, 1)
    codes = {p.given_name: sorted(v.code for v in p.vulnerabilities.all())
             for p in Person.objects.all()}
    assert codes == {"Anahit": ["injured", "pregnant"], "Tigran": ["burns"]}
    assert "'maybe' in column vulnerabilities/injured: use 1 or 0" in job.report


def test_labels_with_spaces_separated_by_spaces_are_read_longest_first(users, tmp_path):
    path = _csv(tmp_path, "household_key,given_name,family_name,sex,relationship,"
                          "vulnerabilities\n"
                          "A,Gayane,Petrosyan,f,head,Chronic illness Pregnant\n")
    assert run(users, path).rows_stored == 1
    assert sorted(Person.objects.get().vulnerabilities.values_list("code", flat=True)) == \
        ["chronic_illness", "pregnant"]


@pytest.mark.parametrize(("arrived", "expected"), [
    ("2023-09-28T14:02:11.000+04:00", dt.datetime(2023, 9, 28, 10, 2, 11, tzinfo=dt.UTC)),
    ("2023-09-28T10:02:11Z", dt.datetime(2023, 9, 28, 10, 2, 11, tzinfo=dt.UTC)),
    ("2023-09-28 14:30", dt.datetime(2023, 9, 28, 10, 30, tzinfo=dt.UTC)),  # Yerevan time
])
def test_arrival_times_with_an_offset_are_read_as_written(users, tmp_path, arrived,
                                                          expected):
    path = _csv(tmp_path, "household_key,given_name,family_name,sex,relationship,arrived_at\n"
                          f"A,Anahit,Vardanyan,f,head,{arrived}\n")
    assert run(users, path).rows_stored == 1
    assert Person.objects.get().arrivals.get().arrived_at == expected


def test_the_birth_date_questions_fold_in_a_flat_file(users, tmp_path):
    path = _csv(tmp_path,
                "household_key,given_name,family_name,sex,relationship,birth_date_precision,"
                "birth_date,birth_month,birth_year,estimated_age\n"
                "A,Anahit,Vardanyan,f,head,month,,1948-03-01,,\n"
                "B,Aram,Petrosyan,m,head,estimated,,,,45\n"
                "C,Nare,Vardanyan,f,head,,,,2010,\n"
                "D,Tigran,Vardanyan,m,head,century,,,1975,\n")
    job = run(users, path)
    assert (job.rows_stored, job.rows_refused) == (3, 1)
    dates = {p.given_name: (p.birth_date, p.birth_date_precision) for p in Person.objects.all()}
    assert dates["Anahit"] == ("1948-03", "month")
    assert dates["Aram"] == ("1978", "estimated")
    assert dates["Nare"] == ("2010", "year")
    assert "5,birth_date_precision,\"unknown value 'century'" in job.report
