"""Accept a name as typed, in any script, and refuse what no real name contains."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from haven.core.names.script import Script, detect_script

MAX_NAME_LENGTH = 100
# Apostrophes and hyphens appear in real names (Ter-Petrosyan, O'Hara); dots in initials.
_PUNCTUATION_ALLOWED = set(" -'’.`")


@dataclass(frozen=True)
class NameProblem(Exception):
    """A name part that cannot be stored; `message` says why, in words a clerk understands."""

    message: str

    def __str__(self) -> str:
        return self.message


def clean_name(raw: str, *, required: bool) -> tuple[str, Script]:
    """Return the name in NFC with runs of spaces collapsed, and its script.

    Raise NameProblem for an empty required name, an over-long one, control characters,
    invisible formatting characters (bidirectional overrides, zero-width spaces and
    joiners, which can disguise one name as another), or symbols that are not letters.
    """
    if not isinstance(raw, str):
        raise NameProblem("must be text")
    for ch in raw:
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in "\t\n\r":
            raise NameProblem(f"contains a control character (U+{ord(ch):04X})")
        if category == "Cf":
            raise NameProblem(
                f"contains an invisible formatting character (U+{ord(ch):04X}, "
                f"{unicodedata.name(ch, 'unnamed')})"
            )
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not name:
        if required:
            raise NameProblem("is required")
        return "", Script.NONE
    if len(name) > MAX_NAME_LENGTH:
        raise NameProblem(f"is longer than {MAX_NAME_LENGTH} characters")
    for ch in name:
        if not (ch.isalpha() or unicodedata.category(ch) == "Mn" or ch in _PUNCTUATION_ALLOWED):
            raise NameProblem(f"contains a character that is not part of a name ({ch!r})")
    if not any(ch.isalpha() for ch in name):
        raise NameProblem("contains no letters")
    return name, detect_script(name)
