"""Every role against every endpoint and page, compared with the matrix in docs/roles.md."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from haven.accounts.models import User
from haven.aid import services as aid_services
from haven.config.api import api
from haven.core import clock
from haven.documentation import services as doc_services
from haven.documentation import testimonies as statements
from haven.intake.models import ImportJob
from haven.linkage.models import MatchCandidate
from haven.protection.tests.matrix import (
    PROTECTION_RESETS,
    REFUSED_FIELD,
    protection_bodies,
    protection_records,
)
from haven.registry.models import Person, Site
from haven.testing.factories import ApiClient, actor_for, member
from haven.testing.reception import reception_bodies, reception_records, reception_renewals
from haven.testing.tracing import tracing_bodies, tracing_records, tracing_renewals

ROLES = ["administrator", "coordinator", "registrar", "tracing_officer", "protection_officer",
         "auditor", "viewer"]
MATRIX_FILE = Path(__file__).resolve().parent.parent / "docs" / "roles.md"
SITE_FIELDS = {"site", "destination"}  # the fields by which a write names its site
# Open to everyone, listed in prose under the matrix.
OPEN = {"GET /login/", "POST /login/", "POST /logout/", "POST /acting-site/",
        "POST /i18n/setlang/", "GET /api/v1/openapi.json", "GET /api/v1/docs"}


def read_matrix() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for line in MATRIX_FILE.read_text().splitlines():
        cells = [c.replace("`", "").strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == len(ROLES) + 1 and (cells[0].split(" ")[0] in {"GET", "POST", "PUT",
                                                                        "PATCH", "field"}):
            rows[cells[0]] = dict(zip(ROLES, cells[1:], strict=True))
    return rows


MATRIX = read_matrix()


def shape(path: str) -> str:
    """Reduce /households/<str:ref>/ and /households/{household}/ to /households/{}/."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def page_routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(("api/", "i18n/", "openrosa/")):
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.add("/" + route)

    walk(get_resolver().url_patterns, "")
    return found


def test_the_matrix_lists_every_page_and_endpoint():
    """A new page or endpoint fails this test until docs/roles.md says who may use it."""
    documented = {shape(row) for row in MATRIX if not row.startswith("field")}
    documented |= {shape(row) for row in OPEN}
    pages = {f"GET {shape(p)}" for p in page_routes()} - {"GET /login/", "GET /logout/",
                                                          "GET /acting-site/"}
    schema = api.get_openapi_schema()
    endpoints = {f"{method.upper()} {shape(path)}" for path, methods in schema["paths"].items()
                 for method in methods}
    missing = sorted((pages | endpoints) - documented)
    assert not missing, f"add these to docs/roles.md: {missing}"
    stale = sorted(documented - pages - endpoints - {shape(r) for r in OPEN})
    assert not stale, f"docs/roles.md lists requests that do not exist: {stale}"


