"""Tracing requests: the workflow, consent, search rules, site scoping, reunification."""

import datetime as dt

import pytest

from haven.audit.models import AuditAction, AuditEvent
from haven.core import clock
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.registry.services import HouseholdInput, household_register
from haven.reports.published import sitrep_answer
from haven.reports.services import report_zone
from haven.testing.factories import actor_for, member
from haven.tracing import services
from haven.tracing.models import Alert, ChildCase, RequestEvent
from haven.tracing.services import RequestInput, SoughtInput
from haven.tracing.vocabulary import RequestStatus

pytestmark = pytest.mark.django_db(transaction=True)


def officer(users):
    return actor_for(users["tracing_officer"])


def test_a_request_needs_a_searcher_a_sought_name_and_consent_for_sharing(users, sites):
    with pytest.raises(ValidationFailed) as refused:
        services.request_create(actor=officer(users), request=RequestInput(
            site="goris", searcher_name="", share_scope="agencies",
            sought=[SoughtInput(birth_year=12)]))
    assert {"searcher_name", "consent_share", "sought[0].family_name",
            "sought[0].birth_year"} <= set(refused.value.errors)


def test_roles_without_tracing_cannot_open_requests(users, sites):
    with pytest.raises(PermissionDenied):
        services.request_create(actor=actor_for(users["registrar"]), request=RequestInput(
            site="goris", searcher_name="A", sought=[SoughtInput(family_name="B")]))


def test_a_protection_officer_works_only_on_their_sites_requests(users, open_request):
    at_vayk = open_request(site="vayk")
    goris_officer = actor_for(users["protection_officer"])
    with pytest.raises(NotFound):
        services.request_for(goris_officer, at_vayk.pk)
    with pytest.raises(ValidationFailed) as refused:
        services.request_create(actor=goris_officer, request=RequestInput(
            site="vayk", searcher_name="A", sought=[SoughtInput(family_name="B")]))
    assert "site" in refused.value.errors


def test_the_workflow_moves_only_along_its_arrows_with_reasons(users, open_request):
    request = open_request()
    actor = officer(users)
    with pytest.raises(ValidationFailed):  # open → confirmed skips a step
        services.request_status_set(actor=actor, request=request.pk, status="confirmed")
    with pytest.raises(ValidationFailed) as refused:
        services.request_status_set(actor=actor, request=request.pk, status="closed")
    assert "reason" in refused.value.errors
    services.request_status_set(actor=actor, request=request.pk, status="closed",
                                reason="the family found her themselves")
    services.request_status_set(actor=actor, request=request.pk, status="open",
                                reason="she left again")
    history = [(e.from_status, e.to_status, e.reason) for e in
               RequestEvent.objects.filter(request=request)]
    assert history == [("", "open", ""),
                       ("open", "closed", "the family found her themselves"),
                       ("closed", "open", "she left again")]


def test_a_registry_search_without_a_second_detail_is_refused(users, open_request):
    request = open_request()
    with pytest.raises(ValidationFailed) as refused:
        services.tracing_search(actor=officer(users), request=request.pk, name="Vardanyan")
    assert "birth_year" in refused.value.errors


def test_a_search_is_audited_with_the_request_it_serves(users, open_request, make_household):
    request = open_request()
    found = make_household("vayk", members=[member(
        given_name="Անահիտ", family_name="Վարդանյան", birth_date="1948")]).members.get()
    hits = services.tracing_search(actor=officer(users), request=request.pk,
                                   name="Anahid Vartanian", birth_year=1948)
    assert hits[0].person == found
    event = AuditEvent.objects.filter(action=AuditAction.TRACING_SEARCH).get()
    assert {t.target_id for t in event.targets.all()} == {str(request.pk), str(found.id)}


def test_confirm_then_reunify_with_both_consents(users, open_request):
    request = open_request(given_name="Ani", birth_year=2016)
    household_register(actor=actor_for(users["coordinator"]), household=HouseholdInput(
        site="vayk", members=[member(given_name="Անի", family_name="Վարդանյան",
                                     birth_date="2016")]))
    alert = Alert.objects.get()
    child = ChildCase.objects.get()
    actor = officer(users)
    services.alert_decide(actor=actor, alert=alert.pk, decision="confirm")
    request.refresh_from_db()
    assert request.status == RequestStatus.CONFIRMED
    assert request.matched_at is not None
    with pytest.raises(ValidationFailed) as refused:
        services.reunification_record(actor=actor, request=request.pk, relationship="mother",
                                      searcher_consent=True, found_consent=False,
                                      place="Goris", reunited_on=dt.date(2023, 10, 1))
    assert "found_consent" in refused.value.errors
    services.reunification_record(actor=actor, request=request.pk, relationship="mother",
                                  searcher_consent=True, found_consent=True, place="Goris",
                                  reunited_on=dt.date(2023, 10, 1))
    request.refresh_from_db()
    child.refresh_from_db()
    assert request.status == RequestStatus.REUNIFIED
    assert child.status == "reunified"  # the child's follow-up ends with the reunification


def test_rejecting_the_only_alert_reopens_the_request(users, open_request):
    request = open_request()
    household_register(actor=actor_for(users["coordinator"]), household=HouseholdInput(
        site="vayk", members=[member(given_name="Anahit", family_name="Vardanyan",
                                     birth_date="1949")]))
    services.alert_decide(actor=officer(users), alert=Alert.objects.get().pk, decision="reject")
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_the_situation_report_counts_cases_and_children(users, open_request):
    open_request(given_name="Ani", birth_year=2016)
    household_register(actor=actor_for(users["coordinator"]), household=HouseholdInput(
        site="vayk", members=[member(given_name="Անի", family_name="Վարդանյան",
                                     birth_date="2016")]))
    services.alert_decide(actor=officer(users), alert=Alert.objects.get().pk, decision="confirm")
    # The report's day is the local one (Yerevan, UTC+4): after 20:00 UTC it is tomorrow.
    today = clock.now().astimezone(report_zone()).date()
    body = sitrep_answer(actor=actor_for(users["coordinator"]), date=today)
    assert body["tracing"] == {"cases_opened": 1, "cases_matched": 1, "cases_reunified": 0,
                               "children_on_priority_list": 1}
    assert body["not_recorded"] == []
    # Roles with published figures only get no count of people: withheld, not zero.
    published = sitrep_answer(actor=actor_for(users["viewer"]), date=today)
    assert set(published["tracing"].values()) == {None}
