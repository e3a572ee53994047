"""Names as people write them: script, clean input, transliteration and matching keys.

No Django imports here: the linkage engine uses this package outside Django.
"""

from haven.core.names.cleaning import NameProblem, clean_name
from haven.core.names.confusables import (
    confusable_tokens,
    mixed_script_tokens,
    resolve_homoglyphs,
)
from haven.core.names.keys import given_name_key, name_key, patronymic_key, surname_key
from haven.core.names.script import Script, detect_script
from haven.core.names.transliteration import to_latin

__all__ = [
    "NameProblem",
    "Script",
    "clean_name",
    "confusable_tokens",
    "detect_script",
    "given_name_key",
    "mixed_script_tokens",
    "name_key",
    "patronymic_key",
    "resolve_homoglyphs",
    "surname_key",
    "to_latin",
]
