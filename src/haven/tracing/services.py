"""Tracing requests: open, search, decide on alerts, reunify, close (one door each).

    request_create(actor=..., request=RequestInput(...))
    request_status_set(actor=..., request=pk, status=..., reason=...)
    tracing_search(actor=..., request=pk, name=..., birth_year=..., ...)
    alert_decide(actor=..., alert=pk, decision="confirm" | "reject")
    reunification_record(actor=..., request=pk, ...)
    child_case_close(actor=..., case=pk, status="reunified" | "in_care", note=...)
    safe_and_well_consent(actor=..., person=code, consent=True)
    safe_and_well_lookup(...)  (haven.tracing.safe_and_well)

Every service checks the role (`trace`) and the site (a request belongs to the site of
its tracing desk; `actor.site_filter("site")`), writes the request's history and the
audit event in its transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, ValidationFailed
from haven.core.http import parse_id
from haven.registry.selectors import (
    NameSearchHit,
    person_get,
    search_persons_by_name,
    site_by_slug,
)
from haven.registry.vocabulary import Sex
from haven.tracing.keys import sought_keys
from haven.tracing.models import (
    Alert,
    ChildCase,
    RequestEvent,
    Reunification,
    SafeAndWell,
    SoughtKey,
    SoughtPerson,
    TracingRequest,
)
from haven.tracing.vocabulary import (
    TRANSITIONS,
    AlertState,
    ChildStatus,
    Priority,
    RequestStatus,
    ShareScope,
)

if TYPE_CHECKING:
    from haven.accounts.access import Actor
    from haven.accounts.models import User

_MIN_YEAR, _MAX_YEAR, _MAX_AGE = 1890, 2100, 130


@dataclass
class SoughtInput:
    given_name: str = ""
    family_name: str = ""
    patronymic: str = ""
    other_names: str = ""
    sex: str = ""
    birth_year: int | None = None
    age: int | None = None
    origin: str = ""
    last_seen_place: str = ""
    last_seen_on: dt.date | None = None
    details: str = ""


@dataclass
class RequestInput:
    site: str
    searcher_name: str
    sought: list[SoughtInput] = field(default_factory=list)
    priority: str = Priority.OTHER
    searcher_relationship: str = ""
    searcher_contact: str = ""
    searcher_staying_at: str = ""
    consent_share: bool = False
    share_scope: str = ShareScope.NONE
    details: str = ""


def _check_sought(index: int, sought: SoughtInput, errors: dict[str, list[str]]) -> None:
    where = f"sought[{index}]"
    if not (sought.given_name.strip() or sought.family_name.strip()):
        errors.setdefault(f"{where}.family_name", []).append(_("give a name, in any script"))
    if sought.sex and sought.sex not in Sex.values:
        errors.setdefault(f"{where}.sex", []).append(_("unknown sex"))
    if sought.birth_year is not None and not _MIN_YEAR <= sought.birth_year <= _MAX_YEAR:
        errors.setdefault(f"{where}.birth_year", []).append(_("is not a year of birth"))
    if sought.age is not None and not 0 <= sought.age <= _MAX_AGE:
        errors.setdefault(f"{where}.age", []).append(_("is not an age"))


def request_create(*, actor: Actor, request: RequestInput) -> TracingRequest:
    """Open a tracing request at the actor's site for one or more sought persons."""
    actor.require("trace")
    errors: dict[str, list[str]] = {}
    site = site_by_slug(request.site)
    if site is None or not site.is_active or not actor.may_act_for_site(site.id):
        errors["site"] = [_("unknown site")]
    if not request.searcher_name.strip():
        errors["searcher_name"] = [_("say who is searching")]
    if request.priority not in Priority.values:
        errors["priority"] = [_("unknown priority")]
    if request.share_scope not in ShareScope.values:
        errors["share_scope"] = [_("unknown scope")]
    if request.share_scope != ShareScope.NONE and not request.consent_share:
        errors["consent_share"] = [_("sharing needs the searcher's consent")]
    if not request.sought:
        errors["sought"] = [_("say whom the family is looking for")]
    for index, sought in enumerate(request.sought):
        _check_sought(index, sought, errors)
    if errors:
        raise ValidationFailed(errors)
    assert site is not None  # noqa: S101 - checked above
    now = clock.now()
    with transaction.atomic():
        created = TracingRequest.objects.create(
            site=site, owner=actor.user, priority=request.priority,
            searcher_name=request.searcher_name.strip()[:200],
            searcher_relationship=request.searcher_relationship.strip()[:60],
            searcher_contact=request.searcher_contact.strip()[:200],
            searcher_staying_at=request.searcher_staying_at.strip()[:200],
            consent_share=request.consent_share, share_scope=request.share_scope,
            details=request.details.strip(), created_at=now, updated_at=now)
        for sought in request.sought:
            _sought_add(created, sought)
        RequestEvent.objects.create(request=created, at=now, by=actor.user,
                                    to_status=RequestStatus.OPEN)
        audit_record(actor=actor, action=AuditAction.TRACING_REQUEST_CREATE,
                     target_type="tracing_request", target_ids=[created.pk], site=site.slug)
    return created


