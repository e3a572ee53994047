"""The site a PFIF import registers its persons at."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from haven.core.errors import ValidationFailed
from haven.registry.selectors import site_by_slug, sites_for

if TYPE_CHECKING:
    from haven.accounts.access import Actor


def import_site(actor: Actor, site: str | None) -> str:
    """Return the slug of the site to register at: the one given, or the user's only site.

    Checked before the file is read further, so that a wrong site is named as such
    rather than once per person.
    """
    if not site:
        own = list(sites_for(actor).filter(id__in=actor.own_site_ids)[:2])
        if len(own) != 1:
            raise ValidationFailed.single("site",
                                          _("choose the site to register the persons at"))
        return own[0].slug
    found = site_by_slug(site.strip().lower())
    if found is None or not found.is_active:
        raise ValidationFailed.single("site", _("unknown site %(site)r") % {"site": site[:40]})
    if not actor.may_act_for_site(found.id):
        raise ValidationFailed.single("site", _("you do not act for this site"))
    return found.slug
