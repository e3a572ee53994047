"""Reception's JSON API, with the exact names the issue gives."""

from __future__ import annotations

import pytest

from haven.reception.models import Stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def goris_hall(api):
    response = api("coordinator").post("/sites/goris/units",
                                       {"name": "Hall A", "beds": 10, "accessible_beds": 2})
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_unit_is_added_to_a_site_and_counted_in_its_occupancy(api, goris_hall):
    assert {k: goris_hall[k] for k in ("site", "name", "beds", "accessible_beds")} == {
        "site": "goris", "name": "Hall A", "beds": 10, "accessible_beds": 2}
    api("registrar").post("/sites/goris/units", {"name": "Room 4", "beds": 4})
    occupancy = api("viewer").get("/sites/goris/occupancy").json()
    assert (occupancy["capacity"], occupancy["present"], occupancy["free"]) == (14, 0, 14)
    assert [(u["name"], u["beds"], u["free"]) for u in occupancy["units"]] == [
        ("Hall A", 10, 10), ("Room 4", 4, 4)]


def test_a_unit_is_refused_by_field(api):
    response = api("coordinator").post("/sites/goris/units",
                                       {"name": "Tent", "beds": 2, "accessible_beds": 3})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["accessible_beds"]
    unknown = api("coordinator").post("/sites/goris/units", {"name": "Tent", "beds": 2,
                                                             "tents": 1})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"tents": ["is not a known field"]}


def test_a_placement_answers_201_then_409_with_a_json_reason(api, goris_hall, family):
    six = family(6)
    placed = api("registrar").post("/placements", {"household": six.code, "site": "goris"})
    assert placed.status_code == 201, placed.json()
    body = placed.json()
    assert (body["household"], body["site"], body["present"]) == (six.code, "goris", 6)
    assert sorted(m["code"] for m in body["members"]) == sorted(
        m.code for m in six.members.all())
    assert {m["unit"] for m in body["members"]} == {"Hall A"}
    five = family(5)
    refused = api("registrar").post("/placements", {"household": five.code, "site": "goris"})
    assert refused.status_code == 409
    assert {k: refused.json()[k] for k in ("error", "reason", "needed", "free")} == {
        "error": "conflict", "reason": "no_room", "needed": 5, "free": 4}
    assert "4 free beds" in refused.json()["message"]
    occupancy = api("registrar").get("/sites/goris/occupancy").json()
    assert (occupancy["capacity"], occupancy["present"], occupancy["free"]) == (10, 6, 4)


def test_members_with_a_split_reason_place_part_of_a_household_in_a_named_unit(
        api, goris_hall, family):
    api("coordinator").post("/sites/goris/units", {"name": "Room 4", "beds": 4})
    household = family(4)
    codes = [m.code for m in household.members.order_by("position")][:2]
    refused = api("registrar").post("/placements", {
        "household": household.code, "site": "goris", "members": codes,
        "split_reason": "the sons stay with an uncle"})
    assert refused.status_code == 403
    placed = api("protection_officer").post("/placements", {
        "household": household.code, "site": "goris", "unit": "Room 4", "members": codes,
        "split_reason": "the sons stay with an uncle"})
    assert placed.status_code == 201, placed.json()
    assert placed.json()["split_reason"] == "the sons stay with an uncle"
    assert {m["unit"] for m in placed.json()["members"]} == {"Room 4"}


def test_check_in_transfer_and_check_out_keep_the_history(api, goris_hall, family):
    api("coordinator").post("/sites/vayk/units", {"name": "Gym", "beds": 20})
    household = family(3)
    placed = api("coordinator").post("/placements", {"household": household.code,
                                                     "site": "goris", "check_in": False})
    ref = placed.json()["id"]
    assert (placed.json()["present"], placed.json()["expected"]) == (0, 3)
    checked = api("coordinator").post(f"/placements/{ref}/check-in", {})
    assert checked.json()["present"] == 3
    moved = api("coordinator").post(f"/placements/{ref}/transfer", {"site": "vayk"})
    assert moved.status_code == 201, moved.json()
    new = moved.json()
    assert (new["site"], new["expected"], new["transferred_from"]) == ("vayk", 3, ref)
    old = api("coordinator").get(f"/placements/{ref}").json()
    assert {m["state"] for m in old["members"]} == {"transferred"}
    assert [h["action"] for h in old["history"]] == ["placed", "checked_in", "transferred_out"]
    api("coordinator").post(f"/placements/{new['id']}/check-in", {})
    head = household.members.get(position=0).code
    out = api("coordinator").post(f"/placements/{new['id']}/check-out",
                                  {"destination": "hospital", "members": [head]})
    states = {m["code"]: (m["state"], m["destination"]) for m in out.json()["members"]}
    assert states[head] == ("checked_out", "hospital")
    assert api("viewer").get("/sites/vayk/occupancy").json()["present"] == 2
    assert Stay.objects.filter(ended_at__isnull=True).count() == 2


