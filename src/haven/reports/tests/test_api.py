"""The reports API: the internal report as JSON, open-data tables, errors naming the field."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_sitrep_as_json(registry, api):
    response = api("coordinator").get("/reports/sitrep", date="2023-09-25")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(d["date"], d["cumulative_arrivals"], d["registrations"]) for d in body["days"]] \
        == [("2023-09-24", 3, 3), ("2023-09-25", 5, 3)]
    assert body["totals"]["arrivals"] == 5
    assert body["suppressed_below"] is None


def test_sites_narrow_the_sitrep(registry, api):
    body = api("viewer").get("/reports/sitrep?date=2023-09-25&site=goris&site=vayk").json()
    assert [s["slug"] for s in body["sites"]] == ["goris", "vayk"]
    assert body["totals"]["arrivals"] == 3


def test_a_registrar_gets_their_sites_and_422_for_others(registry, api):
    registrar = api("registrar")
    body = registrar.get("/reports/sitrep", date="2023-09-25").json()
    assert [s["slug"] for s in body["sites"]] == ["goris"]
    refused = registrar.get("/reports/sitrep", date="2023-09-25", site="vayk")
    assert refused.status_code == 422
    assert "site" in refused.json()["errors"]


@pytest.mark.parametrize(("query", "field"), [
    ({"date": "25.09.2023"}, "date"),
    ({"date": "2999-01-01"}, "date"),
    ({"site": "nowhere"}, "site"),
    ({"colour": "red"}, "colour"),
])
def test_errors_name_the_field(registry, api, query, field):
    response = api("coordinator").get("/reports/sitrep", **query)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_the_auditor_may_not_read_figures(registry, api):
    assert api("auditor").get("/reports/sitrep").status_code == 403
    assert api("auditor").get("/reports/open-data").status_code == 403


def test_open_data_as_json_is_suppressed(registry, api):
    response = api("viewer").get("/reports/open-data", date="2023-09-25")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["suppressed_below"] == 5
    rows = {r["site"]: r for r in body["rows"]}
    assert rows["Goris"]["individuals"] == "<5"
    assert "#affected+displaced+ind" in [c["hashtag"] for c in body["columns"]]


def test_open_data_as_csv_and_xlsx(registry, api):
    csv = api("viewer").get("/reports/open-data", date="2023-09-25", table="dtm",
                            format="csv")
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[1].startswith("#adm1+name,#adm2+name,#loc+name")
    xlsx = api("viewer").get("/reports/open-data", date="2023-09-25", format="xlsx")
    assert xlsx.content[:2] == b"PK"
    bad = api("viewer").get("/reports/open-data", table="people")
    assert bad.status_code == 422
    assert "table" in bad.json()["errors"]
