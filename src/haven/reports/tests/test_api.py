"""The reports API: the internal report as JSON, open-data tables, errors naming the field."""

from __future__ import annotations

import pytest

from haven.testing.factories import member

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
    body = api("coordinator").get("/reports/sitrep?date=2023-09-25&site=goris&site=vayk").json()
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
    assert rows["Goris"]["individuals"] is None
    assert rows["Goris"]["suppressed"].startswith("Persons arrived <5")
    assert rows["Vayk"]["individuals"] == 0
    assert rows["Vayk"]["date"] == "2023-09-25"
    hashtags = [c["hashtag"] for c in body["columns"]]
    assert "#affected+displaced+ind" in hashtags
    assert "#meta+suppressed" in hashtags


def test_open_data_as_csv_and_xlsx(registry, api):
    csv = api("viewer").get("/reports/open-data", date="2023-09-25", table="dtm",
                            format="csv")
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[1].startswith("#adm1+name,#adm2+name,#loc+name")
    bom = api("viewer").get("/reports/open-data", date="2023-09-25", format="csv", bom="true")
    assert bom.content.startswith(b"\xef\xbb\xbfDate,Site,")
    xlsx = api("viewer").get("/reports/open-data", date="2023-09-25", format="xlsx")
    assert xlsx.content[:2] == b"PK"
    bad = api("viewer").get("/reports/open-data", table="people")
    assert bad.status_code == 422
    assert "table" in bad.json()["errors"]


def _small_counts(value, path=""):
    """Yield (path, n) for every count from 1 to 4 anywhere in an answer."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _small_counts(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _small_counts(inner, f"{path}[{index}]")
    elif isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5:
        yield path, value


@pytest.mark.parametrize("role", ["viewer", "administrator"])
def test_roles_without_exact_figures_get_no_small_count_from_the_sitrep(
        registry, api, make_household, role):
    make_household(site="vayk", members=[member(given_name="Narine", sex="female",
                                                birth_date="1990",
                                                vulnerabilities=["pregnant"])])
    exact = api("coordinator").get("/reports/sitrep").json()
    assert exact["vulnerabilities"]["pregnant"] == 1
    body = api(role).get("/reports/sitrep").json()
    assert body["suppressed_below"] == 5
    assert list(_small_counts({k: v for k, v in body.items() if k != "suppressed_below"})) \
        == []
    assert body["vulnerabilities"]["pregnant"] is None
    # What it does show is the publication's: the open data's own figures.
    table = api(role).get("/reports/open-data").json()
    rows = {r["site"]: r for r in table["rows"]}
    assert body["totals"]["arrivals"] == rows["All sites"]["individuals"]
    kornidzor = next(s for s in body["sites"] if s["slug"] == "kornidzor")
    assert kornidzor["arrivals"] == rows["Kornidzor"]["individuals"] == 5
    assert kornidzor["capacity"] is None  # a site's attribute, not a count


def test_a_made_up_geography_gets_no_totals_only_its_sites_rows(registry, api):
    body = api("viewer").get("/reports/sitrep?date=2023-09-25&site=kornidzor&site=vayk").json()
    assert body["totals"]["arrivals"] is None  # kornidzor + vayk is not published
    assert all(d["cumulative_arrivals"] is None for d in body["days"])
    assert [s["arrivals"] for s in body["sites"]] == [5, 0]
    one = api("viewer").get("/reports/sitrep?date=2023-09-25&site=kornidzor").json()
    assert one["totals"]["arrivals"] == 5


def test_open_data_requests_are_slices_of_one_publication(registry, api):
    """site=a&site=b minus site=a, a province minus its other sites, all minus the rest:
    every answer shows each figure as the others do, so differences give nothing new."""
    viewer = api("viewer")
    slugs = ["goris", "kornidzor", "vayk"]
    requests = [[], *([s] for s in slugs), ["goris", "kornidzor"], ["goris", "vayk"],
                ["kornidzor", "vayk"], slugs]
    seen: dict[tuple, object] = {}
    for table in ("sites", "dtm"):
        for chosen in requests:
            query = "&".join(f"site={s}" for s in chosen)
            body = viewer.get(f"/reports/open-data?date=2023-09-25&table={table}&{query}"
                              ).json()
            for row in body["rows"]:
                place = (row["level"], row["site_code"] or row["site"] or row.get("province")
                         or row.get("admin1"), row["date"])
                for column in body["columns"]:
                    if not column["hashtag"].startswith("#affected"):
                        continue  # names, codes, the suppressed column: not counts
                    key = (*place, column["key"])
                    assert seen.setdefault(key, row[column["key"]]) == row[column["key"]], key
            if chosen and set(chosen) != set(slugs):
                assert {r["level"] for r in body["rows"]} <= {"site", "province"}
                assert "All sites" not in {r["site"] for r in body["rows"]}
    # Goris' three persons: withheld in every answer, and the total withheld with them.
    assert seen[("site", "goris", "2023-09-25", "individuals")] is None
    assert seen[("all", "All sites", "2023-09-25", "individuals")] is None


def test_internal_roles_keep_their_exact_report(registry, api):
    body = api("coordinator").get("/reports/sitrep?date=2023-09-25&site=goris").json()
    assert body["suppressed_below"] is None
    assert body["totals"]["arrivals"] == 3