@pytest.fixture
def records(users, make_household) -> dict[str, dict[str, str]]:
    """A household at Goris (the registrar's and protection officer's site) and one at Vayk."""
    out = {}
    for site in ("goris", "vayk"):
        household = make_household(site=site, members=[
            member(given_name=f"Anahit{site}", vulnerabilities=["injured"])])
        out[site] = {"site": site, "household": household.code,
                     "person": household.members.get().code}
    for site in ("goris", "vayk"):  # a possible duplicate at each site, for /matches/{match}
        twin = make_household(site=site, members=[member(given_name=f"Anahit{site}")])
        pair = sorted([Person.objects.get(code=out[site]["person"]).id, twin.members.get().id])
        out[site]["match"] = str(MatchCandidate.objects.create(
            left_id=pair[0], right_id=pair[1], probability=0.8, created_at=clock.now(),
            updated_at=clock.now()).pk)
    for site in ("goris", "vayk"):  # a report chart of each site, for /reports/charts/{chart}
        out[site]["chart"] = "occupancy"
    for site in ("goris", "vayk"):  # a user acting for each site, for /users/{user}/
        out[site]["user"] = users["registrar" if site == "goris" else "registrar_vayk"].username
    border = make_household(site="kornidzor", members=[member(given_name="Tigran")])
    out["border_person"] = {"person": border.members.get().code}
    coordinator = actor_for(users["coordinator"])  # aid: a committed contribution per site
    aid_services.exchange_rate_set(actor=actor_for(users["administrator"]), currency="EUR",
                                   date=dt.date(2023, 9, 1), usd_per_unit="1.05")
    aid_services.donor_create(actor=coordinator, name="European Union", kind="multilateral")
    for site in ("goris", "vayk"):
        committed = aid_services.contribution_create(
            actor=coordinator, contribution=aid_services.ContributionInput(
                donor="European Union", kind="in_kind", status="commitment",
                date=dt.date(2023, 9, 27), item="Hygiene kit", quantity="1000", unit="kits",
                site=site))
        aid_services.delivery_record(actor=coordinator, contribution=committed.pk, site=site,
                                     quantity="100", received_on=dt.date(2023, 9, 28))
        out[site]["contribution"] = str(committed.pk)
    heritage = doc_services.heritage_create(  # documentation: one church, a home per site
        actor=coordinator, heritage=doc_services.HeritageInput(
            kind="church", name_en="Kanach Zham", settlement="Shushi"))
    for site in ("goris", "vayk"):
        home = doc_services.home_add(actor=coordinator, home=doc_services.HomeInput(
            household=out[site]["household"], settlement="Stepanakert", tenure="owner",
            documents=[io.BytesIO(b"%PDF-1.4 deed")]))
        out[site].update(heritage=str(heritage.pk), home=str(home.pk),
                         file=str(home.documents.get().pk))
    for site in ("goris", "vayk"):  # a testimony at each site, given to its protection officer
        officer = User.objects.create(username=f"protection-{site}-matrix",
                                      role="protection_officer")
        officer.sites.set([Site.objects.get(slug=site)])
        out[site]["testimony"] = str(statements.testimony_record(
            actor=actor_for(officer), testimony=statements.TestimonyInput(
                site=site, given_on=dt.date(2023, 9, 29), statement="We left on the 26th.",
                witness_description="a neighbour", consent_legal=True)).pk)
    for site in ("goris", "vayk"):  # a finished file import at each site, for /imports/{job}/
        out[site]["job"] = str(ImportJob.objects.create(
            file_name="households.csv", file_digest="0" * 64, site=Site.objects.get(slug=site),
            created_by=users["coordinator"], created_at=clock.now(), status="done").pk)
    for site in ("goris", "vayk"):  # a referral, casualty and person left behind at each site
        out[site].update(protection_records(users["coordinator"], site, out[site]["person"]))
    for site in ("goris", "vayk"):  # reception: units, a placement, a run (haven.reception)
        out[site].update(reception_records(site, users, make_household))
    out["renew"] = reception_renewals(users, make_household)
    for site in ("goris", "vayk"):  # tracing: a request with an alert, a child's case
        out[site].update(tracing_records(users, site))
    out["renew"].update(tracing_renewals(users))
    return out


SERIAL = itertools.count(1)  # names that must differ from one role's request to the next
MULTIPART = {"/api/v1/documentation/heritage/{heritage}/observations",
             "/api/v1/documentation/households/{household}/homes",
             "/api/v1/documentation/homes/{home}/reports",
             "/api/v1/tracing/pfif"}
# A PFIF file of one person (haven.tracing.pfif_exchange); imported again, it adds nothing.
PFIF_FILE = (b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>'
             b"<pfif:person_record_id>pf.example.org/person.1</pfif:person_record_id>"
             b"<pfif:full_name>Anahit Vardanyan</pfif:full_name></pfif:person></pfif:pfif>")


