"""Build the situation report: one service, read by every page, file, API answer and command."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from haven.aid.selectors import aid_figures
from haven.core import clock
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.protection.selectors import casualty_figures
from haven.reception.selectors import Beds, shelter_occupancy_at
from haven.registry.models import Site
from haven.reports import queries, summary_queries
from haven.reports.sitrep import (
    VULNERABILITIES,
    DayFigures,
    Demography,
    Occupancy,
    SiteDay,
    SiteRef,
    Sitrep,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from haven.accounts.access import Actor

# How far back a SQLite report looks for changes of UTC offset (DST) in its time zone.
_OFFSET_HISTORY = dt.timedelta(days=2 * 366)


def report_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def report_sites(*, actor: Actor, sites: Sequence[str] | None = None) -> tuple[list[Site], bool]:
    """Return the sites a report for `actor` covers, and whether that is every site.

    Without `sites`, a report covers the sites within the actor's reach: every site for
    roles that see every site, the user's own sites otherwise (as the registry's site
    figures do). A named site outside that reach is refused like an unknown one.
    """
    if not actor.policy.read_aggregates:
        raise PermissionDenied(_("Your role does not allow reading figures."))
    scope = actor.record_site_ids
    if not sites:
        chosen = Site.objects.all() if scope is None else Site.objects.filter(id__in=scope)
        return list(chosen.order_by("slug")), scope is None
    found = {s.slug: s for s in Site.objects.filter(slug__in=[x.strip().lower() for x in sites])}
    chosen_sites: list[Site] = []
    for slug in sites:
        site = found.get(slug.strip().lower())
        if site is None or not actor.may_see_site(site.id):
            raise ValidationFailed.single("site", _("unknown site: %(site)s") % {"site": slug})
        if site not in chosen_sites:
            chosen_sites.append(site)
    everything = scope is None and len(chosen_sites) == Site.objects.count()
    return sorted(chosen_sites, key=lambda s: s.slug), everything


def sitrep_build(*, actor: Actor, date: dt.date, sites: Sequence[str] | None = None) -> Sitrep:
    """Return the situation report for the local day `date` and the given sites.

    Raise PermissionDenied for roles without aggregate figures, ValidationFailed naming
    `site` for a site that does not exist or is outside the actor's reach, and naming
    `date` for a date after today.
    """
    chosen, everything = report_sites(actor=actor, sites=sites)
    zone = report_zone()
    if date > clock.now().astimezone(zone).date():
        raise ValidationFailed.single("date", _("is in the future"))
    end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    window = queries.Window(start=end - _OFFSET_HISTORY, end=end, date=date, zone=zone,
                            site_ids=None if everything else tuple(s.id for s in chosen))
    if window.site_ids is None:
        # Every site: from the registry's arrival summaries (a scan of the person rows).
        figures = summary_queries.full_report_figures(window)
        persons = figures.persons_rows()
        site_persons = figures.site_persons_rows()
        registrations = figures.registrations_rows()
        site_households = figures.site_households_rows()
        households = figures.households
        vulnerable = figures.vulnerable
        present_at: dict[int, int] = dict(figures.present_at)
    else:
        # Some sites: a person's first arrival *there* is not on the row; group arrivals.
        with queries.temporary_tables(window) as cursor:
            persons = queries.persons_by_day(cursor, window)
            site_persons = queries.persons_by_site_day(cursor, window)
            registrations = queries.registrations_by_site_day(cursor, window)
            site_households = queries.households_by_site_day(cursor, window)
            households = queries.households_total(cursor)
            vulnerable = queries.vulnerabilities(cursor)
            present_at = queries.occupancy(cursor)
    beds = _shelter_beds(chosen, end, present_at)
    slug_of = {s.id: s.slug for s in chosen}
    registrations = [r for r in registrations if r[0] in slug_of]

    first_day = min([r[0] for r in persons] + [r[1] for r in registrations], default=date)
    days = [first_day + dt.timedelta(days=i) for i in range((date - first_day).days + 1)]
    new_by_day: dict[dt.date, Demography] = defaultdict(Demography)
    present = 0
    for day, sex, band, status, n in persons:
        new_by_day[day].add(sex, band, n)
        present += n if status == "present" else 0
    registered_by_day: dict[dt.date, int] = defaultdict(int)
    for _site, day, n in registrations:
        registered_by_day[day] += n

    series: list[DayFigures] = []
    cumulative = Demography()
    total_registrations = 0
    for day in days:
        new = new_by_day.get(day, Demography())
        cumulative.merge(new)
        total_registrations += registered_by_day.get(day, 0)
        series.append(DayFigures(
            date=day, new_arrivals=new.total, cumulative_arrivals=cumulative.total,
            registrations=registered_by_day.get(day, 0),
            cumulative_registrations=total_registrations, new=new,
            cumulative=Demography(dict(cumulative.counts)),
        ))

    site_days, site_totals = _site_series(chosen, days, site_persons, registrations,
                                          site_households)
    # Deaths and injuries come from the casualty register (haven.protection), counted at
    # the site that holds each record, up to the report's date.
    casualties = casualty_figures(date=date, site_ids=window.site_ids)
    for site in chosen:
        if site.slug in site_totals:
            counted = casualties.by_site.get(site.id, Counter())
            site_totals[site.slug].deaths = counted.get("dead", 0)
            site_totals[site.slug].injured = counted.get("injured", 0)
    return Sitrep(
        date=date, generated_at=clock.now(), time_zone=zone.key,
        sites=[_site_ref(s) for s in chosen], all_sites=everything, days=series,
        site_days=site_days, site_totals=site_totals, demography=cumulative,
        households=households, deaths=casualties.dead, injured=casualties.injured,
        present=present,
        vulnerabilities={code: vulnerable.get(code, 0) for code in VULNERABILITIES},
        occupancy=[Occupancy(site=s.slug, present=present_at.get(s.id, 0),
                             capacity=beds[s.id].capacity if s.id in beds else s.capacity)
                   for s in chosen],
        aid=aid_figures(on=date, site_ids=window.site_ids),
    )


def _shelter_beds(chosen: list[Site], end: dt.datetime,
                  present_at: dict[int, int]) -> dict[int, Beds]:
    """Return the beds of the sites with shelter units, and count who is present there.

    Where a site manages shelter units (haven.reception), who is present comes from its
    placements (checked in and not yet gone at `end`), in `present_at`, and its capacity
    from its units' beds; other sites keep the count by people's latest arrival.
    """
    beds = shelter_occupancy_at(site_ids=[s.id for s in chosen], at=end)
    present_at.update({site_id: b.present for site_id, b in beds.items()})
    return beds


def _site_series(
    chosen: list[Site], days: list[dt.date],
    site_persons: list[tuple[int, dt.date, str, str, str, int]],
    registrations: list[tuple[int, dt.date, int]],
    site_households: list[tuple[int, dt.date, int]],
) -> tuple[list[SiteDay], dict[str, SiteDay]]:
    """Return one SiteDay per site and day (cumulative figures carried on), and the last ones."""
    new: dict[tuple[int, dt.date], Demography] = defaultdict(Demography)
    for site_id, day, sex, band, _status, n in site_persons:
        new[(site_id, day)].add(sex, band, n)
    registered = {(site_id, day): n for site_id, day, n in registrations}
    households = {(site_id, day): n for site_id, day, n in site_households}
    series: list[SiteDay] = []
    last: dict[str, SiteDay] = {}
    for site in chosen:
        cumulative = Demography()
        total_registered = total_households = 0
        for day in days:
            arrived = new.get((site.id, day), Demography())
            cumulative.merge(arrived)
            total_registered += registered.get((site.id, day), 0)
            total_households += households.get((site.id, day), 0)
            entry = SiteDay(
                site=site.slug, date=day, new_arrivals=arrived.total,
                cumulative_arrivals=cumulative.total,
                registrations=registered.get((site.id, day), 0),
                cumulative_registrations=total_registered,
                new_households=households.get((site.id, day), 0),
                cumulative_households=total_households,
                cumulative=Demography(dict(cumulative.counts)),
            )
            series.append(entry)
            last[site.slug] = entry
    return series, last


def _site_ref(site: Site) -> SiteRef:
    return SiteRef(slug=site.slug, name=site.name, kind=site.kind, settlement=site.settlement,
                   province=site.province, capacity=site.capacity)
