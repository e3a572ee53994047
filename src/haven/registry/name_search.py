"""Find persons by a name typed in any script or spelling, and say why each one ranks.

This is not a second name matcher: the keys are `haven.core.names` (Վարդանյան,
Варданян and Vartanian share one key), the levels and their Bayes factors are the
linkage engine's (`haven.linkage.engine.model`), read from its starting m and u. What
this module adds is what a search needs and a batch linkage does not:

- **candidates from the database's indexes.** A typed name is a handful of words in an
  unknown order (given name first, or family name first, a patronymic in the middle).
  Each reading asks the indexes on the stored keys for the persons whose family key
  *and* given key are the typed ones or one edit away (a typo that survives folding),
  then for those with one key exact and the birth year within one (a name misspelt
  beyond one edit, or a married name). Keys one edit away are listed in full (a key of
  nine letters has some 350 neighbours over the keys' 18 letters), so every lookup is an
  equality on an indexed column: a million persons cost the same few index probes as a
  thousand. Names spelt further off are found last, among the registry's distinct keys
  (haven.registry.name_vocabulary).
- **one score per candidate**: the sum of the engine's match weights (log2 m/u) for the
  levels each field reaches, under the reading of the typed words that scores best, and
  the phrases that say which fields agree and how strongly.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import jellyfish
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from haven.core.names import given_name_key, name_key, patronymic_key, surname_key, to_latin

# The letters a folded key is written in (haven.core.names.keys): b, d, g, j, q, w, x, y
# and c alone never survive the folding, but c and h do in "ch", "sh", "ts".
KEY_LETTERS = "acefhiklmnoprstuvz"
MAX_WORDS = 4
_NOT_LETTER = re.compile("[^a-z]+")
_WORD = re.compile(r"[^\s,;]+")

# The engine's labels, and the phrase a person reads for each (translated when shown).
EXACT, JW92, JW80, DIFFERENT = ("exact key match", "Jaro-Winkler ≥ 0.92", "Jaro-Winkler ≥ 0.8",
                                "different")
_PHRASES = {
    ("given_name", EXACT): gettext_noop("given name: the same name, in any script"),
    ("given_name", JW92): gettext_noop("given name: spelt almost alike"),
    ("given_name", JW80): gettext_noop("given name: spelt somewhat alike"),
    ("given_name", DIFFERENT): gettext_noop("given name: different"),
    ("family_name", EXACT): gettext_noop("family name: the same name, in any script"),
    ("family_name", JW92): gettext_noop("family name: spelt almost alike"),
    ("family_name", JW80): gettext_noop("family name: spelt somewhat alike"),
    ("family_name", DIFFERENT): gettext_noop("family name: different"),
    ("patronymic", "exact key match"): gettext_noop("patronymic: the same father's name"),
    ("patronymic", "Jaro-Winkler ≥ 0.88"): gettext_noop("patronymic: spelt alike"),
    ("patronymic", DIFFERENT): gettext_noop("patronymic: different"),
    ("birth_date", "same year (partial date)"): gettext_noop("birth year: the same"),
    ("birth_date", "year ±1"): gettext_noop("birth year: one year apart"),
    ("birth_date", DIFFERENT): gettext_noop("birth year: different"),
    ("sex", "exact"): gettext_noop("sex: the same"),
    ("sex", DIFFERENT): gettext_noop("sex: different"),
    ("place_of_origin", EXACT): gettext_noop("settlement of origin: the same, in any script"),
    ("place_of_origin", "Jaro-Winkler ≥ 0.9"): gettext_noop("settlement of origin: spelt alike"),
    ("place_of_origin", DIFFERENT): gettext_noop("settlement of origin: different"),
}
# Age is a birth year the searcher worked out: the engine's birth-year levels, its own words.
_AGE_PHRASES = {
    "same year (partial date)": gettext_noop("age: matches"),
    "year ±1": gettext_noop("age: about one year off"),
    DIFFERENT: gettext_noop("age: different"),
}


@functools.cache
def level_weights() -> dict[tuple[str, str], float]:
    """Return {(comparison, level label): match weight in bits} from the engine's model."""
    # Imported on first use: the engine brings Splink, which a page that never searches
    # by name need not load.
    from haven.linkage.engine.model import comparisons  # noqa: PLC0415
    from haven.linkage.engine.records import RECORD_COLUMNS  # noqa: PLC0415

    return {(c.name, level.label): math.log2(level.m / level.u)
            for c in comparisons(RECORD_COLUMNS) for level in c.levels}


