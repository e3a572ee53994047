"""The coordinator's situation at a glance (haven.home.panels): the curve, today, capacity."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.core import clock
from haven.core.periods import period_of_data
from haven.home.panels import Panel, panel
from haven.reception.selectors import shelter_occupancy_at
from haven.registry.models import Person, Site
from haven.reports.services import report_zone

if TYPE_CHECKING:
    from haven.accounts.access import Actor

# A site is "near capacity" from this share of its beds or capacity on.
NEAR_CAPACITY = 0.9
WIDTH, HEIGHT = 300, 80


def _curve(days: list[tuple[dt.date, int]]) -> str:
    """Return the SVG points of the cumulative curve over the days that have arrivals."""
    total, points = 0, []
    last = max(1, sum(n for _d, n in days))
    for index, (_day, n) in enumerate(days):
        total += n
        x = WIDTH * index / max(1, len(days) - 1)
        points.append(f"{x:.1f},{HEIGHT - HEIGHT * total / last:.1f}")
    return " ".join(points)


@panel("coordinator", order=5)
def situation(actor: Actor) -> Panel | None:
    """Persons counted once by the day they first arrived, today's arrivals, full sites."""
    if not actor.policy.exact_figures or actor.record_site_ids is not None:
        return None
    zone = report_zone()
    today = clock.now().astimezone(zone).date()
    by_day = sorted(
        (row["day"], row["n"]) for row in
        Person.objects.filter(merged_into__isnull=True, first_arrived_at__isnull=False)
        .annotate(day=TruncDate("first_arrived_at", tzinfo=zone)).values("day")
        .annotate(n=Count("id")).values("day", "n"))
    period = period_of_data(by_day[0][0] if by_day else None,
                            by_day[-1][0] if by_day else None, today=today)
    sites = list(Site.objects.filter(is_active=True))
    beds = shelter_occupancy_at(site_ids=[s.id for s in sites], at=clock.now())
    present = dict(Person.objects.filter(merged_into__isnull=True, status="present",
                                         last_site__isnull=False)
                   .values("last_site").annotate(n=Count("id")).values_list("last_site", "n"))
    near = []
    for site in sites:
        capacity = beds[site.id].capacity if site.id in beds else site.capacity
        here = beds[site.id].present if site.id in beds else present.get(site.id, 0)
        if capacity and here >= NEAR_CAPACITY * capacity:
            near.append({"site": site, "present": here, "capacity": capacity,
                         "percent": round(100 * here / capacity)})
    return Panel(
        title=_("The situation at a glance"), template="reports/_home_situation.html",
        context={"total": sum(n for _d, n in by_day),
                 "today": sum(n for d, n in by_day if d == today),
                 "period": period, "points": _curve(by_day), "width": WIDTH, "height": HEIGHT,
                 "near": near},
        empty="" if by_day else _("No arrivals recorded yet: the figures appear with the "
                                  "first registration."),
        link=reverse("reports-dashboard"), link_text=_("Open the situation report"))
