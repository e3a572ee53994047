#!/usr/bin/env python3
"""Benchmark the name keys the linkage engine computes for every record.

Two workloads of N records (given name, surname, patronymic), a third of them in each
of Armenian, Russian and Latin script:

- realistic: names drawn from a few thousand stems, as in a real register, where the
  per-name caches do most of the work;
- distinct: every name a different made-up one, so every key is computed from scratch
  (ICU transliteration and folding): the worst case.

"cold" starts with empty caches, "warm" runs the same records again.

    .venv/bin/python bench/name_keys.py            # 100,000 records
    .venv/bin/python bench/name_keys.py --n 1000000
"""

from __future__ import annotations

import argparse
import random
import time

from haven.core.names import given_name_key, patronymic_key, surname_key, transliteration
from haven.core.names import keys as keys_module

SYLLABLES = ["var", "dan", "pet", "ros", "gri", "gor", "ha", "kob", "sar", "gis", "kha",
             "cha", "tur", "mkr", "tich", "ar", "men", "an", "na", "hit", "ti", "gran",
             "ghu", "kas", "ho", "van", "nes", "se", "rob", "zar", "mel", "ik", "av",
             "et"]  # fmt: skip
TO_CYRILLIC = {"kh": "х", "gh": "г", "ch": "ч", "sh": "ш", "zh": "ж", "ts": "ц", "a": "а",
               "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "k": "к",
               "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
               "u": "у", "f": "ф", "h": "", "y": "й"}  # fmt: skip
TO_ARMENIAN = {"kh": "խ", "gh": "ղ", "ch": "չ", "sh": "շ", "zh": "ժ", "ts": "ց", "a": "ա",
               "b": "բ", "v": "վ", "g": "գ", "d": "դ", "e": "ե", "z": "զ", "i": "ի", "k": "կ",
               "l": "լ", "m": "մ", "n": "ն", "o": "ո", "p": "պ", "r": "ր", "s": "ս", "t": "տ",
               "u": "ու", "f": "ֆ", "h": "հ", "y": "յ"}  # fmt: skip


def spell(latin: str, table: dict[str, str]) -> str:
    out, i = [], 0
    while i < len(latin):
        pair = latin[i : i + 2]
        if pair in table:
            out.append(table[pair])
            i += 2
        else:
            out.append(table.get(latin[i], latin[i]))
            i += 1
    return "".join(out)


def in_script(rng: random.Random, given: str, surname: str, father: str) -> tuple[str, str, str]:
    script = rng.randrange(3)
    if script == 0:
        return given.title(), surname.title() + "yan", father.title() + "i"
    table = TO_CYRILLIC if script == 1 else TO_ARMENIAN
    patronymic = father + ("ovna" if script == 1 else "i")
    given, surname, patronymic = (spell(p, table) for p in (given, surname + "yan", patronymic))
    return given.title(), surname.title(), patronymic.title()


def stems(rng: random.Random, n: int) -> list[str]:
    """Return n different made-up name stems of two to five syllables (45 million exist)."""
    seen: set[str] = set()
    while len(seen) < n:
        seen.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 5))))
    out = sorted(seen)
    rng.shuffle(out)
    return out


def clear_caches() -> None:
    for function in (given_name_key, surname_key, patronymic_key, keys_module.name_key,
                     keys_module._fold, transliteration._token_to_latin):  # fmt: skip
        function.cache_clear()


def run(records: list[tuple[str, str, str]]) -> float:
    start = time.perf_counter()
    for given, surname, patronymic in records:
        given_name_key(given)
        surname_key(surname)
        patronymic_key(patronymic)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--stems", type=int, default=5_000, help="stems in the realistic pool")
    args = parser.parse_args()
    rng = random.Random(2023_09_24)

    pool = stems(rng, args.stems)
    realistic = [in_script(rng, *rng.choices(pool, k=3)) for _ in range(args.n)]
    # Every given name, surname and patronymic different from all others: no cache hits.
    unique = stems(rng, 3 * args.n)
    distinct = [in_script(rng, *unique[i : i + 3]) for i in range(0, 3 * args.n, 3)]

    for label, records in (("realistic", realistic), ("distinct", distinct)):
        clear_caches()
        cold = run(records)
        warm = run(records)
        names = 3 * len(records)
        print(
            f"{label:9}  {len(records):>9,} records  {names:>9,} keys  "
            f"cold {names / cold:>10,.0f} keys/s  warm {names / warm:>10,.0f} keys/s"
        )


if __name__ == "__main__":
    main()
