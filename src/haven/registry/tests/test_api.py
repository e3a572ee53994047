"""The registry's JSON API, as a device or script sees it."""

import json

import pytest
from django.test import Client

from haven.core.ids import parse_code
from haven.registry.models import Household, Person
from haven.testing.factories import member

pytestmark = pytest.mark.django_db

HOUSEHOLD = {
    "site": "goris",
    "place_of_origin": "Stepanakert",
    "phone": "+374 97 123456",
    "members": [
        {"given_name": "Անահիտ", "family_name": "Վարդանյան", "sex": "female",
         "birth_date": "15.03.1948", "relationship": "head", "vulnerabilities": ["injured"]},
        {"given_name": "Тигран", "family_name": "Варданян", "sex": "male",
         "estimated_age": 77, "relationship": "spouse", "document_type": "internal_passport",
         "document_number": "II-АБ 123456"},
    ],
}
NO_MEDICAL = ["registrar", "coordinator", "tracing_officer"]


@pytest.fixture
def registered(api, sites):
    """POST the household above as the Goris registrar; return the response body."""
    response = api("registrar").post("/households", HOUSEHOLD)
    assert response.status_code == 201, response.content
    return response.json()


def test_registering_returns_the_ids_and_codes(api, sites):
    """201 with the household's id and code and each member's, in the order sent."""
    response = api("registrar").post("/households", HOUSEHOLD)
    assert response.status_code == 201
    body = response.json()
    household = Household.objects.get(pk=body["id"])
    assert body["code"] == household.code == parse_code(body["code"])
    persons = list(household.members.order_by("position"))
    assert body["members"] == [{"id": str(p.id), "code": p.code} for p in persons]
    assert [p.given_name for p in persons] == ["Անահիտ", "Тигран"]
    assert persons[1].document_number == "II-АБ 123456"
    assert household.channel == "api"
    assert response["Cache-Control"] == "no-store"


def test_a_person_is_read_by_id_and_by_code(api, registered):
    """GET /persons/{ref} takes the id or the code as printed or typed."""
    client = api("registrar")
    head = registered["members"][0]
    for ref in [head["id"], head["code"], head["code"].lower().replace("-", "")]:
        response = client.get(f"/persons/{ref}")
        assert response.status_code == 200, ref
        body = response.json()
        assert (body["id"], body["code"], body["household"]) == (
            head["id"], head["code"], registered["id"])
        assert body["scripts"] == {"given_name": "armenian", "family_name": "armenian",
                                   "patronymic": "none"}
        assert (body["birth_date"], body["birth_date_precision"]) == ("1948-03-15", "day")
        assert [a["site"] for a in body["arrivals"]] == ["goris"]
        assert response["Cache-Control"] == "no-store"


def test_a_household_is_read_with_members_and_history(api, registered):
    """GET /households/{ref} returns the members and the history of changes."""
    response = api("registrar").get(f"/households/{registered['code']}")
    assert response.status_code == 200
    body = response.json()
    assert [m["code"] for m in body["members"]] == [m["code"] for m in registered["members"]]
    assert (body["site"], body["size"], body["phone"]) == ("goris", 2, "+374 97 123456")
    assert [(h["action"], h["by"], h["changes"]) for h in body["history"]] == [
        ("created", "registrar-goris", {"site": [None, "goris"]})]
    assert response["Cache-Control"] == "no-store"


def test_households_are_listed_with_filters_and_pages(api, make_household, users):
    """GET /households pages newest first and filters by site, name, code and status."""
    for given in ["Anahit", "Narine", "Mariam"]:
        make_household("goris", members=[member(given_name=given)])
    make_household("vayk", members=[member(given_name="Lusine")])
    client = api("coordinator")
    first = client.get("/households", per_page=2).json()
    assert (first["page"], first["pages"], first["total"]) == (1, 2, 4)
    assert [h["members"][0]["given_name"] for h in first["items"]] == ["Lusine", "Mariam"]
    second = client.get("/households", per_page=2, page=2).json()
    assert [h["members"][0]["given_name"] for h in second["items"]] == ["Narine", "Anahit"]
    goris = client.get("/households", site="goris").json()
    assert goris["total"] == 3
    assert {h["site"] for h in goris["items"]} == {"goris"}
    assert client.get("/households", q="Nar").json()["total"] == 1
    narine = Person.objects.get(given_name="Narine")
    by_code = client.get("/households", q=narine.code.lower()).json()
    assert [h["id"] for h in by_code["items"]] == [str(narine.household_id)]
    assert client.get("/households", status="departed").json()["total"] == 0
    response = client.get("/households", status="lost")
    assert response.status_code == 422
    assert response.json()["errors"] == {"status": ["unknown status"]}
    assert client.get("/households", per_page=1000).status_code == 422


