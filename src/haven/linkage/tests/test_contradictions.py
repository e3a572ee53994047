"""Issue 16: a cluster never holds records that contradict each other.

Connected components over pairwise links chained a parent, a child and a sibling
sharing surname, phone and origin into one person. These tests are the rule: which
records contradict, that clustering never joins them, and that the refused link goes to
a reviewer with its reason.
"""

from __future__ import annotations

import pytest

from haven.linkage import contradictions as rule
from haven.linkage.engine import ScoredPair, dedupe
from haven.linkage.engine.clustering import SAME_HOUSEHOLD, cluster
from haven.linkage.tests.test_engine import table


def facts(**fields: str) -> rule.Facts:
    return rule.facts_from_text(**fields)


@pytest.mark.parametrize(("a", "b"), [
    ("Анаит", "Анит"),        # a vowel dropped in Cyrillic
    ("Նարինե", "Նաիրնե"),     # two letters swapped in Armenian
    ("Գայանե", "Գայաանե"),    # a doubled letter
    ("Сергей", "Серегй"),     # swapped in Cyrillic, then read in another script
    ("Anahit", "Анаит"),      # one name, two scripts
    ("Ani", "Anahit"),        # a short form
])
def test_spellings_and_slips_of_one_given_name_do_not_contradict(a: str, b: str) -> None:
    assert not rule.given_names_differ(facts(given_name=a), facts(given_name=b))
    assert rule.contradiction(facts(given_name=a), facts(given_name=b)) == ""


@pytest.mark.parametrize(("a", "b"), [("Gohar", "Gayane"), ("Վահե", "Տիգրան"),
                                      ("Тигран", "Armen")])
def test_given_names_that_are_not_variants_contradict(a: str, b: str) -> None:
    assert rule.contradiction(facts(given_name=a), facts(given_name=b)) == rule.GIVEN_NAMES


def test_names_written_in_each_others_place_do_not_contradict() -> None:
    assert rule.contradiction(facts(given_name="Nathan", family_name="Bishop"),
                              facts(given_name="Bishop", family_name="Naxthan")) == ""


def test_sex_far_birth_years_and_other_documents_contradict() -> None:
    assert rule.contradiction(facts(sex="female"), facts(sex="м")) == rule.SEX
    assert rule.contradiction(facts(birth_date="1960"), facts(birth_date="1985-02-01")) \
        == rule.BIRTH_YEARS
    assert rule.contradiction(facts(birth_date="1960"), facts(birth_date="1962")) == ""
    # Two digits swapped is a slip, not another person (1985 typed 1958).
    assert rule.contradiction(facts(birth_date="1985-03-14"),
                              facts(birth_date="1958-03-14")) == ""
    assert rule.contradiction(facts(document="AK 123456"), facts(document="BX 998877")) \
        == rule.DOCUMENTS
    assert rule.contradiction(facts(document="AK123456"), facts(document="AK123465")) == ""
    # Missing on one side says nothing.
    assert rule.contradiction(facts(sex="f", birth_date="1960"), facts()) == ""


@pytest.mark.parametrize(("a", "b"), [
    ("1985-03-14", "1985-03-19"),   # one digit
    ("1985-03-14", "1985-03-41"),   # two digits swapped
    ("1985-03-04", "1985-04-03"),   # day and month swapped
    ("1989-05-04", "1990-05-04"),   # the year one off (two digits change)
    ("1959-10-04", "1958-04-10"),   # a slip in each record: swapped in one, year off in the other
    ("1980-05-02", "1978-05-02"),   # the year one off in each, either way
    ("1985-01-01", "1985-09-23"),   # 1 January: the day was not known
])
def test_full_birth_dates_one_slip_apart_in_each_record_do_not_contradict(a: str, b: str
                                                                           ) -> None:
    assert rule.contradiction(facts(birth_date=a), facts(birth_date=b)) == ""


@pytest.mark.parametrize(("a", "b"), [
    ("2018-09-10", "2018-06-06"),   # sisters born the same year
    ("1996-11-10", "1996-12-08"),
    ("2023-10-16", "2023-05-20"),
])
def test_full_birth_dates_further_apart_than_slips_contradict(a: str, b: str) -> None:
    assert rule.contradiction(facts(birth_date=a), facts(birth_date=b)) == rule.BIRTH_DATES
    # The same document still names one person (a date written over by another value).
    assert rule.contradiction(facts(birth_date=a, document="AK1234567"),
                              facts(birth_date=b, document="AK1234567")) == ""
    # A year, or a year and month, on one side says nothing about the day; nor does a
    # date that is no date (a typo the registration form refuses).
    assert rule.contradiction(facts(birth_date=a[:4]), facts(birth_date=b)) == ""
    assert rule.contradiction(facts(birth_date=a[:4] + "-13-40"), facts(birth_date=b)) == ""


