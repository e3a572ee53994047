"""The import pages: upload, a progress panel polled by htmx, the report download."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from haven.core import clock
from haven.intake.importing import reading, runner
from haven.intake.importing.samples import sample_csv
from haven.intake.models import ImportJob
from haven.registry.models import Household, Site
from haven.testing.factories import signed_in


def upload(client, path, site="goris", dry_run=False):
    with path.open("rb") as handle:
        data = {"file": handle, "site": site}
        if dry_run:
            data["dry_run"] = "on"
        return client.post("/imports/", data)


@pytest.fixture
def started(monkeypatch):
    """Start import threads after the response, not during it.

    The test database is an in-memory SQLite shared between threads, where a writer
    meeting another gets "table is locked" at once; a file database (WAL, busy timeout)
    as deployed makes the request's own writes wait instead.
    """
    calls = []
    monkeypatch.setattr(runner, "import_thread_start",
                        lambda *args, **kwargs: calls.append((args, kwargs)))

    def run_them():
        for args, kwargs in calls:
            monkeypatch.undo()
            runner.import_thread_start(*args, **kwargs)
            runner.import_thread_wait(args[0])

    return run_them


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_in_the_background_and_its_page_shows_the_result(
        users, tmp_path, started):
    """Upload, be sent to the job page, and find the summary and the report there."""
    path = tmp_path / "day 1.csv"
    rows = sample_csv(path, 20)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("X,Aram,,male,,head,,,\n")
    client = signed_in(users["registrar"])
    response = upload(client, path)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/{job.pk}/"
    assert job.status == "queued"
    started()
    job.refresh_from_db()
    assert (job.status, job.rows_stored, job.rows_refused) == ("done", rows, 1)
    assert job.file_name == "day 1.csv"
    assert Household.objects.filter(channel="import", created_by=users["registrar"]).count() == 20
    assert not list(runner.upload_folder().iterdir())  # the saved copy is gone
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Finished" in page
    assert f"{rows} rows (20 households) stored" in page
    assert 'hx-trigger="every 1s"' not in page
    assert f'href="/imports/{job.pk}/report.csv"' in page
    report = client.get(f"/imports/{job.pk}/report.csv")
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert report["Content-Disposition"] == 'attachment; filename="day 1-report.csv"'
    text = report.content.decode("utf-8")
    assert text.startswith("\ufeffrow,column,problem")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1] == [
        str(rows + 2), "family_name", "is required"]
    listing = client.get("/imports/").content.decode()
    assert "day 1.csv" in listing


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_upload_stores_no_household(users, tmp_path, started):
    path = tmp_path / "day1.csv"
    sample_csv(path, 3)
    client = signed_in(users["coordinator"])
    assert upload(client, path, dry_run=True).status_code == 302
    started()
    job = ImportJob.objects.get()
    assert job.status == "done"
    assert job.dry_run
    assert not Household.objects.exists()
    assert "would be stored" in client.get(f"/imports/{job.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_kobo_export_uploaded_twice_is_stored_once(users, started):
    """The formpack-made workbook of households and members, from the page, as from the CLI."""
    path = Path(__file__).resolve().parent / "fixtures" / "kobo" / "kobo-labels-hy-groups.xlsx"
    client = signed_in(users["coordinator"])
    with clock.frozen_at(dt.datetime(2023, 10, 3, 12, tzinfo=dt.UTC)):
        assert upload(client, path).status_code == 302
        assert upload(client, path).status_code == 302
        started()  # the two imports, one after the other
    first, second = ImportJob.objects.order_by("pk")
    assert (first.status, first.rows_stored, first.rows_refused) == ("done", 6, 0)
    assert (second.rows_stored, second.rows_skipped) == (0, 6)
    assert Household.objects.filter(channel="import").count() == 3
    page = client.get(f"/imports/{second.pk}/").content.decode()
    assert "0 rows (0 households) stored, 6 imported before, 0 refused." in page


@pytest.mark.django_db
def test_the_progress_panel_polls_while_the_job_runs(users):
    job = ImportJob.objects.create(
        file_name="big.csv", file_digest="0" * 64, site=Site.objects.get(slug="goris"),
        created_by=users["coordinator"], created_at=clock.now(), status="importing",
        rows_total=1000, rows_done=250)
    client = signed_in(users["registrar"])
    panel = client.get(f"/imports/{job.pk}/progress/").content.decode()
    assert f'hx-get="/imports/{job.pk}/progress/"' in panel
    assert 'hx-trigger="every 1s"' in panel
    assert '<progress max="1000" value="250">25%</progress>' in panel
    assert "250 of 1,000 rows" in panel
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'id="import-progress"' in page
    ImportJob.objects.filter(pk=job.pk).update(status="done", rows_done=1000,
                                               message="1000 rows stored")
    panel = client.get(f"/imports/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in panel
    assert "1000 rows stored" in panel


@pytest.mark.django_db
def test_a_file_of_the_wrong_kind_is_refused_on_the_form(users, tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_text("household_key,given_name\n", encoding="utf-8")
    response = upload(signed_in(users["coordinator"]), path)
    assert response.status_code == 422
    assert "is named .xlsx but is not an Excel workbook" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not list(runner.upload_folder().iterdir())


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_before_the_upload_is_parsed(users, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setattr(reading, "DEFAULT_LIMITS", reading.Limits(max_bytes=100 * 1024))
    path = tmp_path / "people.csv"
    sample_csv(path, 2000)
    response = upload(signed_in(users["coordinator"]), path)
    assert response.status_code == 413
    assert "The file is larger than 0.1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_a_registrar_may_not_upload_for_another_site(users, tmp_path):
    path = tmp_path / "people.csv"
    sample_csv(path, 1)
    response = upload(signed_in(users["registrar"]), path, site="vayk")
    assert response.status_code == 422
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_menu_offers_import_to_those_who_register(users):
    assert 'href="/imports/"' in signed_in(users["registrar"]).get("/").content.decode()
    assert 'href="/imports/"' not in signed_in(users["viewer"]).get("/").content.decode()