def test_persons_are_listed_with_filters(api, make_household):
    """GET /persons pages persons and filters by arrival date and name."""
    make_household("goris", members=[member(given_name="Anahit")])
    make_household("vayk", members=[member(given_name="Lusine")])
    client = api("tracing_officer")
    body = client.get("/persons").json()
    assert (body["total"], [p["given_name"] for p in body["items"]]) == (2, ["Lusine", "Anahit"])
    assert client.get("/persons", site="vayk").json()["total"] == 1
    assert client.get("/persons", arrived_from="2999-01-01").json()["total"] == 0
    response = client.get("/persons", arrived_from="2023-10-02", arrived_to="2023-10-01")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["arrived_to"]


def test_patching_a_household_records_old_and_new_values(api, registered):
    """PATCH /households/{ref} changes the fields sent and adds them to the history."""
    client = api("registrar")
    response = client.patch(f"/households/{registered['id']}", {"size": 3, "phone": ""})
    assert response.status_code == 200
    body = response.json()
    assert (body["size"], body["phone"]) == (3, "")
    assert body["history"][-1]["changes"] == {
        "phone": ["+374 97 123456", ""], "phone_e164": ["+37497123456", ""], "size": [2, 3]}


def test_patching_a_person_records_old_and_new_values(api, registered):
    """PATCH /persons/{ref} corrects a spelling; the household history shows old and new."""
    client = api("registrar")
    head = registered["members"][0]
    response = client.patch(f"/persons/{head['code']}", {"given_name": "Anahit"})
    assert response.status_code == 200
    assert response.json()["given_name"] == "Anahit"
    assert response.json()["scripts"]["given_name"] == "latin"
    history = client.get(f"/households/{registered['id']}").json()["history"]
    assert (history[-1]["person_code"], history[-1]["changes"]) == (
        head["code"], {"given_name": ["Անահիտ", "Anahit"]})


def test_an_arrival_makes_a_goris_person_visible_at_vayk(api, registered):
    """POST /arrivals by the Vayk registrar; then Vayk reads the person, Goris still does."""
    vayk = api("registrar_vayk")
    head = registered["members"][0]
    assert vayk.get(f"/persons/{head['code']}").status_code == 404
    response = vayk.post("/arrivals", {"person": head["code"], "site": "vayk"})
    assert response.status_code == 201
    assert (response.json()["person"], response.json()["site"]) == (head["id"], "vayk")
    assert vayk.get(f"/persons/{head['code']}").status_code == 200
    assert vayk.get("/persons").json()["total"] == 1
    arrivals = api("registrar").get(f"/persons/{head['id']}").json()["arrivals"]
    assert [a["site"] for a in arrivals] == ["goris", "vayk"]


