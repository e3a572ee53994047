"""Every registration, from every channel, is checked against open requests: one alert per
(request, person), for the officer who owns the request."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from haven.accounts.access import Actor
from haven.core import clock
from haven.intake.scenarios import replay  # noqa: F401 - the scenario channel exists
from haven.notifications.models import Notification
from haven.registry.services import (
    HouseholdInput,
    arrival_record,
    households_register,
)
from haven.testing.factories import actor_for, member
from haven.tracing import alerts
from haven.tracing.models import Alert, ChildCase
from haven.tracing.services import (
    RequestInput,
    SoughtInput,
    request_create,
    request_status_set,
)
from haven.tracing.vocabulary import RequestStatus

pytestmark = pytest.mark.django_db(transaction=True)


def register(users, site="vayk", channel="web", **names):
    actor = Actor(user=users["coordinator"], channel=channel, client_address="127.0.0.1")
    outcome = households_register(actor=actor, households=[HouseholdInput(
        site=site, place_of_origin="Ստեփանակերտ", members=[member(**names)])])
    return outcome.households[0].members.get()


@pytest.mark.parametrize("channel", ["web", "api", "odk", "cli", "import", "scenario"])
def test_a_registration_in_another_script_raises_one_alert(users, open_request, channel):
    request = open_request()
    person = register(users, channel=channel, given_name="Անահիտ", family_name="Վարդանյան",
                      birth_date="1948")
    [alert] = Alert.objects.all()
    assert (alert.request, alert.person) == (request, person)
    assert "family name: the same name, in any script" in alert.reasons
    request.refresh_from_db()
    assert request.status == RequestStatus.POSSIBLE_MATCH
    [note] = Notification.objects.filter(kind="tracing.match")
    assert note.user == users["tracing_officer"]
    assert request.code in note.text
    assert "Vardanyan" not in note.text


def test_the_same_person_arriving_again_raises_nothing_more(users, open_request, sites):
    open_request()
    person = register(users, given_name="Анаит", family_name="Варданян", birth_date="1948")
    arrival_record(actor=actor_for(users["coordinator"]), person=person.code, site="goris")
    arrival_record(actor=actor_for(users["coordinator"]), person=person.code, site="kornidzor")
    assert Alert.objects.count() == 1
    assert Notification.objects.filter(kind="tracing.match").count() == 1


def test_an_arrival_raises_a_new_request_s_alert_and_not_the_old_one_again(users, open_request):
    # A registration's persons are new and have no alert to look for; an arrival's may.
    first = open_request()
    person = register(users, given_name="Anahit", family_name="Vardanyan", birth_date="1948")
    second = open_request(given_name="Անահիտ", family_name="Վարդանյան")
    arrival_record(actor=actor_for(users["coordinator"]), person=person.code, site="goris")
    assert {alert.request for alert in Alert.objects.filter(person=person)} == {first, second}
    assert Notification.objects.filter(kind="tracing.match").count() == 2


def test_an_arrival_checks_a_person_registered_before_the_request(users, open_request):
    """Transfers and arrivals are a channel too: the first check of an older record."""
    person = register(users, given_name="Anahit", family_name="Vardanian", birth_date="1948")
    request = open_request()
    assert not Alert.objects.exists()
    arrival_record(actor=actor_for(users["coordinator"]), person=person.code, site="goris")
    assert Alert.objects.get().request == request


def test_a_namesake_born_decades_apart_raises_no_alert(users, open_request):
    open_request()
    register(users, given_name="Anahit", family_name="Vardanyan", birth_date="1990")
    assert not Alert.objects.exists()


def test_a_misspelt_name_still_raises_the_alert(users, open_request):
    open_request()
    register(users, given_name="Anahit", family_name="Vardanayn", birth_date="1948")
    assert Alert.objects.count() == 1


def test_closed_requests_are_not_checked(users, open_request):
    request = open_request()
    request_status_set(actor=actor_for(users["tracing_officer"]), request=request.pk,
                       status="closed", reason="the family left")
    register(users, given_name="Anahit", family_name="Vardanyan", birth_date="1948")
    assert not Alert.objects.exists()


def test_a_rolled_back_registration_tells_nobody(users, open_request):
    open_request()

    def failing_batch():
        with transaction.atomic():
            register(users, given_name="Anahit", family_name="Vardanyan", birth_date="1948")
            raise RuntimeError("the batch failed")

    with pytest.raises(RuntimeError):
        failing_batch()
    assert not Alert.objects.exists()


def test_a_child_registered_without_an_adult_is_on_the_priority_list_at_once(users):
    actor = actor_for(users["coordinator"])
    outcome = households_register(actor=actor, households=[HouseholdInput(
        site="goris", members=[
            member(given_name="Ani", birth_date="2016", relationship="head"),
            member(given_name="Gor", sex="male", birth_date="2019", relationship="sibling")])])
    children = set(outcome.households[0].members.all())
    assert {c.person for c in ChildCase.objects.all()} == children
    assert Notification.objects.filter(kind="tracing.child",
                                       user=users["tracing_officer"]).count() == 2


def test_a_child_with_an_adult_or_an_unknown_age_is_not_flagged(users):
    actor = actor_for(users["coordinator"])
    households_register(actor=actor, households=[
        HouseholdInput(site="goris", members=[
            member(given_name="Ani", birth_date="2016"),
            member(given_name="Anahit", birth_date="1980", relationship="parent")]),
        HouseholdInput(site="goris", members=[
            member(given_name="Ani", birth_date="2016"),
            member(given_name="Narine", birth_date="", relationship="other_relative")]),
    ])
    assert not ChildCase.objects.exists()


def test_a_child_with_adults_none_of_them_a_parent_is_flagged_separated(users):
    actor = actor_for(users["coordinator"])
    outcome = households_register(actor=actor, households=[
        HouseholdInput(site="goris", members=[  # an aunt with her niece
            member(given_name="Lilit", birth_date="1975", relationship="head"),
            member(given_name="Ani", birth_date="2016", relationship="other_relative")]),
        HouseholdInput(site="goris", members=[  # a mother with her son: not flagged
            member(given_name="Lilit", birth_date="1985", relationship="head"),
            member(given_name="Gor", sex="male", birth_date="2015", relationship="child")]),
    ])
    [case] = ChildCase.objects.all()
    assert case.person.given_name == "Ani"
    assert case.reason == "separated"
    assert case.person.household == outcome.households[0]


def test_a_person_sought_by_one_name_is_met_on_it(users, open_request):
    request = open_request(given_name="", family_name="Vardanyan", birth_year=1948)
    person = register(users, given_name="Անահիտ", family_name="Վարդանյան", birth_date="1948")
    assert [(a.request, a.person) for a in Alert.objects.all()] == [(request, person)]


@pytest.fixture
def scored(monkeypatch):
    """Return the list of the sought persons' ids that alerts score, in the order scored."""
    ids: list[int] = []
    original = alerts.best_score

    def counted(one, person):
        ids.append(one.id)
        return original(one, person)

    monkeypatch.setattr(alerts, "best_score", counted)
    return ids


