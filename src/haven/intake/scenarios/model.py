"""A scenario as data: load a TOML file beside this module and check every setting.

`scenario_load("karabakh-2023")` reads ``karabakh-2023.toml`` and the name lists it
names, and returns a `Scenario`; a file with mistakes raises ValidationFailed naming
each one by its path (``tallies[3].cumulative: must be more than 6500``).
"""

from __future__ import annotations

import datetime as dt
import tomllib
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haven.core.errors import NotFound, ValidationFailed
from haven.intake.scenarios.names import SCRIPTS, NameBook, name_list_read
from haven.intake.scenarios.reading import TableReader, Triangle
from haven.registry.vocabulary import DocumentType, Relationship, SiteKind, Vulnerability

SCENARIO_DIR = Path(__file__).resolve().parent
MAX_AGE = 120
DUPLICATE_SHAPES = ("household", "person", "parent_with_children")
NAME_CHANGES = ("other_script", "other_spelling", "same")
BIRTH_CHANGES = ("same", "year", "month", "estimated")
PRECISIONS = ("day", "month", "year", "estimated")
ADULT_RELATIONSHIPS = (Relationship.CHILD, Relationship.PARENT, Relationship.SIBLING,
                       Relationship.OTHER_RELATIVE)


@dataclass(frozen=True)
class ScenarioSite:
    slug: str
    role: str  # "border" or "hub"
    kind: str
    name_en: str
    name_hy: str
    name_ru: str
    settlement: str
    province: str
    capacity: int | None
    clerk: str
    share: float = 0.0  # hubs: weight among the hubs open at the time
    delay_hours: Triangle | None = None  # hubs: hours after the border
    opens: dt.datetime | None = None  # hubs: aware; None means from the start


@dataclass(frozen=True)
class Tally:
    date: dt.date
    cumulative: int
    start: dt.time | None  # the first tally's day starts here (the corridor opened)
    until: dt.time | None  # the tally counts up to here on its day; None: the whole day
    children_share: float
    care_factor: float
    note: str


@dataclass(frozen=True)
class Convoy:
    date: dt.date
    people: int
    start: dt.time
    until: dt.time
    hub: str
    origin: str  # the Latin name of a settlement
    note: str


@dataclass(frozen=True)
class AgeBand:
    low: int
    high: int
    weight: float


@dataclass(frozen=True)
class Households:
    sizes: dict[int, float]
    spouse: float
    male_head: float
    spouse_age_gap: Triangle
    head_ages: tuple[AgeBand, ...]
    alone_ages: tuple[AgeBand, ...]
    alone_female: float
    adults: dict[str, float]
    unaccompanied: float
    grandparents_with_grandchildren: float
    phone: float
    phone_prefixes: dict[str, float]
    oldest: int
    mother_min: int
    mother_max: int


@dataclass(frozen=True)
class Naming:
    book: NameBook
    scripts: dict[str, float]
    latin_styles: dict[str, float]
    main_spelling: float
    patronymics: dict[str, float]
    dotted_dates: float
    old_names_before: int
    young_names_from: int
    era_weight: float
    off_era_weight: float


@dataclass(frozen=True)
class DocumentRule:
    type: str
    low: int
    high: int
    weight: float
    format: str
    series: tuple[str, ...]


@dataclass(frozen=True)
class VulnerabilityRate:
    code: str
    low: int
    high: int
    rate: float
    female_only: bool
    care: bool  # multiplied by the tally's care_factor


@dataclass(frozen=True)
class Casualties:
    people: int
    codes: tuple[str, ...]
    start: dt.datetime  # aware
    until: dt.datetime  # aware
    note: str


@dataclass(frozen=True)
class Settlement:
    names: dict[str, str]  # script -> name
    weight: float


@dataclass(frozen=True)
class Duplicates:
    rate: float
    delay_hours: Triangle
    shapes: dict[str, float]
    names: dict[str, float]
    birth_dates: dict[str, float]
    typo: float
    keep_patronymic: float
    keep_document: float
    keep_phone: float


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    zone: zoneinfo.ZoneInfo
    seed: int
    id_prefix: str
    sites: tuple[ScenarioSite, ...]
    tallies: tuple[Tally, ...]
    hourly: tuple[float, ...]
    convoys: tuple[Convoy, ...]
    households: Households
    naming: Naming
    precision: dict[str, float]
    estimated_from_age: int
    documents: tuple[DocumentRule, ...]
    vulnerability_rates: tuple[VulnerabilityRate, ...]
    elderly_from: int
    casualties: tuple[Casualties, ...]
    settlements: tuple[Settlement, ...]
    duplicates: Duplicates

    @property
    def border(self) -> ScenarioSite:
        return next(s for s in self.sites if s.role == "border")

    @property
    def hubs(self) -> tuple[ScenarioSite, ...]:
        return tuple(s for s in self.sites if s.role == "hub")

    @property
    def people(self) -> int:
        """Return the number of people the last tally counts."""
        return self.tallies[-1].cumulative