def _sought_add(request: TracingRequest, sought: SoughtInput) -> SoughtPerson:
    stored = SoughtPerson.objects.create(
        request=request, given_name=sought.given_name.strip()[:100],
        family_name=sought.family_name.strip()[:100], patronymic=sought.patronymic.strip()[:100],
        other_names=sought.other_names.strip()[:200], sex=sought.sex,
        birth_year=sought.birth_year, age=sought.age, origin=sought.origin.strip()[:100],
        last_seen_place=sought.last_seen_place.strip()[:200], last_seen_on=sought.last_seen_on,
        details=sought.details.strip())
    keys = sought_keys(stored.given_name, stored.family_name, stored.other_names)
    SoughtKey.objects.bulk_create([SoughtKey(sought=stored, field=f, key=k[:100])
                                   for f, k in sorted(keys)])
    return stored


def request_for(actor: Actor, pk: int | str) -> TracingRequest:
    """Return a request the actor may work on, or NotFound (also for another site's)."""
    actor.require("trace")
    number = parse_id(pk)
    found = (TracingRequest.objects.filter(actor.site_filter("site"), pk=number)
             .select_related("site", "owner").first() if number else None)
    if found is None:
        raise NotFound(_("No such tracing request."))
    return found


def _status_move(request: TracingRequest, to: str, *, by: User | None, reason: str = "",
                 now: dt.datetime) -> None:
    RequestEvent.objects.create(request=request, at=now, by=by, from_status=request.status,
                                to_status=to, reason=reason[:200])
    request.status = to
    request.updated_at = now
    fields = ["status", "updated_at"]
    if to == RequestStatus.CONFIRMED and request.matched_at is None:
        request.matched_at = now
        fields.append("matched_at")
    if to == RequestStatus.REUNIFIED:
        request.reunified_at = now
        fields.append("reunified_at")
    if to == RequestStatus.CLOSED:
        request.close_reason = reason[:200]
        fields.append("close_reason")
    request.save(update_fields=fields)


def request_status_set(*, actor: Actor, request: int | str, status: str,
                       reason: str = "") -> TracingRequest:
    """Move a request along its workflow; closing and reopening need a reason."""
    found = request_for(actor, request)
    if status not in TRANSITIONS.get(found.status, ()):
        raise ValidationFailed.single("status", _("a request cannot go there from here"))
    if status in (RequestStatus.CLOSED, RequestStatus.OPEN) and not reason.strip():
        raise ValidationFailed.single("reason", _("give the reason"))
    if status == RequestStatus.REUNIFIED:
        raise ValidationFailed.single("status", _("record the reunification instead"))
    with transaction.atomic():
        _status_move(found, status, by=actor.user, reason=reason.strip(), now=clock.now())
        audit_record(actor=actor, action=AuditAction.TRACING_REQUEST_UPDATE,
                     target_type="tracing_request", target_ids=[found.pk],
                     site=found.site.slug)
    return found


def tracing_search(*, actor: Actor, request: int | str, name: str,
                   birth_year: int | None = None, origin: str | None = None,
                   sex: str | None = None, age: int | None = None,
                   limit: int = 20) -> list[NameSearchHit]:
    """Search the registry for a request: a name in any script and at least one detail.

    Ranked with reasons (haven.registry's name search); audited with the request it serves.
    """
    found = request_for(actor, request)
    with transaction.atomic():
        hits = search_persons_by_name(actor, name, birth_year=birth_year, origin=origin,
                                      sex=sex, age=age, limit=limit, require_detail=True)
        audit_record(actor=actor, action=AuditAction.TRACING_SEARCH,
                     target_type="tracing_request",
                     target_ids=[found.pk, *(hit.person.id for hit in hits)],
                     site=found.site.slug)
    return hits


def alert_decide(*, actor: Actor, alert: int | str, decision: str) -> Alert:
    """Confirm that an alerted person is the one sought, or reject the alert."""
    number = parse_id(alert) or 0
    found = Alert.objects.filter(pk=number).select_related("request").first()
    if found is None:
        raise NotFound(_("No such alert."))
    request = request_for(actor, found.request_id)
    if decision not in ("confirm", "reject"):
        raise ValidationFailed.single("decision", _("confirm or reject"))
    if found.state != AlertState.NEW:
        raise ValidationFailed.single("decision", _("this alert was already decided"))
    now = clock.now()
    with transaction.atomic():
        found.state = AlertState.CONFIRMED if decision == "confirm" else AlertState.REJECTED
        found.decided_at = now
        found.save(update_fields=["state", "decided_at"])
        if decision == "confirm":
            if request.status == RequestStatus.OPEN:
                _status_move(request, RequestStatus.POSSIBLE_MATCH, by=actor.user, now=now)
            if request.status == RequestStatus.POSSIBLE_MATCH:
                _status_move(request, RequestStatus.CONFIRMED, by=actor.user,
                             reason=_("the officer confirmed a match"), now=now)
        elif (request.status == RequestStatus.POSSIBLE_MATCH
              and not request.alerts.filter(state=AlertState.NEW).exists()):
            _status_move(request, RequestStatus.OPEN, by=actor.user,
                         reason=_("no possible match left"), now=now)
        audit_record(actor=actor, action=AuditAction.TRACING_ALERT_DECIDE,
                     target_type="tracing_request", target_ids=[request.pk, found.person_id],
                     site=request.site.slug)
    return found