def test_only_requests_that_meet_both_names_are_scored(users, open_request, scored):
    """Open requests for other Vardanyans are not scored against Anahit Vardanyan at all:
    with 10,000 requests open, scoring each namesake cost ~200 ms a registration."""
    for given in ("Narine", "Armen", "Gohar", "Tigran", "Lilit", "Hayk"):
        open_request(given_name=given)
    sought = open_request().sought.get()  # Anahit Vardanyan
    register(users, given_name="Անահիտ", family_name="Վարդանյան", birth_date="1948")
    assert scored == [sought.pk]
    assert Alert.objects.get().sought == sought


def test_requests_for_a_year_more_than_one_off_are_not_scored(users, open_request, scored):
    """A year the family knows, more than a year off, is another person: the database
    leaves such requests out, and a request without a year is still scored."""
    same_year = open_request().sought.get()  # born 1948
    open_request(birth_year=1990)
    no_year = open_request(birth_year=None).sought.get()
    register(users, given_name="Անահիտ", family_name="Վարդանյան", birth_date="1948")
    assert sorted(scored) == sorted([same_year.pk, no_year.pk])
    assert {a.sought for a in Alert.objects.all()} == {same_year, no_year}


def test_one_person_met_by_two_sought_persons_of_a_request_raises_one_alert(users):
    """The better-scoring sought person holds the request's one alert for that person."""
    request = request_create(actor=actor_for(users["tracing_officer"]), request=RequestInput(
        site="goris", searcher_name="Armen Vardanyan", sought=[
            SoughtInput(given_name="Anahit", family_name="Vardanyan", birth_year=1947),
            SoughtInput(given_name="Anahit", family_name="Vardanyan", birth_year=1948,
                        origin="Stepanakert")]))
    person = register(users, given_name="Անահիտ", family_name="Վարդանյան", birth_date="1948")
    [alert] = Alert.objects.all()
    assert (alert.request, alert.person) == (request, person)
    assert alert.sought == request.sought.get(birth_year=1948)
    assert Notification.objects.filter(kind="tracing.match").count() == 1
    assert [e.to_status for e in request.history.all()] == ["open", "possible_match"]


