"""Read a code as a clerk types it or a barcode scanner sends it.

A USB or phone scanner is a keyboard: it types the QR or Code 128 payload (the code
itself, `HVN-7K4Q-MX2P-RT3C`) and presses Enter. It types key positions, so on a laptop
whose keyboard is switched to Russian or Armenian the same keys arrive as `РМТ-7Л4Й…`
or `հվն-…`. Those letters are read back as the keys that typed them before the code is
parsed; a code shaped right but with a wrong check symbol is a typing error, which the
clerk is told apart from a code that names nobody.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from haven.core.ids import is_mistyped_code, parse_code

# Russian ЙЦУКЕН: the letter each Latin key types, read back as that key.
_RUSSIAN_KEYS = dict(zip("йцукенгшщзфывапролдячсмитьЙЦУКЕНГШЩЗФЫВАПРОЛДЯЧСМИТЬ",
                         "qwertyuiopasdfghjklzxcvbnmQWERTYUIOPASDFGHJKLZXCVBNM", strict=True))
# Armenian phonetic (Windows and macOS): letters only; its digit row differs by version,
# and a digit typed wrong is caught by the check symbol.
_ARMENIAN_KEYS = dict(zip("քոեռտըւիօպասդֆգհյկլզխցվբնմՔՈԵՌՏԸՒԻՕՊԱՍԴՖԳՀՅԿԼԶԽՑՎԲՆՄ",
                          "qwertyuiopasdfghjklzxcvbnmQWERTYUIOPASDFGHJKLZXCVBNM", strict=True))
_KEYS = {**_RUSSIAN_KEYS, **_ARMENIAN_KEYS}
MAX_TYPED = 200  # a scanner's payload or a pasted line; anything longer is not a code


class CodeProblem(enum.Enum):
    EMPTY = "empty"
    TYPING_ERROR = "typing_error"  # shaped like a code, the check symbol disagrees
    NOT_A_CODE = "not_a_code"


@dataclass(frozen=True)
class TypedCode:
    code: str | None  # canonical, HVN-XXXX-XXXX-XXXX
    problem: CodeProblem | None


def as_keys(text: str) -> str:
    """Return `text` with Russian and Armenian layout letters read as the Latin keys."""
    return "".join(_KEYS.get(ch, ch) for ch in text)


def read_code(text: str) -> TypedCode:
    """Return the canonical code in what was typed or scanned, or why there is none."""
    typed = (text or "").strip()[:MAX_TYPED]
    if not typed:
        return TypedCode(None, CodeProblem.EMPTY)
    for candidate in dict.fromkeys((typed, as_keys(typed))):
        code = parse_code(candidate)
        if code is not None:
            return TypedCode(code, None)
    if any(is_mistyped_code(candidate) for candidate in (typed, as_keys(typed))):
        return TypedCode(None, CodeProblem.TYPING_ERROR)
    return TypedCode(None, CodeProblem.NOT_A_CODE)
