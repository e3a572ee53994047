"""A code shaped right with a wrong check symbol is a typing error, not a stranger's code."""

from __future__ import annotations

from haven.core.ids import ALPHABET, is_mistyped_code, new_code, parse_code


def test_every_single_symbol_change_is_a_typing_error():
    code = new_code()
    symbols = code.replace("-", "")[3:]
    for position in range(len(symbols)):
        for other in ALPHABET:
            if other == symbols[position]:
                continue
            typed = symbols[:position] + other + symbols[position + 1:]
            assert parse_code(typed) is None
            assert is_mistyped_code(typed)
            assert is_mistyped_code("HVN-" + typed.lower())


def test_a_valid_code_and_what_is_not_a_code_are_not_typing_errors():
    code = new_code()
    assert not is_mistyped_code(code)
    for text in ("", "Vardanyan", "HVN-1234", "HVN-7K4Q-MX2P-RT3C-XX", "HVN-7K4Q-MX2P-RT3!"):
        assert not is_mistyped_code(text)