def test_another_sites_placement_is_404_and_its_names_are_never_shown(api, goris_hall, family):
    household = family(2)
    ref = api("coordinator").post("/placements", {"household": household.code,
                                                  "site": "goris"}).json()["id"]
    hidden = api("registrar_vayk").get(f"/placements/{ref}")
    assert hidden.status_code == 404
    assert household.code not in str(hidden.json())
    listed = api("registrar_vayk").get("/placements").json()
    assert listed["total"] == 0
    assert api("viewer").get(f"/placements/{ref}").status_code == 403


def test_the_waiting_list_serves_the_vulnerable_first(api, goris_hall, family):
    first = family(2)
    second = family(3, vulnerabilities={1: ["pregnant"]})
    client = api("registrar")
    assert client.post("/waiting-list", {"household": first.code, "site": "goris"}
                       ).status_code == 201
    assert client.post("/waiting-list", {"household": second.code, "site": "goris"}
                       ).status_code == 201
    again = client.post("/waiting-list", {"household": first.code, "site": "goris"})
    assert again.status_code == 200
    queue = client.get("/waiting-list", site="goris").json()
    assert [(w["household"], w["position"], w["priority"]) for w in queue] == [
        (second.code, 1, True), (first.code, 2, False)]
    client.post("/placements", {"household": second.code, "site": "goris"})
    assert [w["household"] for w in client.get("/waiting-list").json()] == [first.code]


def test_proposals_put_the_injured_near_a_hospital(api, family, sites):
    from haven.registry.models import Site  # noqa: PLC0415

    Site.objects.create(slug="vayk-clinic", kind="hospital", name_en="Vayk clinic",
                        settlement="Vayk", province="Vayots Dzor")
    api("coordinator").post("/sites/goris/units", {"name": "Hall", "beds": 50})
    api("coordinator").post("/sites/vayk/units", {"name": "Gym", "beds": 50})
    burned = family(2, vulnerabilities={0: ["burns"]})
    proposals = api("coordinator").post("/placement-proposals", {"household": burned.code})
    assert proposals.status_code == 200
    assert [p["site"] for p in proposals.json()["proposals"]] == ["vayk", "goris"]
    assert proposals.json()["proposals"][0]["near_hospital"] == "settlement"
    assert "needs_hospital" not in proposals.json()  # a medical fact: not for coordinators
    assert api("protection_officer").post(
        "/placement-proposals", {"household": burned.code}).json()["needs_hospital"] is True


def test_a_household_arrives_at_a_hub_by_one_members_code(api, family):
    household = family(4, site="kornidzor")
    scanned = household.members.get(position=2).code
    preview = api("registrar_vayk").post("/household-arrivals/preview",
                                         {"code": scanned, "site": "vayk"})
    assert preview.status_code == 200
    assert [m["code"] for m in preview.json()["members"]] == [
        m.code for m in household.members.order_by("position")]
    assert set(preview.json()["members"][0]) == {"code", "name", "latin", "already_here"}
    done = api("registrar_vayk").post("/household-arrivals", {
        "code": scanned, "site": "vayk",
        "members": [m.code for m in household.members.order_by("position")][:3]})
    assert done.status_code == 201
    assert (len(done.json()["arrived"]), len(done.json()["absent"])) == (3, 1)
    typo = api("registrar_vayk").post("/household-arrivals/preview",
                                      {"code": scanned[:-1] + ("0" if scanned[-1] != "0"
                                                               else "1"), "site": "vayk"})
    assert typo.status_code == 422
    assert typo.json()["errors"] == {"code": ["this code has a typing error"]}


def test_a_bus_run_arrives_with_its_manifest(api, family):
    client = api("registrar")
    assert client.post("/vehicles", {"kind": "bus", "plate": "35 LL 123", "capacity": 40}
                       ).status_code == 201
    run = client.post("/runs", {"vehicle": "35LL123", "destination": "goris",
                                "origin_place": "Stepanakert",
                                "planned_departure": "2023-09-28T08:00:00+04:00"}).json()
    household = family(3, site="kornidzor")
    manifest = client.post(f"/runs/{run['id']}/passengers", {
        "codes": [household.code], "names": [{"given_name": "Hasmik",
                                              "family_name": "Sargsyan"}]}).json()["manifest"]
    assert [p["number"] for p in manifest] == [1, 2, 3, 4]
    naive = client.post(f"/runs/{run['id']}/arrive", {"arrived_at": "2023-09-28T12:00:00"})
    assert naive.status_code == 422
    arrived = client.post(f"/runs/{run['id']}/arrive", {"absent": ["3"]})
    assert arrived.status_code == 200, arrived.json()
    assert (arrived.json()["arrived"], arrived.json()["to_register"],
            arrived.json()["no_shows"]) == (2, 1, 1)
    assert arrived.json()["run"]["status"] == "arrived"
    flagged = api("tracing_officer").get("/no-shows").json()
    assert [(n["code"], n["destination"]) for n in flagged] == [(manifest[2]["code"], "goris")]


def test_cards_are_a_pdf(api, family):
    household = family(2)
    response = api("registrar").post("/cards", {"households": [household.code]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