def test_a_household_meeting_three_requests_raises_three_alerts_at_once(users, open_request):
    requests = [open_request(given_name=given, birth_year=1950)
                for given in ("Anahit", "Narine", "Armen")]
    outcome = households_register(actor=actor_for(users["coordinator"]), households=[
        HouseholdInput(site="vayk", place_of_origin="Ստեփանակերտ", members=[
            member(given_name="Անահիտ", family_name="Վարդանյան", birth_date="1950",
                   relationship="head"),
            member(given_name="Նարինե", family_name="Վարդանյան", birth_date="1950",
                   relationship="sibling"),
            member(given_name="Արմեն", family_name="Վարդանյան", birth_date="1950", sex="male",
                   relationship="sibling")])])
    members = {m.given_name: m for m in outcome.households[0].members.all()}
    assert {(a.request, a.person) for a in Alert.objects.all()} == {
        (requests[0], members["Անահիտ"]), (requests[1], members["Նարինե"]),
        (requests[2], members["Արմեն"])}
    for request in requests:
        request.refresh_from_db()
        assert request.status == RequestStatus.POSSIBLE_MATCH
    assert Notification.objects.filter(kind="tracing.match").count() == 3


def test_a_sought_person_known_by_age_is_matched_on_the_year_it_gives(users, open_request):
    """An age is turned into a birth year from the year the request was opened."""
    request = open_request(birth_year=None, age=clock.today().year - 1948)
    person = register(users, given_name="Անահիտ", family_name="Վարդանյան", birth_date="1948")
    [alert] = Alert.objects.all()
    assert (alert.request, alert.person) == (request, person)
    assert "age: matches" in alert.reasons


def test_a_sought_persons_other_spelling_is_scored_too(users, open_request):
    request = open_request(given_name="Anahit", other_names="Анна Варданян")
    person = register(users, given_name="Анна", family_name="Варданян", birth_date="1948")
    [alert] = Alert.objects.all()
    assert (alert.request, alert.person) == (request, person)
    assert "given name: the same name, in any script" in alert.reasons


def test_two_registrations_meeting_one_request_at_once_move_it_once(users, open_request,
                                                                     monkeypatch):
    """The alerts' transaction locks its requests: the second registration waits for the
    first to commit, then sees the request already at "possible match" and writes no
    second status change. (On SQLite the one write lock already serialises them.)"""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's write lock serialises the two transactions by itself")
    request = open_request()
    first_holds_lock, second_started = threading.Event(), threading.Event()
    mark, create = alerts._requests_mark_possible_match, alerts._alerts_create

    def slow_mark(requests, now):
        if threading.current_thread().name == "first":
            first_holds_lock.set()
            second_started.wait(10)
            time.sleep(0.5)  # the second is now reading the request, or waiting for it
        return mark(requests, now)

    def started_create(hits, **how):
        if threading.current_thread().name == "second":
            second_started.set()
        return create(hits, **how)

    monkeypatch.setattr(alerts, "_requests_mark_possible_match", slow_mark)
    monkeypatch.setattr(alerts, "_alerts_create", started_create)

    def clerk(given: str) -> None:
        try:
            register(users, given_name=given, family_name="Vardanyan", birth_date="1948")
        finally:
            connections.close_all()

    first = threading.Thread(name="first", target=clerk, args=("Anahit",))
    first.start()
    assert first_holds_lock.wait(30)
    second = threading.Thread(name="second", target=clerk, args=("Անահիտ",))
    second.start()
    first.join(30)
    second.join(30)
    assert Alert.objects.filter(request=request).count() == 2
    assert Notification.objects.filter(kind="tracing.match").count() == 2
    assert [e.to_status for e in request.history.all()] == ["open", "possible_match"]