def test_an_arrival_for_a_site_the_clerk_does_not_act_for_is_refused(api, registered):
    """422 naming the site."""
    response = api("registrar").post("/arrivals", {"person": registered["members"][0]["code"],
                                                   "site": "vayk"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"site": ["you do not act for this site"]}


def test_the_openapi_document_is_served(sites):
    """/api/v1/openapi.json describes the API without a token."""
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/households", "/api/v1/persons/{ref}", "/api/v1/arrivals",
            "/api/v1/audit"} <= set(paths)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer hvn_not-a-real-token"}, {"Authorization": "Bearer "},
     {"Authorization": "Basic YWRtaW46YWRtaW4="}, {"Authorization": "Bearer " + "x" * 500}],
)
def test_requests_without_a_valid_token_get_401_json(sites, headers):
    """No token, a wrong token or another scheme: 401 with the JSON error body."""
    response = Client().get("/api/v1/households", headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == "unauthenticated"
    assert "Authorization: Bearer" in body["message"]
    assert set(body["errors"]) == {"Authorization", "session"}


@pytest.mark.parametrize("path", ["/api/v1/households", "/api/v1/arrivals"])
def test_a_post_without_credentials_gets_401_naming_them_not_a_csrf_403(sites, path):
    """Issue 17: a script's POST with no credentials learns which ones are missing."""
    response = Client(enforce_csrf_checks=True).post(path, {}, content_type="application/json")
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "unauthenticated"
    assert "CSRF" not in body["message"]
    assert "Authorization" in body["errors"]


def test_a_logged_in_browser_post_without_the_csrf_token_is_still_refused(users):
    """The session cookie present: Django's CSRF check still guards the write."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["registrar"])
    response = client.post("/api/v1/households", {}, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**HOUSEHOLD, "bogus": 1}, "bogus"),
        ({**HOUSEHOLD, "members": [HOUSEHOLD["members"][0],
                                   {**HOUSEHOLD["members"][1], "bogus": "x"}]},
         "members[1].bogus"),
    ],
)
def test_unknown_fields_are_refused_by_name(api, sites, body, field):
    """A misspelt field is never silently dropped: 422 names it."""
    response = api("registrar").post("/households", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: ["is not a known field"]}
    assert Household.objects.count() == 0


def test_invalid_members_are_refused_by_field(api, sites):
    """The service's errors reach the client as {field: [messages]}."""
    members = [HOUSEHOLD["members"][0], {**HOUSEHOLD["members"][1], "birth_date": "2023-02-31",
                                         "estimated_age": None}]
    response = api("registrar").post("/households", {**HOUSEHOLD, "members": members})
    assert response.status_code == 422
    assert response.json() == {
        "error": "validation_failed",
        "message": "members[1].birth_date: 2023-02-31 is not a date in the calendar",
        "errors": {"members[1].birth_date": ["2023-02-31 is not a date in the calendar"]},
    }
    assert Person.objects.count() == 0


def test_a_missing_required_field_is_named(api, sites):
    """A member without a sex is 422 naming members[0].sex."""
    head = {k: v for k, v in HOUSEHOLD["members"][0].items() if k != "sex"}
    response = api("registrar").post("/households", {**HOUSEHOLD, "members": [head]})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["members[0].sex"]


def test_an_oversized_body_is_413_json(api, sites):
    """Bodies over 1 MiB are refused before parsing, with a JSON error."""
    body = {**HOUSEHOLD, "place_of_origin": "x" * (1024 * 1024 + 1)}
    response = api("registrar").post("/households", body)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert response.json()["errors"] == {"body": ["is larger than 1 MiB"]}
    assert Household.objects.count() == 0


def test_a_body_that_is_not_json_is_400_json(api, sites):
    """A broken body gets the same JSON error shape."""
    client = api("registrar")
    response = client.client.post("/api/v1/households", "{", content_type="application/json",
                                  headers=client.headers)
    assert response.status_code == 400
    assert set(response.json()) == {"error", "message"}


def test_another_sites_records_are_404_absent_and_uncounted(api, make_household, users):
    """Goris asking for a Vayk person: 404 detail, absent from lists and searches, not counted."""
    make_household("goris", user=users["registrar"])
    narine = make_household("vayk", members=[member(given_name="Narine")]).members.get()
    goris = api("registrar")
    for ref in [str(narine.id), narine.code]:
        response = goris.get(f"/persons/{ref}")
        assert response.status_code == 404
        assert response.json() == {"error": "not_found", "message": "No such person."}
    assert goris.get(f"/households/{narine.household_id}").status_code == 404
    persons = goris.get("/persons").json()
    assert persons["total"] == 1
    assert narine.code not in json.dumps(persons)
    assert goris.get("/persons", q=narine.code).json()["total"] == 0
    assert goris.get("/households", q=narine.code).json()["total"] == 0
    assert goris.get("/households").json()["total"] == 1
    assert goris.get("/persons", site="vayk").status_code == 422


@pytest.mark.parametrize("role", NO_MEDICAL)
def test_vulnerabilities_are_absent_for_roles_without_the_medical_right(api, registered, role):
    """The key itself is missing (not null) in person detail, person list and household detail."""
    client = api(role)
    head = registered["members"][0]
    person = client.get(f"/persons/{head['id']}").json()
    assert "vulnerabilities" not in person
    assert person["given_name"] == "Անահիտ"
    for item in client.get("/persons").json()["items"]:
        assert "vulnerabilities" not in item
    household = client.get(f"/households/{registered['id']}").json()
    for item in household["members"]:
        assert "vulnerabilities" not in item
    assert "injured" not in json.dumps([person, household])


def test_vulnerabilities_are_present_for_the_protection_officer(api, registered):
    """The Goris protection officer sees them everywhere a person is shown."""
    client = api("protection_officer")
    head, spouse = registered["members"]
    assert client.get(f"/persons/{head['id']}").json()["vulnerabilities"] == ["injured"]
    assert client.get(f"/persons/{spouse['id']}").json()["vulnerabilities"] == []
    listed = {p["id"]: p["vulnerabilities"] for p in client.get("/persons").json()["items"]}
    assert listed == {head["id"]: ["injured"], spouse["id"]: []}
    members = client.get(f"/households/{registered['id']}").json()["members"]
    assert [m["vulnerabilities"] for m in members] == [["injured"], []]


def test_history_hides_vulnerability_changes_from_roles_without_the_medical_right(api,
                                                                                   registered):
    """A change of vulnerabilities appears for the protection officer only."""
    head = registered["members"][0]
    officer = api("protection_officer")
    response = officer.patch(f"/persons/{head['id']}", {"vulnerabilities": ["burns"]})
    assert response.status_code == 200
    assert response.json()["vulnerabilities"] == ["burns"]
    seen = officer.get(f"/households/{registered['id']}").json()["history"]
    assert seen[-1]["changes"] == {"vulnerabilities": [["injured"], ["burns"]]}
    for role in NO_MEDICAL:
        history = api(role).get(f"/households/{registered['id']}").json()["history"]
        assert [h["action"] for h in history] == ["created"], role
        assert "burns" not in json.dumps(history)


def test_a_registrar_cannot_change_vulnerabilities(api, registered):
    """Ignored (the stored ones kept), not refused: a refusal would depend on them."""
    ref = registered["members"][0]["id"]
    response = api("registrar").patch(f"/persons/{ref}", {"vulnerabilities": []})
    assert response.status_code == 200
    assert "vulnerabilities" not in response.json()
    assert api("protection_officer").get(f"/persons/{ref}").json()["vulnerabilities"] != []


@pytest.mark.parametrize("role", ["viewer", "auditor", "administrator"])
def test_roles_without_record_access_get_403(api, registered, role):
    """Viewers, auditors and administrators are refused every record endpoint."""
    client = api(role)
    head = registered["members"][0]
    requests = [
        client.get(f"/persons/{head['id']}"),
        client.get("/persons"),
        client.get(f"/households/{registered['id']}"),
        client.get("/households"),
        client.post("/households", HOUSEHOLD),
        client.patch(f"/persons/{head['id']}", {"given_name": "X"}),
        client.patch(f"/households/{registered['id']}", {"size": 5}),
        client.post("/arrivals", {"person": head["code"], "site": "goris"}),
    ]
    for response in requests:
        assert response.status_code == 403, response.request["PATH_INFO"]
        assert response.json()["error"] == "permission_denied"
    assert Household.objects.count() == 1


def test_sites_are_listed_for_any_user(api, sites):
    """GET /sites is open to every signed-in role: sites are not personal data."""
    body = api("viewer").get("/sites").json()
    assert [s["slug"] for s in body] == ["goris", "kornidzor", "vayk"]


def test_every_answer_with_personal_data_says_no_store(api, registered):
    """No cache (browser, proxy) may keep a person's data: lists, details, writes, errors."""
    head = registered["members"][0]
    registrar = api("registrar")
    responses = [
        registrar.get("/persons"),
        registrar.get(f"/persons/{head['id']}"),
        registrar.get("/households"),
        registrar.get(f"/households/{registered['id']}"),
        registrar.patch(f"/persons/{head['id']}", {"patronymic": "Sergeyevna"}),
        registrar.get("/persons/HVN-0000-0000-0000"),
        api("auditor").get("/audit"),
    ]
    for response in responses:
        assert response.status_code in {200, 404}
        assert response["Cache-Control"] == "no-store", response.request["PATH_INFO"]


def test_unknown_query_parameters_are_refused_naming_them(api):
    """A misspelt filter must not silently return the unfiltered list."""
    response = api("coordinator").get("/persons", vulnerabilty="injured")
    assert response.status_code == 422
    assert response.json()["errors"] == {"vulnerabilty": ["is not a known parameter"]}
    assert api("coordinator").get("/arrivals", q="x").status_code == 422
    assert api("auditor").get("/audit", usr="x").status_code == 422
