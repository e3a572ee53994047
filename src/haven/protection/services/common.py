"""What the protection services share: collecting field errors, sites, persons, texts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import ValidationFailed
from haven.registry.models import Person, Site
from haven.registry.selectors import person_resolve, persons_visible, site_by_slug

if TYPE_CHECKING:
    from haven.accounts.access import Actor

MAX_TEXT = 4000  # a free-text detail: a page of notes
MAX_SHORT = 200


class Errors:
    """Collect every field's problems, then raise them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def local_today() -> dt.date:
    """Return today where the officers stand (HAVEN_TIME_ZONE), not in UTC."""
    return timezone.localdate(clock.now())


def clean_text(errors: Errors, field: str, value: str | None, *, required: bool = False,
               max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("is required"))
    if len(text) > max_length:
        errors.add(field, _("is longer than %(n)d characters") % {"n": max_length})
    return text


def choice(errors: Errors, field: str, value: str, choices: list[str]) -> str:
    if value not in choices:
        errors.add(field, _("must be one of: %(choices)s") % {"choices": ", ".join(choices)})
    return value


def site_for(errors: Errors, field: str, slug: str, *, actor: Actor | None = None) -> Site | None:
    """Return the active site `slug`; with `actor`, only a site the actor acts for."""
    site = site_by_slug(slug or "")
    if site is None or not site.is_active:
        errors.add(field, _("unknown site %(site)r") % {"site": (slug or "")[:40]})
        return None
    if actor is not None and not actor.may_act_for_site(site.id):
        errors.add(field, _("you do not act for this site"))
        return None
    return site


def visible_person(errors: Errors, field: str, ref: str, *, actor: Actor,
                   action: AuditAction, target_type: str) -> Person | None:
    """Return the person `ref` names if the actor may see their record.

    A person at a site the actor may not see is refused exactly like a code that names
    no one, and the attempt is audited as denied (by id, never the text typed).
    """
    person = person_resolve(ref or "")
    if person is not None and persons_visible(actor).filter(id=person.id).exists():
        return person
    errors.add(field, _("no person has this id or code"))
    if person is not None:
        audit_record(actor=actor, action=action, target_type=target_type,
                     target_ids=[person.id], outcome=Outcome.DENIED)
    return None
