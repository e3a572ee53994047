"""The linkage model: comparisons, their levels and starting values, blocking rules.

Each comparison is a list of levels, most specific first; the first level whose SQL
condition holds for a pair sets that pair's Bayes factor for the comparison. Every
level carries a starting m and u (what a register of displaced people looks like):
training replaces them where the data has enough pairs to say better, and a level the
data never shows keeps its starting value instead of Splink's 1e-6 placeholder.

Names compare on the keys of `haven.core.names` (exact key: Վարդանյան = Варданян =
Vardanian) and on their Latin letters with Jaro-Winkler. Relatives break the
independence the Fellegi-Sunter model assumes (they share surname, origin, phone,
household and often a birth date), so one comparison, "kinship", recognises their
patterns and carries a fixed Bayes factor against a link that training leaves alone.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect

LinkType = Literal["dedupe_only", "link_only"]
MODEL_FORMAT = "haven-linkage/1"
# Before any training: about one pair in ten thousand is a match in a register where a
# few per cent of people were registered twice.
PRIOR_PROBABILITY_TWO_RECORDS_MATCH = 1e-4
# Names written in each other's place, each within this Jaro-Winkler of the other
# record's: a swap and a typo together (Nathan Bishop, "Bishop Naxthan").
SWAPPED_ALIKE = 0.9


@dataclass(frozen=True)
class Level:
    label: str
    level: ComparisonLevelCreator
    m: float
    u: float
    tf_column: str | None = None
    fixed: bool = False  # m and u are set by hand and never trained


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: Sequence[Level]
    columns: tuple[str, ...] = field(default=())

    def creator(self) -> ComparisonCreator:
        levels: list[ComparisonLevelCreator | dict[str, Any]] = [
            cll.Or(*(cll.NullLevel(c) for c in self.columns)).configure(
                is_null_level=True, label_for_charts="null")
        ] if self.columns else []
        for spec in self.levels:
            options: dict[str, Any] = {"label_for_charts": spec.label, "m_probability": spec.m,
                                       "u_probability": spec.u}
            if spec.tf_column:
                options["tf_adjustment_column"] = spec.tf_column
                options["tf_adjustment_weight"] = 1.0
            if spec.fixed:
                options["fix_m_probability"] = True
                options["fix_u_probability"] = True
            levels.append(copy.copy(spec.level).configure(**options))
        return cl.CustomComparison(comparison_levels=levels, output_column_name=self.name,
                                   comparison_description=self.description)


def _custom(sql: str) -> cll.CustomLevel:
    return cll.CustomLevel(sql)


def _else() -> cll.ElseLevel:
    return cll.ElseLevel()


class _CrossJaroWinklerLevel(ComparisonLevelCreator):
    """Jaro-Winkler of one column on the left against another on the right, both ways.

    Holds when left.a is like right.b and left.b like right.a: names written in each
    other's place, one of them misspelt. Splink's own levels compare a column with
    itself; the function name comes from the backend's dialect, as theirs does.
    """

    def __init__(self, a: str, b: str, threshold: float) -> None:
        self.a, self.b, self.threshold = a, b, threshold

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        jw = sql_dialect.jaro_winkler_function_name
        return (f"{jw}({self.a}_l, {self.b}_r) >= {self.threshold} AND "
                f"{jw}({self.b}_l, {self.a}_r) >= {self.threshold}")

    def create_label_for_charts(self) -> str:
        return f"{self.a} and {self.b} alike crosswise"


def _name(name: str, key: str, latin: str, description: str, *, swapped: str | None = None,
          other_latin: str | None = None) -> Comparison:
    """Return a name comparison; `swapped` is the SQL condition of names written reversed.

    With `other_latin` (the other name's Latin letters), a swap with a misspelt name
    (Nathan Bishop, "Bishop Naxthan") is a level too. It is tried only after the names
    compared in place have failed, so its two Jaro-Winklers run on few pairs.
    """
    levels = [Level("exact key match", cll.ExactMatchLevel(key), 0.85, 0.005, tf_column=key)]
    if swapped:
        # Given and family name written in each other's place.
        levels.append(Level("swapped with the other name", _custom(swapped), 0.02, 1e-5))
    levels += [
        Level("Jaro-Winkler ≥ 0.92", cll.JaroWinklerLevel(latin, 0.92), 0.07, 0.004),
        Level("Jaro-Winkler ≥ 0.8", cll.JaroWinklerLevel(latin, 0.8), 0.04, 0.04),
    ]
    if other_latin:
        levels.append(Level("swapped with the other name, spelt alike",
                            _CrossJaroWinklerLevel(latin, other_latin, SWAPPED_ALIKE),
                            0.01, 1e-5))
    levels.append(Level("different", _else(), 0.02, 0.95))
    return Comparison(name, description, levels, columns=(key,))


# Given and family name written in each other's place, seen from either record: one
# record's given name is the other's family name read as a given name, and vice versa
# (the keys fold given names and surnames differently, so the plain keys may differ).
_SWAPPED_ONE_WAY = ("given_key_l = family_as_given_key_r AND "
                    "family_key_l = given_as_family_key_r")
_SWAPPED_OTHER_WAY = ("given_key_r = family_as_given_key_l AND "
                      "family_key_r = given_as_family_key_l")

_SWAPPED = f"({_SWAPPED_ONE_WAY}) OR ({_SWAPPED_OTHER_WAY})"

_BOTH_FULL = "birth_day_l IS NOT NULL AND birth_day_r IS NOT NULL"
_ONE_PARTIAL = "(birth_day_l IS NULL OR birth_day_r IS NULL)"


def _birth_date() -> Comparison:
    return Comparison("birth_date", "Birth date, at the precision both records give", [
        Level("exact", cll.ExactMatchLevel("birth_full"), 0.80, 5e-5),
        Level("day and month swapped", _custom(
            f"{_BOTH_FULL} AND birth_year_l = birth_year_r AND "
            "birth_month_l = birth_day_r AND birth_day_l = birth_month_r"), 0.02, 1e-6),
        Level("one digit differs", cll.LevenshteinLevel("birth_full", 1), 0.07, 5e-4),
        Level("same year-month (partial date)", _custom(
            f"{_ONE_PARTIAL} AND birth_ym_l = birth_ym_r"), 0.02, 5e-4),
        Level("same year-month", cll.ExactMatchLevel("birth_ym"), 0.01, 1e-3),
        Level("same year (partial date)", _custom(
            "(birth_month_l IS NULL OR birth_month_r IS NULL) AND "
            "birth_year_l = birth_year_r"), 0.03, 0.012),
        Level("same year", _custom("birth_year_l = birth_year_r"), 0.02, 0.012),
        Level("year ±1", _custom("abs(birth_year_l - birth_year_r) = 1"), 0.02, 0.025),
        Level("different", _else(), 0.01, 0.95),
    ], columns=("birth_year",))


def _exact(name: str, column: str, description: str, m: float, u: float) -> Comparison:
    return Comparison(name, description, [
        Level("exact", cll.ExactMatchLevel(column), m, u),
        Level("different", _else(), 1 - m, 1 - u),
    ], columns=(column,))


def _document() -> Comparison:
    return Comparison("document_number", "Identity document number", [
        Level("exact", cll.ExactMatchLevel("document"), 0.7, 1e-6),
        Level("one character differs", cll.DamerauLevenshteinLevel("document", 1), 0.15, 1e-5),
        Level("two characters differ", cll.DamerauLevenshteinLevel("document", 2), 0.05, 1e-4),
        Level("different", _else(), 0.1, 1.0),
    ], columns=("document",))


def _origin() -> Comparison:
    return Comparison("place_of_origin", "Settlement of origin, in any script", [
        Level("exact key match", cll.ExactMatchLevel("origin_key"), 0.85, 0.05,
              tf_column="origin_key"),
        Level("Jaro-Winkler ≥ 0.9", cll.JaroWinklerLevel("origin_latin", 0.9), 0.08, 0.01),
        Level("different", _else(), 0.07, 0.94),
    ], columns=("origin_key",))


def _given_names_differ() -> ComparisonLevelCreator:
    return cll.And(cll.Not(cll.ExactMatchLevel("given_key")),
                   cll.Not(cll.JaroWinklerLevel("given_latin", 0.8)))


def _kinship(household: bool) -> Comparison:
    # Hand-set Bayes factors (m/u), never trained. Relatives share surname, phone,
    # origin, patronymic and household, and twins a birth date too: each of those
    # agreements multiplies the odds as if it were independent evidence, and together
    # they outweigh a different given name. Random pairs almost never show these
    # patterns, so a u estimated from them would say nothing; these factors undo the
    # shared evidence when the given names clearly differ (keys differ and
    # Jaro-Winkler < 0.8): such pairs are at most a question for a reviewer.
    levels = []
    if household:
        levels.append(Level("same household, different given name", cll.And(
            cll.ExactMatchLevel("household"), _given_names_differ()), 1e-14, 0.1, fixed=True))
    levels += [
        # Phone or sex ties the pair to one family: FEBRL-like files record neither, and
        # there a surname and birth date shared under a garbled given name is more often
        # one person.
        Level("same surname and birth date, different given name (twins?)", cll.And(
            cll.ExactMatchLevel("family_key"), cll.ExactMatchLevel("birth_full"),
            cll.Or(cll.ExactMatchLevel("phone"), cll.ExactMatchLevel("sex")),
            _given_names_differ()), 1e-14, 0.01, fixed=True),
        Level("same surname and phone, different given name (relatives?)", cll.And(
            cll.ExactMatchLevel("family_key"), cll.ExactMatchLevel("phone"),
            _given_names_differ()), 1e-12, 0.01, fixed=True),
        # Ani and Anait, Garen and Garabed: relatives' names can be close. With the
        # family's phone and surname, a given name that is only similar needs other
        # evidence (a birth date) before the pair links.
        Level("same surname and phone, similar given name (relatives?)", cll.And(
            cll.ExactMatchLevel("family_key"), cll.ExactMatchLevel("phone"),
            cll.Not(cll.ExactMatchLevel("given_key")),
            cll.Not(cll.JaroWinklerLevel("given_latin", 0.92))), 1e-5, 0.01, fixed=True),
    ]
    if household:
        levels.append(Level("same household", cll.ExactMatchLevel("household"), 0.2, 0.4,
                            fixed=True))
    levels.append(Level("no relatives pattern", _else(), 1.0, 1.0, fixed=True))
    return Comparison("kinship", "Patterns of relatives, who share much but are two people",
                      levels)


def _extras(columns: Sequence[str]) -> list[Comparison]:
    extras = []
    if "address_latin" in columns:
        extras.append(Comparison("address", "Street address", [
            Level("exact", cll.ExactMatchLevel("address_latin"), 0.7, 1e-4),
            Level("Jaro-Winkler ≥ 0.9", cll.JaroWinklerLevel("address_latin", 0.9), 0.15, 1e-3),
            Level("Jaro-Winkler ≥ 0.75", cll.JaroWinklerLevel("address_latin", 0.75), 0.05, 0.05),
            Level("different", _else(), 0.1, 0.95),
        ], columns=("address_latin",)))
    # A postcode names much the same place as the settlement, and a state holds both:
    # counted as independent, three agreements on one place (26 bits on a million
    # FEBRL-shaped records) outweigh two different names and birth dates, and
    # neighbours become one person. Agreement that the settlement already vouches for
    # carries a small fixed factor; only agreement beyond it is weighed in full.
    if "postcode" in columns:
        extras.append(Comparison("postcode", "Postcode", [
            Level("exact, same place of origin", cll.And(
                cll.ExactMatchLevel("postcode"), cll.ExactMatchLevel("origin_key")),
                  0.8, 0.4, fixed=True),
            Level("exact", cll.ExactMatchLevel("postcode"), 0.8, 1e-3, tf_column="postcode"),
            Level("one character differs", cll.DamerauLevenshteinLevel("postcode", 1),
                  0.1, 0.02),
            Level("different", _else(), 0.1, 0.98),
        ], columns=("postcode",)))
    if "street_number" in columns:
        extras.append(_exact("street_number", "street_number", "Street number", 0.8, 0.01))
    if "state" in columns:
        same_place = [cll.ExactMatchLevel("origin_key")]
        if "postcode" in columns:
            same_place.append(cll.ExactMatchLevel("postcode"))
        extras.append(Comparison("state", "State or region", [
            Level("exact, same place of origin or postcode", cll.And(
                cll.ExactMatchLevel("state"), cll.Or(*same_place)), 1.0, 1.0, fixed=True),
            Level("exact", cll.ExactMatchLevel("state"), 0.9, 0.25),
            Level("different", _else(), 0.1, 0.75),
        ], columns=("state",)))
    return extras


def comparisons(columns: Sequence[str]) -> list[Comparison]:
    """Return the comparisons for a prepared table with these columns."""
    return [
        _name("given_name", "given_key", "given_latin", "Given name",
              swapped=_SWAPPED, other_latin="family_latin"),
        # The family name compares as written: a swap is weighed once, by the given name.
        _name("family_name", "family_key", "family_latin", "Family name"),
        Comparison("patronymic", "Patronymic, as the father's given name", [
            Level("exact key match", cll.ExactMatchLevel("patronymic_key"), 0.85, 0.02),
            Level("Jaro-Winkler ≥ 0.88", cll.JaroWinklerLevel("patronymic_key", 0.88),
                  0.08, 0.02),
            Level("different", _else(), 0.07, 0.96),
        ], columns=("patronymic_key",)),
        _birth_date(),
        _exact("sex", "sex", "Sex", 0.97, 0.5),
        _exact("phone", "phone", "Phone number (E.164)", 0.7, 1e-4),
        _document(),
        _origin(),
        _kinship("household" in columns),
        *_extras(columns),
    ]


def _sql_rule(condition: str) -> str:
    """Return a comparison's SQL condition (column_l, column_r) as a blocking rule (l., r.)."""
    return re.sub(r"\b(\w+)_([lr])\b", r"\2.\1", condition)


def blocking_rules(columns: Sequence[str]) -> list[BlockingRuleCreator | dict[str, Any]]:
    """Return the rules that pick the pairs to score: cheap, and together high recall."""
    rules: list[BlockingRuleCreator | dict[str, Any]] = [
        # Name + year alone makes blocks of thousands in a million records (Armen, 1980):
        # each rule pairs a name with a second, finer piece of evidence.
        block_on("given_key", "family_key"),
        block_on("family_key", "given_initial", "birth_year"),
        block_on("given_key", "birth_full"),
        block_on("given_key", "birth_year", "origin_key"),
        block_on("given_key", "birth_year", "patronymic_key"),
        # One name exact, the other only by its initial: a typo in a name, in a town.
        block_on("family_key", "given_initial", "origin_key"),
        block_on("given_key", "family_initial", "origin_key"),
        block_on("birth_full", "given_initial"),
        block_on("birth_full", "family_initial"),
        block_on("phone", "birth_year"),
        block_on("phone", "given_initial"),
        block_on("document"),
        # Names written in each other's place; one rule per direction, since an OR
        # would not be an equality join.
        {"blocking_rule": _sql_rule(_SWAPPED_ONE_WAY)},
        {"blocking_rule": _sql_rule(_SWAPPED_OTHER_WAY)},
    ]
    if "postcode" in columns and "street_number" in columns:
        rules.append(block_on("postcode", "street_number"))
    if "address_latin" in columns:
        # The same street in the same place: a household's address, whoever typed the
        # names or the birth date wrong. A street and a birth year alone would pair every
        # "Main Street" born in 1980 (1.3 million pairs in a million records).
        if "postcode" in columns:
            rules.append(block_on("address_latin", "postcode"))
        rules.append(block_on("address_latin", "origin_key"))
        rules.append(block_on("address_latin", "street_number"))
    if "postcode" in columns:
        rules.append(block_on("birth_full", "postcode"))
    return rules


# EM needs rules that leave a mix of matches and non-matches; together they must leave
# every comparison out of at least one rule, so that every m gets estimated.
TRAINING_RULES: tuple[tuple[str, ...], ...] = (
    ("birth_full",),
    ("given_key", "family_key"),
)
DETERMINISTIC_RULES: tuple[tuple[str, ...], ...] = (
    ("given_key", "family_key", "birth_full"),
    ("document", "birth_year"),
)


def settings(columns: Sequence[str], *, link_type: LinkType = "dedupe_only") -> SettingsCreator:
    """Return the untrained Splink settings for a prepared table with these columns."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="record_id",
        probability_two_random_records_match=PRIOR_PROBABILITY_TWO_RECORDS_MATCH,
        comparisons=[c.creator() for c in comparisons(columns)],
        blocking_rules_to_generate_predictions=blocking_rules(columns),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def level_labels(columns: Sequence[str]) -> dict[str, list[str]]:
    """Return, per comparison, its level labels in Splink's order (null first, if any)."""
    return {c.name: (["null"] if c.columns else []) + [lv.label for lv in c.levels]
            for c in comparisons(columns)}
