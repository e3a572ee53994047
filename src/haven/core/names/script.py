"""Which writing system a name is written in."""

from __future__ import annotations

import enum
import functools
import unicodedata


class Script(enum.StrEnum):
    ARMENIAN = "armenian"
    CYRILLIC = "cyrillic"
    LATIN = "latin"
    MIXED = "mixed"
    OTHER = "other"
    NONE = "none"  # no letters at all (an empty patronymic)


@functools.lru_cache(maxsize=8192)  # unicodedata.name is slow; letters repeat endlessly
def letter_script(ch: str) -> Script | None:
    """Return the script of one letter, or None for a non-letter (space, hyphen, digit)."""
    if not ch.isalpha():
        return None
    # Unicode names start with the script for these three: "ARMENIAN SMALL LETTER VO".
    name = unicodedata.name(ch, "")
    for script in (Script.ARMENIAN, Script.CYRILLIC, Script.LATIN):
        if name.startswith(script.value.upper()):
            return script
    return Script.OTHER


def detect_script(text: str) -> Script:
    """Return the script of `text`: one of the three, MIXED if letters of several, or NONE."""
    seen = {s for s in map(letter_script, text) if s is not None}
    if not seen:
        return Script.NONE
    if len(seen) == 1:
        return seen.pop()
    return Script.MIXED
