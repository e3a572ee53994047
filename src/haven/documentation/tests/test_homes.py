"""Homes of origin: part of the household's record, under the household's own rule."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.audit.models import AuditEvent
from haven.core.errors import NotFound
from haven.documentation import selectors, services
from haven.documentation.tests.conftest import image_bytes, upload
from haven.testing.factories import actor_for, signed_in

pytestmark = pytest.mark.django_db


def test_a_home_is_recorded_with_its_papers_and_what_was_seen_of_it(home, clerk):
    services.property_report_add(actor=clerk, home=home.pk, observed_on=dt.date(2024, 3, 1),
                                 source="testimony", condition="occupied",
                                 seen="A neighbour saw another family living there",
                                 photos=[upload(image_bytes())])
    _household, homes = selectors.household_homes(actor=clerk, ref=home.household.code)
    assert [h.pk for h in homes] == [home.pk]
    assert [d.content_type for d in homes[0].documents.all()] == ["application/pdf"]
    assert [r.condition for r in homes[0].reports.all()] == ["occupied"]


def test_a_member_code_stands_for_the_household(clerk, make_household):
    household = make_household(site="goris")
    created = services.home_add(actor=clerk, home=services.HomeInput(
        household=household.members.get().code, settlement="Martuni", tenure="tenant"))
    assert created.household_id == household.pk


def test_another_sites_household_is_refused_like_a_missing_one(clerk, make_household):
    hidden = make_household(site="vayk")
    answers = []
    for code in (hidden.code, hidden.members.get().code, "HVN-AAAA-AAAA-AAAA"):
        with pytest.raises(NotFound) as refused:
            services.home_add(actor=clerk, home=services.HomeInput(
                household=code, settlement="Hadrut", tenure="owner"))
        answers.append(refused.value.message)
    assert answers[0] == answers[1] == answers[2]


def test_files_open_only_for_who_may_see_the_household_and_every_view_is_audited(
        home, users):
    document = home.documents.get()
    seen = signed_in(users["registrar"]).get(f"/documentation/files/{document.pk}/")
    assert seen.status_code == 200
    assert seen.content.startswith(b"%PDF-")
    assert seen["Content-Type"] == "application/pdf"
    assert seen["Content-Disposition"].startswith("attachment")
    for role in ("registrar_vayk", "viewer", "auditor"):
        assert signed_in(users[role]).get(f"/documentation/files/{document.pk}/"
                                          ).status_code in {403, 404}
    views = AuditEvent.objects.filter(action="documentation.file.view")
    assert views.filter(outcome="allowed").count() == 1
    assert views.filter(outcome="denied").count() >= 2
    with pytest.raises(NotFound):
        selectors.attachment_open(actor=actor_for(users["registrar_vayk"]), ref=document.pk)


def test_a_report_on_another_sites_home_is_not_found(home, users):
    with pytest.raises(NotFound):
        services.property_report_add(actor=actor_for(users["registrar_vayk"]), home=home.pk,
                                     observed_on=dt.date(2024, 3, 1), source="visit",
                                     condition="intact")


def test_the_map_shows_heritage_to_all_and_homes_to_their_households_staff(home, church,
                                                                            users, clerk):
    services.home_add(actor=clerk, home=services.HomeInput(
        household=home.household.code, settlement="Askeran", tenure="owner",
        latitude="39.93", longitude="46.83"))
    goris = signed_in(users["registrar"]).get("/documentation/map/").content.decode()
    assert "Kanach Zham" in goris
    assert "Askeran" in goris
    vayk = signed_in(users["registrar_vayk"]).get("/documentation/map/").content.decode()
    assert "Kanach Zham" in vayk
    assert "Askeran" not in vayk
    assert "<svg" in vayk
    assert "http" not in vayk.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere
