#!/usr/bin/env python3
"""People registered more than once, in Armenian, Cyrillic and Latin letters, with the truth.

The cross-script linkage benchmark's data. Households are composed by the karabakh-2023
scenario's `HouseholdComposer` (its name lists, ages, relatives, documents) and written
by its clerks' hands (`Scribe.hand` / `other_hand`, names.py `spelling`, `typo`,
`patronymic`). Each household registers one to three times, each time by another hand:
another script, another Latin spelling, or the same writing with other slips. A second
registration may carry typos, a partial or wrong birth date (day and month swapped, the
year only, year and month, the year one off), a missing origin, sex, phone or document,
and the phone in another format.

Hard negatives are planted on purpose: relatives share surname, origin and phone (they
are one household); twins share their birth date, surname, father, origin and phone;
lone people are given the commonest names (Armen Grigoryan, Anahit Harutyunyan...) with
their own birth dates.

    .venv/bin/python bench/linkage/people.py --records 20000 --seed 7 --output people.csv

`generate(records, seed=...)` returns `Generated`: `records` (the engine's columns,
`household_id`, the truth column `person_id`, and `script` / `notes` describing how each
record was written) and `persons` (per true person: household, relationship, twin group,
name keys), from which `pair_kind` and `pair_variations` explain a linkage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from haven.intake.scenarios.model import Scenario, scenario_load  # noqa: E402
from haven.intake.scenarios.names import (  # noqa: E402
    NameEntry,
    patronymic,
    russian_to_latin,
    spelling,
    typo,
)
from haven.intake.scenarios.people import HouseholdComposer, Member  # noqa: E402
from haven.intake.scenarios.writing import Hand, Scribe  # noqa: E402

ENGINE_COLUMNS = ("record_id", "given_name", "family_name", "patronymic", "sex", "birth_date",
                  "place_of_origin", "phone", "document_number")
TRUTH = "person_id"
SCENARIO = "karabakh-2023"
ARRIVAL = dt.date(2023, 9, 26)
DATE_CHANGES = ("same", "day_month_swap", "year_only", "year_month", "year_off_by_one",
                "missing")


@dataclass(frozen=True)
class Variation:
    """How often each variation and hard negative occurs; the defaults are the benchmark's."""

    # Registrations of one household: once, twice, three times.
    registrations: dict[int, float] = field(default_factory=lambda: {1: 0.5, 2: 0.35, 3: 0.15})
    # How the names of a later registration are written (the scenario's own mix).
    names: dict[str, float] = field(default_factory=lambda: {
        "other_script": 0.55, "other_spelling": 0.35, "same": 0.10})
    typo: float = 0.08  # per name part of a later registration
    dates: dict[str, float] = field(default_factory=lambda: {
        "same": 0.45, "day_month_swap": 0.10, "year_only": 0.15, "year_month": 0.08,
        "year_off_by_one": 0.12, "missing": 0.10})
    keep_phone: float = 0.6
    keep_document: float = 0.5
    missing_origin: float = 0.06
    missing_sex: float = 0.03
    twins: float = 0.08  # of households with a minor child: one of them has a twin
    namesakes: float = 0.35  # of people alone: given the commonest names of their sex
    common: int = 3  # how many of the commonest given names and surnames make namesakes
    # Issue 16's hard cases (0 in Variation.classic(), the benchmark before them):
    # a slip typed in Armenian or Cyrillic letters, then read into Latin letters by
    # another clerk (neither the name key nor the Latin string agrees any more)...
    source_typo: float = 0.10  # per name part of a later registration in Latin letters
    # ... a later registration that leaves every member's birth date out (relatives
    # sharing surname, phone and origin, with nothing to tell parent from child)...
    undated_registration: float = 0.12
    # ... siblings born the same year (another day) and spouses born the same year.
    same_year_siblings: float = 0.5  # of households with two children or more
    same_year_spouses: float = 0.3

    @classmethod
    def classic(cls) -> Variation:
        """The benchmark as it was before issue 16's hard cases (for before/after figures)."""
        return cls(source_typo=0.0, undated_registration=0.0, same_year_siblings=0.0,
                   same_year_spouses=0.0)


@dataclass
class Person:
    person_id: str
    household: str
    relationship: str
    twin_group: str
    given_key: str
    family_key: str
    sex: str
    birth: dt.date
    namesake: bool


@dataclass
class Generated:
    records: pd.DataFrame
    persons: dict[str, Person]

    def engine_input(self, *, household: bool = True) -> pd.DataFrame:
        """Return the records with the engine's columns only (and `household_id`)."""
        columns = list(ENGINE_COLUMNS) + (["household_id"] if household else [])
        return self.records[columns].copy()


