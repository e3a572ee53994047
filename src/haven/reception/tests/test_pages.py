"""Reception's pages: what each shows, refusals at the field, in three languages."""

from __future__ import annotations

import pytest
from django.test import Client

from haven.reception.models import Stay
from haven.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def test_the_shelters_page_shows_figures_and_an_empty_state(users, add_unit):
    viewer = signed_in(users["viewer"])
    assert "No site within your reach has shelter units yet." in viewer.get(
        "/reception/").content.decode()
    add_unit("goris", "Hall A", beds=12, accessible_beds=2)
    page = viewer.get("/reception/").content.decode()
    assert "Goris" in page
    assert ">12<" in page


def test_a_unit_is_added_on_the_site_page_and_refused_at_its_field(users):
    clerk = signed_in(users["registrar"])
    added = clerk.post("/reception/sites/goris/", {"action": "add", "name": "Tent 1",
                                                   "beds": "8", "accessible_beds": "1"},
                       follow=True)
    assert "Added Tent 1 with 8 beds." in added.content.decode()
    refused = clerk.post("/reception/sites/goris/", {"action": "add", "name": "Tent 2",
                                                     "beds": "2", "accessible_beds": "3"})
    assert refused.status_code == 422
    assert "cannot be more than the beds" in refused.content.decode()
    assert signed_in(users["registrar_vayk"]).get("/reception/sites/goris/").status_code == 404


def test_placing_on_the_page_refuses_with_the_reason_and_proposes_another_shelter(
        users, add_unit, family):
    add_unit("goris", "Hall", beds=4)
    add_unit("vayk", "Gym", beds=10)
    five = family(5)
    coordinator = signed_in(users["coordinator"])
    found = coordinator.post("/reception/place/", {"household": five.code,
                                                   "action": "propose"})
    assert found.status_code == 200
    refused = coordinator.post("/reception/place/", {"household": five.code, "site": "goris",
                                                     "action": "place"})
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Goris has 4 free beds; the household needs 5." in body
    assert 'data-site="vayk"' in body
    placed = coordinator.post("/reception/place/", {"household": five.code, "site": "vayk",
                                                    "action": "place"}, follow=True)
    assert "Placed 5 people of household" in placed.content.decode()
    assert Stay.objects.filter(site__slug="vayk").count() == 5


@pytest.mark.parametrize("words", [
    ("hy", "կետում կա 4 ազատ մահճակալ, ընտանիքին պետք է 5", "Տեղավորել ընտանիք"),
    ("ru", "4 свободных места; семье нужно 5", "Разместить семью"),
])
def test_the_placement_page_and_its_refusal_speak_the_language(users, add_unit, family, words):
    language, refusal, title = words
    add_unit("goris", "Hall", beds=4)
    client = Client(headers={"Accept-Language": language})
    client.force_login(users["coordinator"])
    assert title in client.get("/reception/place/").content.decode()
    refused = client.post("/reception/place/", {"household": family(5).code, "site": "goris",
                                                "action": "place"})
    assert refusal in refused.content.decode()


def test_the_placement_page_checks_out_and_keeps_the_history(users, add_unit, family):
    add_unit("goris", "Hall", beds=10)
    household = family(2)
    clerk = signed_in(users["registrar"])
    placed = clerk.post("/reception/place/", {"household": household.code, "site": "goris",
                                              "action": "place"})
    url = placed["Location"]
    out = clerk.post(url, {"action": "check_out", "destination": "private_accommodation",
                           "members-all": " ".join(m.code for m in household.members.all()),
                           "members": [m.code for m in household.members.all()]}, follow=True)
    page = out.content.decode()
    assert "Checked out 2 people." in page
    assert "Private accommodation" in page
    assert not Stay.objects.filter(ended_at__isnull=True).exists()


def test_the_transport_pages_plan_a_run_and_record_its_arrival(users, family):
    clerk = signed_in(users["registrar"])
    clerk.post("/reception/transport/vehicles/", {"kind": "bus", "plate": "35 LL 123",
                                                  "capacity": "40"})
    planned = clerk.post("/reception/transport/runs/new/", {
        "vehicle": "35LL123", "destination": "goris", "origin_place": "Stepanakert",
        "planned_departure": "2023-09-28T08:00"})
    assert planned.status_code == 302, planned.content.decode()[:2000]
    run_url = planned["Location"]
    household = family(3, site="kornidzor")
    clerk.post(run_url, {"action": "add", "codes": household.code, "names": "Hasmik Sargsyan"})
    page = clerk.get(run_url).content.decode()
    assert "Hasmik Sargsyan" in page
    assert household.members.first().code in page
    arrived = clerk.post(run_url, {"action": "arrive", "absent": ["4"]}, follow=True)
    assert "3 arrived, 0 to register, 1 did not arrive" in arrived.content.decode()
    assert "Hasmik Sargsyan" in signed_in(users["tracing_officer"]).get(
        "/reception/transport/no-shows/").content.decode()