def reunification_record(*, actor: Actor, request: int | str, relationship: str,
                         searcher_consent: bool, found_consent: bool, place: str,
                         reunited_on: dt.date | None) -> Reunification:
    """Record that the family met again: the link, both sides' consent, where and when."""
    found = request_for(actor, request)
    errors: dict[str, list[str]] = {}
    if found.status != RequestStatus.CONFIRMED:
        errors["request"] = [_("only a confirmed match can be reunified")]
    confirmed = found.alerts.filter(state=AlertState.CONFIRMED).order_by("-decided_at").first()
    if confirmed is None:
        errors.setdefault("request", []).append(_("no confirmed match"))
    if not searcher_consent:
        errors["searcher_consent"] = [_("the family must agree")]
    if not found_consent:
        errors["found_consent"] = [_("the person found, or their guardian, must agree")]
    if not place.strip():
        errors["place"] = [_("say where")]
    if reunited_on is None:
        errors["reunited_on"] = [_("say when")]
    elif reunited_on > clock.today():
        errors["reunited_on"] = [_("is in the future")]
    if errors:
        raise ValidationFailed(errors)
    assert confirmed is not None  # noqa: S101 - checked above
    assert reunited_on is not None  # noqa: S101
    now = clock.now()
    with transaction.atomic():
        done = Reunification.objects.create(
            request=found, person_id=confirmed.person_id, relationship=relationship[:60],
            searcher_consent=True, found_consent=True, place=place.strip()[:200],
            reunited_on=reunited_on, recorded_by=actor.user, recorded_at=now)
        _status_move(found, RequestStatus.REUNIFIED, by=actor.user, now=now)
        ChildCase.objects.filter(person_id=confirmed.person_id, status=ChildStatus.OPEN).update(
            status=ChildStatus.REUNIFIED, closed_at=now)
        audit_record(actor=actor, action=AuditAction.TRACING_REUNIFY,
                     target_type="tracing_request", target_ids=[found.pk, confirmed.person_id],
                     site=found.site.slug)
    return done


def child_case_close(*, actor: Actor, case: int | str, status: str, note: str = "") -> ChildCase:
    """End the follow-up of an unaccompanied child: reunified, or placed in care."""
    actor.require("trace")
    number = parse_id(case) or 0
    found = ChildCase.objects.filter(actor.site_filter("site"), pk=number).first()
    if found is None:
        raise NotFound(_("No such child's case."))
    if status not in (ChildStatus.REUNIFIED, ChildStatus.IN_CARE):
        raise ValidationFailed.single("status", _("reunified or placed in care"))
    if found.status != ChildStatus.OPEN:
        raise ValidationFailed.single("status", _("this case is already closed"))
    with transaction.atomic():
        found.status, found.closed_at, found.note = status, clock.now(), note.strip()[:200]
        found.save(update_fields=["status", "closed_at", "note"])
        audit_record(actor=actor, action=AuditAction.CHILD_CASE_UPDATE, target_type="person",
                     target_ids=[found.person_id])
    return found


def safe_and_well_consent(*, actor: Actor, person: str, consent: bool) -> SafeAndWell | None:
    """Record (or withdraw) a person's consent to "tell my family I am safe".

    At registration or later, by whoever may read the person's record and registers or
    traces (the person is there, at the desk). Withdrawing keeps the date it ended.
    """
    if not (actor.policy.register or actor.policy.trace):
        actor.require("trace")
    target = person_get(actor=actor, ref=person)
    now = clock.now()
    with transaction.atomic():
        current = SafeAndWell.objects.filter(person=target).first()
        if consent:
            if current is None:
                current = SafeAndWell.objects.create(person=target, consented_at=now,
                                                     recorded_by=actor.user)
            elif current.withdrawn_at is not None:
                current.consented_at, current.withdrawn_at = now, None
                current.recorded_by = actor.user
                current.save(update_fields=["consented_at", "withdrawn_at", "recorded_by"])
        elif current is not None and current.withdrawn_at is None:
            current.withdrawn_at = now
            current.save(update_fields=["withdrawn_at"])
        audit_record(actor=actor, action=AuditAction.SAFE_AND_WELL_CONSENT,
                     target_type="person", target_ids=[target.id])
    return current
