"""Aid in the situation report: US dollars by status on the report date, and deliveries."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.aid import services

pytestmark = pytest.mark.django_db


def sitrep(api, role, date, **params):
    response = api(role).get("/reports/sitrep", date=date, **params)
    assert response.status_code == 200, response.json()
    return response.json()["aid"]


def test_the_report_shows_each_contribution_at_its_status_on_the_date(
        api, contribute, coordinator):
    eu = contribute(date=dt.date(2023, 9, 27))  # 5,250,000 USD at 1.05
    services.contribution_advance(actor=coordinator, contribution=eu.pk, status="commitment",
                                  date=dt.date(2023, 9, 29))
    services.delivery_record(actor=coordinator, contribution=eu.pk, site="goris",
                             quantity="1000000", received_on=dt.date(2023, 9, 30))
    before = sitrep(api, "viewer", "2023-09-26")
    assert (before["pledged_usd"], before["committed_usd"], before["contributions"]) == (0, 0, 0)
    pledged = sitrep(api, "viewer", "2023-09-28")
    assert pledged["pledged_usd"] == 5250000.0
    assert pledged["committed_usd"] == 0
    later = sitrep(api, "coordinator", "2023-10-01")
    assert (later["pledged_usd"], later["committed_usd"], later["paid_usd"]) == (
        0, 5250000.0, 0)
    assert later["delivered"] == 1050000.0  # a fifth of the value reached Goris


def test_in_kind_deliveries_are_listed_by_item_and_a_site_report_keeps_to_its_sites(
        api, kits, coordinator):
    everywhere = sitrep(api, "coordinator", "2023-10-01")
    assert everywhere["delivered_items"] == [
        {"item": "Hygiene kit", "unit": "kits", "quantity": 60.0}]
    assert everywhere["committed_usd"] == 2500.0
    assert everywhere["delivered"] == 1500.0
    vayk = sitrep(api, "coordinator", "2023-10-01", site="vayk")
    assert vayk["delivered_items"] == []
    assert vayk["contributions"] == 0


def test_a_viewer_sees_the_money_but_not_the_count_of_people_served(
        api, kits, users, make_household):
    from haven.aid.tests.test_distribution_record import hand_out  # noqa: PLC0415
    from haven.testing.factories import actor_for  # noqa: PLC0415

    hand_out(actor_for(users["registrar"]), household=make_household(site="goris").code)
    exact = sitrep(api, "coordinator", "2023-10-02")
    published = sitrep(api, "viewer", "2023-10-02")
    assert exact["households_served"] == 1
    assert published["households_served"] is None
    assert published["people_served"] is None
    assert published["committed_usd"] == exact["committed_usd"] == 2500.0
