"""Fold a name, in any script and any of its usual spellings, to one matching key.

Keys are what the linkage engine compares: Վարդանյան, Варданян, Vardanian, Vartanian
and Wardanjan all give "vartanian". A key is lowercase ASCII, with the words of the
name run together (Ter-Petrosyan = Ter Petrosyan = Terpetrosyan); it is not meant to
be read. The folding, after `to_latin`, in order:

1. letters written in several ways become one class: ch/tch/j/dj/dzh/zh (Western
   Armenian swaps Eastern j and ch, French and English write ժ as j) → ch;
   ts/tz/dz (Western swaps ծ and ձ) → ts; kh/gh/x/q/c/ck → k; sh/sch → sh; th → t;
   ph → p. A German j between a consonant and a vowel, or after a vowel at the end, is a y
   (Wardanjan, Harutjunjan, Sergej).
2. Western Armenian voicing shifts are folded by merging each pair: b/p → p, d/t → t,
   g/k → k; then w → v and y → i. x is read as kh (ISO 9985 writes Խ as x), so
   Alexan and Aleksan need the alias table.
3. h: Russian drops a word-initial Armenian հ (Акопян = Hakobyan) and one between
   vowels (Анаит = Anahit, Саакян = Sahakyan), so those go; elsewhere it writes х or г
   (Шахназарян = Shahnazaryan, Ваграм = Vahram, Мгер = Mher), so that h joins the k
   class.
4. doubled letters collapse; ou → u; i between a vowel (or the start) and e goes
   (Andreyevich = Andreevich, Yervand = Ervand); a word-initial vo → o (Voskanyan =
   Oskanian: Armenian ո starts with a v sound that diaspora spellings drop).

`given_name_key` adds a small alias table (`aliases`) and drops a final i after a
consonant (Yuri = Yuriy, and the Armenian genitive Vardani = Vardan). `surname_key`
reads the suffix -yan/-ian/-jan/-ean/-yants/-janz as one "ian", looks the stem up in
the alias table (Оганесян = Hovhannisyan), and drops the i or u that Eastern Armenian
loses before the suffix (Sarkissian = Sargsyan, Khachaturian = Khachatryan).
`patronymic_key` strips -ovich/-evna/-ichna and the like to the father's given name.
"""

from __future__ import annotations

import functools
import re

from haven.core.names.aliases import GIVEN_NAME_GROUPS
from haven.core.names.transliteration import to_latin

# Per name field, a register of a million people holds some tens of thousands of
# distinct spellings; 131,072 entries keep them all.
_CACHE_SIZE = 1 << 17
_NOT_ASCII_LETTER = re.compile("[^a-z]+")

# Step 1. Upper-case placeholders keep a class from being read again by a later rule
# (the h of "sh" is not an h); the alternation lists longer spellings first.
_DIGRAPH_CLASS = {
    "tsch": "J", "dsch": "J", "dzh": "J", "sch": "S", "tch": "J", "dj": "J", "ch": "J",
    "zh": "J", "sh": "S", "kh": "K", "gh": "K", "ts": "C", "tz": "C", "dz": "C",
    "ck": "K", "th": "T", "ph": "P", "j": "J",
}  # fmt: skip
_DIGRAPH = re.compile("|".join(sorted(_DIGRAPH_CLASS, key=len, reverse=True)))
# Not after d: French dj is English j. A final j after a vowel is a y (Sergej, Nikolaj).
_GERMAN_J = re.compile("(?<=[bcfgklmnpqrstvwxz])j(?=[aeou])|(?<=[aeiou])j$")
# Step 2, and the single-letter placeholders back to letters.
_LETTER_CLASS = str.maketrans("bdgqxcwyKPT", "ptkkkkvikpt")
# Step 3 (a word-initial h is dropped in _fold_once).
_H_BETWEEN_VOWELS = re.compile("(?<=[aeiou])h(?=[aeiou])")
# Step 4 (ou and a word-initial vo are plain string replacements in _fold_once).
_DOUBLED = re.compile(r"(.)\1+")
_I_BEFORE_E = re.compile("(?:^|(?<=[aeiou]))i(?=e)")
# The ch class is written "ch", not "j": a j left in a key would be taken for a German
# y when the key is folded again (Mkrtich → mkrtij → mkrti).
_EXPAND = str.maketrans({"J": "ch", "S": "sh", "C": "ts"})

_FINAL_I = re.compile("(?<=[^aeiou])i$")
_SURNAME_SUFFIX = re.compile("(?:[ie]an(?:ts|z)?|ants|anz)$")
# Eastern Armenian drops the last i or u of a name before -yan (Sargis → Sargsyan,
# Khachatur → Khachatryan); Western spellings and Russian ones keep it.
_REDUCED_VOWEL = re.compile("(?<=[^aeiou])[iu](?=(?:ch|sh|ts|[^aeiou])$)")
_MIN_STEM = 2

