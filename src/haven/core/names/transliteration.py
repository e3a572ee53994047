"""Write any name in Latin letters, choosing the transform by the script of each word.

ICU's BGN/PCGN transforms are the well-kept engine: they give Վարդանյան → Vardanyan and
Варданян → Vardanyan, where plain Any-Latin gives the scholarly "Vardanân" nobody
writes. Each word is looked at on its own, because one field may hold an Armenian
surname and a Russian patronymic. Words that mix scripts are repaired first (a Cyrillic
"а" inside a Latin word becomes "a"); what cannot be repaired is transliterated run by
run.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

from icu import Transliterator  # type: ignore[import-untyped]

from haven.core.names.confusables import char_script, is_mixed_script, resolve_homoglyphs
from haven.core.names.script import Script

_TRANSFORM_IDS = {
    Script.ARMENIAN: "Armenian-Latin/BGN; Latin-ASCII",
    Script.CYRILLIC: "Russian-Latin/BGN; Latin-ASCII",
    Script.LATIN: "Latin-ASCII",
    # Greek, Georgian and the rest are rare in our registers; ICU's generic transform
    # is good enough for them to be compared at all.
    Script.OTHER: "Any-Latin; Latin-ASCII",
}
# ICU documents no guarantee that one Transliterator may be used by two threads at
# once; a lock costs far less than the 5 µs a transliteration takes.
_icu_lock = threading.Lock()

_SURROGATE = re.compile("[\ud800-\udfff]")
# Runs of spaces and of hyphens/dashes (Latin, Unicode, the Armenian hyphen) between words.
_SEPARATOR = re.compile(r"(\s+|[\-‐-―֊]+)")
# BGN marks aspirates and soft signs with apostrophes (Khach'atryan, Il'ich) and the
# hard sign with a double quote, and puts a middle dot between letters that would read as
# one (Б·Э, Т·С); nobody types these, so they would only split spellings.
_TRANSFORM_MARKS = re.compile("['\"ʹʺ’·]")
# ICU treats the aspirate's apostrophe as a word boundary and writes a word-initial ո
# there: չոբանյան → ch'vobanyan. Inside a word ո is "o".
_VO_AFTER_MARK = re.compile("'vo")
# Classical (pre-1922, and Western diaspora) orthography, which ICU reads poorly:
# -եան is today's -յան; իւ before a consonant is today's յու (ICU leaves the ւ as is);
# a word-initial յ before a vowel was read h (Յակոբ = Hakob, Յովհաննէս = Hovhannes),
# but not before ու (Յուրի is Yuri).
_CLASSICAL = (
    (re.compile("եա"), "յա"),
    (re.compile("իւ(?![աեէըիոօ])"), "յու"),
    (re.compile("(?<!ո)ւ"), "վ"),
    (re.compile("^յ(?=[աեէըիօ]|ո(?!ւ))"), "հ"),
)


@functools.cache
def _transliterator(script: Script) -> Transliterator:
    # Building a transform parses its rules; do it once per script, on first use.
    return Transliterator.createInstance(_TRANSFORM_IDS[script])


def _transliterate(script: Script, text: str) -> str:
    transliterator = _transliterator(script)
    with _icu_lock:
        result: str = transliterator.transliterate(text)
    return result


def _recased(original: str, latin: str) -> str:
    """Give `latin` the capitals of `original`: all capitals, a capital first, or none."""
    letters = [ch for ch in original if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return latin.upper()
    if letters and letters[0].isupper():
        return latin[:1].upper() + latin[1:]
    return latin


def _non_latin_to_latin(script: Script, run: str) -> str:
    # ICU's casing of these transforms is unreliable (ԵՂԻԱԶԱՐՅԱՆ → YeGHIAZARYAN, a lone
    # Ё → E but ё → ye), so transliterate lower case and put the capitals back after.
    lower = run.lower()
    if script is Script.ARMENIAN:
        for pattern, replacement in _CLASSICAL:
            lower = pattern.sub(replacement, lower)
        latin = _VO_AFTER_MARK.sub("'o", _transliterate(script, lower))
    else:
        latin = _transliterate(script, lower)
    # Any-Latin writes some sounds with modifier letters (Ethiopic ሏ → lʷa); NFKC makes
    # them plain so that the result reads the same when transliterated again.
    return _recased(run, _TRANSFORM_MARKS.sub("", unicodedata.normalize("NFKC", latin)))


def _script_runs(token: str) -> list[tuple[Script, str]]:
    """Split a token into runs of one script; marks and punctuation join the run before."""
    runs: list[tuple[Script, str]] = []
    current: Script | None = None
    chars: list[str] = []
    for ch in token:
        script = char_script(ch)
        if script is not None and current is not None and script is not current:
            runs.append((current, "".join(chars)))
            chars = []
        if script is not None:
            current = script
        chars.append(ch)
    if chars:
        # A token with no letters at all (a stray dot) goes through Latin-ASCII.
        runs.append((current or Script.LATIN, "".join(chars)))
    return runs


# Words of every name field share this cache: a register of a million people holds a
# few hundred thousand distinct ones.
@functools.lru_cache(maxsize=1 << 18)
def _token_to_latin(token: str) -> str:
    if token.isascii():
        return token  # Latin-ASCII would return it unchanged
    if is_mixed_script(token):
        token = resolve_homoglyphs(token)
    parts = []
    for script, run in _script_runs(token):
        if script is Script.LATIN:
            parts.append(_transliterate(script, run))
        else:
            parts.append(_non_latin_to_latin(script, run))
    return "".join(parts)


def to_latin(text: str) -> str:
    """Return `text` in Latin letters, each word by the transform for its script.

    Spaces become one space and hyphens one "-"; apostrophes that the transforms add
    are dropped, those the person typed in a Latin name (O'Hara) are kept.
    """
    # NFKC: full-width and mathematical letters and ligatures (ﬁ, ﬓ, և) are plain
    # letters in a name. A lone surrogate cannot be part of one, and ICU refuses it.
    text = unicodedata.normalize("NFKC", text)
    text = _SURROGATE.sub("", text)
    out = []
    for index, part in enumerate(_SEPARATOR.split(text)):
        if index % 2:
            out.append(" " if part[0].isspace() else "-")
        elif part:
            out.append(_token_to_latin(part))
    return "".join(out)