class _Writer:
    def __init__(self, scenario: Scenario, rng: random.Random, variation: Variation) -> None:
        self.rng = rng
        self.naming = scenario.naming
        self.scribe = Scribe(scenario, rng)
        self.variation = variation

    def spell(self, hand: Hand, entry: NameEntry) -> str:
        """Return the entry's spelling in this hand; one hand spells a name one way."""
        key = (entry.key, hand.form)
        if key not in hand.spellings:
            hand.spellings[key] = spelling(entry, hand.form, self.rng,
                                           main=self.naming.main_spelling)
        return hand.spellings[key]

    def birth(self, member: Member, change: str) -> tuple[str, list[str]]:  # noqa: PLR0911
        """Return the birth date as written and the notes on how it differs from the truth."""
        birth, precision = member.birth, member.precision
        if change == "missing" or (change == "same" and member.estimated_age is not None):
            return "", ["date_missing"]
        if change == "day_month_swap" and precision == "day" and birth.day <= 12 \
                and birth.day != birth.month:
            return f"{birth.year:04d}-{birth.day:02d}-{birth.month:02d}", ["date_day_month_swap"]
        if change == "year_off_by_one":
            year = birth.year + self.rng.choice((-1, 1))
            day = 28 if (birth.month, birth.day) == (2, 29) else birth.day
            written = dt.date(year, birth.month, day)
            if precision == "day":
                return written.isoformat(), ["date_year_off_by_one"]
            return f"{year:04d}", ["date_year_off_by_one"]
        if change == "year_only" or precision in ("year", "estimated"):
            return f"{birth.year:04d}", ["date_year_only"]
        if change == "year_month" or precision == "month":
            return f"{birth.year:04d}-{birth.month:02d}", ["date_year_month"]
        return birth.isoformat(), []

    def slip_then_latin(self, entry: NameEntry, hand: Hand) -> str:
        """Return the name with a slip typed in Armenian (or Russian) letters, read into Latin.

        A clerk copies a name from a form another clerk wrote in Armenian or Cyrillic,
        slip included, into Latin letters: with this module's own letter table (not
        Haven's transliteration), so that the benchmark does not grade Haven's tables
        with themselves.
        """
        if hand.form == "russian" and "cyrillic" in entry.forms:
            return russian_to_latin(typo(entry.forms["cyrillic"][0], self.rng))
        return armenian_to_latin(typo(entry.forms["armenian"][0], self.rng))

    def write(self, member: Member, hand: Hand, *, later: bool, origin: str, phone: str,
              undated: bool = False) -> dict[str, str]:
        rng, variation = self.rng, self.variation
        notes: list[str] = []
        given, family = self.spell(hand, member.given), self.spell(hand, member.family)
        if later and hand.script == "latin":
            if rng.random() < variation.source_typo:
                given, notes = self.slip_then_latin(member.given, hand), [
                    *notes, "typo_given_name", "typo_before_transliteration"]
            if rng.random() < variation.source_typo:
                family, notes = self.slip_then_latin(member.family, hand), [
                    *notes, "typo_family_name", "typo_before_transliteration"]
        if later and rng.random() < variation.typo:
            given, notes = typo(given, rng), [*notes, "typo_given_name"]
        if later and rng.random() < variation.typo:
            family, notes = typo(family, rng), [*notes, "typo_family_name"]
        father = (patronymic(member.father, daughter=member.sex == "female", script=hand.script)
                  if hand.patronymics else "")
        change = "missing" if undated else _draw(rng, variation.dates) if later else "same"
        birth, date_notes = self.birth(member, change)
        sex = member.sex
        if later and rng.random() < variation.missing_sex:
            sex = ""
        if later and rng.random() < variation.missing_origin:
            origin = ""
        document = member.document_number
        if later and document and rng.random() >= variation.keep_document:
            document = ""
        return {"given_name": given, "family_name": family, "patronymic": father, "sex": sex,
                "birth_date": birth, "place_of_origin": origin, "phone": phone,
                "document_number": document, "script": hand.label,
                "notes": ";".join(notes + date_notes)}


