"""Reports and charts are kept until the next audited write, by what they show, never by who."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.utils import translation

from haven.audit.selectors import audit_last_event_id
from haven.registry.services import arrival_record
from haven.reports import charts
from haven.reports.services import sitrep_build
from haven.testing.factories import actor_for, signed_in

pytestmark = pytest.mark.django_db
DAY = dt.date(2023, 9, 25)


@pytest.fixture
def drawings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the charts matplotlib draws (each one is written out as SVG once)."""
    drawn: list[str] = []
    write = charts._svg

    def counted(figure: Any) -> str:
        drawn.append("chart")
        return write(figure)

    monkeypatch.setattr(charts, "_svg", counted)
    return drawn


def chart_images(html: str) -> list[str]:
    """Return the addresses of the chart images a report page shows, in order."""
    return [unescape(src) for src in re.findall(r'<img src="([^"]+)"[^>]*class="chart-image"',
                                                html)]


def test_a_repeat_view_draws_no_chart(registry, users, drawings):
    client = signed_in(users["coordinator"])
    first = chart_images(client.get("/reports/?date=2023-09-25").content.decode())
    assert len(first) == 4
    images = [client.get(src).content for src in first]
    assert len(drawings) == 4
    second = chart_images(client.get("/reports/?date=2023-09-25").content.decode())
    assert second == first
    assert [client.get(src).content for src in second] == images
    assert len(drawings) == 4  # the four charts were kept


def test_another_language_or_other_figures_draw_again(registry, users, drawings):
    coordinator = actor_for(users["coordinator"])
    report = sitrep_build(actor=coordinator, date=DAY)
    with translation.override("en"):
        english = charts.sitrep_charts(report)
    with translation.override("ru"):
        russian = charts.sitrep_charts(report)
    assert len(drawings) == 8
    assert english["pyramid"].svg != russian["pyramid"].svg
    fewer = dataclasses.replace(report, occupancy=report.occupancy[:1])
    with translation.override("en"):
        charts.sitrep_charts(fewer)
        assert len(drawings) == 12
        kept = charts.sitrep_charts(report)
        assert all(kept[key] is english[key] for key in english)  # the first ones, kept


def test_the_chart_key_holds_counts_dates_and_site_names_only(registry, users):
    report = sitrep_build(actor=actor_for(users["coordinator"]), date=DAY)
    figures = charts.ChartFigures.of(report)

    def leaves(value: Any) -> list[Any]:
        if dataclasses.is_dataclass(value):
            return [x for f in dataclasses.fields(value) for x in leaves(getattr(value, f.name))]
        if isinstance(value, tuple):
            return [x for item in value for x in leaves(item)]
        return [value]

    values = leaves(figures)
    assert {type(v) for v in values} <= {bool, int, str, dt.date}
    names = {v for v in values if isinstance(v, str)}
    site_names = {s.name for s in report.sites}
    bands = {band for band, _female, _male in figures.pyramid}
    assert names <= site_names | bands  # no person's name, code or user


def test_a_report_is_kept_until_the_next_audited_write(registry, users):
    coordinator = actor_for(users["coordinator"])
    before = sitrep_build(actor=coordinator, date=DAY, sites=["goris"])
    kept = sitrep_build(actor=coordinator, date=DAY, sites=["goris"])
    assert kept.days is before.days  # the same figures, not built again
    assert kept.generated_at >= before.generated_at
    clock_before = audit_last_event_id()
    arrival_record(actor=coordinator, person=registry["b"].members.get(given_name="Aram").code,
                   site="goris", arrived_at=dt.datetime(2023, 9, 25, 18, tzinfo=dt.UTC))
    assert audit_last_event_id() > clock_before
    after = sitrep_build(actor=coordinator, date=DAY, sites=["goris"])
    assert after.arrivals == before.arrivals + 1


def test_a_viewer_keeps_the_published_table_after_the_coordinator_opened_charts(
        registry, users, drawings):
    coordinator = signed_in(users["coordinator"])
    for src in chart_images(coordinator.get("/reports/?date=2023-09-25").content.decode()):
        coordinator.get(src)
    assert len(drawings) == 4
    html = signed_in(users["viewer"]).get("/reports/?date=2023-09-25").content.decode()
    assert "chart-image" not in html
    assert '<td class="withheld" title="withheld">&lt;5</td>' in html  # Goris still withheld
    assert len(drawings) == 4


def test_a_pdf_is_kept_per_language_until_the_next_audited_write(registry, users, monkeypatch):
    from haven.reports import rendering  # noqa: PLC0415

    made: list[str] = []
    html = rendering.sitrep_html

    def counted(report: Any, **kwargs: Any) -> str:
        made.append("pdf")
        return html(report, **kwargs)

    monkeypatch.setattr(rendering, "sitrep_html", counted)
    client = signed_in(users["coordinator"])
    first = client.get("/reports/sitrep.pdf?date=2023-09-25").content
    assert client.get("/reports/sitrep.pdf?date=2023-09-25").content == first
    assert len(made) == 1
    client.get("/reports/sitrep.pdf?date=2023-09-25", HTTP_ACCEPT_LANGUAGE="hy")
    assert len(made) == 2
    coordinator = actor_for(users["coordinator"])
    arrival_record(actor=coordinator, person=registry["b"].members.get(given_name="Aram").code,
                   site="goris", arrived_at=dt.datetime(2023, 9, 25, 18, tzinfo=dt.UTC))
    client.get("/reports/sitrep.pdf?date=2023-09-25")
    assert len(made) == 3