def scenario_names(folder: Path = SCENARIO_DIR) -> list[str]:
    """Return the names of the scenarios in `folder`, sorted."""
    return sorted(p.stem for p in folder.glob("*.toml"))


def scenario_load(name: str, *, folder: Path = SCENARIO_DIR) -> Scenario:
    """Read and check the scenario `name` (``<folder>/<name>.toml`` and its name lists).

    Raise NotFound for an unknown name, ValidationFailed naming every mistake.
    """
    if name not in scenario_names(folder):
        known = ", ".join(scenario_names(folder)) or "none"
        raise NotFound(f"no scenario {name!r} (known: {known})")
    return scenario_read(folder / f"{name}.toml")


def scenario_read(path: Path) -> Scenario:
    """Read and check the scenario file at `path`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValidationFailed({path.name: [f"is not valid TOML: {exc}"]}) from None
    errors: dict[str, list[str]] = {}
    scenario = _Loader(path, data, errors).scenario()
    if errors:
        raise ValidationFailed({f"{path.name}: {key}": messages
                                for key, messages in errors.items()})
    assert scenario is not None  # noqa: S101 - no errors, so every part was read
    return scenario


class _Loader:
    """Turn the TOML tables into the typed scenario, collecting every problem."""

    def __init__(self, path: Path, data: dict[str, Any], errors: dict[str, list[str]]) -> None:
        self.path = path
        self.root = TableReader(data, "", errors)
        self.errors = errors
        self.zone = zoneinfo.ZoneInfo("UTC")

    def scenario(self) -> Scenario | None:
        head = self.root.table("scenario")
        zone_name = head.text("time_zone")
        try:
            self.zone = zoneinfo.ZoneInfo(zone_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            head.error("time_zone", f"unknown time zone {zone_name!r}")
        title = head.text("title")
        description = head.text("description", default="")
        seed = head.integer("seed", low=0)
        id_prefix = head.text("id_prefix")
        head.finish()
        sites = self._sites()
        tallies = self._tallies()
        traffic = self.root.table("traffic")
        hourly = self._hourly(traffic)
        traffic.finish()
        households = self._households()
        naming = self._naming()
        births = self.root.table("birth_dates")
        precision = births.weights("precision", allowed=PRECISIONS)
        estimated_from_age = births.integer("estimated_from_age", low=0, high=MAX_AGE)
        births.finish()
        vulnerabilities = self.root.table("vulnerabilities")
        rates = self._rates(vulnerabilities)
        elderly_from = vulnerabilities.integer("elderly_from", low=40, high=MAX_AGE)
        vulnerabilities.finish()
        scenario = Scenario(
            name=self.path.stem, title=title, description=description, zone=self.zone,
            seed=seed, id_prefix=id_prefix, sites=sites, tallies=tallies, hourly=hourly,
            convoys=self._convoys(sites, tallies), households=households, naming=naming,
            precision=precision, estimated_from_age=estimated_from_age,
            documents=self._documents(), vulnerability_rates=rates, elderly_from=elderly_from,
            casualties=self._casualties(tallies), settlements=self._settlements(),
            duplicates=self._duplicates(),
        )
        self.root.finish()
        return None if self.errors else scenario

    # ------------------------------------------------------------------ sites
    def _sites(self) -> tuple[ScenarioSite, ...]:
        sites = []
        for reader in self.root.tables("sites"):
            role = reader.text("role")
            if role not in ("border", "hub"):
                reader.error("role", "must be 'border' or 'hub'")
            kind = reader.text("kind")
            if kind not in SiteKind.values:
                reader.error("kind", f"must be one of {', '.join(SiteKind.values)}")
            slug = reader.text("slug")
            if not slug.isascii() or not all(ch.isalnum() or ch == "-" for ch in slug) \
                    or slug != slug.lower():
                reader.error("slug", "use lower-case Latin letters, digits and hyphens")
            capacity = reader.integer("capacity", low=0, default=None) \
                if "capacity" in reader.data else None
            hub = role == "hub"
            opens = reader.local_datetime("opens") if hub else None
            site = ScenarioSite(
                slug=slug, role=role, kind=kind, name_en=reader.text("name_en"),
                name_hy=reader.text("name_hy", default=""),
                name_ru=reader.text("name_ru", default=""),
                settlement=reader.text("settlement"), province=reader.text("province"),
                capacity=capacity, clerk=reader.text("clerk"),
                share=reader.number("share", low=0, high=1) if hub else 0.0,
                delay_hours=reader.triangle("delay_hours") if hub else None,
                opens=opens.replace(tzinfo=self.zone) if opens else None,
            )
            if hub and site.share <= 0:
                reader.error("share", "a hub needs a share above 0")
            reader.finish()
            sites.append(site)
        if self.root.data.get("sites") is not None:
            roles = [s.role for s in sites]
            if roles.count("border") != 1:
                self.root.error("sites", "need exactly one site with role 'border'")
            if "hub" not in roles:
                self.root.error("sites", "need at least one site with role 'hub'")
            slugs = [s.slug for s in sites]
            if len(set(slugs)) != len(slugs):
                self.root.error("sites", "each site needs its own slug")
        return tuple(sites)

    # ------------------------------------------------------------------ tallies
    def _tallies(self) -> tuple[Tally, ...]:
        tallies: list[Tally] = []
        readers = self.root.tables("tallies")
        for index, reader in enumerate(readers):
            tally = Tally(
                date=reader.date("date"),
                cumulative=reader.integer("cumulative", low=1),
                start=reader.time("from"), until=reader.time("until"),
                children_share=reader.number("children_share", low=0, high=1),
                care_factor=reader.number("care_factor", low=0, high=100, default=1.0),
                note=reader.text("note", default=""),
            )
            if tally.start is not None and index > 0:
                reader.error("from", "only the first tally may say when arrivals began")
            if tally.until is not None and index < len(readers) - 1:
                reader.error("until", "only the last tally may end before midnight")
            if tally.start and tally.until and tally.until <= tally.start:
                reader.error("until", "must be after 'from'")
            if tallies and tally.date <= tallies[-1].date:
                reader.error("date", f"must be after {tallies[-1].date.isoformat()}")
            if tallies and tally.cumulative <= tallies[-1].cumulative:
                reader.error("cumulative", f"must be more than {tallies[-1].cumulative}")
            reader.finish()
            tallies.append(tally)
        return tuple(tallies)

    def _hourly(self, traffic: TableReader) -> tuple[float, ...]:
        values = traffic.raw("hourly")
        if not isinstance(values, list) or len(values) != 24 or any(
                isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 for v in values):
            traffic.error("hourly", "must be 24 numbers of at least 0, for hours 00 to 23")
            return (1.0,) * 24
        if not any(values):
            traffic.error("hourly", "needs at least one hour above 0")
        return tuple(float(v) for v in values)

    def _convoys(self, sites: tuple[ScenarioSite, ...],
                 tallies: tuple[Tally, ...]) -> tuple[Convoy, ...]:
        hubs = {s.slug for s in sites if s.role == "hub"}
        dates = _days(tallies)
        convoys = []
        for reader in self.root.tables("convoys", required=False):
            convoy = Convoy(
                date=reader.date("date"), people=reader.integer("people", low=1),
                start=reader.time("from") or dt.time(0), until=reader.time("until") or dt.time(0),
                hub=reader.text("hub"), origin=reader.text("origin"),
                note=reader.text("note", default=""),
            )
            if convoy.hub not in hubs:
                reader.error("hub", f"must be one of the hubs: {', '.join(sorted(hubs))}")
            if convoy.date not in dates:
                reader.error("date", "must be a day of the scenario")
            if convoy.until <= convoy.start:
                reader.error("until", "must be after 'from'")
            reader.finish()
            convoys.append(convoy)
        return tuple(convoys)

    # ------------------------------------------------------------------ households
    def _households(self) -> Households:
        reader = self.root.table("households")
        sizes: dict[int, float] = {}
        for size, weight in reader.weights("sizes").items():
            if not (size.isascii() and size.isdigit()) or not 1 <= int(size) <= 50:
                reader.error("sizes", f"a size must be a whole number from 1 to 50, not {size!r}")
            else:
                sizes[int(size)] = weight
        adults = reader.weights("adults", allowed=[str(r) for r in ADULT_RELATIONSHIPS])
        prefixes = reader.weights("phone_prefixes")
        for prefix in prefixes:
            if not (prefix.isascii() and prefix.isdigit()) or len(prefix) != 2:
                reader.error("phone_prefixes", f"{prefix!r} must be two digits")
        ages = self.root.table("ages")
        households = Households(
            sizes=sizes, spouse=reader.number("spouse", low=0, high=1),
            male_head=reader.number("male_head", low=0, high=1),
            spouse_age_gap=reader.triangle("spouse_age_gap"),
            head_ages=self._bands(reader, "head_ages"),
            alone_ages=self._bands(reader, "alone_ages"),
            alone_female=reader.number("alone_female", low=0, high=1),
            adults=adults, unaccompanied=reader.number("unaccompanied", low=0, high=0.1),
            grandparents_with_grandchildren=reader.number(
                "grandparents_with_grandchildren", low=0, high=0.5),
            phone=reader.number("phone", low=0, high=1), phone_prefixes=prefixes,
            oldest=ages.integer("oldest", low=60, high=MAX_AGE),
            mother_min=ages.integer("mother_min", low=12, high=30),
            mother_max=ages.integer("mother_max", low=30, high=60),
        )
        reader.finish()
        ages.finish()
        return households

    def _bands(self, reader: TableReader, key: str) -> tuple[AgeBand, ...]:
        bands = []
        for index, row in enumerate(reader.rows(key)):
            if len(row) != 3 or any(isinstance(v, bool) or not isinstance(v, (int, float))
                                    for v in row) or not isinstance(row[0], int) \
                    or not isinstance(row[1], int) or not 0 <= row[0] <= row[1] <= MAX_AGE \
                    or row[2] < 0:
                reader.error(f"{key}[{index}]", "must be [min age, max age, weight] with "
                                                f"0 <= min <= max <= {MAX_AGE}")
                continue
            bands.append(AgeBand(row[0], row[1], float(row[2])))
        if bands and not any(b.weight for b in bands):
            reader.error(key, "needs a band with a weight above 0")
        return tuple(bands)

    # ------------------------------------------------------------------ names
    def _naming(self) -> Naming:
        reader = self.root.table("names")
        folder = self.path.parent
        book = NameBook(
            surnames=name_list_read(folder / reader.text("surnames"), label="surnames",
                                    given=False, patronymics=False, errors=self.errors),
            female=name_list_read(folder / reader.text("female"), label="female names",
                                  given=True, patronymics=False, errors=self.errors),
            male=name_list_read(folder / reader.text("male"), label="male names",
                                given=True, patronymics=True, errors=self.errors),
        )
        naming = Naming(
            book=book, scripts=reader.weights("scripts", allowed=SCRIPTS),
            latin_styles=reader.weights("latin_styles",
                                        allowed=("eastern", "western", "russian", "german")),
            main_spelling=reader.number("main_spelling", low=0, high=1),
            patronymics=reader.weights("patronymics", allowed=SCRIPTS),
            dotted_dates=reader.number("dotted_dates", low=0, high=1),
            old_names_before=reader.integer("old_names_before", low=1900, high=2100),
            young_names_from=reader.integer("young_names_from", low=1900, high=2100),
            era_weight=reader.number("era_weight", low=0),
            off_era_weight=reader.number("off_era_weight", low=0),
        )
        for script, rate in naming.patronymics.items():
            if rate > 1:
                reader.error("patronymics", f"the rate for {script} must be at most 1")
        reader.finish()
        return naming

    # ------------------------------------------------------------------ documents
    def _documents(self) -> tuple[DocumentRule, ...]:
        rules = []
        for reader in self.root.tables("documents"):
            kind = reader.text("type")
            if kind not in DocumentType.values:
                reader.error("type", f"must be one of {', '.join(DocumentType.values)}")
            low, high = self._age_range(reader, "ages")
            rule = DocumentRule(
                type=kind, low=low, high=high, weight=reader.number("weight", low=0),
                format=reader.text("format", default=""),
                series=tuple(reader.strings("series", required=False)),
            )
            if ("{series}" in rule.format) != bool(rule.series):
                reader.error("series", "give series exactly when the format uses {series}")
            if kind != DocumentType.NONE and "#" not in rule.format:
                reader.error("format", "needs at least one digit (#)")
            reader.finish()
            rules.append(rule)
        for age in range(MAX_AGE + 1):
            if rules and not any(r.low <= age <= r.high and r.weight > 0 for r in rules):
                self.root.error("documents", f"no document rule covers age {age}")
                break
        return tuple(rules)

    def _age_range(self, reader: TableReader, key: str) -> tuple[int, int]:
        value = reader.raw(key)
        if not isinstance(value, list) or len(value) != 2 or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value) \
                or not 0 <= value[0] <= value[1] <= MAX_AGE:
            reader.error(key, f"must be [min age, max age] with 0 <= min <= max <= {MAX_AGE}")
            return 0, MAX_AGE
        return value[0], value[1]

    # ------------------------------------------------------------------ vulnerabilities
    def _rates(self, reader: TableReader) -> tuple[VulnerabilityRate, ...]:
        rates = []
        for index, row in enumerate(reader.rows("rates")):
            flags = row[4:]
            ok = (len(row) >= 4 and isinstance(row[0], str)
                  and all(isinstance(v, int) and not isinstance(v, bool) for v in row[1:3])
                  and isinstance(row[3], (int, float)) and not isinstance(row[3], bool)
                  and all(f in ("care", "female") for f in flags))
            if not ok:
                reader.error(f"rates[{index}]", "must be [code, min age, max age, rate] and "
                                                "optionally \"care\" and \"female\"")
                continue
            code, low, high, rate = row[:4]
            if code not in Vulnerability.values:
                reader.error(f"rates[{index}]", f"unknown vulnerability {code!r}")
            if not 0 <= low <= high <= MAX_AGE or not 0 <= rate <= 1:
                reader.error(f"rates[{index}]", "ages must be in order and the rate between 0 "
                                                "and 1")
            rates.append(VulnerabilityRate(code=code, low=low, high=high, rate=float(rate),
                                           female_only="female" in flags,
                                           care="care" in flags))
        return tuple(rates)

    def _casualties(self, tallies: tuple[Tally, ...]) -> tuple[Casualties, ...]:
        groups = []
        for reader in self.root.tables("casualties", required=False):
            start = reader.local_datetime("from", required=True)
            until = reader.local_datetime("until", required=True)
            codes = tuple(reader.strings("codes"))
            for code in codes:
                if code not in Vulnerability.values:
                    reader.error("codes", f"unknown vulnerability {code!r}")
            if start and until and until <= start:
                reader.error("until", "must be after 'from'")
            if start and tallies and start.date() not in _days(tallies):
                reader.error("from", "must be on a day of the scenario")
            never = dt.datetime(2000, 1, 1, tzinfo=self.zone)  # stands in for a mistake
            groups.append(Casualties(
                people=reader.integer("people", low=1), codes=codes,
                start=start.replace(tzinfo=self.zone) if start else never,
                until=until.replace(tzinfo=self.zone) if until else never,
                note=reader.text("note", default=""),
            ))
            reader.finish()
        return tuple(groups)

    # ------------------------------------------------------------------ settlements
    def _settlements(self) -> tuple[Settlement, ...]:
        settlements = []
        for reader in self.root.tables("settlements"):
            names = reader.strings("names")
            if len(names) != 3:
                reader.error("names", "give the name in Armenian, Cyrillic and Latin letters")
                names = ["?", "?", "?"]
            settlements.append(Settlement(names=dict(zip(SCRIPTS, names, strict=True)),
                                          weight=reader.number("weight", low=0)))
            reader.finish()
        return tuple(settlements)

    def _duplicates(self) -> Duplicates:
        reader = self.root.table("duplicates")
        duplicates = Duplicates(
            rate=reader.number("rate", low=0, high=0.5),
            delay_hours=reader.triangle("delay_hours"),
            shapes=reader.weights("shapes", allowed=DUPLICATE_SHAPES),
            names=reader.weights("names", allowed=NAME_CHANGES),
            birth_dates=reader.weights("birth_dates", allowed=BIRTH_CHANGES),
            typo=reader.number("typo", low=0, high=1),
            keep_patronymic=reader.number("keep_patronymic", low=0, high=1),
            keep_document=reader.number("keep_document", low=0, high=1),
            keep_phone=reader.number("keep_phone", low=0, high=1),
        )
        reader.finish()
        return duplicates


def _days(tallies: tuple[Tally, ...]) -> set[dt.date]:
    """Return every day from the first tally's to the last's."""
    if not tallies:
        return set()
    first, last = tallies[0].date, tallies[-1].date
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}

