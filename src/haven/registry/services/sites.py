"""Create and change sites: border crossings, hubs, shelters, hospitals, transit points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core.errors import NotFound
from haven.core.names import NameProblem
from haven.core.names.cleaning import clean_text
from haven.registry.models import (
    Site,
)
from haven.registry.provinces import ISO_3166_2, PCODE, province_iso_code
from haven.registry.selectors import site_by_slug
from haven.registry.services.validation import MAX_SITE_TEXT, _choice, _Errors, problem_text
from haven.registry.vocabulary import (
    SiteKind,
)

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@dataclass
class SiteInput:
    slug: str
    kind: str
    name_en: str
    settlement: str
    province: str
    name_hy: str = ""
    name_ru: str = ""
    capacity: int | None = None
    is_active: bool = True
    province_code: str = ""  # ISO 3166-2; empty: from the province's name where known
    province_pcode: str = ""
    pcode: str = ""


def _slug_taken(slug: str, existing: Site | None) -> bool:
    others = Site.objects.filter(slug=slug)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    return others.exists()


def _clean_site(site: SiteInput, *, existing: Site | None) -> dict[str, Any]:
    errors = _Errors()
    slug = (site.slug or "").strip().lower()
    if not slug or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug) \
            or len(slug) > 40:
        errors.add("slug", _("use 1-40 lower-case Latin letters, digits and hyphens"))
    elif _slug_taken(slug, existing):
        errors.add("slug", _("another site already has this short name"))
    kind = _choice(errors, "kind", site.kind, SiteKind, required=True)
    values: dict[str, Any] = {"slug": slug, "kind": kind}
    for name_field, required in (("name_en", True), ("name_hy", False), ("name_ru", False),
                                 ("settlement", True), ("province", True)):
        try:
            values[name_field] = clean_text(getattr(site, name_field) or "", required=required,
                                            max_length=MAX_SITE_TEXT)
        except NameProblem as problem:
            errors.add(name_field, problem_text(problem))
    _clean_codes(errors, site, values)
    if site.capacity is not None and not 0 <= site.capacity <= 1_000_000:
        errors.add("capacity", _("must be between 0 and 1,000,000"))
    values["capacity"] = site.capacity
    values["is_active"] = site.is_active
    errors.raise_if_any()
    return values


def _clean_codes(errors: _Errors, site: SiteInput, values: dict[str, Any]) -> None:
    """Check the administrative codes; an empty province code comes from the province's name."""
    code = (site.province_code or "").strip().upper()
    if code and not ISO_3166_2.match(code):
        errors.add("province_code", _("use an ISO 3166-2 code such as AM-SU"))
    values["province_code"] = code or province_iso_code(values.get("province", ""))
    for name in ("province_pcode", "pcode"):
        pcode = (getattr(site, name) or "").strip().upper()
        if pcode and not PCODE.match(pcode):
            errors.add(name, _("use a p-code: the country's two letters, then letters or "
                               "digits (AM09)"))
        values[name] = pcode


def site_create(*, actor: Actor, site: SiteInput) -> Site:
    """Create a site (border crossing, hub, shelter, hospital, transit point)."""
    actor.require("manage_sites")
    values = _clean_site(site, existing=None)
    with transaction.atomic():
        created = Site.objects.create(**values)
        audit_record(actor=actor, action=AuditAction.SITE_CREATE, target_type="site",
                     target_ids=[created.slug], site=created.slug)
    return created


def site_update(*, actor: Actor, slug: str, site: SiteInput) -> Site:
    """Change a site's names, kind, capacity or short name."""
    actor.require("manage_sites")
    existing = site_by_slug(slug)
    if existing is None:
        raise NotFound(_("No such site."))
    values = _clean_site(site, existing=existing)
    with transaction.atomic():
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save(update_fields=list(values))
        audit_record(actor=actor, action=AuditAction.SITE_UPDATE, target_type="site",
                     target_ids=[existing.slug], site=existing.slug)
    return existing