@functools.lru_cache(maxsize=1 << 17)
def latin_letters(text: str) -> str:
    """Return the lowercase Latin letters of a name, as the engine's Jaro-Winkler sees them."""
    return _NOT_LETTER.sub("", to_latin(text).lower())


def words_of(name: str) -> list[str]:
    """Return the words of a typed name (at most MAX_WORDS), hyphenated names kept whole."""
    return _WORD.findall(name)[:MAX_WORDS]


def near_keys(key: str) -> set[str]:
    """Return the key and every key one edit away (delete, insert, replace, transpose)."""
    if not key:
        return set()
    found = {key}
    for i in range(len(key) + 1):
        head, tail = key[:i], key[i:]
        if tail:
            found.add(head + tail[1:])
            if len(tail) > 1:
                found.add(head + tail[1] + tail[0] + tail[2:])
        for letter in KEY_LETTERS:
            found.add(head + letter + tail)
            if tail:
                found.add(head + letter + tail[1:])
    found.discard("")
    return found


@dataclass(frozen=True)
class Reading:
    """One way to read the typed words: which is the given, family and father's name."""

    given: str
    family: str
    patronymic: str = ""

    @property
    def given_key(self) -> str:
        return given_name_key(self.given)

    @property
    def family_key(self) -> str:
        return surname_key(self.family)


def readings(words: list[str]) -> Iterator[Reading]:
    """Yield the readings of the typed words: given/family in either order, and with a
    third word, the Russian order (family given patronymic) and given patronymic family."""
    if len(words) == 1:
        # One word: a family name or a given name; both are tried against both keys.
        yield Reading(given=words[0], family=words[0])
        return
    if len(words) == 2:
        yield Reading(given=words[0], family=words[1])
        yield Reading(given=words[1], family=words[0])
        return
    first, middle, last = words[0], " ".join(words[1:-1]), words[-1]
    yield Reading(given=first, family=last, patronymic=middle)
    yield Reading(given=middle, family=first, patronymic=last)
    yield Reading(given=first, family=" ".join(words[1:]))
    yield Reading(given=last, family=first, patronymic=middle)


@dataclass(frozen=True)
class Query:
    """What the searcher knows: the typed name and the details that narrow it."""

    words: tuple[str, ...]
    birth_year: int | None = None
    origin: str = ""
    sex: str = ""
    age_year: int | None = None  # a birth year worked out from an age


@dataclass(frozen=True)
class Candidate:
    """What scoring needs of a stored person (kept apart from the model for the bench)."""

    given_name: str
    family_name: str
    patronymic: str
    given_name_key: str
    family_name_key: str
    sex: str
    birth_year: int | None
    place_of_origin: str


def _name_level(typed: str, typed_key: str, stored: str, stored_key: str) -> str:
    if typed_key and typed_key == stored_key:
        return EXACT
    similarity = jellyfish.jaro_winkler_similarity(latin_letters(typed), latin_letters(stored))
    if similarity >= 0.92:
        return JW92
    if similarity >= 0.8:
        return JW80
    return DIFFERENT


# A search compares one typed year with a stored one, so it weighs them by its own m and u
# (log2 m/u), not by the engine's birth-date levels: those are the levels left once two
# full dates already disagree (the engine's "same year" means "same year, other day"),
# which makes a year one off count against a person and below a record with no year at
# all. A searcher's year is the person's own in some 70 cases in 100 and one off in 25
# (a relative's recollection, an age turned into a year); two persons of a register share
# a year about once in 60 and are one apart about once in 30.
SEARCH_YEAR_WEIGHTS = {
    "same year (partial date)": math.log2(0.70 * 60),  # about 5.4 bits
    "year ±1": math.log2(0.25 * 30),  # about 2.9
    DIFFERENT: math.log2(0.05 / 0.95),  # about -4.2
}


