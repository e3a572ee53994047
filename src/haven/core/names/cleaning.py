"""Accept a name as typed, in any script, and refuse what no real name contains."""

from __future__ import annotations

import functools
import unicodedata

from haven.core.errors import InputProblem, gettext_noop
from haven.core.names.script import Script, detect_script

MAX_NAME_LENGTH = 100
# Apostrophes and hyphens appear in real names (Ter-Petrosyan, O'Hara); dots in initials.
_PUNCTUATION_ALLOWED = set(" -'’.`")
# Letters and marks that draw nothing (Unicode's Default_Ignorable_Code_Point outside the
# Cf category): "Anahit" followed by one of them looks like "Anahit" but is not equal to it.
_INVISIBLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0,
     *range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
)
# Vowel signs and viramas of Indic and other scripts are marks that belong in names.
_MARKS = frozenset({"Mn", "Mc"})


class NameProblem(InputProblem):
    """A name part that cannot be stored; the message says why, in words a clerk understands."""


def clean_name(raw: str, *, required: bool) -> tuple[str, Script]:
    """Return the name in NFC with runs of spaces collapsed, and its script.

    Raise NameProblem for an empty required name, an over-long one, control characters,
    invisible formatting characters (bidirectional overrides, zero-width spaces and
    joiners, which can disguise one name as another), or symbols that are not letters.
    """
    if not isinstance(raw, str):
        raise NameProblem(gettext_noop("must be text"))
    return _clean_name(raw, required=required)


# Pure, and names repeat (a family shares its surname, a village its few given names);
# a refusal raises and so is never cached.
@functools.lru_cache(maxsize=65536)
def _clean_name(raw: str, *, required: bool) -> tuple[str, Script]:
    name = _visible_nfc(raw)
    if not name:
        if required:
            raise NameProblem(gettext_noop("is required"))
        return "", Script.NONE
    if len(name) > MAX_NAME_LENGTH:
        raise NameProblem(gettext_noop("is longer than %(n)d characters"), n=MAX_NAME_LENGTH)
    for ch in name:
        if not (ch.isalpha() or unicodedata.category(ch) in _MARKS
                or ch in _PUNCTUATION_ALLOWED):
            raise NameProblem(
                gettext_noop("contains a character that is not part of a name (%(ch)s)"),
                ch=repr(ch),
            )
    if not any(ch.isalpha() for ch in name):
        raise NameProblem(gettext_noop("contains no letters"))
    return name, detect_script(name)


def clean_text(raw: str, *, required: bool, max_length: int) -> str:
    """Return a short label (a place, a site's name) in NFC with runs of spaces collapsed.

    Digits and punctuation are allowed ("School No. 45", "Shosh, Askeran"); control and
    invisible formatting characters are refused as in names.
    """
    text = _visible_nfc(raw)
    if not text and required:
        raise NameProblem(gettext_noop("is required"))
    if len(text) > max_length:
        raise NameProblem(gettext_noop("is longer than %(n)d characters"), n=max_length)
    for ch in text:
        if unicodedata.category(ch)[0] not in "LMNPZS":
            raise NameProblem(gettext_noop("contains a character that is not text (%(ch)s)"),
                              ch=repr(ch))
    return text


def _visible_nfc(raw: str) -> str:
    """Return `raw` in NFC with whitespace collapsed; refuse control and invisible characters."""
    if not isinstance(raw, str):
        raise NameProblem(gettext_noop("must be text"))
    for ch in raw:
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in "\t\n\r":
            raise NameProblem(gettext_noop("contains a control character (U+%(code)04X)"),
                              code=ord(ch))
        if category == "Cf" or ord(ch) in _INVISIBLE:
            raise NameProblem(
                gettext_noop("contains an invisible formatting character (U+%(code)04X, %(name)s)"),
                code=ord(ch), name=unicodedata.name(ch, "unnamed"),
            )
    return " ".join(unicodedata.normalize("NFC", raw).split())