def _body(request: str, target: dict[str, str], records: dict[str, Any]) -> Any:
    bodies = {
        "POST /api/v1/sites": {"slug": "new-shelter", "kind": "shelter",
                               "name_en": "New shelter", "settlement": "Goris",
                               "province": "Syunik"},
        "PUT /api/v1/sites/{site}": {"slug": target["site"], "kind": "reception_hub",
                                     "name_en": "Renamed", "settlement": "Goris",
                                     "province": "Syunik"},
        "POST /api/v1/households": {"site": target["site"], "members": [
            {"given_name": "Narine", "family_name": "Sargsyan", "sex": "female",
             "birth_date": "1990", "relationship": "head"}]},
        "PATCH /api/v1/households/{household}": {"phone": "+374 10 123456"},
        "PATCH /api/v1/persons/{person}": {"status": "departed"},
        "POST /api/v1/matches/{match}/decision": {"decision": "skip"},
        "POST /api/v1/arrivals": {"person": records["border_person"]["person"],
                                  "site": target["site"]},
        "POST /api/v1/documentation/heritage": {"kind": "monastery",
                                                "name_en": f"Monastery {next(SERIAL)}",
                                                "settlement": "Vank"},
        "POST /api/v1/documentation/heritage/{heritage}/observations": {
            "observed_on": "2020-10-08", "source": "visit", "condition": "damaged"},
        "POST /api/v1/documentation/households/{household}/homes": {
            "settlement": "Martuni", "tenure": "tenant"},
        "POST /api/v1/documentation/homes/{home}/reports": {
            "observed_on": "2024-03-01", "source": "testimony", "condition": "occupied"},
        "POST /api/v1/documentation/evidence": {"heritage": [target["heritage"]]},
        "POST /api/v1/documentation/testimonies": {
            "site": target["site"], "given_on": "2023-09-29", "statement": "We left.",
            "witness_description": "a neighbour", "consent_internal": True},
        "POST /api/v1/aid/donors": {"name": f"Donor {target['site']}", "kind": "ngo"},
        "POST /api/v1/aid/rates": {"currency": "GBP", "date": "2023-09-26",
                                   "usd_per_unit": "1.2153"},
        "POST /api/v1/aid/contributions": {"donor": "European Union", "kind": "cash",
                                           "date": "2023-09-27", "amount": 1000,
                                           "currency": "EUR", "site": target["site"]},
        "POST /api/v1/aid/contributions/{contribution}/status": {"status": "paid",
                                                                 "date": "2023-10-02"},
        "POST /api/v1/aid/contributions/{contribution}/deliveries": {
            "site": target["site"], "quantity": 1, "received_on": "2023-10-01"},
        "POST /api/v1/aid/distributions": {
            "site": target["site"], "item": "Hygiene kit", "unit": "kits", "quantity": 1,
            "given_name": "Narine", "family_name": "Sargsyan",
            "repeat_reason": "the roles matrix test hands out once per role"},
        "POST /api/v1/tracing/pfif": {"site": target["site"], "file": io.BytesIO(PFIF_FILE)},
        "POST /api/v1/rights/export": {"person": target["person"], "format": "json"},
        "POST /api/v1/rights/erase": {"person": target["person"], "confirm": target["person"],
                                      "reason": "the roles matrix test"},
        **protection_bodies(target),
        **reception_bodies(target, records),
        **tracing_bodies(target),
    }
    return bodies.get(request)


