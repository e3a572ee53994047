"""The linkage benchmarks' data: deterministic, truthful, and holding the hard cases."""

from __future__ import annotations

import collections
import re

import pandas as pd
import pytest
from bench.linkage import adversarial, febrl_shaped
from bench.linkage.metrics import cluster_scores, pair_scores, wrong_pairs
from bench.linkage.people import (
    ENGINE_COLUMNS,
    TRUTH,
    Variation,
    generate,
    pair_kind,
    pair_variations,
)

DATE = re.compile(r"^$|^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.fixture(scope="module")
def people():
    return generate(3000, seed=11)


def test_same_seed_same_records_other_seed_others(people):
    again = generate(3000, seed=11)
    pd.testing.assert_frame_equal(people.records, again.records)
    other = generate(3000, seed=12)
    assert not people.records["given_name"].equals(other.records["given_name"])


def test_records_carry_the_engine_columns_and_the_truth(people):
    records = people.records
    assert len(records) == 3000
    assert list(people.engine_input().columns) == [*ENGINE_COLUMNS, "household_id"]
    assert records["record_id"].is_unique
    assert all(isinstance(v, str) for c in ENGINE_COLUMNS for v in records[c])
    assert records["birth_date"].map(DATE.match).notna().all()
    assert set(records[TRUTH]) == set(people.persons)


def test_truth_is_consistent_with_what_is_written(people):
    for person_id, rows in people.records.groupby(TRUTH):
        person = people.persons[person_id]
        assert set(rows["sex"]) - {""} <= {person.sex}
        years = {int(v[:4]) for v in rows["birth_date"] if v}
        assert all(abs(year - person.birth.year) <= 1 for year in years)
        # A person is written once per registration, never twice in one.
        assert rows["household_id"].is_unique
    registered_twice = people.records.groupby(TRUTH).size().gt(1).sum()
    assert registered_twice > 300


def test_one_person_is_written_in_several_scripts(people):
    records = people.records
    assert set(records["script"].str.split("/").str[0]) == {"armenian", "cyrillic", "latin"}
    scripts = records.groupby(TRUTH)["script"].agg(lambda s: len({v.split("/")[0] for v in s}))
    assert (scripts >= 2).sum() > 100
    assert "ա" in "".join(records["family_name"]) or "յ" in "".join(records["family_name"])
    assert any(re.search("[а-я]", v) for v in records["family_name"])


def test_variations_are_there(people):
    notes = collections.Counter(n for v in people.records["notes"] for n in v.split(";") if n)
    for kind in ("typo_given_name", "typo_family_name", "date_day_month_swap",
                 "date_year_only", "date_year_month", "date_year_off_by_one", "date_missing"):
        assert notes[kind] > 0, kind
    phones = [v for v in people.records["phone"] if v]
    assert len({re.sub(r"\d", "9", v) for v in phones}) >= 3  # several ways to write one


def test_hard_negatives_are_there(people):
    persons = list(people.persons.values())
    kinds = collections.Counter()
    by_household = collections.defaultdict(list)
    for person in persons:
        by_household[person.household].append(person)
    for members in by_household.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                kinds[pair_kind(a, b)] += 1
    assert kinds["twins"] > 0
    assert kinds["spouses"] > 0
    assert kinds["siblings"] > 0
    assert kinds["parent_child"] > 0
    twins = [p for p in persons if p.twin_group]
    pairs = collections.defaultdict(list)
    for twin in twins:
        pairs[twin.twin_group].append(twin)
    for a, b in (group for group in pairs.values() if len(group) == 2):
        assert a.birth == b.birth
        assert a.given_key != b.given_key
        assert a.family_key == b.family_key
    namesakes = collections.defaultdict(set)
    for person in persons:
        if person.namesake:
            namesakes[person.given_key, person.family_key].add(person.birth)
    assert max(len(births) for births in namesakes.values()) >= 3


def test_relatives_share_surname_origin_and_phone_in_their_records(people):
    records = people.records[people.records["phone"] != ""]
    shared = records.groupby(["household_id", "family_name", "place_of_origin", "phone"])[
        TRUTH].nunique()
    assert (shared >= 2).sum() > 50


def test_pair_variations_name_what_differs():
    a = {"script": "armenian", "given_name": "Անահիտ", "family_name": "Վարդանյան",
         "patronymic": "", "sex": "female", "birth_date": "1980-05-03",
         "place_of_origin": "Մարտունի", "phone": "+374 97 123456", "document_number": "",
         "notes": ""}
    b = {**a, "script": "cyrillic", "given_name": "Анаит", "family_name": "Варданян",
         "birth_date": "1980-03-05", "phone": "097 123456", "notes": "date_day_month_swap"}
    kinds = pair_variations(a, b)
    assert "script:armenian~cyrillic" in kinds
    assert "date_day_month_swap" in kinds
    assert "phone_format" in kinds
    assert "document_number_missing_both" in kinds


def test_scores_count_pairs_from_clusters():
    truth = pd.Series({"a": "1", "b": "1", "c": "1", "d": "2", "e": "3"})
    clusters = pd.Series({"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"})
    scores = cluster_scores(truth, clusters)
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (3, 2, 1)
    assert scores.precision == 0.5
    assert scores.recall == pytest.approx(1 / 3)
    missed, false = wrong_pairs(truth, clusters)
    assert sorted(missed) == [("a", "c"), ("b", "c")]
    assert false == [("c", "d")]
    assert pair_scores(truth, ["a", "c"], ["b", "d"]).correct_pairs == 1


def test_febrl_shaped_table_is_deterministic_with_duplicates_of_originals():
    table = febrl_shaped.generate(2000, seed=3)
    pd.testing.assert_frame_equal(table, febrl_shaped.generate(2000, seed=3))
    assert len(table) == 2000
    assert table["rec_id"].is_unique
    duplicates = table[table["rec_id"].str.contains("-dup-")]
    assert len(duplicates) == 300  # 15%
    entity = duplicates["rec_id"].str.extract(r"rec-(\d+)-dup")[0].astype(int)
    assert (entity.to_numpy() == duplicates[febrl_shaped.TRUTH].to_numpy()).all()
    originals = table[table["rec_id"].str.endswith("-org")].set_index(febrl_shaped.TRUTH)
    kept = duplicates[duplicates[febrl_shaped.TRUTH].isin(originals.index)]
    differs = [any(row[c] != originals.loc[row[febrl_shaped.TRUTH], c]
                   for c in febrl_shaped.COLUMNS) for _, row in kept.iterrows()]
    assert len(differs) > 100
    assert sum(differs) / len(differs) > 0.9  # nearly every duplicate is corrupted


def test_the_hardened_benchmark_holds_issue_16s_hard_cases(people):
    records = people.records
    notes = records["notes"]
    assert notes.str.contains("typo_before_transliteration").sum() > 20
    # Later registrations of several members with no birth date at all.
    undated = records.groupby("household_id")["birth_date"].agg(
        lambda dates: len(dates) > 1 and (dates == "").all())
    assert undated.sum() > 10
    # Siblings born the same year: two children of one household, one birth year.
    children = [p for p in people.persons.values() if p.relationship == "child"]
    by_household = collections.defaultdict(list)
    for child in children:
        by_household[child.household].append(child.birth.year)
    assert sum(len(years) != len(set(years)) for years in by_household.values()) > 10
    classic = generate(3000, seed=11, variation=Variation.classic())
    assert not classic.records["notes"].str.contains("typo_before_transliteration").any()


def test_the_adversarial_generator_is_its_own_and_deterministic():
    first = adversarial.generate(2000, seed=3)
    pd.testing.assert_frame_equal(first, adversarial.generate(2000, seed=3))
    assert set(ENGINE_COLUMNS) <= set(first.columns)
    assert first["person_id"].nunique() < len(first)  # people registered more than once
    assert {"armenian", "cyrillic", "latin-eastern", "latin-western"} <= set(first["script"])
    assert first["notes"].str.contains("slip_given_armenian").any()
    assert first["notes"].str.contains("slip_given_cyrillic").any()