def generate(records: int, *, seed: int = 2023,
             variation: Variation | None = None) -> Generated:
    """Return `records` records of people written in three scripts, with the truth."""
    variation = variation or Variation()
    scenario = scenario_load(SCENARIO)
    rng = random.Random(seed)
    composer = HouseholdComposer(scenario, rng)
    writer = _Writer(scenario, rng, variation)
    book = scenario.naming.book
    common = {
        "female": _commonest(book.female, variation.common),
        "male": _commonest(book.male, variation.common),
        "family": _commonest(book.surnames, variation.common),
    }
    settlement_weights = [s.weight for s in scenario.settlements]
    prefixes = list(scenario.households.phone_prefixes)
    prefix_weights = [scenario.households.phone_prefixes[p] for p in prefixes]
    rows: list[dict[str, str]] = []
    persons: dict[str, Person] = {}
    households = registrations = 0
    while len(rows) < records:
        households += 1
        household = f"H{households:06d}"
        members = composer.compose(composer.size(), day=ARRIVAL, share=0.3, care=1.0)
        twin_of = _plant_twin(members, rng, variation, scenario)
        _same_years(members, rng, variation)
        namesake = len(members) == 1 and rng.random() < variation.namesakes
        if namesake:
            member = members[0]
            member.given = rng.choice(common[member.sex if member.sex in common else "male"])
            member.family = rng.choice(common["family"])
        for position, member in enumerate(members):
            member.true_id = f"P{len(persons) + 1:07d}"
            persons[member.true_id] = Person(
                person_id=member.true_id, household=household,
                relationship=member.relationship,
                twin_group=f"{household}-T" if position in twin_of else "",
                given_key=member.given.key, family_key=member.family.key, sex=member.sex,
                birth=member.birth, namesake=namesake)
        settlement = rng.choices(scenario.settlements, weights=settlement_weights)[0]
        digits = ""
        if rng.random() < scenario.households.phone:
            prefix = rng.choices(prefixes, weights=prefix_weights)[0]
            digits = f"{prefix}{rng.randrange(10**6):06d}"
        count = int(_draw(rng, {str(k): v for k, v in variation.registrations.items()}))
        hand = writer.scribe.hand()
        for time in range(count):
            later = time > 0
            if later:
                hand = writer.scribe.other_hand(hand, _draw(rng, variation.names))
            registrations += 1
            phone = writer.scribe.phone(digits) if digits and (
                not later or rng.random() < variation.keep_phone) else ""
            origin = settlement.names[hand.script]
            # A later registration may leave someone out (a person registering alone).
            chosen = members if not later or rng.random() < 0.6 else \
                rng.sample(members, rng.randint(1, len(members)))
            undated = later and len(chosen) > 1 and rng.random() < variation.undated_registration
            for member in chosen:
                row = writer.write(member, hand, later=later, origin=origin, phone=phone,
                                   undated=undated)
                row.update(person_id=member.true_id, household_id=f"R{registrations:06d}",
                           registration=str(time + 1))
                rows.append(row)
    rows = rows[:records]
    rng.shuffle(rows)
    for number, row in enumerate(rows, start=1):
        row["record_id"] = f"r{number:07d}"
    frame = pd.DataFrame(rows, columns=[*ENGINE_COLUMNS, "household_id", TRUTH, "script",
                                        "notes", "registration"])
    kept = set(frame[TRUTH])
    return Generated(records=frame, persons={k: v for k, v in persons.items() if k in kept})


def _commonest(entries: Iterable[NameEntry], count: int) -> list[NameEntry]:
    return sorted(entries, key=lambda e: -e.weight)[:count]


def _plant_twin(members: list[Member], rng: random.Random, variation: Variation,
                scenario: Scenario) -> set[int]:
    """Give one minor child a twin (same birth date, another given name); return positions."""
    children = [i for i, m in enumerate(members) if m.relationship == "child" and m.age < 18]
    if not children or rng.random() >= variation.twins:
        return set()
    position = rng.choice(children)
    child = members[position]
    sex = rng.choice(("female", "male"))
    book = scenario.naming.book
    names = [e for e in (book.female if sex == "female" else book.male)
             if e.key not in {m.given.key for m in members}]
    given = rng.choices(names, weights=[e.weight for e in names])[0]
    document = "".join(str(rng.randrange(10)) if ch.isdigit() else ch
                       for ch in child.document_number)
    members.append(replace(child, given=given, sex=sex, document_number=document,
                           vulnerabilities=[]))
    return {position, len(members) - 1}


def _same_years(members: list[Member], rng: random.Random, variation: Variation) -> None:
    """Give a child a sibling's birth year, a spouse the head's (another day): hard negatives."""
    births = [m.birth for m in members]
    # Twins keep their shared birth date: only a child born alone is moved.
    children = [m for m in members if m.relationship == "child" and births.count(m.birth) == 1]
    if len(children) >= 2 and rng.random() < variation.same_year_siblings:
        older, younger = rng.sample(children, 2)
        _move_year(younger, older.birth.year, rng)
    head = next((m for m in members if m.relationship == "head"), None)
    spouse = next((m for m in members if m.relationship == "spouse"), None)
    if head and spouse and rng.random() < variation.same_year_spouses:
        _move_year(spouse, head.birth.year, rng)


