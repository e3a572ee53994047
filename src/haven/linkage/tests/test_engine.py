"""The linkage engine on small tables: who ends up as one person, and who stays apart."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from haven.linkage import engine
from haven.linkage.engine import EngineInputError, Thresholds, dedupe, link_new, prepare_records
from haven.linkage.engine import linking as engine_linking
from haven.linkage.engine.backends import backend_for


def table(*rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{column: row.get(column, "") for column in engine.RECORD_COLUMNS}
                         | {k: v for k, v in row.items() if k not in engine.RECORD_COLUMNS}
                         for row in rows])


ANAHIT = (
    {"record_id": "kornidzor-1", "given_name": "Անահիտ", "family_name": "Վարդանյան",
     "sex": "female", "birth_date": "1948-03-12", "place_of_origin": "Ստեփանակերտ"},
    {"record_id": "goris-7", "given_name": "Анаит", "family_name": "Варданян",
     "sex": "ж", "birth_date": "1948-03-12", "place_of_origin": "Степанакерт"},
    {"record_id": "vayk-3", "given_name": "Anahit", "family_name": "Vardanian",
     "sex": "f", "birth_date": "1948-03-12", "place_of_origin": "Stepanakert"},
)
OTHERS = (
    {"record_id": "x-1", "given_name": "Armen", "family_name": "Petrosyan", "sex": "male",
     "birth_date": "1990-07-01", "place_of_origin": "Martuni"},
    {"record_id": "x-2", "given_name": "Lusine", "family_name": "Hakobyan", "sex": "female",
     "birth_date": "1985", "place_of_origin": "Hadrut"},
)


def same_cluster(result: engine.DedupeResult, *ids: str) -> bool:
    return len({result.clusters[i] for i in ids}) == 1


def test_cross_script_records_of_one_woman_are_one_cluster() -> None:
    result = dedupe(table(*ANAHIT, *OTHERS))
    assert same_cluster(result, "kornidzor-1", "goris-7", "vayk-3")
    assert result.clusters["x-1"] == "x-1"
    assert result.clusters["x-2"] == "x-2"
    assert set(result.clusters) == {r["record_id"] for r in (*ANAHIT, *OTHERS)}
    pair = next(p for p in result.pairs if {p.left_id, p.right_id} == {"goris-7", "vayk-3"})
    assert pair.left_id < pair.right_id
    assert pair.levels["given_name"] == "exact key match"
    assert pair.levels["birth_date"] == "exact"
    assert pair.bayes_factors["birth_date"] > 1000
    assert result.probabilities["vayk-3"] >= 0.95
    assert result.probabilities["x-1"] == 0.0


FAMILY = {"family_name": "Grigoryan", "place_of_origin": "Askeran", "phone": "+374 93 123456"}


def test_relatives_sharing_surname_origin_and_phone_stay_apart() -> None:
    result = dedupe(table(
        {"record_id": "father", "given_name": "Armen", "sex": "m", "birth_date": "1960-02-02",
         **FAMILY},
        {"record_id": "mother", "given_name": "Gayane", "sex": "f", "birth_date": "1962-05-20",
         **FAMILY},
        {"record_id": "son", "given_name": "Tigran", "sex": "m", "birth_date": "1988-11-30",
         "patronymic": "Armeni", **FAMILY},
        {"record_id": "daughter", "given_name": "Ani", "sex": "f", "birth_date": "1990-01-15",
         "patronymic": "Armenovna", **FAMILY},
    ))
    assert len(set(result.clusters.values())) == 4


@pytest.mark.parametrize("household", [False, True])
def test_twins_with_different_given_names_stay_apart(household: bool) -> None:
    extra = {"household_id": "h1"} if household else {}
    result = dedupe(table(
        {"record_id": "twin-a", "given_name": "Aram", "sex": "m", "birth_date": "2001-04-04",
         "patronymic": "Sergeyi", **FAMILY, **extra},
        {"record_id": "twin-b", "given_name": "Davit", "sex": "m", "birth_date": "2001-04-04",
         "patronymic": "Sergeyi", **FAMILY, **extra},
    ))
    assert not same_cluster(result, "twin-a", "twin-b")
    assert all(p.probability < 0.6 for p in result.pairs)


def test_common_name_with_different_birth_years_stays_apart() -> None:
    result = dedupe(table(
        {"record_id": "a", "given_name": "Armen", "family_name": "Grigoryan",
         "birth_date": "1975-03-01"},
        {"record_id": "b", "given_name": "Армен", "family_name": "Григорян",
         "birth_date": "1980-09-12"},
        {"record_id": "c", "given_name": "Արմեն", "family_name": "Գրիգորյան", "birth_date": "1968"},
    ))
    assert len(set(result.clusters.values())) == 3


def test_partial_dates_compare_at_their_precision() -> None:
    person = {"given_name": "Anahit", "family_name": "Vardanyan", "sex": "f",
              "place_of_origin": "Stepanakert"}
    result = dedupe(table(
        {"record_id": "full", "birth_date": "1948-03-12", **person},
        {"record_id": "month", "birth_date": "1948-03", **person},
        {"record_id": "other", "given_name": "Anahit", "family_name": "Vardanyan",
         "birth_date": "1951-03", "sex": "f"},
    ))
    assert same_cluster(result, "full", "month")
    pair = next(p for p in result.pairs if {p.left_id, p.right_id} == {"full", "month"})
    assert pair.levels["birth_date"] == "same year-month (partial date)"
    assert not same_cluster(result, "full", "other")


def test_year_only_date_alone_gives_a_review_pair_not_a_link() -> None:
    result = dedupe(table(
        {"record_id": "a", "given_name": "Anahit", "family_name": "Vardanyan",
         "birth_date": "1948-03-12"},
        {"record_id": "b", "given_name": "Anahit", "family_name": "Vardanyan",
         "birth_date": "1948"},
    ))
    assert not same_cluster(result, "a", "b")
    [pair] = result.pairs
    assert pair.levels["birth_date"] == "same year (partial date)"
    assert 0.6 <= pair.probability < 0.95


def test_day_and_month_swapped_still_links() -> None:
    result = dedupe(table(
        {"record_id": "a", "given_name": "Hakob", "family_name": "Sargsyan",
         "birth_date": "1970-03-12"},
        {"record_id": "b", "given_name": "Акоп", "family_name": "Саркисян",
         "birth_date": "1970-12-03"},
    ))
    assert same_cluster(result, "a", "b")
    assert result.pairs[0].levels["birth_date"] == "day and month swapped"


def test_cannot_link_is_honoured_and_must_link_joins() -> None:
    records = table(*ANAHIT, *OTHERS)
    result = dedupe(records, cannot_link=[("goris-7", "kornidzor-1")],
                    must_link=[("x-1", "x-2")])
    assert not same_cluster(result, "goris-7", "kornidzor-1")
    assert same_cluster(result, "x-1", "x-2")
    assert result.probabilities["x-1"] == 1.0


def test_model_reuse_gives_the_same_result_without_training(
        monkeypatch: pytest.MonkeyPatch) -> None:
    records = table(*ANAHIT, *OTHERS)
    first = dedupe(records)

    def no_training(*args: object, **kwargs: object) -> bool:
        raise AssertionError("a stored model must not be trained again")

    monkeypatch.setattr(engine_linking, "_train", no_training)
    again = dedupe(records, model=first.model)
    assert again.clusters == first.clusters
    assert [(p.left_id, p.right_id, round(p.probability, 9)) for p in again.pairs] == [
        (p.left_id, p.right_id, round(p.probability, 9)) for p in first.pairs]
    assert first.model["haven"]["format"] == "haven-linkage/1"


def test_thresholds_set_the_bands() -> None:
    records = table(
        {"record_id": "a", "given_name": "Anahit", "family_name": "Vardanyan",
         "birth_date": "1948-03-12"},
        {"record_id": "b", "given_name": "Anahit", "family_name": "Vardanyan",
         "birth_date": "1948"},
    )
    assert same_cluster(dedupe(records, thresholds=Thresholds(upper=0.8, lower=0.5)), "a", "b")
    assert dedupe(records, thresholds=Thresholds(upper=0.999, lower=0.99)).pairs == []
    with pytest.raises(ValueError, match="lower"):
        Thresholds(upper=0.5, lower=0.9)


def test_link_new_scores_new_against_existing_and_each_other_only() -> None:
    existing = table(*ANAHIT[:2], *OTHERS)
    model = dedupe(existing).model
    new = table(ANAHIT[2], {"record_id": "n-2", "given_name": "Armen",
                            "family_name": "Petrosyan", "sex": "m", "birth_date": "1990-07-01",
                            "place_of_origin": "Martuni"},
                {"record_id": "n-3", "given_name": "Армен", "family_name": "Петросян",
                 "birth_date": "1990-07-01"})
    pairs = link_new(new, existing, model=model)
    found = {(p.left_id, p.right_id) for p in pairs if p.probability >= 0.95}
    assert ("goris-7", "vayk-3") in found
    assert ("kornidzor-1", "vayk-3") in found
    assert ("n-2", "x-1") in found
    assert ("n-2", "n-3") in found
    new_ids = set(new["record_id"])
    assert all(p.left_id in new_ids or p.right_id in new_ids for p in pairs)


def test_prepare_records_derives_keys_dates_and_phone() -> None:
    prepared = prepare_records(table(
        {"record_id": "1", "given_name": "Анаит", "family_name": "Վարդանյան",
         "patronymic": "Сергеевна", "birth_date": "1948-03", "phone": "093 123456",
         "document_number": "an 0123-456", "place_of_origin": "Ստեփանակերտ", "sex": "ж"}))
    row = prepared.iloc[0]
    assert row["family_key"] == prepare_records(table(
        {"record_id": "2", "family_name": "Vardanian"})).iloc[0]["family_key"]
    assert row["given_latin"].isascii()
    assert (row["birth_year"], row["birth_month"]) == (1948, 3)
    assert pd.isna(row["birth_day"])
    assert pd.isna(row["birth_full"])
    assert row["phone"] == "+37493123456"
    assert row["document"] == "AN0123456"
    assert row["sex"] == "f"


@pytest.mark.parametrize(("rows", "column", "message"), [
    ([{"given_name": "Anahit"}], "record_id", "missing column record_id"),
    ([{"record_id": "1"}, {"record_id": "1"}], "record_id", "duplicate record_id '1'"),
    ([{"record_id": "1"}, {"record_id": "2", "birth_date": "12.03.1948"}], "birth_date",
     "row 2, column birth_date"),
    ([{"record_id": "1", "birth_date": "1948-02-30"}], "birth_date", "not a date that exists"),
])
def test_prepare_records_names_the_bad_column(rows: list[dict[str, str]], column: str,
                                              message: str) -> None:
    with pytest.raises(EngineInputError, match=message) as raised:
        prepare_records(pd.DataFrame(rows))
    assert raised.value.column == column


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        dedupe(table(*ANAHIT), engine="oracle")


def test_one_record_or_none_needs_no_pairs() -> None:
    one = dedupe(table(ANAHIT[0]))
    assert one.clusters == {"kornidzor-1": "kornidzor-1"}
    assert one.pairs == []
    assert dedupe(pd.DataFrame({"record_id": []})).clusters == {}


def test_names_written_in_each_others_place_link_though_their_keys_fold_differently() -> None:
    # Lili is "lil" as a given name and "lili" as a surname: the swapped record's keys
    # are not the other record's keys exchanged. Only the swap rules block this pair.
    person = {"sex": "f", "birth_date": "1980-05-17", "place_of_origin": "Stepanakert"}
    result = dedupe(table(
        {"record_id": "a", "given_name": "Lili", "family_name": "Hovhannisyan", **person},
        {"record_id": "b", "given_name": "Hovhannisyan", "family_name": "Lili", **person},
        {"record_id": "c", "given_name": "Hovhannisyan", "family_name": "Lili",
         "sex": "f", "birth_date": "1980-05-17"},
    ))
    assert same_cluster(result, "a", "b", "c")
    for other in ("b", "c"):
        pair = next(p for p in result.pairs if {p.left_id, p.right_id} == {"a", other})
        assert pair.levels["given_name"] == "swapped with the other name"


NEIGHBOURS = {"address_1": "", "street_number": "56", "place_of_origin": "Cowan",
              "postcode": "2084", "state": "nsw"}


def test_settlement_postcode_and_state_count_as_one_place() -> None:
    # Neighbours: one surname and one house, different given names, dates and documents.
    # Settlement, postcode and state name one place; counted as three independent
    # agreements they outweighed everything else and made the two one person.
    result = dedupe(table(
        {"record_id": "nikki", "given_name": "Nikki", "family_name": "Pascoe",
         "birth_date": "1946-06-06", "document_number": "2935651", **NEIGHBOURS},
        {"record_id": "john", "given_name": "John", "family_name": "Pascoe",
         "birth_date": "1946-07-29", "document_number": "2997582", **NEIGHBOURS},
        {"record_id": "john-2", "given_name": "John", "family_name": "Pascoe",
         "birth_date": "1946-07-29", "document_number": "2997582",
         **(NEIGHBOURS | {"place_of_origin": ""})},
    ), thresholds=Thresholds(upper=0.95, lower=0.0))
    assert not same_cluster(result, "nikki", "john")
    pair = next(p for p in result.pairs if {p.left_id, p.right_id} == {"john", "nikki"})
    assert pair.levels["postcode"] == "exact, same place of origin"
    assert pair.bayes_factors["postcode"] <= 2.0
    assert pair.levels["state"] == "exact, same place of origin or postcode"
    assert pair.bayes_factors["state"] == pytest.approx(1.0)
    # Without the settlement to vouch for the place, the postcode is weighed in full.
    alone = next(p for p in result.pairs if {p.left_id, p.right_id} == {"john", "john-2"})
    assert alone.levels["postcode"] == "exact"
    assert alone.bayes_factors["postcode"] > 100


def test_same_street_and_postcode_is_blocked_whatever_the_names_and_date() -> None:
    # Another given name, no birth date, another house number, no settlement: only the
    # street and postcode (a household's address) bring these two records together.
    address = {"family_name": "Grubb", "address_1": "Steele Street", "postcode": "6107",
               "state": "nsw"}
    result = dedupe(table(
        {"record_id": "a", "given_name": "Joanna", "street_number": "12",
         "birth_date": "1959-10-02", **address},
        {"record_id": "b", "given_name": "Erin", "street_number": "21", **address},
    ), thresholds=Thresholds(upper=0.95, lower=0.0))
    [pair] = result.pairs
    assert (pair.levels["address"], pair.levels["postcode"]) == ("exact", "exact")


def test_a_stored_model_keeps_its_values_by_level_label_when_levels_are_added() -> None:
    # A model stored before "swapped with the other name" joined the given-name
    # comparison: its trained levels after that position must still be found.
    stored = copy.deepcopy(dedupe(table(*ANAHIT, *OTHERS)).model)
    given = next(c for c in stored["comparisons"] if c["output_column_name"] == "given_name")
    given["comparison_levels"] = [
        level for level in given["comparison_levels"]
        if level.get("label_for_charts") != "swapped with the other name"]
    trained = {"Jaro-Winkler ≥ 0.92": 0.31, "different": 0.011}
    for level in given["comparison_levels"]:
        if level.get("label_for_charts") in trained:
            level["m_probability"] = trained[level["label_for_charts"]]
    backend = backend_for("duckdb")
    try:
        settings = engine_linking._settings_dict(
            stored["haven"]["columns"], backend, link_type="dedupe_only", model=stored,
            term_frequencies=False)
    finally:
        backend.close()
    levels = {level.get("label_for_charts"): level for c in settings["comparisons"]
              if c["output_column_name"] == "given_name" for level in c["comparison_levels"]}
    assert {label: levels[label]["m_probability"] for label in trained} == trained
    assert levels["swapped with the other name"]["m_probability"] == 0.02  # its start


def test_swapped_names_with_a_typo_are_weighed_as_a_swap() -> None:
    person = {"birth_date": "1995-01-07", "document_number": "5819753", "sex": "m"}
    result = dedupe(table(
        {"record_id": "a", "given_name": "Nathan", "family_name": "Bishop", **person},
        {"record_id": "b", "given_name": "Bishop", "family_name": "Naxthan", **person},
    ))
    assert same_cluster(result, "a", "b")
    pair = next(p for p in result.pairs if {p.left_id, p.right_id} == {"a", "b"})
    assert pair.levels["given_name"] == "swapped with the other name, spelt alike"
    assert pair.bayes_factors["given_name"] > 100
