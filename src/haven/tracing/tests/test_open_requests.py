"""Each process keeps the open requests' sought persons in memory (haven.tracing.
open_requests); whatever changes them in the database reaches the next registration, and
nothing is reloaded while nothing changes."""

import importlib

import pytest
from django.db import transaction

from haven.testing.factories import actor_for
from haven.tracing import open_requests
from haven.tracing.models import Alert, SoughtPerson
from haven.tracing.services import request_status_set
from haven.tracing.tests.test_alerts import register
from haven.tracing.vocabulary import ACTIVE_STATUSES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loads(monkeypatch):
    """Return a list that grows by one each time a process reloads the open requests."""
    calls: list[int] = []
    original = open_requests.load

    def counted():
        snapshot = original()
        calls.append(len(snapshot.sought))
        return snapshot

    monkeypatch.setattr(open_requests, "load", counted)
    return calls


def test_a_request_opened_after_a_registration_is_checked_by_the_next_one(users, open_request):
    open_request(given_name="Narine")
    register(users, given_name="Armen", family_name="Petrosyan", birth_date="1950")
    request = open_request()  # Anahit Vardanyan, 1948
    person = register(users, given_name="Անահիտ", family_name="Վարդանյան", birth_date="1948")
    assert [(a.request, a.person) for a in Alert.objects.all()] == [(request, person)]


def test_a_closed_request_is_dropped_and_a_reopened_one_comes_back(users, open_request):
    request = open_request()
    register(users, given_name="Narine", family_name="Petrosyan", birth_date="1950")
    officer = actor_for(users["tracing_officer"])
    request_status_set(actor=officer, request=request.pk, status="closed",
                       reason="the family left")
    register(users, given_name="Anahit", family_name="Vardanyan", birth_date="1948")
    assert not Alert.objects.exists()
    request_status_set(actor=officer, request=request.pk, status="open",
                       reason="the family came back")
    person = register(users, given_name="Анаит", family_name="Варданян", birth_date="1948")
    assert [a.person for a in Alert.objects.all()] == [person]


def test_a_change_written_around_the_services_is_seen_too(users, open_request):
    """The triggers see every write: a bulk update sends no Django signal."""
    open_request(birth_year=1948)
    register(users, given_name="Narine", family_name="Petrosyan", birth_date="1950")
    SoughtPerson.objects.update(birth_year=1990)
    person = register(users, given_name="Anahit", family_name="Vardanyan", birth_date="1990")
    assert [a.person for a in Alert.objects.all()] == [person]


def test_nothing_is_reloaded_while_the_open_requests_stay_the_same(users, open_request, loads):
    open_request()
    for given in ("Anahit", "Анаит", "Անահիտ"):  # each raises an alert: open → possible match
        register(users, given_name=given, family_name="Vardanyan", birth_date="1948")
    assert Alert.objects.count() == 3
    assert loads == [1]


def test_a_request_of_a_rolled_back_transaction_is_forgotten(users, open_request):
    def failing_batch():
        with transaction.atomic():
            open_request()
            # Read inside the transaction that opened it: the process's snapshot holds it.
            assert len(open_requests.current().sought) == 1
            raise RuntimeError("the batch failed")

    with pytest.raises(RuntimeError):
        failing_batch()
    assert open_requests.current().sought == {}
    register(users, given_name="Anahit", family_name="Vardanyan", birth_date="1948")
    assert not Alert.objects.exists()


def test_the_triggers_know_the_active_statuses():
    migration = importlib.import_module("haven.tracing.migrations.0003_open_requests_version")
    assert tuple(ACTIVE_STATUSES) == migration.ACTIVE
