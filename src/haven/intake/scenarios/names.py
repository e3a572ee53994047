"""Armenian names as clerks write them: in Armenian letters, in Russian Cyrillic, in Latin.

The name lists are CSV files beside the scenario (``names/*.csv``): one row per name,
with its weight, its era, and its forms. A cell may hold several spellings separated by
``|``, the commonest first:

    armenian   Հովհաննիսյան
    cyrillic   Оганесян|Ованнисян|Оганнисян      (Russian documents)
    eastern    Hovhannisyan|Hovhannisian          (Armenian passports)
    western    Ohanessian|Hovanessian             (the diaspora)
    russian    Oganesyan|Ovannisyan|...|Oganesian (Latin letters from a Russian document)
    german     Oganesjan

Men's names also give the Russian patronymics of their children (Сергеевич, Сергеевна).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from haven.core.names.script import Script, detect_script

SCRIPTS = ("armenian", "cyrillic", "latin")
LATIN_STYLES = ("eastern", "western", "russian", "german")
FORMS = ("armenian", "cyrillic", *LATIN_STYLES)
ERAS = ("any", "old", "young")
_FORM_SCRIPT = {"armenian": Script.ARMENIAN, "cyrillic": Script.CYRILLIC,
                **dict.fromkeys(LATIN_STYLES, Script.LATIN)}
_ARMENIAN_VOWELS = set("աեէըիոօ")
# Latin letters for a Russian patronymic, as Russian passports wrote them before 2013.
_RUSSIAN_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}
_RUSSIAN_VOWELS = set("аеёиоуыэюя")


@dataclass(frozen=True)
class NameEntry:
    """One name and every way it is written."""

    weight: float
    era: str
    forms: dict[str, tuple[str, ...]]  # form -> spellings, commonest first
    patronymic_son: str = ""  # Russian Cyrillic, men's names only
    patronymic_daughter: str = ""

    @property
    def key(self) -> str:
        return self.forms["armenian"][0]


@dataclass(frozen=True)
class NameBook:
    surnames: tuple[NameEntry, ...]
    female: tuple[NameEntry, ...]
    male: tuple[NameEntry, ...]


def name_list_read(path: Path, *, label: str, given: bool, patronymics: bool,
                   errors: dict[str, list[str]]) -> tuple[NameEntry, ...]:
    """Read one names CSV; problems go to `errors` under ``<label> line <n>``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        errors.setdefault(label, []).append(f"cannot read {path.name}: {exc.strerror}")
        return ()
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.startswith("#")]
    reader = csv.DictReader([line for _, line in lines])
    needed = ["weight", *FORMS]
    if given:
        needed.append("era")
    if patronymics:
        needed += ["patronymic_son", "patronymic_daughter"]
    missing = [c for c in needed if c not in (reader.fieldnames or [])]
    if missing:
        errors.setdefault(label, []).append(f"{path.name} lacks the columns {', '.join(missing)}")
        return ()
    entries = []
    for (number, _line), row in zip(lines[1:], reader, strict=True):
        entry = _entry(row, patronymics=patronymics,
                       problems=errors.setdefault(f"{label} line {number}", []))
        if entry is not None:
            entries.append(entry)
    for key in [k for k, v in errors.items() if not v]:
        del errors[key]
    if not entries and not any(k.startswith(label) for k in errors):
        errors.setdefault(label, []).append(f"{path.name} holds no names")
    return tuple(entries)


def _entry(row: dict[str, str], *, patronymics: bool, problems: list[str]) -> NameEntry | None:
    try:
        weight = float(row["weight"])
    except (TypeError, ValueError):
        weight = -1.0
    if weight <= 0:
        problems.append("weight must be a number above 0")
    era = (row.get("era") or "any").strip()
    if era not in ERAS:
        problems.append(f"era must be one of {', '.join(ERAS)}")
    forms: dict[str, tuple[str, ...]] = {}
    for form in FORMS:
        spellings = tuple(s.strip() for s in (row.get(form) or "").split("|") if s.strip())
        if not spellings:
            problems.append(f"{form} is empty")
        for spelling in spellings:
            if detect_script(spelling) != _FORM_SCRIPT[form]:
                problems.append(f"{form} {spelling!r} is not written in "
                                f"{_FORM_SCRIPT[form].value} letters")
        forms[form] = spellings
    son = daughter = ""
    if patronymics:
        son, daughter = (row.get("patronymic_son") or "").strip(), \
            (row.get("patronymic_daughter") or "").strip()
        for value in (son, daughter):
            if detect_script(value) != Script.CYRILLIC:
                problems.append(f"patronymic {value!r} must be in Cyrillic letters")
    if problems:
        return None
    return NameEntry(weight=weight, era=era, forms=forms, patronymic_son=son,
                     patronymic_daughter=daughter)


def spelling(entry: NameEntry, form: str, rng: random.Random, *, main: float) -> str:
    """Return the commonest spelling of `entry` in `form`, or with 1 - `main` another."""
    spellings = entry.forms[form]
    if len(spellings) == 1 or rng.random() < main:
        return spellings[0]
    return rng.choice(spellings[1:])


def patronymic(father: NameEntry, *, daughter: bool, script: str) -> str:
    """Return the patronymic from `father` as written in `script`.

    Cyrillic: the Russian form (Сергеевич, Сергеевна). Armenian: the genitive of the
    father's name (Սերգեյի; Արայի after a vowel). Latin: the Russian form in the Latin
    letters of a Russian passport (Sergeyevich).
    """
    russian = father.patronymic_daughter if daughter else father.patronymic_son
    if script == "cyrillic":
        return russian
    if script == "armenian":
        name = father.forms["armenian"][0]
        return name + ("յի" if name[-1] in _ARMENIAN_VOWELS else "ի")
    return russian_to_latin(russian)


def russian_to_latin(text: str) -> str:
    """Write Russian Cyrillic in Latin letters as pre-2013 Russian passports did."""
    out = []
    previous = ""
    for index, ch in enumerate(text):
        low = ch.lower()
        if low not in _RUSSIAN_LATIN:
            out.append(ch)
            previous = low
            continue
        latin = _RUSSIAN_LATIN[low]
        if low == "е" and (index == 0 or previous in _RUSSIAN_VOWELS or previous in "ьъ"):
            latin = "ye"
        if ch.isupper():
            latin = latin[:1].upper() + latin[1:]
        out.append(latin)
        previous = low
    return "".join(out)


def era_weights(entries: Sequence[NameEntry], *, born: int, old_before: int,
                young_from: int, era_weight: float, off_era_weight: float) -> list[float]:
    """Return the weights of `entries` for someone born in `born`: names have their times."""
    era = "old" if born < old_before else "young" if born >= young_from else "any"
    weights = []
    for entry in entries:
        factor = 1.0
        if entry.era != "any":
            factor = era_weight if entry.era == era else off_era_weight
        weights.append(entry.weight * factor)
    return weights


_SLIPS = ("drop", "double", "swap")


def typo(text: str, rng: random.Random) -> str:
    """Return `text` with one slip of the keyboard: a letter dropped, doubled or swapped.

    The first letter is kept: clerks rarely get it wrong, and a name of three letters or
    fewer is left as it is.
    """
    letters = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0]
    if len(text) <= 3 or not letters:
        return text
    slip = rng.choice(_SLIPS)
    i = rng.choice(letters)
    if slip == "drop":
        return text[:i] + text[i + 1:]
    if slip == "double":
        return text[:i] + text[i] + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha() and text[i + 1] != text[i]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + text[i + 1:]
