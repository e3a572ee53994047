"""The situation report as one object: every renderer (page, PDF, CSV, XLSX, JSON) reads it.

Counting rules (docs/reports.md):
- a *person* is a cluster of records after de-duplication: a record with `merged_into`
  set counts as the record it was merged into; a *registration* is any person record;
- a person *arrives* on the local date (settings.TIME_ZONE) of the earliest arrival of any
  of their records; at a site, on the earliest arrival at that site;
- age is on the report date, from the birth date as written (a partial date is taken at
  mid-period, as `haven.registry.birth_dates.age_on` does); sex, age, status come from
  the cluster's representative record; a vulnerability counts when any record has it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from haven.aid.selectors import AidFigures
    from haven.core.periods import Stretch
    from haven.tracing.selectors import TracingFigures

AGE_BANDS = ("0-4", "5-17", "18-59", "60+", "unknown")
SEXES = ("female", "male", "unknown")
# The vulnerabilities a report shows; "disability" is any of the six Washington Group codes.
VULNERABILITIES = ("injured", "burns", "malnourished", "disability", "unaccompanied_child",
                   "pregnant")
# Parts of the picture Haven does not record yet: shown as "not recorded", never as zero.
# Tracing cases were one until haven.tracing: a report built without its figures (a
# Sitrep made by hand) still says so.
NOT_RECORDED = ("tracing_cases_opened", "tracing_cases_matched", "tracing_cases_reunified")


@dataclass(frozen=True)
class SiteRef:
    slug: str
    name: str
    kind: str
    settlement: str
    province: str
    capacity: int | None


@dataclass
class Demography:
    """Counts of persons by sex and age band; children (<18) and elderly (60+) derived."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (sex, band) -> n

    def add(self, sex: str, band: str, n: int) -> None:
        key = (sex if sex in SEXES else "unknown", band)
        self.counts[key] = self.counts.get(key, 0) + n

    def merge(self, other: Demography) -> None:
        for (sex, band), n in other.counts.items():
            self.add(sex, band, n)

    def of(self, *, sex: str | None = None, bands: tuple[str, ...] = AGE_BANDS) -> int:
        return sum(n for (s, b), n in self.counts.items()
                   if (sex is None or s == sex) and b in bands)

    @property
    def total(self) -> int:
        return self.of()

    @property
    def female(self) -> int:
        return self.of(sex="female")

    @property
    def male(self) -> int:
        return self.of(sex="male")

    @property
    def sex_unknown(self) -> int:
        return self.of(sex="unknown")

    @property
    def children(self) -> int:
        return self.of(bands=("0-4", "5-17"))

    @property
    def adults(self) -> int:
        return self.of(bands=("18-59",))

    @property
    def elderly(self) -> int:
        return self.of(bands=("60+",))

    @property
    def age_unknown(self) -> int:
        return self.of(bands=("unknown",))


@dataclass
class DayFigures:
    """One local day: new and cumulative persons next to raw registrations.

    `children`, `elderly`, `female` and `male` are cumulative (persons arrived up to the
    end of the day), as the government tallies were ("50,000, of them 17,000 children").
    """

    date: dt.date
    new_arrivals: int = 0
    cumulative_arrivals: int = 0
    registrations: int = 0
    cumulative_registrations: int = 0
    new: Demography = field(default_factory=Demography)
    cumulative: Demography = field(default_factory=Demography)

    @property
    def children(self) -> int:
        return self.cumulative.children

    @property
    def elderly(self) -> int:
        return self.cumulative.elderly

    @property
    def female(self) -> int:
        return self.cumulative.female

    @property
    def male(self) -> int:
        return self.cumulative.male


@dataclass
class SiteDay:
    """One site on one local day: persons who first reached the site, and its registrations."""

    site: str
    date: dt.date
    new_arrivals: int = 0
    cumulative_arrivals: int = 0
    registrations: int = 0
    cumulative_registrations: int = 0
    new_households: int = 0
    cumulative_households: int = 0
    cumulative: Demography = field(default_factory=Demography)
    # Set on each site's last day only (the report date): persons who reached the site.
    deaths: int = 0
    injured: int = 0


@dataclass(frozen=True)
class Occupancy:
    site: str
    present: int
    capacity: int | None

    @property
    def share(self) -> float | None:
        return self.present / self.capacity if self.capacity else None


@dataclass
class Sitrep:
    date: dt.date
    start: dt.date  # the first day of the series shown (the figures count from the first arrival)
    generated_at: dt.datetime
    time_zone: str
    sites: list[SiteRef]
    all_sites: bool  # no site filter, and the actor sees every site
    days: list[DayFigures]
    site_days: list[SiteDay]
    demography: Demography  # persons arrived up to the end of the report date
    households: int
    deaths: int
    injured: int  # persons with an injury or burns
    present: int
    vulnerabilities: dict[str, int]
    occupancy: list[Occupancy]
    site_totals: dict[str, SiteDay] = field(default_factory=dict)  # slug -> last SiteDay
    aid: AidFigures | None = None  # haven.aid: contributions, deliveries, hand-outs
    tracing: TracingFigures | None = None  # haven.tracing: cases and children's list

    @property
    def arrivals(self) -> int:
        return self.days[-1].cumulative_arrivals if self.days else 0

    @property
    def registrations(self) -> int:
        return self.days[-1].cumulative_registrations if self.days else 0

    @property
    def is_empty(self) -> bool:
        return self.registrations == 0

    def day_stretches(self) -> list[Stretch[DayFigures]]:
        """Return the days shown: busy days one by one, long runs without arrivals as one."""
        from haven.core.periods import stretches  # noqa: PLC0415 - Django's translation

        return stretches(self.days, day=lambda d: d.date,
                         quiet=lambda d: d.new_arrivals == 0 and d.registrations == 0)

    def site(self, slug: str) -> SiteRef:
        return next(s for s in self.sites if s.slug == slug)
