"""Testimonies: record a statement with its consent, read it, withdraw it.

Only a role with `testimonies` (protection officers) records or reads them, at their own
sites. A statement is encrypted at rest (haven.core.encryption). Nothing is recorded
without consent to at least one use; a withdrawn statement is shown to nobody again,
exported nowhere, and its text is erased (the audit log keeps that it existed and who
read it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, ValidationFailed
from haven.documentation.models import HeritageSite, HomeOfOrigin, Testimony
from haven.registry.selectors import person_codes_visible, person_get, site_by_slug

if TYPE_CHECKING:
    from haven.accounts.access import Actor

MAX_STATEMENT = 50_000


@dataclass
class TestimonyInput:
    site: str
    given_on: dt.date | None
    statement: str
    language: str = "hy"
    witness: str = ""  # the code of a registered person, or
    witness_description: str = ""  # a description of someone who is not registered
    consent_internal: bool = False
    consent_legal: bool = False
    consent_publication: bool = False
    heritage: Sequence[str] = field(default_factory=list)
    homes: Sequence[str] = field(default_factory=list)


def _visible(actor: Actor) -> QuerySet[Testimony]:
    return Testimony.objects.filter(actor.site_filter("site_id"), withdrawn_at__isnull=True)


def testimony_record(*, actor: Actor, testimony: TestimonyInput) -> Testimony:
    """Record a statement, with the uses its giver consented to (at least one)."""
    actor.require("testimonies")
    t = testimony
    errors: dict[str, list[str]] = {}
    site = site_by_slug(t.site or "")
    if site is None or not actor.may_act_for_site(site.id):
        errors["site"] = [_("unknown site %(site)r") % {"site": (t.site or "")[:40]}]
    statement = (t.statement or "").strip()
    if not statement:
        errors["statement"] = [_("is required")]
    elif len(statement) > MAX_STATEMENT:
        errors["statement"] = [_("is longer than %(n)d characters") % {"n": MAX_STATEMENT}]
    if not (t.consent_internal or t.consent_legal or t.consent_publication):
        errors["consent"] = [_("a statement is kept only with consent to at least one use")]
    if t.given_on is None or t.given_on > timezone.localdate(clock.now()):
        errors["given_on"] = [_("is required and may not be in the future")]
    if t.language not in {code for code, _name in settings.LANGUAGES} | {"other"}:
        errors["language"] = [_("unknown language")]
    witness = None
    if t.witness.strip():
        try:
            witness = person_get(actor=actor, ref=t.witness)
        except NotFound:
            errors["witness"] = [_("no person you may see has this code")]
    elif not t.witness_description.strip():
        errors["witness"] = [_("give the witness's code, or describe the witness")]
    heritage = list(HeritageSite.objects.filter(pk__in=_uuids(errors, "heritage", t.heritage)))
    homes = list(HomeOfOrigin.objects.filter(pk__in=_uuids(errors, "homes", t.homes)))
    if errors:
        raise ValidationFailed(errors)
    assert site is not None  # noqa: S101 - no errors, so the site was found
    assert t.given_on is not None  # noqa: S101
    now = clock.now()
    with transaction.atomic():
        created = Testimony.objects.create(
            site=site, witness=witness, witness_description=t.witness_description.strip()[:2000],
            given_on=t.given_on, language=t.language, statement=statement,
            consent_internal=t.consent_internal, consent_legal=t.consent_legal,
            consent_publication=t.consent_publication, consent_recorded_at=now,
            recorded_by=actor.user, recorded_at=now)
        created.heritage.set(heritage)
        created.homes.set(homes)
        audit_record(actor=actor, action=AuditAction.TESTIMONY_RECORD, target_type="testimony",
                     target_ids=[created.pk, *([witness.pk] if witness else [])],
                     site=site.slug)
    return created


def _uuids(errors: dict[str, list[str]], key: str, refs: Sequence[str]) -> list[uuid.UUID]:
    out = []
    for ref in refs:
        try:
            out.append(uuid.UUID(str(ref)))
        except ValueError:
            errors.setdefault(key, []).append(_("unknown record %(ref)s") % {"ref": str(ref)[:40]})
    return out


def _witnesses_shown(actor: Actor, found: list[Testimony]) -> list[Testimony]:
    """Leave out (in memory, never saved) each witness the actor may not see.

    A statement at the actor's site may name a witness registered only at another of its
    recorder's sites: the registry's rule for references (person_codes_visible) decides
    whether the reader learns that witness's code.
    """
    codes = person_codes_visible(actor, [t.witness_id for t in found])
    for t in found:
        if t.witness_id is not None and t.witness_id not in codes:
            t.witness = None
    return found


def testimony_list(*, actor: Actor) -> list[Testimony]:
    """Return the statements at the actor's sites that consent still allows; audit the ids."""
    actor.require("testimonies")
    with transaction.atomic():
        found = list(_visible(actor).select_related("site", "witness", "recorded_by"))
        audit_record(actor=actor, action=AuditAction.TESTIMONY_LIST, target_type="testimony",
                     target_ids=[t.pk for t in found])
    return _witnesses_shown(actor, found)


def _get(actor: Actor, ref: str | uuid.UUID, action: AuditAction) -> Testimony:
    try:
        pk = ref if isinstance(ref, uuid.UUID) else uuid.UUID(str(ref))
    except ValueError:
        pk = None
    found = _visible(actor).select_related("site", "witness").filter(pk=pk).first() \
        if pk else None
    with transaction.atomic():
        audit_record(actor=actor, action=action, target_type="testimony",
                     target_ids=[pk] if pk else [],
                     outcome=Outcome.ALLOWED if found else Outcome.DENIED)
    if found is None:
        raise NotFound(_("No such testimony."))
    return found


def testimony_get(*, actor: Actor, ref: str | uuid.UUID) -> Testimony:
    """Return one statement, if the actor's role and sites allow and consent stands; audit."""
    actor.require("testimonies")
    return _witnesses_shown(actor, [_get(actor, ref, AuditAction.TESTIMONY_VIEW)])[0]


def testimony_withdraw(*, actor: Actor, ref: str | uuid.UUID) -> Testimony:
    """Record that the giver withdrew consent: hide the statement for good, erase its text."""
    actor.require("testimonies")
    found = _get(actor, ref, AuditAction.TESTIMONY_WITHDRAW)
    with transaction.atomic():
        found.withdrawn_at = clock.now()
        found.withdrawn_by = actor.user
        found.statement = ""
        found.witness_description = ""
        found.save(update_fields=["withdrawn_at", "withdrawn_by", "statement",
                                  "witness_description"])
    return found


def testimonies_for_evidence(actor: Actor, selection: Sequence[str] | None) -> list[Testimony]:
    """Return the statements an evidence export may carry: consent to legal use, not withdrawn."""
    if not actor.policy.testimonies:
        if selection:
            raise NotFound(_("No such testimony."))
        return []
    found = _visible(actor).filter(consent_legal=True).select_related("site", "witness")
    if selection is not None:
        ids = _uuids({}, "testimonies", selection)
        found = found.filter(pk__in=ids)
        if found.count() != len(set(selection)):
            raise NotFound(_("No such testimony."))
    return _witnesses_shown(actor, list(found.order_by("given_on", "recorded_at")))