def test_clustering_refuses_a_chain_through_a_record_without_a_date() -> None:
    # Father (1960) and son (1985), both Armen: each links to a record with no date.
    dates = {"father": 1960, "undated": None, "son": 1985}
    facts_of = {k: rule.Facts(given_key="armen", birth_year=y) for k, y in dates.items()}
    pairs = [ScoredPair("father", "undated", 0.99, 10.0),
             ScoredPair("son", "undated", 0.97, 8.0)]
    held: dict[tuple[str, str], str] = {}
    clusters, _probabilities = cluster(
        list(dates), pairs, upper=0.95, held=held,
        contradicts=lambda a, b: rule.contradiction(facts_of[a], facts_of[b]))
    assert clusters["father"] == clusters["undated"]
    assert clusters["son"] == "son"
    assert held == {("son", "undated"): rule.BIRTH_YEARS}
    # A reviewer's must-link is never refused.
    clusters, _probabilities = cluster(
        list(dates), [], upper=0.95, must_link=[("father", "son")],
        contradicts=lambda a, b: rule.contradiction(facts_of[a], facts_of[b]))
    assert clusters["son"] == clusters["father"]


def test_the_engine_sends_a_refused_merge_to_review_with_its_reason() -> None:
    family = {"family_name": "Գրիգորյան", "phone": "+37493123456",
              "place_of_origin": "Ստեփանակերտ", "sex": "m"}
    result = dedupe(table(
        {"record_id": "father", "given_name": "Արմեն", "birth_date": "1960-04-02", **family},
        {"record_id": "undated", "given_name": "Армен", **family},
        {"record_id": "son", "given_name": "Armen", "birth_date": "1985-09-30", **family},
    ))
    assert result.clusters["father"] != result.clusters["son"]
    apart = [p for p in result.pairs
             if result.clusters[p.left_id] != result.clusters[p.right_id]]
    assert apart
    assert all(p.reason for p in apart)
    refused = [p for p in apart if p.probability >= 0.95]
    assert refused
    # Father and son: their own records contradict, so no reviewer is asked about them.
    direct = next(p for p in apart if {p.left_id, p.right_id} == {"father", "son"})
    assert direct.reason == rule.BIRTH_YEARS
    assert not direct.is_question()
    # The undated record agrees with both: a likely link refused because of the other
    # record of the cluster is a question, with the cluster's reason.
    chained = [p for p in refused if "undated" in (p.left_id, p.right_id)]
    assert [p.reason for p in chained] == [rule.CLUSTER + rule.BIRTH_YEARS]
    assert chained[0].is_question()


def test_clustering_never_puts_two_rows_of_one_household_registration_in_one_cluster() -> None:
    # Two sisters, both Ani, born the same year, registered together (household H1);
    # one of them registered again alone, undated (H2): her record is likely either.
    home = {"ani-1": "H1", "ani-2": "H1", "again": "H2"}
    pairs = [ScoredPair("again", "ani-1", 0.99, 10.0), ScoredPair("again", "ani-2", 0.98, 9.0)]
    held: dict[tuple[str, str], str] = {}
    clusters, _probabilities = cluster(list(home), pairs, upper=0.95, held=held,
                                       household=home)
    assert clusters["again"] == clusters["ani-1"]
    assert clusters["ani-2"] == "ani-2"
    assert held == {("again", "ani-2"): SAME_HOUSEHOLD}
    # Without the households the chain makes the sisters one person: the rule is needed.
    chained, _probabilities = cluster(list(home), pairs, upper=0.95)
    assert chained["ani-1"] == chained["ani-2"]
    # A reviewer's must-link is never refused, even within one registration.
    clusters, _probabilities = cluster(list(home), [], upper=0.95, household=home,
                                       must_link=[("ani-1", "ani-2")])
    assert clusters["ani-1"] == clusters["ani-2"]


def test_the_engine_keeps_sisters_of_one_registration_apart_and_asks_no_reviewer() -> None:
    family = {"family_name": "Ասատրյան", "phone": "+37494123456", "sex": "f",
              "place_of_origin": "Մարտունի"}
    result = dedupe(table(
        {"record_id": "ani-1", "given_name": "Անի", "birth_date": "2015-04-02",
         "household_id": "H1", **family},
        {"record_id": "ani-2", "given_name": "Անի", "birth_date": "2015-08-25",
         "household_id": "H1", **family},
        {"record_id": "again", "given_name": "Ани", "household_id": "H2",
         **{**family, "family_name": "Асатрян"}},
    ))
    assert result.clusters["ani-1"] != result.clusters["ani-2"]
    apart = [p for p in result.pairs
             if result.clusters[p.left_id] != result.clusters[p.right_id]]
    # Whichever sister the undated record joined, the other is kept apart for the
    # household's sake, and that is no question for a reviewer.
    assert apart
    assert all(p.reason == SAME_HOUSEHOLD and not p.is_question() for p in apart
               if p.probability >= 0.95 or "again" in (p.left_id, p.right_id))