def _year_level(year: int | None, stored: int | None) -> str | None:
    if year is None or stored is None:
        return None
    gap = abs(year - stored)
    return "same year (partial date)" if gap == 0 else "year ±1" if gap == 1 else DIFFERENT


def score(query: Query, person: Candidate, *,
          year_weights: Mapping[str, float] | None = None) -> tuple[float, tuple[str, ...]]:
    """Return the match weight of a stored person for the query, and the reasons (untranslated).

    The best reading of the typed words wins; each field adds the engine's weight of the
    level it reaches, a field either side lacks adds nothing (the engine's null level).
    `year_weights` replaces the engine's birth-year weights: a search ranks with
    SEARCH_YEAR_WEIGHTS; the alerts keep the engine's, which their threshold is set in.
    """
    weights = level_weights()
    if year_weights is None:
        year_weights = {level: weights[("birth_date", level)]
                        for level in ("same year (partial date)", "year ±1", DIFFERENT)}
    best: tuple[float, list[tuple[str, str]]] = (-math.inf, [])
    if len(query.words) == 1:
        # One word is a given name or a family name: the field it agrees with best
        # counts, and the other field is unknown (the engine's null level), not different.
        word = query.words[0]
        for field, key, stored, stored_key in (
                ("given_name", given_name_key(word), person.given_name, person.given_name_key),
                ("family_name", surname_key(word), person.family_name, person.family_name_key)):
            level = (field, _name_level(word, key, stored, stored_key))
            if weights[level] > best[0]:
                best = (weights[level], [level])
    for reading in readings(list(query.words)) if len(query.words) > 1 else ():
        levels = [
            ("given_name", _name_level(reading.given, reading.given_key,
                                       person.given_name, person.given_name_key)),
            ("family_name", _name_level(reading.family, reading.family_key,
                                        person.family_name, person.family_name_key)),
        ]
        if reading.patronymic and person.patronymic:
            same = patronymic_key(reading.patronymic) == patronymic_key(person.patronymic)
            alike = same or jellyfish.jaro_winkler_similarity(
                patronymic_key(reading.patronymic), patronymic_key(person.patronymic)) >= 0.88
            levels.append(("patronymic", "exact key match" if same
                           else "Jaro-Winkler ≥ 0.88" if alike else DIFFERENT))
        total = sum(weights[level] for level in levels)
        if total > best[0]:
            best = (total, levels)
    total, levels = best
    reasons = [_PHRASES[level] for level in levels]
    year = _year_level(query.birth_year, person.birth_year)
    if year is not None:
        total += year_weights[year]
        reasons.append(_PHRASES[("birth_date", year)])
    elif (age := _year_level(query.age_year, person.birth_year)) is not None:
        total += year_weights[age]
        reasons.append(_AGE_PHRASES[age])
    if query.sex and person.sex in ("female", "male"):
        sex = "exact" if query.sex == person.sex else DIFFERENT
        total += weights[("sex", sex)]
        reasons.append(_PHRASES[("sex", sex)])
    if query.origin and person.place_of_origin:
        origin = _origin_level(query.origin, person.place_of_origin)
        total += weights[("place_of_origin", origin)]
        reasons.append(_PHRASES[("place_of_origin", origin)])
    return total, tuple(reasons)


def _origin_level(typed: str, stored: str) -> str:
    if name_key(typed) == name_key(stored):
        return EXACT
    if jellyfish.jaro_winkler_similarity(latin_letters(typed), latin_letters(stored)) >= 0.9:
        return "Jaro-Winkler ≥ 0.9"
    return DIFFERENT


def translate(reasons: tuple[str, ...]) -> tuple[str, ...]:
    """Return the reasons in the active language."""
    return tuple(_(reason) for reason in reasons)
