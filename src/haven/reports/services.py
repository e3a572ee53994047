"""Build the situation report: one service, read by every page, file, API answer and command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from haven.aid.selectors import aid_figures
from haven.audit.selectors import audit_last_event_id
from haven.core import clock
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.core.periods import Period, period_of_data, period_parse
from haven.protection.selectors import casualty_figures
from haven.reception.selectors import Beds, shelter_occupancy_at
from haven.registry.models import Arrival, Site
from haven.reports import queries, summary_queries
from haven.reports.kept import Kept
from haven.reports.sitrep import (
    VULNERABILITIES,
    DayFigures,
    Demography,
    Occupancy,
    SiteDay,
    SiteRef,
    Sitrep,
)
from haven.rights.tally import erased_figures
from haven.tracing.selectors import tracing_figures

if TYPE_CHECKING:
    from collections.abc import Sequence

    from haven.accounts.access import Actor

# How far back a SQLite report looks for changes of UTC offset (DST) in its time zone.
_OFFSET_HISTORY = dt.timedelta(days=2 * 366)
_KEEP = 16  # reports kept per process: a few periods and site choices
_KEPT: Kept[tuple[Any, ...], Sitrep] = Kept(_KEEP)


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


def report_period(*, actor: Actor, sites: Sequence[str] | None = None,
                  start: str | None = None, end: str | None = None) -> Period:
    """Return the period a report covers: the chosen `from`–`to`, else the days with arrivals.

    The default is the first to the last local day with an arrival at the report's sites
    (haven.core.periods), so that a report of a crisis two years ago opens on that crisis,
    not on two years of zeros. ValidationFailed names `from`, `to` or `site`.
    """
    chosen, everything = report_sites(actor=actor, sites=sites)
    zone = report_zone()
    today = clock.now().astimezone(zone).date()

    def with_data() -> Period:
        arrivals = Arrival.objects.all() if everything else \
            Arrival.objects.filter(site__in=[s.id for s in chosen])
        bounds = arrivals.aggregate(first=Min("arrived_at"), last=Max("arrived_at"))
        first, last = bounds["first"], bounds["last"]
        return period_of_data(first.astimezone(zone).date() if first else None,
                              last.astimezone(zone).date() if last else None, today=today)

    return period_parse(start=start, end=end, today=today, default=with_data)


def sitrep_build(*, actor: Actor, date: dt.date, sites: Sequence[str] | None = None,
                 start: dt.date | None = None) -> Sitrep:
    """Return the situation report for the local day `date` and the given sites.

    The figures count everything up to the end of `date`; the day series (`days`,
    `site_days`) covers `start` to `date` (default: from the first day with data).
    Raise PermissionDenied for roles without aggregate figures, ValidationFailed naming
    `site` for a site that does not exist or is outside the actor's reach, and naming
    `date` for a date after today.
    """
    chosen, everything = report_sites(actor=actor, sites=sites)
    zone = report_zone()
    if date > clock.now().astimezone(zone).date():
        raise ValidationFailed.single("date", _("is in the future"))
    # The same sites, days and registry give the same figures, whoever asks: a report is
    # kept until the next audited write (haven.audit's write clock), as the open-data
    # publication is. The key holds site ids, dates and an event id, nothing personal.
    key = (tuple(s.id for s in chosen), everything, date, start, audit_last_event_id())
    kept = _KEPT.get(key)
    if kept is not None:
        return dataclasses.replace(kept, generated_at=clock.now())
    report = _sitrep_compute(chosen, everything, zone=zone, date=date, start=start)
    _KEPT.put(key, report)
    return report


def sitreps_forget() -> None:
    """Forget the reports kept (for tests that change the registry behind the audit)."""
    _KEPT.forget()


def _sitrep_compute(chosen: list[Site], everything: bool, *, zone: zoneinfo.ZoneInfo,
                    date: dt.date, start: dt.date | None) -> Sitrep:
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
    # Persons erased at their request still count, from anonymous sums (haven.rights).
    (persons, site_persons, registrations, site_households, households, vulnerable,
     present_at) = _with_erased(date, window.site_ids, (
        persons, site_persons, registrations, site_households, households, vulnerable,
        present_at))
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
    # Cumulative figures count from the first day; the series shows the chosen period.
    series, site_days = _from_day(start or first_day, series, site_days)
    # Deaths and injuries come from the casualty register (haven.protection), counted at
    # the site that holds each record, up to the report's date.
    casualties = casualty_figures(date=date, site_ids=window.site_ids)
    _count_casualties(chosen, site_totals, casualties.by_site)
    return Sitrep(
        date=date, start=series[0].date if series else date, generated_at=clock.now(),
        time_zone=zone.key,
        sites=[_site_ref(s) for s in chosen], all_sites=everything, days=series,
        site_days=site_days, site_totals=site_totals, demography=cumulative,
        households=households, deaths=casualties.dead, injured=casualties.injured,
        present=present,
        vulnerabilities={code: vulnerable.get(code, 0) for code in VULNERABILITIES},
        occupancy=[Occupancy(site=s.slug, present=present_at.get(s.id, 0),
                             capacity=beds[s.id].capacity if s.id in beds else s.capacity)
                   for s in chosen],
        aid=aid_figures(on=date, site_ids=window.site_ids),
        tracing=tracing_figures(end=end, site_ids=window.site_ids),
    )


def _count_casualties(chosen: list[Site], site_totals: dict[str, SiteDay],
                      by_site: dict[int, Counter[str]]) -> None:
    for site in chosen:
        if site.slug in site_totals:
            counted = by_site.get(site.id, Counter())
            site_totals[site.slug].deaths = counted.get("dead", 0)
            site_totals[site.slug].injured = counted.get("injured", 0)


def _from_day(start: dt.date, series: list[DayFigures],
              site_days: list[SiteDay]) -> tuple[list[DayFigures], list[SiteDay]]:
    return [d for d in series if d.date >= start], [d for d in site_days if d.date >= start]


def _with_erased(date: dt.date, site_ids: Sequence[int] | None, figures: Any) -> Any:
    """Add what persons erased (haven.rights.tally) count for to the report's figures."""
    persons, site_persons, registrations, site_households, households, vulnerable, \
        present_at = figures
    erased = erased_figures(date=date, site_ids=site_ids)

    def summed(rows: list[tuple[int, dt.date, int]]) -> list[tuple[int, dt.date, int]]:
        # Keyed by (site, day) further on: a cell of the tally adds to the day's count.
        total: Counter[tuple[int, dt.date]] = Counter()
        for site_id, day, n in rows:
            total[(site_id, day)] += n
        return [(site_id, day, n) for (site_id, day), n in total.items()]

    return ([*persons, *erased.persons], [*site_persons, *erased.site_persons],
            summed([*registrations, *erased.registrations]),
            summed([*site_households, *erased.site_households]),
            households + erased.households,
            dict(Counter(vulnerable) + erased.vulnerable),
            dict(Counter(present_at) + erased.present_at))


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