def _move_year(member: Member, year: int, rng: random.Random) -> None:
    day = member.birth.day if (member.birth.month, member.birth.day) != (2, 29) else 28
    member.birth = dt.date(year, member.birth.month, day)
    if member.birth.year == year and rng.random() < 0.5:
        member.birth = member.birth.replace(day=rng.randint(1, 28))


# Armenian letters read into Latin by a clerk: the common Eastern reading, written out
# here on purpose instead of taken from Haven (see slip_then_latin).
_ARMENIAN_LATIN = dict(zip(
    "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
    ["a", "b", "g", "d", "e", "z", "e", "y", "t", "zh", "i", "l", "kh", "ts", "k", "h",
     "dz", "gh", "ch", "m", "y", "n", "sh", "o", "ch", "p", "j", "r", "s", "v", "t", "r",
     "ts", "v", "p", "k", "o", "f"], strict=True))


def armenian_to_latin(text: str) -> str:
    """Return Armenian letters in Latin ones (ու → u, և → ev), first letter capital."""
    lowered = text.lower().replace("ու", "u").replace("և", "ev")
    latin = "".join(_ARMENIAN_LATIN.get(ch, ch) for ch in lowered)
    return latin[:1].upper() + latin[1:]


def _draw(rng: random.Random, weights: dict[str, float]) -> str:
    names = [k for k, w in weights.items() if w > 0]
    return rng.choices(names, weights=[weights[k] for k in names])[0]


# ---------------------------------------------------------------- explaining errors
_PARENTAL = {frozenset({"head", "child"}), frozenset({"spouse", "child"}),
             frozenset({"head", "parent"}), frozenset({"spouse", "parent"}),
             frozenset({"child", "grandchild"}), frozenset({"head", "grandchild"}),
             frozenset({"spouse", "grandchild"})}
_SIBLINGS = {frozenset({"child"}), frozenset({"head", "sibling"}), frozenset({"sibling"})}


def pair_kind(a: Person, b: Person) -> str:  # noqa: PLR0911 - one return per kind
    """Return what two different people are to each other: the hard negative's kind."""
    if a.household == b.household:
        if a.twin_group and a.twin_group == b.twin_group:
            return "twins"
        roles = frozenset({a.relationship, b.relationship})
        if roles == frozenset({"head", "spouse"}):
            return "spouses"
        if roles in _PARENTAL:
            return "parent_child"
        if roles in _SIBLINGS:
            return "siblings"
        return "other_relatives"
    if a.given_key == b.given_key and a.family_key == b.family_key:
        return "namesakes" if a.namesake and b.namesake else "same_name"
    if a.family_key == b.family_key:
        return "same_surname"
    return "unrelated"


def pair_variations(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """Return how two records of one person differ: the kinds of variation a match survives."""
    kinds: set[str] = set()
    script_a, script_b = a["script"].split("/")[0], b["script"].split("/")[0]
    if script_a != script_b:
        kinds.add(f"script:{'~'.join(sorted((script_a, script_b)))}")
    elif a["family_name"] != b["family_name"] or a["given_name"] != b["given_name"]:
        kinds.add("spelling")
    for record in (a, b):
        kinds.update(n for n in record["notes"].split(";") if n)
    for column in ("patronymic", "sex", "birth_date", "place_of_origin", "phone",
                   "document_number"):
        if bool(a[column]) != bool(b[column]):
            kinds.add(f"{column}_missing_one")
        elif not a[column]:
            kinds.add(f"{column}_missing_both")
    if a["phone"] and b["phone"] and a["phone"] != b["phone"]:
        kinds.add("phone_format")
    if a["birth_date"] and b["birth_date"] and a["birth_date"] != b["birth_date"]:
        kinds.add("birth_date_differs")
    return sorted(kinds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--output", type=Path, required=True, help="CSV file to write")
    parser.add_argument("--classic", action="store_true",
                        help="the benchmark before issue 16's hard cases")
    parser.add_argument("--truth", action="store_true",
                        help="also write person_id, script and notes (else engine columns)")
    options = parser.parse_args()
    generated = generate(options.records, seed=options.seed,
                         variation=Variation.classic() if options.classic else None)
    frame = generated.records if options.truth else generated.engine_input()
    frame.to_csv(options.output, index=False)
    persons = frame[TRUTH].nunique() if options.truth else generated.records[TRUTH].nunique()
    print(f"{len(frame):,} records of {persons:,} people -> {options.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
