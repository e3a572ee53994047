"""The registry's panels on the home page (haven.home.panels): today at the user's sites."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.core import clock
from haven.home.panels import Panel, panel
from haven.registry.models import Household
from haven.registry.selectors import persons_visible, site_figures

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@panel("registrar", "coordinator", "administrator", "viewer", "protection_officer",
       "tracing_officer", order=10)
def today_at_sites(actor: Actor) -> Panel | None:
    """Per site within reach: persons, households, today's arrivals and registrations."""
    if not actor.policy.read_aggregates:
        return None
    today = clock.today()
    figures = site_figures(actor=actor, today=today)
    registered: dict[int, int] = {}
    for site_id in Household.objects.filter(
            created_at__date=today,
            registered_at_id__in=[f.site.id for f in figures]).values_list("registered_at_id",
                                                                            flat=True):
        registered[site_id] = registered.get(site_id, 0) + 1
    rows = [{"figures": f, "registered_today": registered.get(f.site.id, 0)} for f in figures]
    return Panel(
        title=_("Today at your sites") if actor.record_site_ids is not None
        else _("Today at every site"),
        template="registry/_home_today.html", context={"rows": rows},
        empty="" if rows else _("No sites yet: an administrator adds them under Sites."))


@panel("tracing_officer", "protection_officer", "coordinator", order=30)
def flagged_children(actor: Actor) -> Panel | None:
    """Registered children flagged unaccompanied: the first people to trace families for."""
    if not actor.policy.read_records:
        return None
    count = persons_visible(actor).filter(merged_into__isnull=True,
                                          vulnerabilities__code="unaccompanied_child").count()
    return Panel(
        title=_("Unaccompanied children registered"),
        template="registry/_home_flagged.html", context={"count": count},
        empty="" if count else _("No registered child is flagged unaccompanied. Clerks flag "
                                 "a child on the registration page."),
        link=reverse("person-list") if count else "",
        link_text=_("Open the list"))
