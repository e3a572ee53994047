"""Tracing records for the roles matrix (tests/test_roles_matrix.py): one set per site."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from haven.accounts.models import User
from haven.core import clock
from haven.registry.models import Person
from haven.testing.factories import actor_for
from haven.tracing.models import Alert, ChildCase, SoughtPerson, TracingRequest
from haven.tracing.services import RequestInput, SoughtInput, request_create
from haven.tracing.vocabulary import AlertState, RequestStatus


def _request(users: dict[str, User], site: str, status: str = RequestStatus.OPEN,
             alert: str | None = None) -> dict[str, str]:
    created = request_create(actor=actor_for(users["coordinator"]), request=RequestInput(
        site=site, searcher_name="Armen", sought=[SoughtInput(
            given_name=f"Anahit{site}", family_name="Vardanyan", birth_year=1948)]))
    out = {"tracing_request": str(created.pk)}
    if alert is not None:
        person = Person.objects.filter(registered_at__slug=site).order_by("created_at").first()
        assert person is not None  # noqa: S101 - the matrix registers people at each site
        made = Alert.objects.create(request=created, sought=SoughtPerson.objects.get(
            request=created), person=person, score=20.0, state=alert, created_at=clock.now(),
            decided_at=clock.now() if alert != AlertState.NEW else None)
        out["alert"] = str(made.pk)
    if status != RequestStatus.OPEN:
        TracingRequest.objects.filter(pk=created.pk).update(status=status,
                                                            matched_at=clock.now())
    return out


def tracing_records(users: dict[str, User], site: str) -> dict[str, str]:
    """A request with a new alert, and a child's case, at the site."""
    out = _request(users, site, alert=AlertState.NEW)
    person = Person.objects.filter(registered_at__slug=site).order_by("created_at").first()
    assert person is not None  # noqa: S101
    assert person.registered_at_id is not None  # noqa: S101
    out["case"] = str(ChildCase.objects.create(person=person, site_id=person.registered_at_id,
                                               reason="unaccompanied",
                                               flagged_at=clock.now()).pk)
    return out


def tracing_renewals(users: dict[str, User]) -> dict[str, Callable[[str], dict[str, str]]]:
    """Fresh records for the writes that use one up (a status change, a decision...)."""

    def case(site: str) -> dict[str, str]:
        person = Person.objects.filter(registered_at__slug=site).order_by("-created_at").first()
        assert person is not None  # noqa: S101
        assert person.registered_at_id is not None  # noqa: S101
        ChildCase.objects.filter(person=person).delete()
        return {"case": str(ChildCase.objects.create(
            person=person, site_id=person.registered_at_id, reason="unaccompanied",
            flagged_at=clock.now()).pk)}

    return {
        "POST /api/v1/tracing/requests/{tracing_request}/status":
            lambda site: _request(users, site),
        "POST /api/v1/tracing/alerts/{alert}/decision":
            lambda site: _request(users, site, alert=AlertState.NEW),
        "POST /api/v1/tracing/requests/{tracing_request}/reunification":
            lambda site: _request(users, site, status=RequestStatus.CONFIRMED,
                                  alert=AlertState.CONFIRMED),
        "POST /api/v1/tracing/children/{case}/close": case,
    }


def tracing_bodies(target: dict[str, str]) -> dict[str, Any]:
    return {
        "POST /api/v1/tracing/requests": {
            "site": target["site"], "searcher_name": "Armen Vardanyan",
            "sought": [{"given_name": "Anahit", "family_name": "Vardanyan",
                        "birth_year": 1948}]},
        "POST /api/v1/tracing/requests/{tracing_request}/status": {
            "status": "closed", "reason": "the family found her"},
        "POST /api/v1/tracing/requests/{tracing_request}/search": {
            "name": "Anahit Vardanyan", "birth_year": 1948},
        "POST /api/v1/tracing/requests/{tracing_request}/reunification": {
            "relationship": "mother", "searcher_consent": True, "found_consent": True,
            "place": "Goris", "reunited_on": "2023-10-01"},
        "POST /api/v1/tracing/alerts/{alert}/decision": {"decision": "confirm"},
        "POST /api/v1/tracing/children/{case}/close": {"status": "in_care"},
        "POST /api/v1/tracing/safe-and-well/consent": {"person": target["person"],
                                                       "consent": True},
        "POST /api/v1/tracing/safe-and-well/lookup": {
            "name": "Anahit Vardanyan", "birth_year": 1948, "origin": "Stepanakert"},
        "POST /api/v1/notifications/acknowledge": {"notifications": []},
    }
