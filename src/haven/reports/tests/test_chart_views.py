"""The report pages draw no chart: each chart is an image at its own address, checked like the page.

Drawing the four charts was most of the report page's first view after a write (issue 17:
every page under 300 ms); the page now names its charts, and the browser fetches each one.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.utils import translation

from haven.audit.models import AuditEvent
from haven.reports import charts
from haven.testing.factories import signed_in

pytestmark = pytest.mark.django_db
PAGE = "/reports/?date=2023-09-25"
KEYS = ["cumulative", "new", "pyramid", "occupancy"]


def chart_images(html: str) -> list[tuple[str, str]]:
    """Return the (address, alt text) of each chart image on a report page, in order."""
    return [(unescape(src), unescape(alt)) for src, alt in re.findall(
        r'<img src="([^"]+)" alt="([^"]*)" class="chart-image"', html)]


@pytest.fixture
def no_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any matplotlib drawing fail the test."""

    def refuse(_figure: Any) -> str:
        raise AssertionError("a chart was drawn")

    monkeypatch.setattr(charts, "_svg", refuse)


@pytest.mark.parametrize("path", [PAGE, "/reports/print/?date=2023-09-25"])
def test_the_report_pages_name_their_charts_without_drawing_them(registry, users, no_drawing,
                                                                 path):
    page = signed_in(users["coordinator"]).get(path)
    assert page.status_code == 200
    images = chart_images(page.content.decode())
    assert [alt for _src, alt in images] == [
        "Cumulative arrivals: persons and registrations", "New arrivals per day",
        "Persons by age and sex", "Shelter occupancy against capacity"]
    for (src, _alt), key in zip(images, KEYS, strict=True):
        assert src.startswith(f"/reports/charts/{key}.svg?")
        # The page's period, sites and language; nothing about a person or a user.
        assert src.endswith("from=2023-09-24&to=2023-09-25&date=2023-09-25&lang=en")


def test_each_chart_is_an_svg_image_of_the_page_figures(registry, users):
    client = signed_in(users["coordinator"])
    images = chart_images(client.get(f"{PAGE}&site=goris").content.decode())
    drawn = {}
    for (src, alt), key in zip(images, KEYS, strict=True):
        assert "site=goris" in src
        response = client.get(src)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert response["Cache-Control"] == "no-store"
        svg = response.content.decode()
        assert svg.lstrip().startswith("<?xml")
        assert alt in svg  # the title the page gives as alt text is the chart's own
        assert "Aram" not in svg  # counts only, never a name
        drawn[key] = svg
    assert "Goris" in drawn["occupancy"]
    assert "Kornidzor" not in drawn["occupancy"]  # the page's sites, not every site


@pytest.mark.parametrize("language", ["hy", "ru"])
def test_a_chart_speaks_the_language_of_its_page(registry, users, language):
    client = signed_in(users["coordinator"])
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    src, alt = chart_images(html)[2]
    assert src.endswith(f"&lang={language}")
    with translation.override(language):
        assert alt == translation.gettext("Persons by age and sex")
    assert alt != "Persons by age and sex"
    # The image's language is the page's, whatever the browser asks the image in.
    svg = client.get(src, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert alt in svg


def _denied() -> list[tuple[str, str]]:
    return [(e.username, e.target_type) for e in AuditEvent.objects.filter(outcome="denied")]


@pytest.mark.parametrize("role", ["viewer", "administrator", "auditor"])
def test_roles_without_exact_figures_get_no_chart(registry, users, role):
    """Viewers receive the published table, with small counts withheld: no exact chart."""
    response = signed_in(users[role]).get("/reports/charts/pyramid.svg?date=2023-09-25")
    assert response.status_code == 403
    assert b"<svg" not in response.content
    assert _denied() == [(users[role].username, "reports-chart")]


def test_a_chart_of_a_site_out_of_reach_is_not_found(registry, users):
    client = signed_in(users["registrar"])  # acts for Goris only
    assert client.get("/reports/charts/occupancy.svg?date=2023-09-25&site=goris"
                      ).status_code == 200
    response = client.get("/reports/charts/occupancy.svg?date=2023-09-25&site=vayk")
    assert response.status_code == 404
    assert b"<svg" not in response.content
    assert _denied() == [("registrar-goris", "reports-chart")]


def test_unknown_charts_languages_and_visitors(registry, users, client):
    coordinator = signed_in(users["coordinator"])
    assert coordinator.get("/reports/charts/people.svg?date=2023-09-25").status_code == 404
    assert coordinator.get("/reports/charts/new.svg?date=2023-09-25&lang=de").status_code == 400
    assert coordinator.get("/reports/charts/new.svg?date=yesterday").status_code == 400
    anonymous = client.get("/reports/charts/new.svg?date=2023-09-25")
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"] or "login" in anonymous["Location"]


def test_an_empty_report_has_no_chart(sites, users):
    client = signed_in(users["coordinator"])
    assert client.get("/reports/charts/new.svg?date=2023-09-25").status_code == 404