# Russian patronymics, with German (-ewitsch) and Ukrainian (-ovych) spellings.
_PATRONYMIC_V = re.compile("(?P<glide>[yij])?(?P<vowel>[eo])[vw](?:ich|itch|itsch|ych|na)$")
# Fathers whose names end in -a (Nikita → Nikitichna, Foma → Fominichna).
_PATRONYMIC_ICHNA = re.compile("(?:in)?ichna$")


def _letters(text: str) -> str:
    """Return the lowercase ASCII letters of `text` in Latin, words run together."""
    latin = to_latin(text).lower()
    return _NOT_ASCII_LETTER.sub("", latin)


def _digraph_class(match: re.Match[str]) -> str:
    return _DIGRAPH_CLASS[match.group()]


def _fold_once(s: str) -> str:
    # str methods where a regex is not needed: this runs for every distinct name.
    s = _DIGRAPH.sub(_digraph_class, _GERMAN_J.sub("i", s)).translate(_LETTER_CLASS)
    if s.startswith("h"):
        s = s[1:]
    if "h" in s:
        s = _H_BETWEEN_VOWELS.sub("", s).replace("h", "k")
    s = _DOUBLED.sub(r"\1", s).replace("ou", "u")
    if "ie" in s:
        s = _I_BEFORE_E.sub("", s)
    if s.startswith("vo"):
        s = s[1:]
    return _DOUBLED.sub(r"\1", s).translate(_EXPAND)


@functools.lru_cache(maxsize=2 * _CACHE_SIZE)  # shared by all the name fields
def _fold(letters: str) -> str:
    # One pass can leave work for another where rules meet ("thz" → "tz" → "ts");
    # repeat until nothing changes so that a key folds to itself. Every rule moves a
    # spelling toward its class, so the second or third pass is the last; the bound
    # only guards against a rule added later that undoes another.
    for _ in range(8):
        folded = _fold_once(letters)
        if folded == letters:
            break
        letters = folded
    return letters


@functools.lru_cache(maxsize=_CACHE_SIZE)
def name_key(text: str) -> str:
    """Return the folded key of a name in any script, without given- or surname rules."""
    return _fold(_letters(text))


def _given_base(letters: str) -> str:
    folded = _fold(letters)
    return _FINAL_I.sub("", folded) if len(folded) > _MIN_STEM else folded


@functools.cache
def _alias_table() -> dict[str, str]:
    # Built on first use, not at import: folding the Cyrillic spellings needs ICU.
    table: dict[str, str] = {}
    for group in GIVEN_NAME_GROUPS:
        canonical = _given_base(_letters(group[0]))
        for spelling in group:
            table[_given_base(_letters(spelling))] = canonical
    return table


def _given_key_of_letters(letters: str) -> str:
    base = _given_base(letters)
    return _alias_table().get(base, base)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def given_name_key(text: str) -> str:
    """Return the key of a given name: folded, final genitive i dropped, aliases joined."""
    return _given_key_of_letters(_letters(text))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def surname_key(text: str) -> str:
    """Return the key of a family name; every form of the -yan suffix ends in "ian"."""
    folded = _fold(_letters(text))
    suffix = _SURNAME_SUFFIX.search(folded)
    if suffix is None:
        return folded
    stem = folded[: suffix.start()].rstrip("i")
    if len(stem) < _MIN_STEM:
        return folded
    stem = _alias_table().get(stem, stem)
    # The glide before the suffix belongs to the suffix: Sergey + yan is "sergeian".
    # Dropping the vowel can bring two like letters together (Kukyan → kk): fold again.
    return _fold(_REDUCED_VOWEL.sub("", stem)).rstrip("i") + "ian"


@functools.lru_cache(maxsize=_CACHE_SIZE)
def patronymic_key(text: str) -> str:
    """Return the given-name key of the father named in a patronymic.

    Сергеевна, Sergeyevna, Sergeevich, Sergejewitsch, the Armenian genitive Սերգեյի or
    Sergeyi, and the bare Sergey all give given_name_key("Sergey").
    """
    letters = _letters(text)
    if (match := _PATRONYMIC_V.search(letters)) and match.start() >= _MIN_STEM:
        stem = letters[: match.start()]
        # Fathers' names in -й take -евич (Sergey → Sergeyevich); BGN marks the й as y.
        if match["vowel"] == "e" and (match["glide"] or stem[-1] in "aeiouy"):
            stem += "y"
        return _given_key_of_letters(stem)
    if (match := _PATRONYMIC_ICHNA.search(letters)) and match.start() >= _MIN_STEM:
        return _given_key_of_letters(letters[: match.start()] + "a")
    # No Russian ending: the bare name or the Armenian genitive, which the final-i rule
    # of given names already reduces (Vardani → Vardan; Sergeyi → Sergey).
    return _given_key_of_letters(letters)
