"""Read the registry, within what the actor may see, writing every read to the audit log.

A record outside the actor's sites is answered exactly like a record that does not
exist (NotFound), and the attempt is audited as denied.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.core.ids import parse_code
from haven.registry.models import Arrival, Household, Person, RecordChange, Site
from haven.registry.vocabulary import PersonStatus, Vulnerability

if TYPE_CHECKING:
    from haven.accounts.access import Actor

PER_PAGE = 50
T = TypeVar("T")
MAX_PER_PAGE = 200


def site_by_slug(slug: str) -> Site | None:
    return Site.objects.filter(slug=slug.strip().lower()).first() if slug else None


def site_list(*, active_only: bool = False) -> QuerySet[Site]:
    sites = Site.objects.all()
    return sites.filter(is_active=True) if active_only else sites


def sites_for(actor: Actor) -> QuerySet[Site]:
    """Return the sites the actor may register at or filter by."""
    scope = actor.record_site_ids
    sites = Site.objects.filter(is_active=True)
    return sites if scope is None else sites.filter(id__in=scope)


def _ref_filter(ref: str) -> Q | None:
    """Return a filter for a record reference: a UUID or a human code; None if neither."""
    try:
        return Q(id=uuid.UUID(ref.strip()))
    except (ValueError, AttributeError):
        code = parse_code(ref or "")
        return Q(code=code) if code else None


def person_resolve(ref: str) -> Person | None:
    """Return the person with this id or code, at any site. For services only, never shown."""
    condition = _ref_filter(ref)
    return Person.objects.filter(condition).first() if condition is not None else None


def _persons_visible(actor: Actor) -> QuerySet[Person]:
    scope = actor.record_site_ids
    persons = Person.objects.all()
    if scope is not None:
        persons = persons.filter(
            Exists(Arrival.objects.filter(person=OuterRef("pk"), site_id__in=scope))
        )
    return persons


def _households_visible(actor: Actor) -> QuerySet[Household]:
    scope = actor.record_site_ids
    households = Household.objects.all()
    if scope is not None:
        households = households.filter(
            Exists(Arrival.objects.filter(person__household=OuterRef("pk"), site_id__in=scope))
        )
    return households


def _require_records(actor: Actor, action: AuditAction, target_type: str, ref: str = "") -> None:
    if not actor.policy.read_records:
        audit_record(actor=actor, action=action, target_type=target_type,
                     target_ids=[ref] if ref else [], outcome=Outcome.DENIED)
        raise PermissionDenied(_("Your role does not allow reading personal records."))


def _with_details(persons: QuerySet[Person], actor: Actor) -> QuerySet[Person]:
    persons = persons.select_related("household").prefetch_related(
        Prefetch("arrivals", queryset=Arrival.objects.select_related("site", "recorded_by"))
    )
    if actor.policy.medical_fields:
        persons = persons.prefetch_related("vulnerabilities")
    return persons


def person_get(*, actor: Actor, ref: str) -> Person:
    """Return one person by id or code, if the actor may see them; audit the read."""
    _require_records(actor, AuditAction.PERSON_VIEW, "person", ref)
    condition = _ref_filter(ref)
    with transaction.atomic():
        person = None
        if condition is not None:
            person = _with_details(_persons_visible(actor), actor).filter(condition).first()
        if person is None:
            audit_record(actor=actor, action=AuditAction.PERSON_VIEW, target_type="person",
                         target_ids=[str(ref)[:64]], outcome=Outcome.DENIED)
        else:
            audit_record(actor=actor, action=AuditAction.PERSON_VIEW, target_type="person",
                         target_ids=[person.id])
    if person is None:
        raise NotFound(_("No such person."))
    return person


def household_get(*, actor: Actor, ref: str) -> Household:
    """Return one household with its members, if the actor may see it; audit the read."""
    _require_records(actor, AuditAction.HOUSEHOLD_VIEW, "household", ref)
    condition = _ref_filter(ref)
    with transaction.atomic():
        household = None
        if condition is not None:
            household = (
                _households_visible(actor)
                .select_related("registered_at", "created_by")
                .prefetch_related(
                    Prefetch("members", queryset=_with_details(Person.objects.all(), actor)),
                    Prefetch("changes",
                             queryset=RecordChange.objects.select_related("changed_by", "person")),
                )
                .filter(condition)
                .first()
            )
        if household is None:
            audit_record(actor=actor, action=AuditAction.HOUSEHOLD_VIEW,
                         target_type="household", target_ids=[str(ref)[:64]],
                         outcome=Outcome.DENIED)
        else:
            audit_record(actor=actor, action=AuditAction.HOUSEHOLD_VIEW,
                         target_type="household",
                         target_ids=[household.id, *(m.id for m in household.members.all())])
    if household is None:
        raise NotFound(_("No such household."))
    return household


@dataclass(frozen=True)
class RecordFilters:
    site: str = ""
    arrived_from: dt.date | None = None
    arrived_to: dt.date | None = None
    vulnerability: str = ""
    status: str = ""
    query: str = ""  # a code, or the start of a given or family name as typed


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _arrival_conditions(actor: Actor, filters: RecordFilters) -> Q | None:
    """Return conditions on Arrival for the site and date filters, or None if there are none."""
    condition = Q()
    if filters.site:
        site = site_by_slug(filters.site)
        if site is None or not actor.may_see_site(site.id):
            raise ValidationFailed.single("site", _("unknown site"))
        condition &= Q(site=site)
    if filters.arrived_from:
        condition &= Q(arrived_at__date__gte=filters.arrived_from)
    if filters.arrived_to:
        condition &= Q(arrived_at__date__lte=filters.arrived_to)
    return condition if condition != Q() else None


def _check_filters(actor: Actor, filters: RecordFilters) -> None:
    if filters.vulnerability:
        if not actor.policy.medical_fields:
            raise ValidationFailed.single("vulnerability",
                                          _("your role cannot filter by vulnerability"))
        if filters.vulnerability not in Vulnerability.values:
            raise ValidationFailed.single("vulnerability", _("unknown vulnerability"))
    if filters.status and filters.status not in PersonStatus.values:
        raise ValidationFailed.single("status", _("unknown status"))
    if filters.arrived_from and filters.arrived_to and filters.arrived_from > filters.arrived_to:
        raise ValidationFailed.single("arrived_to", _("is before the start date"))


def _paginate(items: QuerySet[T], page: int, per_page: int) -> Page[T]:
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    paginator = Paginator(items, per_page)
    total = paginator.count
    number = max(1, min(page, max(1, -(-total // per_page))))
    offset = (number - 1) * per_page
    return Page(items=list(items[offset : offset + per_page]), number=number,
                per_page=per_page, total=total)


def person_list(
    *, actor: Actor, filters: RecordFilters, page: int = 1, per_page: int = PER_PAGE
) -> Page[Person]:
    """Return one page of the persons the actor may see, newest first; audit the ids read."""
    _require_records(actor, AuditAction.PERSON_LIST, "person")
    _check_filters(actor, filters)
    persons = _persons_visible(actor)
    arrival = _arrival_conditions(actor, filters)
    if arrival is not None:
        persons = persons.filter(Exists(Arrival.objects.filter(arrival, person=OuterRef("pk"))))
    if filters.vulnerability:
        persons = persons.filter(vulnerabilities__code=filters.vulnerability)
    if filters.status:
        persons = persons.filter(status=filters.status)
    if filters.query:
        persons = persons.filter(_name_or_code(filters.query))
    persons = _with_details(persons, actor).order_by("-created_at", "household_id", "position")
    with transaction.atomic():
        result = _paginate(persons, page, per_page)
        audit_record(actor=actor, action=AuditAction.PERSON_LIST, target_type="person",
                     target_ids=[p.id for p in result.items], site=filters.site)
    return result


def household_list(
    *, actor: Actor, filters: RecordFilters, page: int = 1, per_page: int = PER_PAGE
) -> Page[Household]:
    """Return one page of the households the actor may see, newest first; audit the ids read."""
    _require_records(actor, AuditAction.HOUSEHOLD_LIST, "household")
    _check_filters(actor, filters)
    households = _households_visible(actor)
    arrival = _arrival_conditions(actor, filters)
    if arrival is not None:
        households = households.filter(
            Exists(Arrival.objects.filter(arrival, person__household=OuterRef("pk")))
        )
    member = Q()
    if filters.vulnerability:
        member &= Q(vulnerabilities__code=filters.vulnerability)
    if filters.status:
        member &= Q(status=filters.status)
    code = parse_code(filters.query) if filters.query else None
    if code:  # the code on a household's paper or on any member's
        households = households.filter(
            Q(code=code) | Exists(Person.objects.filter(code=code, household=OuterRef("pk")))
        )
    elif filters.query:
        member &= _name_or_code(filters.query)
    if member != Q():
        households = households.filter(
            Exists(Person.objects.filter(member, household=OuterRef("pk")))
        )
    households = (
        households.select_related("registered_at")
        .prefetch_related(Prefetch("members", queryset=Person.objects.order_by("position")))
        .order_by("-created_at", "-id")
    )
    with transaction.atomic():
        result = _paginate(households, page, per_page)
        ids: list[object] = []
        for household in result.items:
            ids.append(household.id)
            ids.extend(m.id for m in household.members.all())
        audit_record(actor=actor, action=AuditAction.HOUSEHOLD_LIST, target_type="household",
                     target_ids=ids, site=filters.site)
    return result


def _name_or_code(query: str) -> Q:
    code = parse_code(query)
    if code:
        return Q(code=code)
    condition = Q()
    for word in query.split()[:4]:
        condition &= (Q(given_name__istartswith=word) | Q(family_name__istartswith=word)
                      | Q(patronymic__istartswith=word))
    return condition


@dataclass(frozen=True)
class SiteFigures:
    site: Site
    persons: int
    households: int
    arrivals_today: int


def site_figures(*, actor: Actor, today: dt.date) -> list[SiteFigures]:
    """Return counts per site (no personal data) for the sites within the actor's reach."""
    if not actor.policy.read_aggregates:
        raise PermissionDenied(_("Your role does not allow reading figures."))
    sites = list(sites_for(actor))
    figures = []
    for site in sites:
        arrivals = Arrival.objects.filter(site=site)
        figures.append(SiteFigures(
            site=site,
            persons=arrivals.values("person_id").distinct().count(),
            households=arrivals.values("person__household_id").distinct().count(),
            arrivals_today=arrivals.filter(arrived_at__date=today).count(),
        ))
    return figures
