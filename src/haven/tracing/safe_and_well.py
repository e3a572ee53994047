"""Safe and well: a relative learns only "registered safe; ask the tracing desk at <site>".

The question needs the name (any script) **and** the birth year **and** the settlement of
origin. The answer has one shape whatever happened: `found` is true only when a person
who consented to "tell my family I am safe" matches all three; no match, no consent and
a withdrawn consent all give the same `found: false` answer with the same text. No
location beyond the desk, no household, no other detail. Each address may ask
`HAVEN_SAFE_AND_WELL_PER_HOUR` questions an hour (default 10); every question is audited,
with the person's id when one answered (the auditor sees who was asked about).

Who asks: a tracing desk (role `trace`), or, where a deployment sets
`HAVEN_SAFE_AND_WELL_PUBLIC=1`, anyone on the public page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import ValidationFailed
from haven.registry import name_search
from haven.registry.models import Person
from haven.registry.name_lookup import person_ids_by_name
from haven.tracing.models import SafeAndWell, SafeAndWellLookup

if TYPE_CHECKING:
    from haven.accounts.access import Actor

DEFAULT_PER_HOUR = 10
# A match must be this sure: both names agree (in any script), the birth year is the same
# or one off, and the settlement agrees.
MIN_SCORE = 15.0


class RateLimited(ValidationFailed):
    status = 429


@dataclass(frozen=True)
class SafeAndWellAnswer:
    found: bool
    text: str


def per_hour() -> int:
    return int(getattr(settings, "SAFE_AND_WELL_PER_HOUR", DEFAULT_PER_HOUR))


def public_enabled() -> bool:
    return bool(getattr(settings, "SAFE_AND_WELL_PUBLIC", False))


def safe_and_well_lookup(*, actor: Actor | None, name: str, birth_year: int | None,
                         origin: str, client_address: str | None) -> SafeAndWellAnswer:
    """Answer a safe-and-well question (see the module docstring); audit it."""
    if actor is not None:
        actor.require("trace")
    errors: dict[str, list[str]] = {}
    words = name_search.words_of(name or "")
    if len(words) < 2:
        errors["name"] = [_("give the given name and the family name")]
    if birth_year is None or not 1890 <= birth_year <= 2100:
        errors["birth_year"] = [_("give the year of birth")]
    if not (origin or "").strip():
        errors["origin"] = [_("give the settlement of origin")]
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    since = now - dt.timedelta(hours=1)
    with transaction.atomic():
        asked = SafeAndWellLookup.objects.filter(client_address=client_address,
                                                 at__gte=since).count()
        if asked >= per_hour():
            raise RateLimited.single("name", _("too many questions from this address; "
                                               "try again in an hour"))
        SafeAndWellLookup.objects.create(client_address=client_address, at=now)
        consenting = Person.objects.filter(
            id__in=SafeAndWell.objects.filter(withdrawn_at__isnull=True).values("person_id"))
        query = name_search.Query(words=tuple(words), birth_year=birth_year,
                                  origin=origin.strip())
        # MIN_SCORE is in the engine's weights: scored with them (a search's year weights
        # would let a name spelt only somewhat alike reach it).
        best = next(iter(person_ids_by_name(consenting, query, 1, year_weights=None)), None)
        person = None
        if best is not None and best[1] >= MIN_SCORE and _all_three_agree(best[2]):
            person = Person.objects.select_related("household__registered_at").get(pk=best[0])
        audit_record(actor=actor, action=AuditAction.SAFE_AND_WELL_LOOKUP,
                     target_type="person", target_ids=[person.id] if person else [],
                     username="" if actor else "public", client_address=client_address,
                     channel="" if actor else "public")
    if person is None:
        return SafeAndWellAnswer(found=False, text=_(
            "No answer can be given. Ask at a tracing desk: they can open a tracing request."))
    site = person.household.registered_at
    return SafeAndWellAnswer(found=True, text=_(
        "Registered safe; ask the tracing desk at %(site)s.") % {"site": site.name})


def _all_three_agree(reasons: tuple[str, ...]) -> bool:
    """Whether the names agree, the birth year is within one and the settlement agrees."""
    wanted = {"birth year: the same", "birth year: one year apart"}
    return (bool(wanted & set(reasons))
            and "settlement of origin: the same, in any script" in reasons
            and "given name: different" not in reasons
            and "family name: different" not in reasons)
