"""Phone numbers as typed, with an E.164 form for matching when one can be worked out."""

import pytest

from haven.registry.phones import PhoneProblem, clean_phone


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+374 97 123456", ("+374 97 123456", "+37497123456")),
        ("097 123456", ("097 123456", "+37497123456")),
        ("+7 (495) 123-45-67", ("+7 (495) 123-45-67", "+74951234567")),
        ("  +374   97 123456 ", ("+374 97 123456", "+37497123456")),
        ("12345", ("12345", "")),
        ("", ("", "")),
    ],
)
def test_phone_kept_as_typed_with_e164_when_possible(typed, expected):
    """Armenian numbers without a country code are read as +374; the rest are kept as typed."""
    assert clean_phone(typed) == expected


@pytest.mark.parametrize("typed", ["call Anahit", "1234", "+374 97 12345a", "97;123456"])
def test_text_that_is_not_a_phone_number_is_refused(typed):
    """Letters, too few digits and other symbols are refused."""
    with pytest.raises(PhoneProblem, match="is not a phone number"):
        clean_phone(typed)
