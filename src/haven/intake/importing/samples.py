"""Write realistic import files, reproducibly: for the benchmark, tests and trying it out.

Households of 1-6 persons (3.5 on average) with names in Armenian letters, in Russian
spelling and transliterated, as registration teams typed them in 2023. Household `n` has
the place of origin "Village n", so a test can find each household again.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

COLUMNS = ["household_key", "given_name", "family_name", "patronymic", "sex", "birth_date",
           "relationship", "phone", "place_of_origin"]
GIVEN = {
    "armenian": (["Անահիտ", "Նարինե", "Մարիամ", "Գայանե", "Լուսինե", "Սիրանուշ", "Հասմիկ"],
                 ["Տիգրան", "Արմեն", "Հովհաննես", "Դավիթ", "Սերգեյ", "Արամ", "Նարեկ"]),
    "cyrillic": (["Анаит", "Нарине", "Мариам", "Гаяне", "Лусине", "Сирануш", "Асмик"],
                 ["Тигран", "Армен", "Оганес", "Давид", "Сергей", "Арам", "Нарек"]),
    "latin": (["Anahit", "Narine", "Mariam", "Gayane", "Lusine", "Siranush", "Hasmik"],
              ["Tigran", "Armen", "Hovhannes", "Davit", "Sergey", "Aram", "Narek"]),
}
FAMILIES = {
    "armenian": ["Վարդանյան", "Հարությունյան", "Գրիգորյան", "Պետրոսյան", "Սարգսյան"],
    "cyrillic": ["Варданян", "Арутюнян", "Григорян", "Петросян", "Саргсян"],
    "latin": ["Vardanyan", "Harutyunyan", "Grigoryan", "Petrosyan", "Sargsyan"],
}
# A father's name as a son's and a daughter's patronymic, as on Soviet-era papers.
PATRONYMICS = {"Тигран": ("Тигранович", "Тиграновна"), "Армен": ("Арменович", "Арменовна"),
               "Давид": ("Давидович", "Давидовна"), "Арам": ("Арамович", "Арамовна")}
SCRIPTS = tuple(GIVEN)


def sample_households(households: int, *, seed: int = 2023,
                      start: int = 0) -> Iterator[list[list[str]]]:
    """Yield households `start` .. `start + households - 1`, each as its person rows."""
    for number in range(start, start + households):
        household = random.Random(f"{seed}-{number}")  # noqa: S311 - test data, not secrets
        script = household.choice(SCRIPTS)
        family = household.choice(FAMILIES[script])
        women, men = GIVEN[script]
        father = household.choice(sorted(PATRONYMICS)) if script == "cyrillic" else ""
        size = household.choice((1, 2, 2, 3, 3, 4, 4, 5, 6, 5))
        rows: list[list[str]] = []
        used: set[str] = set()
        for position in range(size):
            sex = household.choice(("female", "male"))
            names = [n for n in (women if sex == "female" else men) if n not in used]
            if not names:
                sex = "female" if sex == "male" else "male"
                names = [n for n in (women if sex == "female" else men) if n not in used]
            given = household.choice(names)
            used.add(given)
            relationship = "head" if position == 0 else household.choice(
                ("spouse", "child", "child") if position == 1 else ("child",))
            if position == 0:
                born = head = household.randint(1940, 1995)
            elif relationship == "spouse":
                born = head + household.randint(-5, 5)
            else:
                born = min(head + household.randint(18, 40), 2022)
            patronymic = PATRONYMICS[father][sex == "female"] if father else ""
            rows.append([
                f"H{number:07d}", given, family, patronymic, sex,
                f"{born}-{household.randint(1, 12):02d}-{household.randint(1, 28):02d}",
                relationship,
                f"+374 97 {household.randint(100000, 999999)}" if position == 0 else "",
                f"Village {number}" if position == 0 else "",
            ])
        yield rows


def sample_csv(path: Path, households: int, *, seed: int = 2023, start: int = 0,
               encoding: str = "utf-8", delimiter: str = ",") -> int:
    """Write households to a CSV file with a header; return the number of person rows."""
    count = 0
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(COLUMNS)
        for rows in sample_households(households, seed=seed, start=start):
            writer.writerows(rows)
            count += len(rows)
    return count
