"""What the tracing desks hear from protection: a person moved out of the area, a casualty named.

January 2026: relatives of the last residents moved out of Karabakh were not told where
their people had been taken. Every officer whose request or family a transfer concerns
is told once, must acknowledge, and a coordinator hears of what nobody acknowledged.
"""

from __future__ import annotations

import datetime as dt

import pytest

from haven.core import clock
from haven.core.errors import Conflict, ValidationFailed
from haven.notifications.models import Notification
from haven.notifications.services import notification_acknowledge, notifications_escalate
from haven.protection.services import (
    CasualtyInput,
    IncidentInput,
    LeftBehindInput,
    casualty_identify,
    casualty_record,
    incident_create,
    left_behind_register,
    left_behind_transfer,
)
from haven.registry.models import Person
from haven.testing.factories import actor_for, member
from haven.tracing.models import RequestEvent
from haven.tracing.services import RequestInput, SoughtInput, request_create

# Notifications are sent on commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

JANUARY = dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
def officers(make_user):
    return {"goris": make_user("tracing-goris", "tracing_officer", ("goris",)),
            "vayk": make_user("tracing-vayk", "tracing_officer", ("vayk",)),
            "coordinator": make_user("coordinator-vayk", "coordinator", ("vayk",))}


@pytest.fixture
def siranush_sought(officers):
    """Her niece asked at Vayk; the request is written in Latin letters."""
    with clock.frozen_at(JANUARY - dt.timedelta(days=30)):
        return request_create(actor=actor_for(officers["vayk"]), request=RequestInput(
            site="vayk", searcher_name="Niece", searcher_relationship="niece",
            sought=[SoughtInput(given_name="Siranush", family_name="Avetisyan",
                                birth_year=1939, sex="female")]))


@pytest.fixture
def left_behind(users, make_household):
    """Siranush (Սիրանուշ), 86, stayed in Stepanakert; her grandson registered at Goris."""
    grandson = make_household(site="goris", members=[member(
        given_name="Davit", family_name="Avetisyan", sex="male")]).members.get()
    with clock.frozen_at(JANUARY - dt.timedelta(days=40)):
        entry = left_behind_register(actor=actor_for(users["coordinator"]), entry=LeftBehindInput(
            site="goris", given_name="Սիրանուշ", family_name="Ավետիսյան", sex="female",
            birth_year=1939, reported_on=dt.date(2025, 12, 1), relatives=[grandson.code]))
    return entry


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_a_transfer_out_tells_the_request_officer_and_the_relatives_officer_once(
        users, officers, siranush_sought, left_behind):
    with clock.frozen_at(JANUARY):
        left_behind_transfer(actor=actor_for(users["coordinator"]), entry_id=left_behind.id,
                             to_site="goris")
    # The officer who holds the niece's request, written in another script.
    assert kinds(officers["vayk"]).count("tracing.transfer") == 1
    told = Notification.objects.get(user=officers["vayk"], kind="tracing.transfer")
    siranush = Person.objects.get(given_name="Սիրանուշ")
    assert told.params["request"] == siranush_sought.code
    assert told.params["person"] == siranush.code
    assert "Սիրանուշ" not in told.text
    assert "Siranush" not in told.text
    assert RequestEvent.objects.filter(request=siranush_sought,
                                       reason__contains="moved out").count() == 1
    # The grandson's household is at Goris: its tracing officer tells the family.
    assert kinds(officers["goris"]).count("tracing.relative_transfer") == 1
    # Nobody is told twice: not Vayk about the household, not Goris about the request.
    assert "tracing.relative_transfer" not in kinds(officers["vayk"])
    assert "tracing.transfer" not in kinds(officers["goris"])


def test_a_second_transfer_is_refused_and_tells_nobody_again(users, officers, siranush_sought,
                                                             left_behind):
    coordinator = actor_for(users["coordinator"])
    with clock.frozen_at(JANUARY):
        left_behind_transfer(actor=coordinator, entry_id=left_behind.id, to_site="goris")
        before = Notification.objects.count()
        with pytest.raises(Conflict):
            left_behind_transfer(actor=coordinator, entry_id=left_behind.id, to_site="vayk")
    assert Notification.objects.count() == before


def test_a_refused_transfer_tells_nobody(users, officers, siranush_sought, left_behind):
    with pytest.raises(ValidationFailed):
        left_behind_transfer(actor=actor_for(users["protection_officer"]),
                             entry_id=left_behind.id, to_site="vayk")  # not her site
    assert Notification.objects.count() == 0


def test_unacknowledged_news_escalates_to_a_coordinator_and_acknowledged_news_does_not(
        users, officers, siranush_sought, left_behind, settings):
    settings.NOTIFICATION_ESCALATE_MINUTES = 60
    with clock.frozen_at(JANUARY):
        left_behind_transfer(actor=actor_for(users["coordinator"]), entry_id=left_behind.id,
                             to_site="goris")
    relatives_news = Notification.objects.get(user=officers["goris"],
                                              kind="tracing.relative_transfer")
    notification_acknowledge(actor=actor_for(officers["goris"]), notification=relatives_news.pk)
    assert notifications_escalate(now=JANUARY + dt.timedelta(minutes=59)) == 0  # not yet
    notifications_escalate(now=JANUARY + dt.timedelta(minutes=61))
    escalated = set(Notification.objects.filter(escalated_at__isnull=False)
                    .values_list("user__username", "kind"))
    # The request officer left both the match alert and the transfer news unread.
    assert escalated == {("tracing-vayk", "tracing.match"), ("tracing-vayk", "tracing.transfer")}
    assert kinds(officers["coordinator"]) == ["notifications.escalation"] * 2


def test_a_casualty_identified_updates_the_requests_that_may_concern_them(
        users, officers, make_household):
    armen = make_household(site="goris", members=[member(
        given_name="Armen", family_name="Hakobyan", sex="male",
        birth_date="1961-03-04")]).members.get()
    with clock.frozen_at(JANUARY - dt.timedelta(days=3)):
        request = request_create(actor=actor_for(officers["vayk"]), request=RequestInput(
            site="vayk", searcher_name="Wife", sought=[SoughtInput(
                given_name="Армен", family_name="Акопян", birth_year=1961, sex="male")]))
    coordinator = actor_for(users["coordinator"])
    with clock.frozen_at(JANUARY):
        depot = incident_create(actor=coordinator, incident=IncidentInput(
            kind="explosion", name="Berkadzor fuel depot explosion",
            occurred_on=dt.date(2023, 9, 25), place="Berkadzor"))
        casualty = casualty_record(actor=coordinator, casualty=CasualtyInput(
            incident=str(depot.id), kind="dead", site="goris", sex="male",
            approximate_age=62))
        assert "tracing.casualty" not in kinds(officers["vayk"])  # nobody named yet
        casualty_identify(actor=coordinator, casualty_id=casualty.id, person=armen.code)
    told = Notification.objects.get(user=officers["vayk"], kind="tracing.casualty")
    assert "dead" in told.message
    assert told.params["request"] == request.code
    request.refresh_from_db()
    assert request.status != "closed"  # telling the family is the officer's task
    assert RequestEvent.objects.filter(request=request,
                                       reason__contains="casualty register").count() == 1
