"""The aid API: the exact shapes the issue names, and errors naming the field."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def eur(api):
    assert api("administrator").post("/aid/rates", {"currency": "EUR", "date": "2023-09-27",
                                                    "usd_per_unit": "1.05"}).status_code == 201


def test_the_eu_pledge_is_committed_and_delivered_through_the_api(api, sites, eur):
    coordinator = api("coordinator")
    assert coordinator.post("/aid/donors", {"name": "European Union", "kind": "multilateral"}
                            ).status_code == 201
    created = coordinator.post("/aid/contributions", {
        "donor": "European Union", "kind": "cash", "status": "pledge", "date": "2023-09-27",
        "amount": 5000000, "currency": "EUR", "sector": "multi_sector"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["value_usd"], body["status"], body["remaining"]) == (5250000.0, "pledge",
                                                                      5000000.0)
    moved = coordinator.post(f"/aid/contributions/{body['id']}/status",
                             {"status": "commitment", "date": "2023-09-29"})
    assert moved.json()["status"] == "commitment"
    delivered = api("registrar").post(f"/aid/contributions/{body['id']}/deliveries",
                                      {"site": "goris", "quantity": "2000000",
                                       "received_on": "2023-10-01"})
    assert delivered.status_code == 201, delivered.json()
    read = coordinator.get(f"/aid/contributions/{body['id']}").json()
    assert (read["delivered"], read["remaining"]) == (2000000.0, 3000000.0)
    assert read["deliveries"][0]["site"] == "goris"
    undelivered = coordinator.get("/aid/contributions", undelivered="true").json()
    assert [c["id"] for c in undelivered] == [body["id"]]
    aid = api("viewer").get("/reports/sitrep", date="2023-10-01").json()["aid"]
    assert aid["committed_usd"] == 5250000.0
    assert aid["delivered"] == 2100000.0


def test_errors_name_the_field(api, sites, eur):
    coordinator = api("coordinator")
    refused = coordinator.post("/aid/contributions", {"donor": "Nobody", "kind": "cash",
                                                      "date": "2023-09-27", "amount": "x",
                                                      "currency": "EUR", "colour": "red"})
    assert refused.status_code == 422
    assert "colour" in refused.json()["errors"]
    refused = coordinator.post("/aid/contributions", {"donor": "Nobody", "kind": "cash",
                                                      "date": "2023-09-27", "amount": "x",
                                                      "currency": "EUR"})
    assert set(refused.json()["errors"]) == {"donor", "amount"}
    assert coordinator.get("/aid/contributions/nonsense").status_code == 404
    assert coordinator.get("/aid/contributions", colour="red").status_code == 422


def test_roles_without_the_right_are_refused(api, sites):
    assert api("registrar").post("/aid/donors", {"name": "X", "kind": "ngo"}).status_code == 403
    assert api("auditor").get("/aid/contributions").status_code == 403
    assert api("viewer").post("/aid/distributions", {"site": "goris", "item": "kit",
                                                     "unit": "kits", "quantity": 1,
                                                     "given_name": "A", "family_name": "B"}
                              ).status_code == 403
    assert api("coordinator").post("/aid/rates", {"currency": "EUR", "date": "2023-09-27",
                                                  "usd_per_unit": 1}).status_code == 403


def test_a_hand_out_answers_with_the_household_code_and_never_a_strangers_names(
        api, sites, kits, make_household):
    household = make_household(site="goris")
    clerk = api("registrar")
    given = clerk.post("/aid/distributions", {"site": "goris", "item": "Hygiene kit",
                                              "unit": "kits", "quantity": 1,
                                              "household": household.code})
    assert given.status_code == 201, given.json()
    assert given.json()["household"] == household.code
    stranger = clerk.post("/aid/distributions", {"site": "goris", "item": "Hygiene kit",
                                                 "unit": "kits", "quantity": 1,
                                                 "given_name": "Тигран",
                                                 "family_name": "Петросян"}).json()
    assert stranger["registered"] is False
    assert "Тигран" not in str(stranger)
    history = clerk.get(f"/aid/households/{household.code}/distributions").json()
    assert [d["id"] for d in history] == [given.json()["id"]]
    assert api("registrar_vayk").get(
        f"/aid/households/{household.code}/distributions").status_code == 404
    stock = clerk.get("/aid/sites/goris/stock").json()
    assert stock == [{"item": "Hygiene kit", "unit": "kits", "delivered": 60.0,
                      "distributed": 2.0, "remaining": 58.0}]
    assert api("registrar_vayk").get("/aid/sites/goris/stock").status_code == 404
