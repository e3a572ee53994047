"""Read the review queue, a pair side by side, a person's merges and registration hints.

A reviewer sees a pair only if they may see BOTH records (an arrival at one of their
sites, as in the registry): a pair with a record elsewhere is answered like a pair that
does not exist, and the attempt is audited as denied. Reading a pair is reading two
person records, so it is audited like a person read.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import NotFound, PermissionDenied
from haven.core.http import parse_id
from haven.core.names import given_name_key, surname_key
from haven.linkage.contradictions import contradiction, facts_from_text
from haven.linkage.models import OPEN_STATES, MatchCandidate, MatchState, PersonMerge
from haven.linkage.wording import comparison_label, phrase
from haven.registry.models import Person
from haven.registry.phones import PhoneProblem, clean_phone
from haven.registry.selectors import (
    MAX_PER_PAGE,
    PER_PAGE,
    Page,
    person_codes_visible,
    person_get,
    person_ids_ranked_by_name,
    person_visible_condition,
    persons_visible,
)

if TYPE_CHECKING:
    from haven.accounts.access import Actor

HINT_LIMIT = 5
BAR_HALF = 60  # pixels either side of the bar's middle


def _visible(actor: Actor, column: str = "pk") -> Q:
    """Return a condition: the person in `column` has an arrival at one of the actor's sites.

    The registry's own rule (registry/selectors.py), applied to either record of a pair.
    """
    return person_visible_condition(actor, column)


def _require_reviewer(actor: Actor, action: AuditAction, targets: list[object]) -> None:
    if not actor.policy.review_matches:
        audit_record(actor=actor, action=action, target_type="person", target_ids=targets,
                     outcome=Outcome.DENIED)
        raise PermissionDenied(_("Your role does not allow reviewing or merging records."))


def _pairs_visible(actor: Actor) -> QuerySet[MatchCandidate]:
    return MatchCandidate.objects.filter(_visible(actor, "left") & _visible(actor, "right"))


STATE_FILTERS = {"open": OPEN_STATES, "pending": (MatchState.PENDING,),
                 "skipped": (MatchState.SKIPPED,), "confirmed": (MatchState.CONFIRMED,),
                 "rejected": (MatchState.REJECTED,), "moot": (MatchState.MOOT,)}


def match_queue(*, actor: Actor, state: str = "open", page: int = 1,
                per_page: int = PER_PAGE, name: str = "") -> Page[MatchCandidate]:
    """Return one page of the tickets whose two records the actor may see; audit the reads.

    Open tickets come first those not yet looked at, then the skipped ones; each group
    by probability, highest first. With `name`, only the tickets with a record of that
    name, in any script or spelling (the registry's name search).
    """
    _require_reviewer(actor, AuditAction.PERSON_LIST, [])
    states = STATE_FILTERS.get(state, OPEN_STATES)
    pairs = _pairs_visible(actor)
    if name.strip():
        named = person_ids_ranked_by_name(persons_visible(actor), name)
        pairs = pairs.filter(Q(left_id__in=named) | Q(right_id__in=named))
    tickets = (
        pairs.filter(state__in=states)
        .select_related("left__household__registered_at", "right__household__registered_at")
        .annotate(skipped=Case(When(state=MatchState.SKIPPED, then=Value(1)), default=Value(0),
                               output_field=IntegerField()))
        .order_by("skipped", "-probability", "id")
    )
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    with transaction.atomic():
        total = tickets.count()
        number = max(1, min(page, max(1, -(-total // per_page))))
        items: list[MatchCandidate] = list(tickets[(number - 1) * per_page: number * per_page])
        audit_record(actor=actor, action=AuditAction.PERSON_LIST, target_type="person",
                     target_ids=[pk for c in items for pk in (c.left_id, c.right_id)])
    return Page(items=items, number=number, per_page=per_page, total=total)


@dataclass
class Pair:
    """A ticket with its two records, and how each field compares."""

    candidate: MatchCandidate
    left: Person
    right: Person
    rows: list[dict[str, Any]] = field(default_factory=list)


def _person_with_details(pk: uuid.UUID) -> Person:
    return (Person.objects.select_related("household__registered_at")
            .prefetch_related("arrivals__site").get(pk=pk))


def match_get(*, actor: Actor, candidate: int | str) -> Pair:
    """Return a ticket and both its records, if the actor may see both; audit the read."""
    number = parse_id(candidate)
    ticket = None
    if number is not None:
        ticket = MatchCandidate.objects.filter(pk=number).first()
    targets: list[object] = [ticket.left_id, ticket.right_id] if ticket else []
    _require_reviewer(actor, AuditAction.PERSON_VIEW, targets)
    visible = ticket is not None and _pairs_visible(actor).filter(pk=ticket.pk).exists()
    audit_record(actor=actor, action=AuditAction.PERSON_VIEW, target_type="person",
                 target_ids=targets, outcome=Outcome.ALLOWED if visible else Outcome.DENIED)
    if ticket is None or not visible:
        raise NotFound(_("No such match candidate."))
    pair = Pair(candidate=ticket, left=_person_with_details(ticket.left_id),
                right=_person_with_details(ticket.right_id))
    pair.rows = comparison_rows(pair)
    return pair


# The fields shown side by side, with the engine's comparison that explains each.
_FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("given_name", gettext_noop("Given name"), ("given_name",)),
    ("family_name", gettext_noop("Family name"), ("family_name", "surname")),
    ("patronymic", gettext_noop("Patronymic"), ("patronymic",)),
    ("sex", gettext_noop("Sex"), ("sex",)),
    ("birth_date", gettext_noop("Birth date"), ("birth_date", "dob", "date_of_birth")),
    ("place_of_origin", gettext_noop("Settlement of origin"), ("place_of_origin", "origin")),
    ("phone", gettext_noop("Phone"), ("phone",)),
    ("document_number", gettext_noop("Document number"), ("document_number", "document")),
    ("household", gettext_noop("Household"), ("household_id", "household")),
)


def _value(person: Person, name: str) -> str:
    household = person.household
    values = {"place_of_origin": household.place_of_origin, "phone": household.phone,
              "household": household.code, "birth_date": person.birth_date,
              "sex": person.get_sex_display()}
    return str(values[name] if name in values else getattr(person, name) or "")


def comparison_rows(pair: Pair) -> list[dict[str, Any]]:
    """Return one row per field: both values, the engine's level and its Bayes factor.

    A Bayes factor above 1 is evidence for one person, below 1 against; the bar's width
    is its logarithm, capped, so that a glance tells which fields decided the score.
    """
    levels = pair.candidate.levels or {}
    factors = pair.candidate.bayes_factors or {}
    rows = []
    used: set[str] = set()
    for name, label, comparisons in _FIELDS:
        key = next((c for c in comparisons if c in levels or c in factors), "")
        used.add(key)
        rows.append(_row(_(label), _value(pair.left, name), _value(pair.right, name),
                         levels.get(key, ""), factors.get(key)))
    for key in sorted((set(levels) | set(factors)) - used):  # comparisons without a field
        rows.append(_row(comparison_label(key), "", "", levels.get(key, ""), factors.get(key)))
    return rows


def _row(label: str, left: str, right: str, level: str,
         factor: float | None) -> dict[str, Any]:
    weight = math.log2(factor) if factor and factor > 0 else 0.0
    width = min(BAR_HALF, round(abs(weight) * 5))
    return {"label": label, "left": left, "right": right, "level": level,
            "phrase": phrase(level), "factor": factor,
            "weight": round(weight, 2), "same": bool(left) and left == right,
            # An SVG bar drawn from the middle: right for evidence of one person, left
            # against (attributes, not inline styles: the Content-Security-Policy forbids those).
            "bar_x": BAR_HALF if weight >= 0 else BAR_HALF - width, "bar_width": width,
            "direction": "for" if weight > 0 else ("against" if weight < 0 else "none")}


def match_next(*, actor: Actor, after: int | None = None) -> int | None:
    """Return the id of the next open ticket the actor may review (not `after`), or None."""
    if not actor.policy.review_matches:
        return None
    tickets = _pairs_visible(actor).filter(state=MatchState.PENDING)
    if after is not None:
        tickets = tickets.exclude(pk=after)
    found = tickets.order_by("-probability", "id").values_list("pk", flat=True).first()
    if found is None:
        found = (_pairs_visible(actor).filter(state=MatchState.SKIPPED).exclude(pk=after or 0)
                 .order_by("-probability", "id").values_list("pk", flat=True).first())
    return found


@dataclass(frozen=True)
class Reference:
    """Another record, named by its code: only ever one the actor may see."""

    code: str


@dataclass
class PersonLinks:
    """What the person page shows about merges: only records the actor may see by code."""

    merged_into: Reference | None = None
    merged_into_hidden: bool = False  # merged into a record at a site the actor cannot see
    # Records at sites the actor does not see are left out, as the registry leaves out a
    # relative who went on to another site.
    also: list[Reference] = field(default_factory=list)
    # Unmerging takes a reviewer who sees both records (haven.linkage.services).
    may_unmerge: bool = False


def person_links(*, actor: Actor, person: Person) -> PersonLinks:
    """Return the record this one was merged into, and the records merged into it."""
    merged = list(Person.objects.filter(merged_into=person).order_by("created_at", "id")
                  .values_list("id", flat=True))
    codes = person_codes_visible(actor, [person.merged_into_id, *merged])
    links = PersonLinks(also=[Reference(codes[pk]) for pk in merged if pk in codes])
    if person.merged_into_id is not None:
        code = codes.get(person.merged_into_id)
        links.merged_into = Reference(code) if code else None
        links.merged_into_hidden = code is None
    links.may_unmerge = actor.policy.review_matches and not links.merged_into_hidden
    return links


def unmerge_subject(*, actor: Actor, ref: str) -> Person:
    """Return the record to unmerge, if the actor may see it AND the record it is merged into.

    Unmerging blocks the pair for good, so only a reviewer who sees both records may do it
    (as for a pair in review): a record merged into one at a site the actor does not see
    is answered like a record that does not exist, and the attempt is audited as denied.
    """
    person = person_get(actor=actor, ref=ref)
    into = person.merged_into_id
    if into is not None and not person_codes_visible(actor, [into]):
        audit_record(actor=actor, action=AuditAction.PERSON_UNMERGE, target_type="person",
                     target_ids=[person.id, into], outcome=Outcome.DENIED)
        raise NotFound(_("No such person."))
    return person


def merged_into_codes(*, actor: Actor, persons: list[Person]) -> dict[uuid.UUID, str]:
    """Return {record id: code of the record it was merged into}, for those the actor sees.

    A record merged into one at a site the actor does not see has no entry: its answer
    says that it is merged, never into what.
    """
    codes = person_codes_visible(actor, [p.merged_into_id for p in persons])
    return {p.id: codes[p.merged_into_id] for p in persons
            if p.merged_into_id is not None and p.merged_into_id in codes}


@dataclass(frozen=True)
class Hint:
    code: str
    given_name: str
    family_name: str
    patronymic: str
    birth_date: str
    site: str
    site_name: str
    reason: str


_YEAR = re.compile(r"^\s*(\d{4})")


def registration_hints(*, actor: Actor, given_name: str = "", family_name: str = "",
                       birth_date: str = "", phone: str = "",
                       limit: int = HINT_LIMIT) -> list[Hint]:
    """Return people already registered, at the actor's sites, who may be the one being typed.

    Looked up by the names' matching keys (any script) with the birth year ±1, then by
    the family name's key with the same birth year, then by the household's phone. No
    medical fields; at most `limit`. The persons shown are audited as read.

    The two searches that suggest the same person follow the clustering's rule
    (haven.linkage.contradictions): a record whose given name is not a variant of the
    one typed (a sibling born the same year), or whose birth year is far from the one
    typed, is not offered as the same person. The phone search offers the household
    ("same phone"), relatives included.
    """
    if not (actor.policy.register and actor.policy.read_records):
        raise PermissionDenied(_("Your role does not allow registering households."))
    given = given_name_key(given_name.strip()) if given_name.strip() else ""
    family = surname_key(family_name.strip()) if family_name.strip() else ""
    match = _YEAR.match(birth_date or "")
    year = int(match.group(1)) if match else None
    try:
        e164 = clean_phone(phone or "")[1]
    except PhoneProblem:
        e164 = ""
    # `year_only` is birth_year behind an expression, so that the family-name search
    # walks the (family_name_key, given_name_key, birth_year) index and checks the year
    # there, instead of SQLite fetching every record born that year (4x faster at 1M).
    persons = (Person.objects.annotate(year_only=F("birth_year") + 0)
               .select_related("household__registered_at").order_by("created_at", "id"))
    searches: list[tuple[Q, str, bool]] = []  # (condition, reason, the same person?)
    if family and given:
        condition = Q(family_name_key=family, given_name_key=given)
        if year is not None:
            condition &= Q(birth_year__in=[year - 1, year, year + 1])
        searches.append((condition, _("same names"), True))
    if family and year is not None:
        searches.append((Q(family_name_key=family, year_only=year),
                         _("same family name and birth year"), True))
    if e164:
        searches.append((Q(household__phone_e164=e164), _("same phone"), False))
    typed = facts_from_text(given_name=given_name, family_name=family_name,
                            birth_date=birth_date or "")
    found: dict[uuid.UUID, tuple[Person, str]] = {}
    for condition, reason, same_person in searches:
        if len(found) >= limit:
            break
        # The visibility condition after the search's own: SQLite tests the terms in
        # order, and the arrival lookup is the dearer one.
        for person in persons.filter(condition).filter(_visible(actor))[: limit * 2]:
            if same_person and contradiction(typed, facts_from_text(
                    given_name=person.given_name, family_name=person.family_name,
                    birth_date=person.birth_date or "")):
                continue
            # One suggestion per person: records already merged count once.
            found.setdefault(person.merged_into_id or person.id, (person, reason))
    chosen = list(found.values())[:limit]
    if chosen:
        audit_record(actor=actor, action=AuditAction.PERSON_LIST, target_type="person",
                     target_ids=[p.id for p, _reason in chosen])
    return [Hint(code=p.code, given_name=p.given_name, family_name=p.family_name,
                 patronymic=p.patronymic, birth_date=p.birth_date,
                 site=p.household.registered_at.slug, site_name=p.household.registered_at.name,
                 reason=reason) for p, reason in chosen]


def match_open_count(*, actor: Actor) -> int:
    """Return how many open tickets the actor may review (a count: no one is shown)."""
    if not actor.policy.review_matches:
        return 0
    return _pairs_visible(actor).filter(state__in=OPEN_STATES).count()


def merge_history(*, actor: Actor, person: Person) -> list[dict[str, Any]]:
    """Return the merges and unmerges that involved `person`, as history entries.

    Each merge gives a "merged" entry, and an "unmerged" one when it was undone. The
    other record's code is shown only when the actor may see it (`other_code` None
    otherwise): no answer names a record outside the actor's reach.
    """
    merges = list(PersonMerge.objects.filter(Q(person=person) | Q(into=person))
                  .select_related("person", "into", "merged_by", "undone_by"))
    ids = {m.person_id for m in merges} | {m.into_id for m in merges}
    visible = set(Person.objects.filter(_visible(actor), pk__in=ids)
                  .values_list("pk", flat=True))
    entries: list[dict[str, Any]] = []
    for merge in merges:
        into_other = merge.person_id == person.pk
        other = merge.into if into_other else merge.person
        code = other.code if other.pk in visible else None
        entries.append({"at": merge.merged_at, "by": merge.merged_by.get_username(),
                        "action": "merged_into" if into_other else "merged_with",
                        "other_code": code, "changes": {}})
        if merge.undone_at is not None and merge.undone_by is not None:
            entries.append({"at": merge.undone_at, "by": merge.undone_by.get_username(),
                            "action": "unmerged", "other_code": code, "changes": {}})
    return entries