def attempt(request: str, role: str, target: dict[str, str], users, records) -> tuple[int, Any]:
    """Make the request as the role, aimed at the target site's records; return status, body."""
    method, template = request.split(" ", 1)
    renew = records["renew"].get(request)  # a fresh record for a write that uses one up
    if renew is not None:
        target = {**target, **renew(target["site"])}
    path = template.format(**target)
    if template.startswith("/reports/charts/"):  # a chart names its sites in the query
        path += f"?site={target['site']}"
    if request in PROTECTION_RESETS:  # a step that can be taken once: undone for each role
        PROTECTION_RESETS[request](target)
    if path.startswith("/api/v1"):
        client = ApiClient(users[role])
        call = {"GET": client.get, "POST": client.post, "PUT": client.put,
                "PATCH": client.patch}[method]
        arg = _body(request, target, records)
        if method == "POST" and template in MULTIPART:  # form fields, as a browser sends
            response = client.client.post(path, arg, headers=client.headers)
        else:
            response = call(path.removeprefix("/api/v1")) if arg is None and method == "GET" \
                else call(path.removeprefix("/api/v1"), arg)
        if response["Content-Type"].startswith("application/json"):
            return response.status_code, response.json()
        return response.status_code, response.content  # a download: a file, a ZIP
        response = call(path.removeprefix("/api/v1")) if arg is None and method == "GET" \
            else call(path.removeprefix("/api/v1"), arg)
        if not response["Content-Type"].startswith("application/json"):  # a PDF
            return response.status_code, response.content.decode(errors="replace")
        return response.status_code, response.json()
    browser = Client()
    browser.force_login(users[role])
    response = browser.get(path)
    # Some pages are downloads (a PDF, a workbook, a streamed CSV): bytes need not be UTF-8.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content.decode(errors="replace")


def _listed(body: Any, target: dict[str, str]) -> bool:
    """Whether a list answer shows the target's record."""
    text = str(body)
    return target["household"] in text or target["person"] in text


@pytest.mark.django_db
@pytest.mark.parametrize("request_line", [r for r in MATRIX if not r.startswith("field")])
def test_each_role_gets_what_the_matrix_says(request_line, users, records):
    is_write = request_line.split(" ")[0] != "GET"
    is_list = not is_write and request_line.endswith(
        ("households", "persons", "arrivals", "households/", "persons/"))
    for role in ROLES:
        expected = MATRIX[request_line][role]
        own = records["goris"]
        other = records["vayk"]
        status, body = attempt(request_line, role, own, users, records)
        if expected == "no":
            assert status == 403, f"{role} {request_line}: {status} {str(body)[:200]}"
            continue
        assert status in {200, 201}, f"{role} {request_line}: {status} {str(body)[:300]}"
        if "{" not in request_line and not is_list and not is_write:
            continue
        if is_list and "arrivals" not in request_line:
            assert _listed(body, own), f"{role} {request_line} hides its own site's record"
        if request_line == "POST /api/v1/sites":
            continue
        status, body = attempt(request_line, role, other, users, records)
        if expected == "yes":
            assert status in {200, 201}, f"{role} {request_line} (vayk): {status} {body!s:.300}"
            if is_list and "arrivals" not in request_line:
                assert _listed(body, other), f"{role} {request_line} hides vayk's record"
        elif is_list:
            assert status == 200
            assert not _listed(body, other), f"{role} {request_line} shows vayk's record"
        elif request_line in REFUSED_FIELD:  # a record of the other site named in the body
            assert status == 422, f"{role} {request_line} (vayk): {status}"
            assert REFUSED_FIELD[request_line] in body["errors"]
        elif is_write and request_line.startswith(("POST", "PUT")) and "site" in str(body):
            assert status == 422, f"{role} {request_line} (vayk): {status}"
            assert SITE_FIELDS & set(body["errors"]), body
        else:
            assert status == 404, f"{role} {request_line} (vayk): {status} {body!s:.300}"


@pytest.mark.django_db
def test_medical_fields_appear_only_where_the_matrix_says(users, records):
    expected = MATRIX["field vulnerabilities"]
    for role in ROLES:
        status, body = attempt("GET /api/v1/persons/{person}", role, records["goris"], users,
                               records)
        if status != 200:
            assert expected[role] == "no"
            continue
        assert ("vulnerabilities" in body) == (expected[role] == "yes"), role
        if expected[role] == "yes":
            assert body["vulnerabilities"] == ["injured"]
        status, page = attempt("GET /persons/{person}/", role, records["goris"], users, records)
        assert ("Injured" in page) == (expected[role] == "yes"), role
