"""Renderers of one Sitrep: JSON for machines, the printable HTML, the A4 PDF with its charts."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess

import pytest
from django.utils import translation
from PIL import Image

from haven.reports.charts import sitrep_charts
from haven.reports.rendering import sitrep_html, sitrep_json, sitrep_pdf
from haven.reports.services import sitrep_build
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db
SEP25 = dt.date(2023, 9, 25)


@pytest.fixture
def report(registry, users):
    return sitrep_build(actor=actor_for(users["coordinator"]), date=SEP25)


def test_json_carries_days_sites_and_totals(report):
    data = json.loads(json.dumps(sitrep_json(report)))
    assert data["date"] == "2023-09-25"
    assert data["days"][0] == {
        "date": "2023-09-24", "new_arrivals": 3, "cumulative_arrivals": 3,
        "registrations": 3, "cumulative_registrations": 3, "children": 2, "elderly": 1,
        "female": 2, "male": 1, "new_children": 2, "new_elderly": 1, "new_female": 2,
        "new_male": 1}
    assert data["days"][1]["cumulative_arrivals"] == 5
    assert data["days"][1]["cumulative_registrations"] == 6
    assert {s["slug"]: s["arrivals"] for s in data["sites"]} == {"goris": 3, "kornidzor": 5,
                                                                 "vayk": 0}
    assert data["totals"]["deaths"] == 1
    assert data["age_sex"]["60+"] == {"female": 1, "male": 0, "unknown": 0}
    assert data["vulnerabilities"]["disability"] == 1
    assert {o["site"]: o["present"] for o in data["occupancy"]} == {
        "goris": 3, "kornidzor": 1, "vayk": 0}
    assert data["occupancy"][0]["share"] == 0.0025  # 3 of Goris' 1,200
    # haven.tracing records the cases now: figures, not "not recorded".
    assert data["not_recorded"] == []
    assert data["tracing"] == {"cases_opened": 0, "cases_matched": 0, "cases_reunified": 0,
                               "children_on_priority_list": 0}
    assert data["suppressed_below"] is None


def test_charts_are_svg_with_text_as_text(report):
    charts = sitrep_charts(report)
    assert set(charts) == {"cumulative", "new", "pyramid", "occupancy"}
    for chart in charts.values():
        assert chart.svg.lstrip().startswith("<?xml")
        assert "<text" in chart.svg  # svg.fonttype none: titles and labels stay text
        assert "DejaVu Sans" in chart.svg
        assert chart.data_uri.startswith("data:image/svg+xml;base64,")
    assert "Persons by age and sex" in charts["pyramid"].svg
    assert "Goris" in charts["occupancy"].svg


@pytest.mark.parametrize(("language", "words"), [("en", "not recorded"), ("hy", "տվյալներ չկան"),
                                                  ("ru", "нет данных")])
def test_the_pyramid_names_the_band_without_a_birth_date_in_the_page_language(
        report, language, words):
    with translation.override(language):
        pyramid = sitrep_charts(report)["pyramid"].svg
    assert words in pyramid
    assert "unknown" not in {text.strip() for text in re.findall(r">([^<]*)<", pyramid)}


def test_the_printable_html_holds_figures_charts_and_not_recorded(report):
    html = sitrep_html(report)
    assert "Situation report, 24 Sep 2023 – 25 Sep 2023" in html
    assert html.count("data:image/svg+xml;base64,") == 4
    assert 'data-figure="arrivals">5<' in html
    assert "not recorded" in html
    assert "@page" in html  # the stylesheet travels inside the document


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_pdf_has_pages_the_date_and_the_charts(report, tmp_path):
    pdf = sitrep_pdf(report)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "sitrep.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Situation report, 24 Sep 2023 – 25 Sep 2023" in text
    assert "Persons by age and sex" in text  # a chart's title, drawn as text from the SVG
    assert re.search(r"\b1\s*/\s*\d+\b", text)  # the page footer's counter
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None
    assert len(colours) > 20  # not a blank page: text, bars and lines in several colours
    blue = sum(n for n, (r, g, b) in colours if b > 150 and r < 80)
    assert blue > 50  # the charts' blue bars and lines are on the page
