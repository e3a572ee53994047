"""Spot name tokens that mix scripts, and the look-alike letters that usually cause them.

A clerk switching keyboard layouts mid-word types "Vаrdаn" with a Cyrillic "а": the
screen shows Vardan, but no exact comparison will ever find it. Such a token is
*confusable*: every letter foreign to its main script has a twin in that script, so
`resolve_homoglyphs` can rewrite it. A token such as "Vардан" is *mixed* but not
confusable (V and r have no Cyrillic twins); it is transliterated run by run.
"""

from __future__ import annotations

import functools
import re

from haven.core.names.script import Script, letter_script

# Cyrillic letters drawn like a Latin one: the pairs on Russian and Latin keyboards (and
# the Macedonian/Ukrainian extras) from Unicode's confusables.txt. Lowercase к, м, н, т
# are left out on purpose: they look like small capitals, not like k, m, h, t.
_CYRILLIC_TO_LATIN = {
    "А": "A", "В": "B", "Е": "E", "Ё": "Ë", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
    "Ԛ": "Q", "Ԝ": "W", "а": "a", "е": "e", "ё": "ë", "о": "o", "р": "p", "с": "c",
    "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԛ": "q", "ԝ": "w", "һ": "h",
    "ԁ": "d", "ӏ": "l",
}  # fmt: skip
# Armenian letters drawn like a Latin one; they turn up in Latin names typed on an
# Armenian layout. Rewriting goes to Latin only (an Armenian word never needs a Latin o).
_ARMENIAN_TO_LATIN = {
    "օ": "o", "Օ": "O", "ս": "u", "Ս": "U", "ո": "n", "հ": "h", "ց": "g", "զ": "q",
    "Տ": "S", "Լ": "L",
}  # fmt: skip
_TO_LATIN = {**_CYRILLIC_TO_LATIN, **_ARMENIAN_TO_LATIN}
# The reverse, for a Cyrillic word with a stray Latin letter ("Bарданян"): only the
# letters Russian uses, so the result transliterates as Russian.
_LATIN_TO_CYRILLIC = {
    latin: cyrillic
    for cyrillic, latin in _CYRILLIC_TO_LATIN.items()
    if cyrillic in "АВЕЁКМНОРСТУХаеёорсух"
}

# letter_script reads the Unicode character name; a register has few distinct letters,
# and keying a million records asks for tens of millions of them.
char_script = functools.lru_cache(maxsize=4096)(letter_script)

_TOKEN_SEPARATOR = re.compile(r"[\s\-‐-―֊]+")


def name_tokens(text: str) -> list[str]:
    """Split a name on spaces and hyphens (Latin, Unicode and Armenian) into its words."""
    return [token for token in _TOKEN_SEPARATOR.split(text) if token]


def _letter_scripts(token: str) -> list[tuple[str, Script]]:
    return [(ch, s) for ch in token if (s := char_script(ch)) is not None]


def _homoglyph_target(token: str) -> Script | None:
    """Return the script a mixed token can be rewritten into, or None if it cannot."""
    letters = _letter_scripts(token)
    scripts = {s for _, s in letters}
    if len(scripts) < 2:
        return None
    candidates: list[tuple[int, Script]] = []
    for target, twins in ((Script.LATIN, _TO_LATIN), (Script.CYRILLIC, _LATIN_TO_CYRILLIC)):
        if target in scripts and all(s is target or ch in twins for ch, s in letters):
            candidates.append((sum(s is target for _, s in letters), target))
    if not candidates:
        return None
    # Both work only when every letter has a twin ("Аpa"): trust the majority, then Latin.
    candidates.sort(key=lambda c: (c[0], c[1] is Script.LATIN), reverse=True)
    return candidates[0][1]


def is_mixed_script(token: str) -> bool:
    """Return True if the token's letters come from more than one script."""
    return len({s for _, s in _letter_scripts(token)}) > 1


def mixed_script_tokens(text: str) -> list[str]:
    """Return the tokens of `text` whose letters come from more than one script."""
    return [token for token in name_tokens(text) if is_mixed_script(token)]


def confusable_tokens(text: str) -> list[str]:
    """Return the mixed-script tokens whose foreign letters are all look-alikes.

    These are almost always a keyboard-layout slip or a deliberate disguise; the
    registration form should ask the clerk to retype them.
    """
    return [token for token in name_tokens(text) if _homoglyph_target(token) is not None]


@functools.lru_cache(maxsize=1 << 14)
def resolve_homoglyphs(token: str) -> str:
    """Rewrite look-alike letters of a confusable token into its main script.

    Return the token unchanged if it is in one script, or mixed beyond repair.
    """
    target = _homoglyph_target(token)
    if target is None:
        return token
    twins = _TO_LATIN if target is Script.LATIN else _LATIN_TO_CYRILLIC
    return "".join(twins[ch] if char_script(ch) not in (None, target) else ch for ch in token)
