"""Report pages: the dashboard with charts, its empty state, the print view, PDF, open data."""

from __future__ import annotations

import pytest

from haven.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_figures_charts_and_tables(registry, users):
    page = signed_in(users["coordinator"]).get("/reports/?date=2023-09-25")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Situation report, 24 Sep 2023 – 25 Sep 2023" in html  # the days with arrivals
    assert html.count('class="chart-image"') == 4
    assert 'data-figure="arrivals">5<' in html
    assert 'data-figure="registrations">6<' in html
    assert "reports/reports.css" in html
    assert "Aram" not in html  # aggregates only, never a name


def test_the_dashboard_filters_by_site(registry, users):
    html = signed_in(users["coordinator"]).get(
        "/reports/?date=2023-09-25&site=goris").content.decode()
    assert 'data-figure="arrivals">3<' in html
    assert 'value="goris" checked' in html


def test_an_empty_registry_gets_a_helpful_page(sites, users):
    html = signed_in(users["coordinator"]).get("/reports/?date=2023-09-25").content.decode()
    assert "No arrivals recorded up to 25 September 2023." in html
    assert "chart-image" not in html


def test_a_bad_date_is_named_on_the_form(sites, users):
    page = signed_in(users["coordinator"]).get("/reports/?date=yesterday")
    assert page.status_code == 422
    assert "Date: use YYYY-MM-DD" in page.content.decode()


def test_the_auditor_gets_403(sites, users):
    assert signed_in(users["auditor"]).get("/reports/").status_code == 403


def test_print_pdf_and_open_data_downloads(registry, users):
    client = signed_in(users["coordinator"])
    printable = client.get("/reports/print/?date=2023-09-25")
    assert printable.status_code == 200
    assert "Situation report, 24 Sep 2023 – 25 Sep 2023".encode() in printable.content
    pdf = client.get("/reports/sitrep.pdf?date=2023-09-25")
    assert pdf.content.startswith(b"%PDF")
    assert "sitrep-2023-09-25.pdf" in pdf["Content-Disposition"]
    csv = client.get("/reports/open-data.csv?date=2023-09-25")
    assert csv.content.decode().splitlines()[1].startswith("#date+reported,#loc+name")
    dtm = client.get("/reports/open-data.xlsx?date=2023-09-25&table=dtm")
    assert dtm.content[:2] == b"PK"
    assert client.get("/reports/open-data.csv?table=people").status_code == 400
    bom = client.get("/reports/open-data.csv?date=2023-09-25&bom=1")
    assert bom.content.startswith(b"\xef\xbb\xbf")
    assert client.get("/reports/open-data.csv?bom=perhaps").status_code == 400


@pytest.mark.parametrize("role", ["viewer", "administrator"])
def test_roles_without_exact_figures_see_the_published_table(registry, users, role):
    client = signed_in(users[role])
    page = client.get("/reports/?date=2023-09-25")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Published figures, 25 September 2023" in html
    assert "chart-image" not in html  # no exact figures, no charts drawn from them
    # Goris' three persons are withheld; Vayk's zeros are shown.
    assert '<td class="withheld" title="withheld">&lt;5</td>' in html
    assert "open-data.csv?date=2023-09-25&amp;bom=1" in html
    assert "Aram" not in html
    assert client.get("/reports/print/?date=2023-09-25").status_code == 403
    assert client.get("/reports/sitrep.pdf?date=2023-09-25").status_code == 403
    assert client.get("/reports/open-data.csv?date=2023-09-25").status_code == 200
