"""to_latin and the mixed-script checks: real names in Armenian, Russian and Latin."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.core.names import (
    Script,
    confusable_tokens,
    detect_script,
    mixed_script_tokens,
    resolve_homoglyphs,
    to_latin,
)

ARMENIAN_LETTERS = st.sampled_from([chr(c) for c in [*range(0x531, 0x557), *range(0x561, 0x588)]])
RUSSIAN_LETTERS = st.sampled_from([chr(c) for c in range(0x410, 0x450)] + ["Ё", "ё"])


@pytest.mark.parametrize(
    ("written", "latin"),
    [
        ("Վարդանյան", "Vardanyan"),
        ("Варданян", "Vardanyan"),
        ("Vardanián", "Vardanian"),
        ("Wardanjan", "Wardanjan"),
        # BGN's aspirate apostrophes are dropped: nobody types Khach'atryan.
        ("Խաչատրյան", "Khachatryan"),
        ("Մկրտչյան", "Mkrtchyan"),
        # ICU writes a word-initial ո after an aspirate's apostrophe (Ch'vobanyan).
        ("Չոբանյան", "Chobanyan"),
        ("Քոչարյան", "Kocharyan"),
        ("Ոսկանյան", "Voskanyan"),
        # Capitals survive; ICU alone writes YeGHIAZARYAN.
        ("ԵՂԻԱԶԱՐՅԱՆ", "YEGHIAZARYAN"),
        ("Եղիազարյան", "Yeghiazaryan"),
        ("Սերգեյի", "Sergeyi"),
        ("Сергеевна", "Sergeyevna"),
        ("Ёлкин", "Yelkin"),
        ("Ильич", "Ilich"),
        ("Գևորգ", "Gevorg"),
        # Classical orthography, still used in the diaspora.
        ("Գեւորգ", "Gevorg"),
        ("Վարդանեան", "Vardanyan"),
        ("Յակոբեան", "Hakobyan"),
        ("Յարութիւն", "Harutyun"),
        ("Յուրի", "Yuri"),
        # One field may hold words in different scripts.
        ("Вардан Petrosyan", "Vardan Petrosyan"),
        ("Տեր֊Պետրոսյան", "Ter-Petrosyan"),
        ("  Анаит   Сергеевна ", " Anait Sergeyevna "),
        ("O'Hara", "O'Hara"),
        ("", ""),
    ],
)
def test_to_latin_writes_names_as_people_spell_them(written, latin):
    assert to_latin(written) == latin


@pytest.mark.parametrize(
    ("written", "latin"),
    [
        ("Vаrdаn", "Vardan"),  # Cyrillic а twice
        ("Pеtrosyan", "Petrosyan"),  # Cyrillic е
        ("СOCO", "COCO"),  # Latin O inside Cyrillic С…С, majority Latin after a tie
        ("Bарданян", "Vardanyan"),  # Latin B is the Cyrillic В of a Russian word
        ("Tигран", "Tigran"),  # Latin T inside a Russian word
        ("Vардан", "Vardan"),  # mixed beyond repair: each run by its own script
        ("Sargsօv", "Sargsov"),  # Armenian օ in a Latin word
    ],
)
def test_to_latin_repairs_mixed_script_words(written, latin):
    assert to_latin(written) == latin


@pytest.mark.parametrize(
    ("text", "mixed", "confusable"),
    [
        ("Vardan Petrosyan", [], []),
        ("Վարդան Варданян Vardanyan", [], []),
        ("Vаrdаn Petrosyan", ["Vаrdаn"], ["Vаrdаn"]),
        ("Anahit Bарданян", ["Bарданян"], ["Bарданян"]),
        ("Vардан", ["Vардан"], []),
        ("Ter-Pеtrosyan", ["Pеtrosyan"], ["Pеtrosyan"]),
        ("Վարդանyan", ["Վարդանyan"], []),
    ],
)
def test_mixed_and_confusable_tokens_are_flagged(text, mixed, confusable):
    assert mixed_script_tokens(text) == mixed
    assert confusable_tokens(text) == confusable


def test_resolve_homoglyphs_leaves_single_script_and_hopeless_tokens_alone():
    for token in ("Vardan", "Вардан", "Վարդան", "Vардан"):
        assert resolve_homoglyphs(token) == token
    assert detect_script(resolve_homoglyphs("Vаrdаn")) is Script.LATIN
    assert detect_script(resolve_homoglyphs("Bарданян")) is Script.CYRILLIC


def test_to_latin_drops_lone_surrogates_that_icu_would_refuse():
    assert to_latin("Ana\ud800hit") == "Anahit"


@settings(deadline=None)
@given(st.text())
def test_to_latin_never_fails_on_any_unicode(text):
    assert isinstance(to_latin(text), str)


@given(st.text(ARMENIAN_LETTERS, min_size=1, max_size=15))
def test_armenian_comes_out_in_ascii(text):
    assert to_latin(text).isascii()


@given(st.text(RUSSIAN_LETTERS, min_size=1, max_size=15))
def test_russian_comes_out_in_ascii(text):
    assert to_latin(text).isascii()


ASCII_WORDS = st.lists(st.from_regex("[A-Za-z']{1,12}", fullmatch=True), min_size=1, max_size=4)


@given(ASCII_WORDS, st.sampled_from([" ", "-"]))
def test_ascii_latin_names_are_unchanged(words, separator):
    text = separator.join(words)
    assert to_latin(text) == text


@given(st.text(ARMENIAN_LETTERS | RUSSIAN_LETTERS, max_size=15))
def test_to_latin_is_idempotent(text):
    once = to_latin(text)
    assert to_latin(once) == once
