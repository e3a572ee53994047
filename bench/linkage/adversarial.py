#!/usr/bin/env python3
"""A second, independent cross-script benchmark: families built to chain, other name tables.

`people.py` draws from the karabakh-2023 scenario's name lists and clerks' hands; this
generator shares none of that, so that Haven is not graded only by data built from the
same tables as its own tests. Its names are its own lists (Armenian letters only), read
into Cyrillic and Latin letters by its own letter tables (Eastern and Western Latin
readings), and its families are built to chain: parents, children and siblings share
surname, phone and origin; siblings are often born the same year, spouses too; a
brother's family shares the phone and the origin; whole registrations leave the dates
out; and slips (a letter dropped, doubled or two swapped) are typed in Armenian or
Cyrillic before another clerk reads the name into Latin letters.

    .venv/bin/python bench/linkage/adversarial.py --records 5000 --output adv.csv
    .venv/bin/python bench/linkage/cross_script.py --generator adversarial

`generate(records, seed=...)` returns the records (the engine's columns, `household_id`,
`person_id`, `script`, `notes`) as a DataFrame.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

import pandas as pd

COLUMNS = ("record_id", "given_name", "family_name", "patronymic", "sex", "birth_date",
           "place_of_origin", "phone", "document_number", "household_id", "person_id",
           "script", "notes")

MALE = (  # noqa: SIM905 - a list to read, not to count commas in
    "Արամ Արմեն Աշոտ Գագիկ Գարիկ Դավիթ Էդգար Էդուարդ Վահան Վահե Վազգեն Տիգրան Սամվել "
        "Կարեն Հայկ Գևորգ Նարեկ Արթուր Արսեն Ռուբեն Սուրեն Արտակ Մհեր Համլետ Հրանտ Մանվել "
        "Լևոն Գոռ Սարգիս Արշակ Վարդան Հովհաննես Ավետ Ալբերտ Ռոբերտ Հրաչ Կամո Նորայր Արա "
        "Մխիթար Գրիգոր Պետրոս Ստեփան Արտյոմ").split()
FEMALE = (  # noqa: SIM905
    "Անահիտ Անի Աննա Մարիամ Նարինե Լուսինե Գայանե Արմինե Սիրանուշ Հասմիկ Զարուհի "
          "Մանե Նունե Տաթևիկ Սոնա Լիլիթ Ռուզաննա Կարինե Գոհար Ալվարդ Սաթենիկ Շուշան Էլեն "
          "Աստղիկ Մարինե Հռիփսիմե Ազնիվ Վարդուհի Նազելի Սուսաննա Լիանա Մելինե Ինգա Էմմա "
          "Սվետլանա Արուսյակ Նվարդ Հերմինե Լաուրա Քրիստինե").split()
SURNAMES = (  # noqa: SIM905
    "Գրիգորյան Հարությունյան Սարգսյան Պետրոսյան Հովհաննիսյան Խաչատրյան Կարապետյան "
            "Գևորգյան Մկրտչյան Ավետիսյան Հակոբյան Վարդանյան Սահակյան Մարտիրոսյան Ղազարյան "
            "Բաղդասարյան Առաքելյան Դանիելյան Մանուկյան Ստեփանյան Աբրահամյան Ալեքսանյան "
            "Բաբայան Գասպարյան Զաքարյան Թովմասյան Մելքոնյան Ներսիսյան Պողոսյան Սիմոնյան "
            "Օհանյան Քոչարյան Շահինյան Ադամյան Մովսիսյան Եղիազարյան Իսրայելյան Հայրապետյան "
            "Ասատրյան Բեգլարյան Դավթյան Միքայելյան Նազարյան Ռաֆայելյան").split()
ORIGINS = ("Ստեփանակերտ", "Մարտունի", "Հադրութ", "Շուշի", "Ասկերան", "Մարտակերտ", "Քարվաճառ",
           "Չարթար", "Իվանյան")

_CYRILLIC = {"ա": "а", "բ": "б", "գ": "г", "դ": "д", "ե": "е", "զ": "з", "է": "э", "ը": "ы",
             "թ": "т", "ժ": "ж", "ի": "и", "լ": "л", "խ": "х", "ծ": "ц", "կ": "к", "հ": "г",
             "ձ": "дз", "ղ": "г", "ճ": "ч", "մ": "м", "յ": "й", "ն": "н", "շ": "ш", "ո": "о",
             "չ": "ч", "պ": "п", "ջ": "дж", "ռ": "р", "ս": "с", "վ": "в", "տ": "т", "ր": "р",
             "ց": "ц", "ւ": "в", "փ": "п", "ք": "к", "օ": "о", "ֆ": "ф"}
_CYRILLIC["հ"] = ""  # Russian drops the h: Սահակյան → Саакян, Հասմիկ → Асмик
_EASTERN = {"ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y",
            "թ": "t", "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h",
            "ձ": "dz", "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o",
            "չ": "ch", "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r",
            "ց": "ts", "ւ": "v", "փ": "p", "ք": "q", "օ": "o", "ֆ": "f"}
# Western Armenian reading: voiced and unvoiced stops change places (Գրիգոր → Krikor).
_WESTERN = {**_EASTERN, "բ": "p", "պ": "b", "գ": "k", "կ": "g", "դ": "t", "տ": "d",
            "ջ": "ch", "ճ": "j", "ք": "k", "ձ": "ts", "ծ": "dz"}
_CYRILLIC_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщыэюя",
                           ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l",
                            "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch",
                            "sh", "shch", "y", "e", "yu", "ya"], strict=True))


def to_cyrillic(name: str) -> str:
    low = name.lower().replace("ու", "у").replace("և", "ев").replace("յան", "ян")
    low = low.replace("յա", "я").replace("յու", "ю")
    out = "".join(_CYRILLIC.get(ch, ch) for ch in low)
    if out.startswith("е"):
        out = "е" + out[1:]
    return out[:1].upper() + out[1:]


def to_latin(name: str, *, western: bool) -> str:
    low = name.lower().replace("և", "ev")
    if western:
        low = low.replace("ու", "ou").replace("յան", "ian")
        table = _WESTERN
    else:
        low = low.replace("ու", "u").replace("յան", "yan")
        table = _EASTERN
    if low.startswith("ե"):
        low = "յ" + low if not western else low
    out = "".join(table.get(ch, ch) for ch in low)
    if western and out.endswith("e"):
        out += "h"  # Western Armenians write a final e as -eh (Narineh)
    return out[:1].upper() + out[1:]


def cyrillic_to_latin(name: str) -> str:
    out = "".join(_CYRILLIC_LATIN.get(ch, ch) for ch in name.lower())
    return out[:1].upper() + out[1:]


def slip(text: str, rng: random.Random) -> str:
    """One keyboard slip past the first letter: a letter dropped, doubled, or two swapped."""
    if len(text) <= 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "drop":
        return text[:i] + text[i + 1:]
    if kind == "double":
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def _zipf(names: list[str], rng: random.Random) -> str:
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(names))]
    return rng.choices(names, weights=weights)[0]


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.persons = 0
        self.rows: list[dict[str, str]] = []
        self.registrations = 0

    def person(self, sex: str, year: int, family: str, father: str) -> dict[str, object]:
        self.persons += 1
        rng = self.rng
        given = _zipf(MALE if sex == "m" else FEMALE, rng)
        birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        document = f"A{rng.randrange(10**7):07d}" if year < 2008 and rng.random() < 0.7 else ""
        return {"id": f"Q{self.persons:07d}", "sex": sex, "given": given, "family": family,
                "father": father, "birth": birth, "document": document}

    def family(self) -> tuple[list[dict[str, object]], str, str]:
        rng = self.rng
        surname = _zipf(SURNAMES, rng)
        origin = rng.choice(ORIGINS)
        phone = f"9{rng.randint(1, 9)}{rng.randrange(10**6):06d}" if rng.random() < 0.85 else ""
        if rng.random() < 0.25:  # someone alone, often with the commonest names
            sex = rng.choice("mf")
            person = self.person(sex, rng.randint(1940, 2004), surname, _zipf(MALE, rng))
            if rng.random() < 0.3:
                person["given"] = (MALE if sex == "m" else FEMALE)[rng.randrange(3)]
                person["family"] = SURNAMES[rng.randrange(3)]
            return [person], origin, phone
        head_year = rng.randint(1945, 1995)
        grandfather = _zipf(MALE, rng)
        head = self.person("m", head_year, surname, grandfather)
        members = [head]
        if rng.random() < 0.85:
            spouse_year = head_year if rng.random() < 0.25 else head_year + rng.randint(-3, 6)
            members.append(self.person("f", spouse_year, surname, _zipf(MALE, rng)))
        children = rng.choice((0, 1, 2, 2, 3, 3, 4))
        first = min(head_year + rng.randint(20, 32), 2022)
        years: list[int] = []
        for _ in range(children):
            if years and rng.random() < 0.4:
                year = rng.choice(years)  # siblings born the same year
            else:
                year = min(first + rng.randint(0, 14), 2023)
            years.append(year)
            members.append(self.person(rng.choice("mf"), year, surname, str(head["given"])))
        if rng.random() < 0.15:  # the head's parent lives with them
            members.append(self.person(rng.choice("mf"), head_year - rng.randint(20, 32),
                                       surname, _zipf(MALE, rng)))
        return members, origin, phone

    def write(self, person: dict[str, object], *, household: str, origin: str, phone: str,  # noqa: PLR0912
              script: str, later: bool, undated: bool) -> None:
        rng = self.rng
        notes: list[str] = []
        western = script == "latin-western"
        names = {}
        for part in ("given", "family"):
            name = str(person[part])
            source = name
            typed_in = "armenian"
            if script in ("cyrillic", "latin-russian"):
                source, typed_in = to_cyrillic(name), "cyrillic"
            if later and rng.random() < 0.12:
                source = slip(source, rng)
                notes.append(f"slip_{part}_{typed_in}")
            if script.startswith("latin"):
                written = (cyrillic_to_latin(source) if typed_in == "cyrillic"
                           else to_latin(source, western=western))
            else:
                written = source
            names[part] = written
        birth: dt.date = person["birth"]  # type: ignore[assignment]
        date = birth.isoformat()
        if undated:
            date, notes = "", [*notes, "date_missing"]
        elif later:
            draw = rng.random()
            if draw < 0.15:
                date, notes = f"{birth.year}", [*notes, "year_only"]
            elif draw < 0.27:
                date, notes = "", [*notes, "date_missing"]
            elif draw < 0.35:
                date, notes = f"{birth.year + rng.choice((-1, 1))}-{birth.month:02d}-" \
                              f"{birth.day:02d}", [*notes, "year_off"]
            elif draw < 0.40 and birth.day <= 12 and birth.day != birth.month:
                date, notes = f"{birth.year}-{birth.day:02d}-{birth.month:02d}", [
                    *notes, "day_month_swap"]
        father = str(person["father"])
        patronymic = ""
        if script == "armenian":
            patronymic = father + "ի"
        elif script == "cyrillic":
            patronymic = to_cyrillic(father) + ("овна" if person["sex"] == "f" else "ович")
        self.rows.append({
            "given_name": names["given"], "family_name": names["family"],
            "patronymic": patronymic,
            "sex": "" if later and rng.random() < 0.05 else str(person["sex"]),
            "birth_date": date,
            "place_of_origin": "" if later and rng.random() < 0.08 else (
                origin if script == "armenian" else to_cyrillic(origin)
                if script == "cyrillic" else to_latin(origin, western=western)),
            "phone": phone and ("" if later and rng.random() < 0.35 else rng.choice(
                (f"+374{phone}", f"0{phone[:2]} {phone[2:]}", f"+374 {phone[:2]} {phone[2:]}"))),
            "document_number": "" if later and rng.random() < 0.6 else str(person["document"]),
            "household_id": household, "person_id": str(person["id"]), "script": script,
            "notes": ";".join(notes)})


SCRIPTS = {"armenian": 0.4, "cyrillic": 0.25, "latin-eastern": 0.2, "latin-western": 0.08,
           "latin-russian": 0.07}


def generate(records: int, *, seed: int = 16) -> pd.DataFrame:
    """Return `records` records with the truth (`person_id`)."""
    rng = random.Random(seed)
    builder = _Builder(rng)
    scripts, weights = list(SCRIPTS), list(SCRIPTS.values())
    previous: tuple[str, str, str] | None = None
    while len(builder.rows) < records:
        members, origin, phone = builder.family()
        if previous and len(members) > 1 and rng.random() < 0.15:
            # A brother's family: the same surname, origin and phone.
            for member in members:
                member["family"] = previous[0]
            origin, phone = previous[1], previous[2]
        if len(members) > 1:
            previous = (str(members[0]["family"]), origin, phone)
        times = rng.choices((1, 2, 3), weights=(0.45, 0.4, 0.15))[0]
        for time in range(times):
            builder.registrations += 1
            household = f"A{builder.registrations:06d}"
            script = rng.choices(scripts, weights=weights)[0]
            chosen = members if time == 0 or rng.random() < 0.65 else rng.sample(
                members, rng.randint(1, len(members)))
            undated = time > 0 and len(chosen) > 1 and rng.random() < 0.15
            for person in chosen:
                builder.write(person, household=household, origin=origin, phone=phone,
                              script=script, later=time > 0, undated=undated)
    rows = builder.rows[:records]
    rng.shuffle(rows)
    for number, row in enumerate(rows, start=1):
        row["record_id"] = f"a{number:07d}"
    return pd.DataFrame(rows, columns=list(COLUMNS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--output", type=Path, required=True)
    options = parser.parse_args()
    frame = generate(options.records, seed=options.seed)
    frame.to_csv(options.output, index=False)
    print(f"{len(frame):,} records of {frame['person_id'].nunique():,} people -> "
          f"{options.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
