"""Phone numbers as typed, with an E.164 form for matching when one can be worked out."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.registry.phones import PhoneProblem, _e164_parsed, clean_phone


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


@given(national=st.from_regex(r"[0-9]{8}", fullmatch=True),
       form=st.sampled_from(["+374 {a} {b}", "0{a} {b}", "+374{a}{b}", "0{a}-{b}",
                             "+374 ({a}) {b}", "0 {a} {b}"]))
def test_armenian_numbers_read_directly_agree_with_phonenumbers(national, form):
    """The fast reading of +374 / 0XX numbers gives exactly what phonenumbers gives."""
    typed = form.format(a=national[:2], b=national[2:])
    assert clean_phone(typed) == (typed, _e164_parsed(typed))
