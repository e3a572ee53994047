"""What reception's services and selectors share: the sites they act at, the members they act on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from haven.core.errors import NotFound, ValidationFailed
from haven.reception.scanning import CodeProblem, read_code
from haven.reception.vocabulary import SHELTER_KINDS
from haven.registry.models import Household, Person, Site
from haven.registry.selectors import (
    household_get,
    household_members,
    household_resolve,
    households_visible,
    person_resolve,
    persons_visible,
    site_by_slug,
    vulnerability_codes,
)
from haven.registry.vocabulary import PersonStatus, Vulnerability

if TYPE_CHECKING:
    from haven.accounts.access import Actor

# A wheelchair user needs a bed they can reach; the injured and burned, a hospital nearby.
ACCESSIBLE_NEEDS = frozenset({Vulnerability.DISABILITY_MOBILITY})
HOSPITAL_NEEDS = frozenset({Vulnerability.INJURED, Vulnerability.BURNS})
PRIORITY_AGE_UNDER = 2  # babies and the elderly wait first, with every recorded vulnerability
PRIORITY_AGE_FROM = 70


def acting_site(actor: Actor, slug: str, *, field: str = "site") -> Site:
    """Return the active site `slug` if the actor acts for it; else refuse naming `field`.

    A site outside the actor's reach is refused exactly like one that does not exist.
    """
    site = site_by_slug(slug or "")
    if site is None or not site.is_active or not actor.may_act_for_site(site.id):
        raise ValidationFailed.single(field, _("unknown site %(site)r") % {"site": slug[:40]})
    return site


def shelter_site(actor: Actor, slug: str, *, field: str = "site") -> Site:
    """Return a site the actor acts for that may hold shelter units."""
    site = acting_site(actor, slug, field=field)
    if site.kind not in SHELTER_KINDS:
        raise ValidationFailed.single(field, _("this kind of site has no shelter beds"))
    return site


def code_problem_text(problem: CodeProblem) -> str:
    if problem is CodeProblem.EMPTY:
        return _("type or scan a code")
    if problem is CodeProblem.TYPING_ERROR:
        return _("this code has a typing error")
    return _("this is not a Haven code (HVN-XXXX-XXXX-XXXX)")


def presented(code: str, *, field: str = "code") -> tuple[Household, Person | None]:
    """Return the household of a code on a card (its own or a member's), and the member.

    For the code a person presents: whoever holds the card may show it, whether or not
    the clerk may see the household yet. Raise ValidationFailed naming `field` for a
    typing error, for what is not a code, and for a code that names nobody.
    """
    typed = read_code(code)
    if typed.code is None:
        assert typed.problem is not None  # noqa: S101 - read_code gives one or the other
        raise ValidationFailed.single(field, code_problem_text(typed.problem))
    household = household_resolve(typed.code)
    if household is not None:
        return household, None
    person = person_resolve(typed.code)
    if person is None:
        raise ValidationFailed.single(field, _("no household or person has this code"))
    return person.household, person


def household_visible(actor: Actor, code: str, *, field: str = "household") -> Household:
    """Return a household the actor may see, by code or id, with the members they may see.

    For services that write and audit what they touched themselves. Refuse naming
    `field` a household that does not exist or is out of reach; the registry's
    `household_get` then writes the refused read to the audit log.
    """
    ref = (code or "").strip()
    household = None
    condition = _household_ref(ref)
    if condition is not None and actor.policy.read_records:
        household = households_visible(actor).filter(condition).prefetch_related(
            Prefetch("members", queryset=persons_visible(actor).order_by("position"))).first()
    if household is None:
        try:
            household = household_get(actor=actor, ref=ref)  # audits the refusal
        except NotFound:
            raise ValidationFailed.single(field, _("no household has this code")) from None
    return household


def _household_ref(ref: str) -> Q | None:
    try:
        return Q(id=uuid.UUID(ref))
    except ValueError:
        code = read_code(ref).code
        return Q(code=code) if code else None


def living(persons: list[Person]) -> list[Person]:
    """Return the members who may arrive or take a bed: not deceased, not departed."""
    return [p for p in persons if p.status == PersonStatus.PRESENT]


def all_members(household: Household) -> list[Person]:
    return household_members(household.id)


@dataclass(frozen=True)
class Needs:
    accessible: frozenset[object]  # person ids who need a bed a wheelchair reaches
    hospital: bool  # a member is injured or burned
    priority: bool  # a member is vulnerable: served first from the waiting list


def needs_of(persons: list[Person], *, year: int) -> Needs:
    """Return what the allocator weighs, from the members' recorded vulnerabilities and ages."""
    codes = vulnerability_codes([p.id for p in persons])
    accessible = frozenset(p.id for p in persons if codes.get(p.id, set()) & ACCESSIBLE_NEEDS)
    hospital = any(codes.get(p.id, set()) & HOSPITAL_NEEDS for p in persons)
    aged = any(p.birth_year and (year - p.birth_year < PRIORITY_AGE_UNDER
                                 or year - p.birth_year >= PRIORITY_AGE_FROM) for p in persons)
    return Needs(accessible=accessible, hospital=hospital,
                 priority=bool(aged or any(codes.get(p.id) for p in persons)))


def member_codes(persons: list[Person], codes: list[str], *,
                 field: str = "members") -> list[Person]:
    """Return the persons among `persons` named by `codes` (ids or codes), in `persons`' order.

    Raise ValidationFailed naming `members[i]` for a code that is not one of them.
    """
    by_code = {p.code: p for p in persons} | {str(p.id): p for p in persons}
    chosen: set[object] = set()
    errors: dict[str, list[str]] = {}
    for index, raw in enumerate(codes):
        typed = read_code(raw)
        key = typed.code or (raw or "").strip().lower()
        person = by_code.get(key)
        if person is None:
            message = (code_problem_text(typed.problem) if typed.problem is CodeProblem.TYPING_ERROR
                       else _("is not a member of this household"))
            errors[f"{field}[{index}]"] = [message]
        else:
            chosen.add(person.id)
    if errors:
        raise ValidationFailed(errors)
    return [p for p in persons if p.id in chosen]


def runs_visible(actor: Actor) -> Q:
    """Return the filter for runs the actor may see: from or to one of their sites."""
    scope = actor.record_site_ids
    if scope is None:
        return Q()
    return Q(destination_id__in=scope) | Q(origin_site_id__in=scope)
