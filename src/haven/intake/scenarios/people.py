"""Who is in a household: relationships, sexes, ages, birth dates, documents, needs.

`HouseholdComposer.compose(size, ...)` returns the people of one household as they are
(true ages and birth dates); how a clerk writes them down is `writing`'s business. The
share of children is steered: each new minor slot is more likely while the children
generated so far fall short of the scenario's share, so the cumulative number of
children follows the target closely instead of wandering with chance.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from haven.intake.scenarios.model import AgeBand, DocumentRule, Scenario
from haven.intake.scenarios.names import NameEntry, era_weights
from haven.registry.birth_dates import BirthDate, age_on
from haven.registry.vocabulary import Relationship, Sex, Vulnerability

ADULT = 18
# How the minor-slot probability answers the shortfall of children (per missing child).
_CHILD_BASE = 0.6
_CHILD_GAIN = 0.05


@dataclass
class Member:
    """A person as they are; `child` is by the birth date as the clerk will write it."""

    true_id: str
    relationship: str
    sex: str
    age: int
    birth: dt.date
    given: NameEntry
    family: NameEntry
    father: NameEntry
    precision: str  # day, month, year or estimated: how the birth date is written
    estimated_age: int | None
    document_type: str
    document_number: str
    vulnerabilities: list[str] = field(default_factory=list)
    child: bool = False


@dataclass(frozen=True)
class _Draft:
    relationship: str
    sex: str
    age: int


class HouseholdComposer:
    """Make households whose sizes, ages and children follow the scenario."""

    def __init__(self, scenario: Scenario, rng: random.Random) -> None:
        self.scenario = scenario
        self.rng = rng
        self.spec = scenario.households
        self.children = 0
        self.children_target = 0.0
        book = scenario.naming.book
        self.surname_weights = [e.weight for e in book.surnames]
        self._name_weights: dict[tuple[str, str], list[float]] = {}
        self.sizes = sorted(self.spec.sizes)
        self.size_weights = [self.spec.sizes[s] for s in self.sizes]

    # ---------------------------------------------------------------- sizes and shapes
    def size(self) -> int:
        return self.rng.choices(self.sizes, weights=self.size_weights)[0]

    def _band_age(self, bands: Sequence[AgeBand]) -> int:
        band = self.rng.choices(bands, weights=[b.weight for b in bands])[0]
        return self.rng.randint(band.low, band.high)

    def _child_probability(self) -> float:
        shortfall = self.children_target - self.children
        return min(0.98, max(0.02, _CHILD_BASE + _CHILD_GAIN * shortfall))

    def _drafts(self, size: int) -> list[_Draft]:
        rng, spec = self.rng, self.spec
        if rng.random() < spec.unaccompanied:
            return self._minors_alone(min(size, 3))
        if size >= 2 and rng.random() < spec.grandparents_with_grandchildren:
            return self._grandparents(size)
        if size == 1:
            sex = Sex.FEMALE if rng.random() < spec.alone_female else Sex.MALE
            return [_Draft(Relationship.HEAD, sex, self._band_age(spec.alone_ages))]
        head_age = self._band_age(spec.head_ages)
        drafts = [_Draft(Relationship.HEAD, Sex.MALE, head_age)]
        if rng.random() < spec.spouse and head_age < 90:
            male_head = rng.random() < spec.male_head
            gap = round(rng.triangular(spec.spouse_age_gap.low, spec.spouse_age_gap.high,
                                       spec.spouse_age_gap.mode))
            spouse_age = min(spec.oldest, max(ADULT, head_age - gap if male_head
                                              else head_age + gap))
            drafts = [_Draft(Relationship.HEAD, Sex.MALE if male_head else Sex.FEMALE,
                             head_age),
                      _Draft(Relationship.SPOUSE, Sex.FEMALE if male_head else Sex.MALE,
                             spouse_age)]
        else:  # most lone parents were mothers and widows
            drafts[0] = _Draft(Relationship.HEAD,
                               Sex.FEMALE if rng.random() < 0.6 else Sex.MALE, head_age)
        mother_age = next((d.age for d in drafts if d.sex == Sex.FEMALE), head_age - 3)
        p_child = self._child_probability()
        while len(drafts) < size:
            if rng.random() < p_child:
                drafts.append(self._minor(drafts, mother_age))
            else:
                drafts.append(self._adult(drafts, head_age, mother_age))
        return drafts

    def _minors_alone(self, size: int) -> list[_Draft]:
        ages = sorted((self.rng.randint(13, 17) for _ in range(size)), reverse=True)
        return [_Draft(Relationship.HEAD if i == 0 else Relationship.SIBLING,
                       self.rng.choice((Sex.FEMALE, Sex.MALE)), age)
                for i, age in enumerate(ages)]

    def _grandparents(self, size: int) -> list[_Draft]:
        rng = self.rng
        head_age = rng.randint(55, 80)
        drafts = [_Draft(Relationship.HEAD, rng.choice((Sex.FEMALE, Sex.MALE)), head_age)]
        if size >= 3 and rng.random() < 0.6:
            spouse_sex = Sex.MALE if drafts[0].sex == Sex.FEMALE else Sex.FEMALE
            drafts.append(_Draft(Relationship.SPOUSE, spouse_sex,
                                 min(self.spec.oldest, head_age + rng.randint(-4, 4))))
        # A grandchild's age: a generation of mothers' ages below a generation of mothers'.
        oldest = max(0, min(17, head_age - 2 * self.spec.mother_min))
        youngest = min(oldest, max(0, head_age - 2 * self.spec.mother_max))
        while len(drafts) < size:
            age = rng.randint(youngest, oldest)
            drafts.append(_Draft(Relationship.GRANDCHILD,
                                 rng.choice((Sex.FEMALE, Sex.MALE)), age))
        return drafts

    def _minor(self, drafts: list[_Draft], mother_age: int) -> _Draft:
        """Return a minor child of the head, or a grandchild through an adult child.

        When the parents are too old for a minor child and no adult child is there to
        be the grandchild's parent, the slot goes to an adult child: grandchildren
        travel with their parents.
        """
        rng, spec = self.rng, self.spec
        sex = Sex.FEMALE if rng.random() < 0.49 else Sex.MALE
        low, high = max(0, mother_age - spec.mother_max), min(17, mother_age - spec.mother_min)
        if low <= high:
            return _Draft(Relationship.CHILD, sex, rng.randint(low, high))
        parent = next((d for d in drafts if d.relationship == Relationship.CHILD
                       and d.age >= ADULT + 2), None)
        if parent is not None:
            low = max(0, parent.age - spec.mother_max)
            high = min(17, parent.age - spec.mother_min)
            if low <= high:
                return _Draft(Relationship.GRANDCHILD, sex, rng.randint(low, high))
        return self._adult_child(mother_age) or _Draft(Relationship.OTHER_RELATIVE, sex,
                                                       rng.randint(ADULT, 70))

    def _adult_child(self, mother_age: int) -> _Draft | None:
        high = min(mother_age - self.spec.mother_min, 70)
        if high < ADULT:
            return None
        return _Draft(Relationship.CHILD, self.rng.choice((Sex.FEMALE, Sex.MALE)),
                      self.rng.randint(ADULT, high))

    def _adult(self, drafts: list[_Draft], head_age: int, mother_age: int) -> _Draft:
        rng, spec = self.rng, self.spec
        kinds = [k for k, w in spec.adults.items() if w > 0]
        kind = rng.choices(kinds, weights=[spec.adults[k] for k in kinds])[0]
        if kind == Relationship.CHILD and (adult := self._adult_child(mother_age)):
            return adult
        if kind == Relationship.PARENT and head_age + 2 * ADULT <= spec.oldest:
            has = {d.sex for d in drafts if d.relationship == Relationship.PARENT}
            sex = Sex.FEMALE if Sex.FEMALE not in has and (Sex.MALE in has or rng.random()
                                                           < 0.62) else Sex.MALE
            if sex in has:  # both parents are already there
                kind = Relationship.OTHER_RELATIVE
            else:
                # Mothers' ages at birth, most often in the twenties.
                gap = round(rng.triangular(ADULT + 2, 40, 26))
                age = min(spec.oldest, head_age + gap)
                return _Draft(Relationship.PARENT, sex, age)
        if kind == Relationship.SIBLING:
            age = max(ADULT, min(spec.oldest, head_age + rng.randint(-10, 10)))
            return _Draft(Relationship.SIBLING, rng.choice((Sex.FEMALE, Sex.MALE)), age)
        return _Draft(Relationship.OTHER_RELATIVE, rng.choice((Sex.FEMALE, Sex.MALE)),
                      rng.randint(ADULT, 75))

    # ---------------------------------------------------------------- people
    def compose(self, size: int, *, day: dt.date, share: float,
                care: float) -> list[Member]:
        """Return the members of a household arriving on `day`, head first.

        `share` is the period's share of children (the target the composer steers to),
        `care` its care factor. The members' `true_id` is left for the caller to number.
        """
        drafts = self._drafts(size)
        book = self.scenario.naming.book
        family = self.rng.choices(book.surnames, weights=self.surname_weights)[0]
        members: list[Member] = []
        used: set[str] = set()
        head_father = self._given(Sex.MALE, born=day.year - drafts[0].age - 30, used=set())
        for draft in drafts:
            member = self._member(draft, day=day, family=family, head_father=head_father,
                                  members=members, used=used)
            members.append(member)
        self._needs(members, care=care)
        self.children += sum(m.child for m in members)
        self.children_target += share * len(members)
        return members

    def _given(self, sex: str, *, born: int, used: set[str]) -> NameEntry:
        naming = self.scenario.naming
        entries = naming.book.female if sex == Sex.FEMALE else naming.book.male
        era = "old" if born < naming.old_names_before else \
            "young" if born >= naming.young_names_from else "any"
        if (sex, era) not in self._name_weights:
            self._name_weights[sex, era] = list(itertools.accumulate(era_weights(
                entries, born=born, old_before=naming.old_names_before,
                young_from=naming.young_names_from, era_weight=naming.era_weight,
                off_era_weight=naming.off_era_weight)))
        cumulative = self._name_weights[sex, era]
        entry = entries[0]
        for _attempt in range(30):  # siblings do not share a name
            entry = self.rng.choices(entries, cum_weights=cumulative)[0]
            if entry.key not in used:
                break
        used.add(entry.key)
        return entry

    def _member(self, draft: _Draft, *, day: dt.date, family: NameEntry,
                head_father: NameEntry, members: list[Member], used: set[str]) -> Member:
        rng = self.rng
        birth = _birth_date(rng, draft.age, day)
        given = self._given(draft.sex, born=birth.year, used=used)
        own_family = family
        # Other relatives often, wives rarely, married sisters sometimes have another name.
        other_name: dict[str, float] = {
            Relationship.OTHER_RELATIVE: 0.6, Relationship.SPOUSE: 0.1,
            Relationship.SIBLING: 0.3 if draft.sex == Sex.FEMALE else 0.0,
        }
        if rng.random() < other_name.get(draft.relationship, 0.0):
            book = self.scenario.naming.book
            own_family = rng.choices(book.surnames, weights=self.surname_weights)[0]
        father = self._father(draft, members, head_father, born=birth.year)
        precision, estimated = self._precision(draft.age)
        document_type, number = self._document(draft.age)
        member = Member(
            true_id="",
            relationship=draft.relationship, sex=draft.sex, age=draft.age, birth=birth,
            given=given, family=own_family, father=father, precision=precision,
            estimated_age=estimated, document_type=document_type, document_number=number,
        )
        member.child = written_age(member, day) < ADULT
        return member

    def _father(self, draft: _Draft, members: list[Member], head_father: NameEntry, *,
                born: int) -> NameEntry:
        head = members[0] if members else None
        if draft.relationship == Relationship.HEAD:
            return head_father
        if draft.relationship == Relationship.SIBLING:
            return head_father
        if draft.relationship == Relationship.CHILD:
            father = next((m for m in members if m.sex == Sex.MALE and m.relationship in
                           (Relationship.HEAD, Relationship.SPOUSE)), None)
            if father is not None:
                return father.given
        if draft.relationship == Relationship.GRANDCHILD and head is not None:
            son = next((m for m in members if m.relationship == Relationship.CHILD
                        and m.sex == Sex.MALE and m.age >= ADULT), None)
            if son is not None:
                return son.given
        return self._given(Sex.MALE, born=born - 30, used=set())

    def _precision(self, age: int) -> tuple[str, int | None]:
        weights = dict(self.scenario.precision)
        if age >= self.scenario.estimated_from_age and "estimated" in weights:
            weights["estimated"] *= 2
        precision = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        if precision != "estimated":
            return precision, None
        error = self.rng.choice((-2, -1, 0, 0, 0, 1, 2)) if age >= 30 else 0
        return precision, max(0, age + error)

    def _document(self, age: int) -> tuple[str, str]:
        rules = [r for r in self.scenario.documents if r.low <= age <= r.high and r.weight > 0]
        rule = self.rng.choices(rules, weights=[r.weight for r in rules])[0]
        return rule.type, document_number(rule, self.rng)

    def _needs(self, members: list[Member], *, care: float) -> None:
        rng = self.rng
        for member in members:
            for rate in self.scenario.vulnerability_rates:
                if not rate.low <= member.age <= rate.high:
                    continue
                if rate.female_only and member.sex != Sex.FEMALE:
                    continue
                chance = rate.rate * (care if rate.care else 1.0)
                if rng.random() < chance and rate.code not in member.vulnerabilities:
                    member.vulnerabilities.append(rate.code)
        adults = [m for m in members if m.age >= ADULT]
        if len(members) == 1 and members[0].age >= self.scenario.elderly_from:
            members[0].vulnerabilities.append(Vulnerability.ELDERLY_ALONE)
        has_adult_son_or_daughter = any(m.relationship == Relationship.CHILD
                                        and m.age >= ADULT for m in members)
        for member in members:
            if member.age >= ADULT:
                continue
            if not adults:
                member.vulnerabilities.append(Vulnerability.UNACCOMPANIED_CHILD)
            elif not (member.relationship == Relationship.CHILD
                      or (member.relationship == Relationship.GRANDCHILD
                          and has_adult_son_or_daughter)):
                member.vulnerabilities.append(Vulnerability.SEPARATED_CHILD)


def _birth_date(rng: random.Random, age: int, day: dt.date) -> dt.date:
    """Return a birth date that makes someone `age` on `day` and is before `day`."""
    latest = _years_before(day, age)
    if latest >= day:
        latest = day - dt.timedelta(days=1)
    earliest = _years_before(day, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def written_age(member: Member, day: dt.date) -> int:
    """Return the age on `day` that the birth date as written gives (as reports compute it)."""
    if member.estimated_age is not None:
        return member.estimated_age
    birth = member.birth
    if member.precision == "day":
        written = BirthDate(birth.year, birth.month, birth.day)
    elif member.precision == "month":
        written = BirthDate(birth.year, birth.month)
    else:
        written = BirthDate(birth.year)
    age = age_on(written, day)
    return age if age is not None else member.age


def document_number(rule: DocumentRule, rng: random.Random) -> str:
    """Return a number in the rule's format: # is a digit, {series} one of the series."""
    if not rule.format:
        return ""
    text = rule.format.replace("{series}", rng.choice(rule.series) if rule.series else "")
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in text)
