"""The publication: every figure any request for open data can receive, suppressed once.

Open data is requested in many ways — the `sites` or the `dtm` table, CSV, XLSX or JSON,
for any sites — and each answer is a slice of one publication for the report date. The
publication has fixed geographies: **each site, each province, all sites**. Every
figure of every geography is in it once, and small-cell suppression runs once over all
of them, with every sum a reader knows (a row's sexes and its total, a province and its
sites, all sites and the sites or the provinces, a day's persons and the day before plus
its new arrivals). So no combination of requests recovers a withheld figure: asking for
`site=a&site=b` gives the rows of `a` and of `b` as published, not a new total for the
two; a province and its other sites, or all sites and the rest, are rows of the same
publication, suppressed together. (`tests/test_publication.py` tries every such
difference.)

    figures_gather(date)            the counts, from the situation report's one service
    figures_lines(figures)          the sums a reader knows
    publication_build(date=)        counts + one suppression
    geographies_for(publication, actor=, sites=)
                                    the rows a request receives: the actor's sites, their
                                    provinces when every site of one is within reach, all
                                    sites when every site is

Figures for another date are another publication; docs/reports.md says what that leaves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from haven.audit.selectors import audit_last_event_id
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.registry.models import Site
from haven.registry.provinces import province_iso_code
from haven.reports.kept import Kept
from haven.reports.services import sitrep_build
from haven.reports.sitrep import Demography
from haven.reports.suppression import Suppressed, suppress

if TYPE_CHECKING:
    from collections.abc import Sequence

    from haven.accounts.access import Actor
    from haven.reports.exports import OpenTable
    from haven.reports.sitrep import Sitrep

Cell = tuple[str, str, str]  # (geography key, ISO date, measure)
ALL = "all"
# Figures of the report date, for every geography (the `sites` table).
DATE_MEASURES = ("individuals", "female", "male", "sex_unknown", "children", "adults",
                 "elderly", "age_unknown", "killed", "injured")
# Figures of each day (the `dtm` table); households only for sites, where a household is
# counted once (a household that reached two sites of a province is one household there).
DAY_MEASURES = ("individuals", "households", "new_arrivals", "registrations")
_SUMMED_BY_DAY = ("individuals", "new_arrivals", "registrations")
_KEEP = 8  # publications kept per process: a few dates, a threshold or two
_KEPT: Kept[tuple[dt.date, int, int], Publication] = Kept(_KEEP)


@dataclass(frozen=True)
class Geography:
    key: str  # "site:goris", "province:am-su", "all"
    level: str  # "site", "province" or "all"
    sites: tuple[str, ...]  # the slugs of the sites it covers
    slug: str = ""  # a site's
    province: str = ""  # the province's name, as its sites give it


@dataclass
class Figures:
    """Counts per geography and day, before suppression."""

    date: dt.date
    days: list[dt.date]
    geographies: list[Geography]
    values: dict[Cell, int] = field(default_factory=dict)

    def of_level(self, level: str) -> list[Geography]:
        return [g for g in self.geographies if g.level == level]


@dataclass
class Publication:
    figures: Figures
    hidden: Suppressed[Cell]
    threshold: int
    sites: dict[str, Site] = field(default_factory=dict)  # slug -> site, for names and codes

    @property
    def date(self) -> dt.date:
        return self.figures.date

    def value(self, cell: Cell) -> int | None:
        """Return the published count, or None when it is withheld or not published."""
        if cell in self.hidden.cells:
            return None
        return self.figures.values.get(cell)

    def mark(self, cell: Cell) -> str:
        """Return why a cell is withheld: '<N' (a small count), 'x' (its partner) or ''."""
        if cell in self.hidden.primary:
            return f"<{self.threshold}"
        return "x" if cell in self.hidden.complementary else ""


def province_key(site: Site) -> str:
    """Return how sites are grouped into provinces: the ISO code, else the name."""
    code = site.province_code or province_iso_code(site.province)
    return "province:" + (code or " ".join(site.province.split())).casefold()


def figures_gather(date: dt.date) -> tuple[Figures, dict[str, Site]]:
    """Return the counts of every fixed geography for the local day `date`, and the sites.

    Sites and all sites come from one report over every site; each province from a
    report over its sites (a person who reached two of them counts once there).
    """
    everything = sitrep_build(actor=_publisher(), date=date)
    sites = {s.slug: s for s in Site.objects.order_by("slug")}
    days = [d.date for d in everything.days]
    figures = Figures(date=date, days=days, geographies=[])
    values = figures.values
    for slug, site in sites.items():
        geography = Geography(key=f"site:{slug}", level="site", sites=(slug,), slug=slug,
                              province=site.province)
        figures.geographies.append(geography)
        for entry in (e for e in everything.site_days if e.site == slug):
            day = entry.date.isoformat()
            values[(geography.key, day, "individuals")] = entry.cumulative_arrivals
            values[(geography.key, day, "households")] = entry.cumulative_households
            values[(geography.key, day, "new_arrivals")] = entry.new_arrivals
            values[(geography.key, day, "registrations")] = entry.registrations
        last = everything.site_totals.get(slug)
        if last is not None:
            _date_figures(values, geography.key, date, demography=last.cumulative,
                          deaths=last.deaths, injured=last.injured)
        else:
            _date_figures(values, geography.key, date, demography=None, deaths=0, injured=0)
    provinces: dict[str, list[str]] = {}
    for slug, site in sites.items():
        provinces.setdefault(province_key(site), []).append(slug)
    for key, slugs in provinces.items():
        geography = Geography(key=key, level="province", sites=tuple(slugs),
                              province=sites[slugs[0]].province)
        figures.geographies.append(geography)
        if len(slugs) == 1:  # a province of one site: the site's own figures
            _copy_figures(values, f"site:{slugs[0]}", geography.key)
            continue
        report = everything if len(slugs) == len(sites) else \
            sitrep_build(actor=_publisher(), date=date, sites=slugs)
        _report_figures(values, geography.key, report, days)
    if sites:
        geography = Geography(key=ALL, level="all", sites=tuple(sites))
        figures.geographies.append(geography)
        _report_figures(values, ALL, everything, days)
    return figures, sites


def _copy_figures(values: dict[Cell, int], source: str, target: str) -> None:
    for (key, day, measure), value in list(values.items()):
        if key == source and measure != "households":
            values[(target, day, measure)] = value


def _date_figures(values: dict[Cell, int], key: str, date: dt.date, *,
                  demography: Demography | None, deaths: int, injured: int) -> None:
    day = date.isoformat()
    figures = demography or Demography()
    values[(key, day, "individuals")] = figures.total
    for measure in ("female", "male", "sex_unknown", "children", "adults", "elderly",
                    "age_unknown"):
        values[(key, day, measure)] = getattr(figures, measure)
    values[(key, day, "killed")] = deaths
    values[(key, day, "injured")] = injured


def _report_figures(values: dict[Cell, int], key: str, report: Sitrep,
                    days: list[dt.date]) -> None:
    by_day = {d.date: d for d in report.days}
    for day in days:
        entry = by_day.get(day)
        text = day.isoformat()
        values[(key, text, "individuals")] = entry.cumulative_arrivals if entry else 0
        values[(key, text, "new_arrivals")] = entry.new_arrivals if entry else 0
        values[(key, text, "registrations")] = entry.registrations if entry else 0
    _date_figures(values, key, report.date, demography=report.demography,
                  deaths=report.deaths, injured=report.injured)


def figures_lines(figures: Figures) -> list[list[Cell]]:
    """Return every sum a reader of the publication knows, each line's total first.

    Sites are taken to add up to their province and to all sites, and provinces to all
    sites, although a person who reached two sites counts at both: as if they did is the
    cautious assumption (it withholds more, never less).
    """
    date = figures.date.isoformat()
    lines: list[list[Cell]] = []
    for geography in figures.geographies:
        key = geography.key
        lines.append([(key, date, m) for m in ("individuals", "female", "male", "sex_unknown")])
        lines.append([(key, date, m) for m in ("individuals", "children", "adults", "elderly",
                                               "age_unknown")])
    sites = {g.slug: g.key for g in figures.of_level("site")}
    provinces = figures.of_level("province")
    whole = [g.key for g in figures.of_level("all")]
    sums: list[tuple[str, list[str]]] = []  # (total, its parts)
    for province in provinces:
        sums.append((province.key, [sites[slug] for slug in province.sites]))
    if whole:
        sums.append((whole[0], list(sites.values())))
        sums.append((whole[0], [p.key for p in provinces]))
    measures = [(date, m) for m in DATE_MEASURES]
    measures += [(d.isoformat(), m) for d in figures.days for m in _SUMMED_BY_DAY
                 if (d.isoformat(), m) != (date, "individuals")]
    for day, measure in measures:
        for total, parts in sums:
            lines.append([(total, day, measure), *((part, day, measure) for part in parts)])
    for geography in figures.geographies:
        previous: str | None = None
        for day in (d.isoformat() for d in figures.days):
            line = [(geography.key, day, "individuals"), (geography.key, day, "new_arrivals")]
            if previous is not None:
                line.append((geography.key, previous, "individuals"))
            lines.append(line)
            previous = day
    return lines


def publication_build(*, date: dt.date, threshold: int | None = None) -> Publication:
    """Return the publication for the local day `date`: every geography, suppressed once.

    A publication is kept (a few per process) until the next audited write: building one
    costs a report per province of several sites (docs/benchmarks.md), and every write
    to the registry is audited in its own transaction. Raise ValidationFailed naming
    `date` for a date after today.
    """
    threshold = threshold or int(settings.REPORT_SUPPRESS_BELOW)
    key = (date, threshold, audit_last_event_id())
    kept = _KEPT.get(key)
    if kept is not None:
        return kept
    figures, sites = figures_gather(date)
    publication = publication_suppress(figures, threshold=threshold, sites=sites)
    _KEPT.put(key, publication)
    return publication


def publications_forget() -> None:
    """Forget the publications kept (for tests that change the registry behind the audit)."""
    _KEPT.forget()


def publication_suppress(figures: Figures, *, threshold: int,
                         sites: dict[str, Site] | None = None) -> Publication:
    """Return the publication of `figures`: one suppression over all of its cells.

    Days on which nothing changed anywhere (no arrival, no registration) repeat the day
    before: they are suppressed as it is, which tells a reader nothing new, and the
    suppression runs over the days that changed (a report months after the last arrival
    would otherwise solve every quiet day).
    """
    active = _active_days(figures)
    kept = {d.isoformat() for d in active}
    compact = Figures(date=figures.date, days=active, geographies=figures.geographies,
                      values={c: v for c, v in figures.values.items() if c[1] in kept})
    hidden = suppress(compact.values, figures_lines(compact), threshold=threshold)
    primary, complementary = set(hidden.primary), set(hidden.complementary)
    last = figures.days[0].isoformat() if figures.days else ""
    for day in (d.isoformat() for d in figures.days):
        if day in kept:
            last = day
            continue
        for geography in figures.geographies:
            for measure in ("individuals", "households"):
                before, cell = (geography.key, last, measure), (geography.key, day, measure)
                if before in primary:
                    primary.add(cell)
                elif before in complementary:
                    complementary.add(cell)
    hidden = Suppressed(primary=frozenset(primary), complementary=frozenset(complementary))
    return Publication(figures=figures, hidden=hidden, threshold=threshold, sites=sites or {})


def _active_days(figures: Figures) -> list[dt.date]:
    """Return the first day, the report date, and every day on which a figure changed."""
    values = figures.values
    active: list[dt.date] = []
    previous = ""
    for date in figures.days:
        day = date.isoformat()
        changed = not active or date == figures.date or any(
            values.get((g.key, day, "new_arrivals")) or values.get((g.key, day, "registrations"))
            or any(values.get((g.key, day, m)) != values.get((g.key, previous, m))
                   for m in ("individuals", "households"))
            for g in figures.geographies)
        if changed:
            active.append(date)
        previous = day
    return active


def geographies_for(publication: Publication, *, actor: Actor,
                    sites: Sequence[str] | None = None) -> list[Geography]:
    """Return the geographies a request receives, sites first, then provinces, then all.

    The sites within the actor's reach (or those of them named in `sites`); a province
    when every one of its sites is among them; all sites when every site is and there
    are several. A site that does not exist or is out of reach is refused like an
    unknown one (ValidationFailed naming `site`).
    """
    _require_figures(actor)
    known = publication.sites
    reach = {slug for slug, site in known.items() if actor.may_see_site(site.id)}
    chosen = set(reach)
    if sites:
        chosen = set()
        for slug in sites:
            cleaned = slug.strip().lower()
            if cleaned not in reach:
                raise ValidationFailed.single("site", _("unknown site: %(site)s")
                                              % {"site": slug})
            chosen.add(cleaned)
    figures = publication.figures
    result = [g for g in figures.of_level("site") if g.slug in chosen]
    result += [g for g in figures.of_level("province") if set(g.sites) <= chosen]
    if len(known) > 1 and chosen == set(known):
        result += figures.of_level("all")
    return result


def _publisher() -> Actor:
    """Return who the publication is computed as: every site, figures only; never stored."""
    from haven.accounts.access import Actor  # noqa: PLC0415 - reports sit above accounts
    from haven.accounts.models import User  # noqa: PLC0415
    from haven.accounts.roles import Role  # noqa: PLC0415

    return Actor(user=User(username="publication", role=Role.VIEWER), channel="publication")


def open_data_table(*, actor: Actor, date: dt.date, table: str,
                    sites: Sequence[str] | None = None) -> OpenTable:
    """Return an open-data table (`sites` or `dtm`) for a request: a slice of the publication.

    Raise PermissionDenied for roles without figures, ValidationFailed naming `site` for
    a site that does not exist or is out of reach, and naming `date` for a future date.
    """
    from haven.reports import exports  # noqa: PLC0415 - exports renders what this builds

    _require_figures(actor)
    publication = publication_build(date=date)
    return exports.open_table(publication, table,
                              geographies_for(publication, actor=actor, sites=sites))


def _require_figures(actor: Actor) -> None:
    if not actor.policy.read_aggregates:
        raise PermissionDenied(_("Your role does not allow reading figures."))
