"""Read the registry, within what the actor may see, writing every read to the audit log.

A record outside the actor's sites is answered exactly like a record that does not
exist (NotFound), and the attempt is audited as denied.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.core.ids import PREFIX, parse_code
from haven.core.text_search import starts_with
from haven.registry import name_search
from haven.registry.models import (
    Arrival,
    Household,
    Person,
    PersonVulnerability,
    RecordChange,
    Site,
)
from haven.registry.name_lookup import person_ids_by_name
from haven.registry.vocabulary import PersonStatus, Sex, Vulnerability

if TYPE_CHECKING:
    from haven.accounts.access import Actor

PER_PAGE = 50
T = TypeVar("T")
M = TypeVar("M", bound=Model)
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


def _canonical_ref(ref: str) -> str | None:
    """Return a record reference as stored (a UUID's text or a code); None if it is neither."""
    try:
        return str(uuid.UUID(ref.strip()))
    except (ValueError, AttributeError):
        return parse_code(ref or "")


def _ref_filter(ref: str) -> Q | None:
    """Return a filter for a record reference: a UUID or a human code; None if neither."""
    canonical = _canonical_ref(ref)
    if canonical is None:
        return None
    return Q(code=canonical) if canonical.startswith(PREFIX) else Q(id=uuid.UUID(canonical))


def _denied_targets(model: type[Household | Person], ref: str) -> list[object]:
    """Return what the audit log names for a refused read: the record's id, never free text.

    The id of a record at another site goes to the log (an auditor looks for who tried
    to read it); a reference that names no record is kept in its canonical form, and
    anything else (a name typed where a code belongs) is not kept at all.
    """
    condition = _ref_filter(ref)
    if condition is None:
        return []
    found = model.objects.filter(condition).values_list("id", flat=True).first()
    return [found] if found is not None else [_canonical_ref(ref)]


def person_denied_targets(ref: str) -> list[object]:
    """Return what the audit log names for a refused reference to a person (see above)."""
    return _denied_targets(Person, ref)


def person_resolve(ref: str) -> Person | None:
    """Return the person with this id or code, at any site. For services only, never shown."""
    condition = _ref_filter(ref)
    return Person.objects.filter(condition).first() if condition is not None else None


def person_presented(*, actor: Actor, ref: str) -> Person | None:
    """Return the person a reference presented to the actor names, or None.

    The code on a person's paper names them at any site: whoever holds the card may show
    it (an arrival, a casualty identified, a relative of someone left behind). An id is
    never on paper; only an answer about a record the actor already sees carries one, so
    by id only a person the actor may see is found. Audits nothing: a caller that refuses
    writes the denied event (person_denied_targets names the record).
    """
    text = (ref or "").strip()
    try:
        pk = uuid.UUID(text)
    except ValueError:
        code = parse_code(text)
        return Person.objects.filter(code=code).first() if code else None
    return persons_visible(actor).filter(id=pk).first()


def household_resolve(ref: str) -> Household | None:
    """Return the household with this id or code, at any site. For services only, never shown.

    Reception uses it for the code a person presents on their card (haven.reception),
    which shows the members' names for confirmation and audits that it did.
    """
    condition = _ref_filter(ref)
    return Household.objects.filter(condition).first() if condition is not None else None


def household_members(household_id: uuid.UUID) -> list[Person]:
    """Return every member of a household, in order, at any site. For services only."""
    return list(Person.objects.filter(household_id=household_id).order_by("position"))


def vulnerability_codes(person_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    """Return {person id: vulnerability codes} for services that act on needs (a bed a
    wheelchair reaches, a shelter near a hospital) without showing them. Never shown."""
    codes: dict[uuid.UUID, set[str]] = {}
    for person_id, code in PersonVulnerability.objects.filter(
            person_id__in=person_ids).values_list("person_id", "code"):
        codes.setdefault(person_id, set()).add(code)
    return codes


def person_visible_condition(actor: Actor, column: str = "pk") -> Q:
    """Return the one visibility rule as a condition on the person in `column`.

    A person is visible when they have an arrival at one of the actor's sites (every
    site for all-site roles). For queries on another model naming a person (a pair of
    records, a hint's search): `MatchCandidate.objects.filter(
    person_visible_condition(actor, "left"))`.
    """
    scope = actor.record_site_ids
    if scope is None:
        return Q()
    return Q(Exists(Arrival.objects.filter(person=OuterRef(column), site_id__in=scope)))


def persons_visible(actor: Actor) -> QuerySet[Person]:
    """Return the persons whose records the actor may see: the one rule every app uses.

    Reads nothing and audits nothing by itself; callers that show what it returns write
    the audit event (person_get and the lists do).
    """
    return Person.objects.filter(person_visible_condition(actor))


# ----- references to other records
# A record the actor sees may point at another record (the one it was merged into, a
# testimony's witness, a hand-out's household): such a reference is shown only when the
# actor may see the record it names. These two selectors are the one place that decides;
# a reference absent from their answer is shown as nothing (or as "a record at a site you
# do not see"), never by its id, code or name. Reads no record; audits nothing.
def person_codes_visible(actor: Actor, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Return {person id: code} for those of `ids` the actor may see."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted or not actor.policy.read_records:
        return {}
    return dict(persons_visible(actor).filter(id__in=wanted).values_list("id", "code"))


def household_codes_visible(actor: Actor,
                            ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Return {household id: code} for those of `ids` the actor may see."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted or not actor.policy.read_records:
        return {}
    return dict(households_visible(actor).filter(id__in=wanted).values_list("id", "code"))


# ----- outlines: the one exception to persons_visible, and how small it is
# Another app may hand a person to a site that does not hold their record: a referral to
# a hospital. That site then sees the person's *outline* (PersonOutline: code, names, sex,
# birth date), never the full record (household, arrivals, documents, history, medical
# fields): persons_visible, person_get and the lists stay exactly as they are. An app
# declares which persons it hands to which sites with outline_grant_register; nothing
# else widens what a site sees.
OutlineGrant = Callable[[frozenset[int]], QuerySet[Any]]
_OUTLINE_GRANTS: dict[str, OutlineGrant] = {}


def outline_grant_register(name: str, grant: OutlineGrant) -> None:
    """Let an app grant sites the outline of persons it hands them.

    `grant(site_ids)` returns a queryset of the ids (`values("person_id")`) of the persons
    handed to any of those sites *now*: a grant that ends (a referral declined or closed)
    must drop out of it. Registered in the app's ready(); `name` makes it idempotent.
    """
    _OUTLINE_GRANTS[name] = grant


@dataclass(frozen=True)
class PersonOutline:
    """What a site may see of a person it was handed: enough to receive them, no more."""

    id: uuid.UUID
    code: str
    given_name: str
    family_name: str
    sex: str
    birth_date: str  # at its precision: 1948, 1948-03, 1948-03-15
    full_record: bool  # whether the actor may also open the person's record (person_get)


def persons_outlined(actor: Actor) -> QuerySet[Person]:
    """Return the persons the actor may see at least in outline: persons_visible, and the
    persons registered grants hand to the actor's sites. Audits nothing by itself."""
    scope = actor.record_site_ids
    if scope is None:
        return persons_visible(actor)
    condition = Q(Exists(Arrival.objects.filter(person=OuterRef("pk"), site_id__in=scope)))
    for grant in _OUTLINE_GRANTS.values():
        condition |= Q(id__in=grant(scope))
    return Person.objects.filter(condition)


def person_outlines(*, actor: Actor, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID,
                                                                            PersonOutline]:
    """Return the outlines of those of `person_ids` the actor may see, by id.

    For an app's own pages (a referral shows whom it is about); absent ids are persons
    the actor may not see. The caller audits the read with its own record's event.
    """
    ids = list(person_ids)
    if not ids or not actor.policy.read_records:
        return {}
    full = set(persons_visible(actor).filter(id__in=ids).values_list("id", flat=True))
    return {p.id: PersonOutline(id=p.id, code=p.code, given_name=p.given_name,
                                family_name=p.family_name, sex=p.sex,
                                birth_date=p.birth_date, full_record=p.id in full)
            for p in persons_outlined(actor).filter(id__in=ids)}


def _changes_visible(actor: Actor) -> QuerySet[RecordChange]:
    """Return history entries of the household itself and of the members the actor sees."""
    changes = RecordChange.objects.select_related("changed_by", "person")
    scope = actor.record_site_ids
    if scope is not None:
        changes = changes.filter(
            Q(person__isnull=True)
            | Exists(Arrival.objects.filter(person=OuterRef("person"), site_id__in=scope))
        )
    return changes


def households_visible(actor: Actor) -> QuerySet[Household]:
    """Return the households with at least one member the actor may see."""
    scope = actor.record_site_ids
    households = Household.objects.all()
    if scope is not None:
        # The households of the persons who arrived at the scope, as a set: SQLite ran
        # the correlated EXISTS through person for every household (0.34 s on the demo's
        # 524 households, every list page of a site's clerk); the set takes 3 ms.
        households = households.filter(
            id__in=Arrival.objects.filter(site_id__in=scope).values("person__household_id"))
    return households


def _require_records(actor: Actor, action: AuditAction, target_type: str,
                     targets: list[object] | None = None) -> None:
    if not actor.policy.read_records:
        audit_record(actor=actor, action=action, target_type=target_type,
                     target_ids=targets or [], outcome=Outcome.DENIED)
        raise PermissionDenied(_("Your role does not allow reading personal records."))


def _with_details(persons: QuerySet[Person], actor: Actor) -> QuerySet[Person]:
    persons = persons.select_related("household__registered_at").prefetch_related(
        Prefetch("arrivals", queryset=Arrival.objects.select_related("site", "recorded_by"))
    )
    if actor.policy.medical_fields:
        persons = persons.prefetch_related("vulnerabilities")
    return persons


def person_get(*, actor: Actor, ref: str) -> Person:
    """Return one person by id or code, if the actor may see them; audit the read."""
    if not actor.policy.read_records:
        _require_records(actor, AuditAction.PERSON_VIEW, "person", _denied_targets(Person, ref))
    condition = _ref_filter(ref)
    with transaction.atomic():
        person = None
        if condition is not None:
            person = _with_details(persons_visible(actor), actor).filter(condition).first()
        if person is None:
            audit_record(actor=actor, action=AuditAction.PERSON_VIEW, target_type="person",
                         target_ids=_denied_targets(Person, ref), outcome=Outcome.DENIED)
        else:
            audit_record(actor=actor, action=AuditAction.PERSON_VIEW, target_type="person",
                         target_ids=[person.id], site=person.household.registered_at.slug)
    if person is None:
        raise NotFound(_("No such person."))
    return person


def household_get(*, actor: Actor, ref: str) -> Household:
    """Return one household with its members, if the actor may see it; audit the read."""
    if not actor.policy.read_records:
        _require_records(actor, AuditAction.HOUSEHOLD_VIEW, "household",
                         _denied_targets(Household, ref))
    condition = _ref_filter(ref)
    with transaction.atomic():
        household = None
        if condition is not None:
            household = (
                households_visible(actor)
                .select_related("registered_at", "created_by")
                .prefetch_related(
                    # Only the members the actor may see: a relative who went on to
                    # another site is not shown to that site's staff, nor their history.
                    Prefetch("members", queryset=_with_details(persons_visible(actor), actor)),
                    Prefetch("changes", queryset=_changes_visible(actor)),
                )
                .filter(condition)
                .first()
            )
        if household is None:
            audit_record(actor=actor, action=AuditAction.HOUSEHOLD_VIEW,
                         target_type="household", target_ids=_denied_targets(Household, ref),
                         outcome=Outcome.DENIED)
        else:
            audit_record(actor=actor, action=AuditAction.HOUSEHOLD_VIEW,
                         target_type="household",
                         target_ids=[household.id, *(m.id for m in household.members.all())],
                         site=household.registered_at.slug)
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


def _paginate(items: QuerySet[M], page: int, per_page: int) -> Page[M]:
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
    persons = persons_visible(actor)
    arrival = _arrival_conditions(actor, filters)
    if arrival is not None:
        persons = persons.filter(Exists(Arrival.objects.filter(arrival, person=OuterRef("pk"))))
    if filters.vulnerability:
        persons = persons.filter(vulnerabilities__code=filters.vulnerability)
    if filters.status:
        persons = persons.filter(status=filters.status)
    order: list[Any] = ["-created_at", "household_id", "position"]
    if filters.query:
        ranked = person_ids_ranked_by_name(persons, filters.query)
        persons = persons.filter(_name_or_code(filters.query) | Q(id__in=ranked))
        if ranked:
            order.insert(0, _rank_of("id", ranked))
    persons = _with_details(persons, actor).order_by(*order)
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
    households = households_visible(actor)
    arrival = _arrival_conditions(actor, filters)
    if arrival is not None:
        households = households.filter(
            Exists(Arrival.objects.filter(arrival, person__household=OuterRef("pk")))
        )
    member = Q()
    order: list[Any] = ["-created_at", "-id"]
    if filters.vulnerability:
        member &= Q(vulnerabilities__code=filters.vulnerability)
    if filters.status:
        member &= Q(status=filters.status)
    if filters.query:  # the code on the household's paper, or a member's code or name
        members = persons_visible(actor).filter(member) if member != Q() else persons_visible(
            actor)
        ranked = person_ids_ranked_by_name(members, filters.query)
        by_member = Exists(persons_visible(actor).filter(
            member & (_name_or_code(filters.query) | Q(id__in=ranked)), household=OuterRef("pk")))
        if ranked:
            # A household ranks where its best-ranked member does.
            of_household = dict(Person.objects.filter(id__in=ranked)
                                .values_list("id", "household_id"))
            households_ranked = list(dict.fromkeys(of_household[i] for i in ranked))
            order.insert(0, _rank_of("id", households_ranked))
        code = parse_code(filters.query)
        households = households.filter(Q(code=code) | by_member if code else by_member)
    if member != Q():
        households = households.filter(
            Exists(persons_visible(actor).filter(member, household=OuterRef("pk")))
        )
    households = (
        households.select_related("registered_at")
        .prefetch_related(
            Prefetch("members", queryset=persons_visible(actor).order_by("position"))
        )
        .order_by(*order)
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


# Persons a list's name search ranks first: the list then goes on with the records whose
# names merely start with the words typed, newest first.
LIST_NAME_HITS = 200


def person_ids_ranked_by_name(persons: QuerySet[Person], query: str,
                              limit: int = LIST_NAME_HITS) -> list[uuid.UUID]:
    """Return the ids of `persons` whose name is `query` in any script, best first.

    The lists' name search (haven.registry.name_search), for lists of records the user
    already sees (pass a queryset within persons_visible), so a name alone is enough.
    Audits nothing: the list that shows them does.
    """
    # Words with digits or symbols (a code, a date, a % typed as a wildcard) are not names.
    words = [w for w in name_search.words_of(query)
             if all(c.isalpha() or c in "-'’." for c in w)]
    if not any(name_search.latin_letters(w) for w in words):
        return []
    return [person_id for person_id, _score, _reasons in person_ids_by_name(
        persons, name_search.Query(words=tuple(words)), limit)]


def _rank_of(column: str, ranked: list[Any]) -> Case:
    """Return an ordering expression: the position in `ranked`, then everything else."""
    return Case(*(When(**{column: value}, then=Value(i)) for i, value in enumerate(ranked)),
                default=Value(len(ranked)), output_field=IntegerField())


def _name_or_code(query: str) -> Q:
    # A twelve-letter name can pass as a code (HOVHANNISYAN reads as twelve symbols, and
    # one in 32 has a matching check symbol), so a query that parses as a code is also
    # looked up as a name.
    condition = Q()
    for word in query.split()[:4]:
        condition &= (starts_with("given_name", word) | starts_with("family_name", word)
                      | starts_with("patronymic", word))
    code = parse_code(query)
    return Q(code=code) | condition if code else condition


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
            # Records merged into another count as that person (haven.linkage).
            persons=arrivals.annotate(unique=Coalesce("person__merged_into_id", "person_id"))
            .values("unique").distinct().count(),
            households=arrivals.values("person__household_id").distinct().count(),
            arrivals_today=arrivals.filter(arrived_at__date=today).count(),
        ))
    return figures


def arrival_list(
    *, actor: Actor, filters: RecordFilters, page: int = 1, per_page: int = PER_PAGE
) -> Page[Arrival]:
    """Return one page of arrivals at the sites the actor may see, newest first; audit them."""
    _require_records(actor, AuditAction.ARRIVAL_LIST, "person")
    _check_filters(actor, filters)
    arrivals = Arrival.objects.select_related("site", "recorded_by")
    scope = actor.record_site_ids
    if scope is not None:
        arrivals = arrivals.filter(site_id__in=scope)
    condition = _arrival_conditions(actor, filters)
    if condition is not None:
        arrivals = arrivals.filter(condition)
    arrivals = arrivals.order_by("-arrived_at", "-id")
    with transaction.atomic():
        result = _paginate(arrivals, page, per_page)
        audit_record(actor=actor, action=AuditAction.ARRIVAL_LIST, target_type="person",
                     target_ids=sorted({str(a.person_id) for a in result.items}),
                     site=filters.site)
    return result


def record_ids_for_audit(ref: str) -> list[str]:
    """Return what the audit log names a person or household by, given its code or id.

    For the auditor's filter only: the audit log holds ids, never codes, and an auditor
    reads who touched a record, never the record. A code gives the person's or
    household's id, and the code itself (a refused read of a code that names no record
    is logged under it); an id is kept as given.
    """
    canonical = _canonical_ref(ref)
    if canonical is None:
        return [ref.strip()] if ref.strip() else []
    if not canonical.startswith(PREFIX):
        return [canonical]
    ids = [str(i) for model in (Person, Household)
           for i in model.objects.filter(code=canonical).values_list("id", flat=True)]
    return [*ids, canonical]


# ----- search by name, in any script (haven.registry.name_search)
SEARCH_LIMIT_MAX = 200
_MIN_YEAR, _MAX_YEAR = 1850, 2100
_MAX_AGE = 130


@dataclass(frozen=True)
class NameSearchHit:
    """A person found by name, how well they match (higher is better) and why."""

    person: Person
    score: float
    reasons: tuple[str, ...]  # translated phrases: which fields agree and how strongly


def _search_query(name: str, *, birth_year: int | None, origin: str | None, sex: str | None,
                  age: int | None, require_detail: bool) -> name_search.Query:
    """Return the query, or raise ValidationFailed naming the field that is wrong."""
    words = name_search.words_of(name or "")
    if not any(name_search.latin_letters(w) for w in words):
        raise ValidationFailed.single("name", _("give a name, in any script"))
    if birth_year is not None and not _MIN_YEAR <= birth_year <= _MAX_YEAR:
        raise ValidationFailed.single("birth_year", _("is not a year of birth"))
    if age is not None and not 0 <= age <= _MAX_AGE:
        raise ValidationFailed.single("age", _("is not an age"))
    sex = {"f": Sex.FEMALE, "m": Sex.MALE}.get((sex or "").strip().lower(),
                                               (sex or "").strip().lower())
    if sex == Sex.UNKNOWN:
        sex = ""
    if sex and sex not in Sex.values:
        raise ValidationFailed.single("sex", _("unknown sex"))
    origin = (origin or "").strip()
    if require_detail and birth_year is None and age is None and not origin and not sex:
        # A name alone would let anyone list everyone called Vardanyan: the registry is
        # searched by name and at least one more thing the searcher knows.
        raise ValidationFailed.single("birth_year", _(
            "give at least one more detail with the name: birth year, age, settlement of "
            "origin or sex"))
    return name_search.Query(words=tuple(words), birth_year=birth_year, origin=origin, sex=sex,
                             age_year=clock.today().year - age if age is not None else None)


def search_persons_by_name(actor: Actor, name: str, *, birth_year: int | None = None,
                           origin: str | None = None, sex: str | None = None,
                           age: int | None = None, limit: int = 20,
                           require_detail: bool = True) -> list[NameSearchHit]:
    """Return the persons the actor may see whose name is `name` in any script or spelling.

    Ranked best first by the linkage engine's match weights, each with the reasons it
    ranks there. With `require_detail` (the registry's rule against enumeration) a
    name alone is refused: ValidationFailed names the missing field. The persons
    returned are audited as listed; callers that serve a purpose (a tracing request)
    audit that too.
    """
    _require_records(actor, AuditAction.PERSON_LIST, "person")
    query = _search_query(name, birth_year=birth_year, origin=origin, sex=sex, age=age,
                          require_detail=require_detail)
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    ranked = person_ids_by_name(persons_visible(actor), query, limit)
    persons = Person.objects.select_related("household__registered_at").in_bulk(
        [person_id for person_id, _score, _reasons in ranked])
    hits = [NameSearchHit(person=persons[person_id], score=round(score, 3),
                          reasons=name_search.translate(reasons))
            for person_id, score, reasons in ranked]
    audit_record(actor=actor, action=AuditAction.PERSON_LIST, target_type="person",
                 target_ids=[hit.person.id for hit in hits])
    return hits
