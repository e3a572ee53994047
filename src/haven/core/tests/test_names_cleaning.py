"""Names as typed, in any script, and what no real name contains."""

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from haven.core.names import NameProblem, Script, clean_name, detect_script
from haven.core.names.cleaning import MAX_NAME_LENGTH, clean_text


@pytest.mark.parametrize(
    ("typed", "stored", "script"),
    [
        ("Վարդանյան", "Վարդանյան", Script.ARMENIAN),
        ("Варданян", "Варданян", Script.CYRILLIC),
        ("Vardanyan", "Vardanyan", Script.LATIN),
        ("Ter-Petrosyan", "Ter-Petrosyan", Script.LATIN),
        ("O'Hara", "O'Hara", Script.LATIN),
        ("  Anahit   Sergeyevna ", "Anahit Sergeyevna", Script.LATIN),
        ("Ёлкин", "Ёлкин", Script.CYRILLIC),
        ("Anahit Վարդանյան", "Anahit Վարդանյան", Script.MIXED),
        ("Ованес Hovhannisyan", "Ованес Hovhannisyan", Script.MIXED),
        ("Δημήτρης", "Δημήτρης", Script.OTHER),
    ],
)
def test_a_name_is_kept_as_typed_with_its_script(typed, stored, script):
    """Letters are kept as typed (runs of spaces collapsed) and the script is detected."""
    assert clean_name(typed, required=True) == (stored, script)


def test_a_name_is_stored_in_nfc():
    """A decomposed letter (e + combining acute) is stored composed."""
    name, script = clean_name("Rene\u0301", required=True)
    assert name == "Ren\u00e9"
    assert unicodedata.is_normalized("NFC", name)
    assert script == Script.LATIN


def test_an_empty_optional_name_is_allowed_and_has_no_script():
    """A missing patronymic is empty, with script NONE."""
    assert clean_name("   ", required=False) == ("", Script.NONE)


def problem(text: str, *, required: bool = True) -> str:
    with pytest.raises(NameProblem) as caught:
        clean_name(text, required=required)
    return str(caught.value)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "is required"),
        ("   \t ", "is required"),
        ("A" * 500, "is longer than 100 characters"),
        ("A" * (MAX_NAME_LENGTH + 1), "is longer than 100 characters"),
        ("Anahit\x00", "contains a control character (U+0000)"),
        ("Ana\x1bhit", "contains a control character (U+001B)"),
        ("Ana\x7fhit", "contains a control character (U+007F)"),
        ("Anahit\u202e", "contains an invisible formatting character (U+202E, "
                         "RIGHT-TO-LEFT OVERRIDE)"),
        ("Ana\u200bhit", "contains an invisible formatting character (U+200B, "
                         "ZERO WIDTH SPACE)"),
        ("Ana\u200dhit", "contains an invisible formatting character (U+200D, "
                         "ZERO WIDTH JOINER)"),
        ("Anahit\ufeff", "contains an invisible formatting character (U+FEFF, "
                         "ZERO WIDTH NO-BREAK SPACE)"),
        ("Anahit\u034f", "contains an invisible formatting character (U+034F, "
                         "COMBINING GRAPHEME JOINER)"),
        ("Anahit\ufe0f", "contains an invisible formatting character (U+FE0F, "
                         "VARIATION SELECTOR-16)"),
        ("\u3164", "contains an invisible formatting character (U+3164, HANGUL FILLER)"),
        ("Anahit2", "contains a character that is not part of a name ('2')"),
        ("Anahit <script>", "contains a character that is not part of a name ('<')"),
        ("@#$%", "contains a character that is not part of a name ('@')"),
        ("😀😀", "contains a character that is not part of a name ('😀')"),
        ("-- ' .", "contains no letters"),
    ],
)
def test_what_no_name_contains_is_refused_with_a_clear_message(typed, message):
    """Each refusal says what is wrong, in words a clerk understands."""
    assert problem(typed) == message


def test_a_500_character_optional_name_is_refused_too():
    """The length limit holds for optional parts (a patronymic) as well."""
    assert problem("Б" * 500, required=False) == "is longer than 100 characters"


def test_name_problem_is_an_ordinary_exception():
    """NameProblem can carry notes and be re-raised like any exception (Hypothesis does both)."""
    error = NameProblem("is required")
    error.add_note("while cleaning members[0].given_name")
    assert error.message == "is required"
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Անահիտ", Script.ARMENIAN),
        ("Анаит", Script.CYRILLIC),
        ("Anahid", Script.LATIN),
        ("Anahit-Анаит", Script.MIXED),
        ("", Script.NONE),
        ("- '", Script.NONE),
        ("ანაჰიტ", Script.OTHER),
    ],
)
def test_detect_script(text, script):
    """Armenian, Cyrillic, Latin, mixed, other, or none at all."""
    assert detect_script(text) == script


NAME_LETTERS = st.sampled_from(list("AnahitVardanyՎարդանյանВарданянÉéöß-' .\u0301\u0308"))


@given(st.one_of(st.text(), st.text(NAME_LETTERS, max_size=120)), st.booleans())
@example("Rene\u0301", True)
@example("a \u0301", True)
@example("\u0301", True)
@example("A" * 101, False)
def test_clean_name_refuses_only_with_name_problem_and_is_idempotent(text, required):
    """On any text, clean_name returns NFC text it leaves unchanged, or raises NameProblem."""
    problem: NameProblem | None = None
    try:
        name, script = clean_name(text, required=required)
    except NameProblem as refused:
        problem = refused
    if problem is not None:
        assert problem.message
        return
    assert unicodedata.is_normalized("NFC", name)
    assert clean_name(name, required=required) == (name, script)
    assert len(name) <= MAX_NAME_LENGTH
    assert name == name.strip()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Shosh, Askeran", "Shosh, Askeran"), ("School No. 45", "School No. 45"),
     ("  Գորիսի   թատրոն ", "Գորիսի թատրոն"), ("Пункт № 2 (Вайк)", "Пункт № 2 (Вайк)"),
     ("", "")],
)
def test_clean_text_keeps_digits_and_punctuation(typed, stored):
    """Places and site names may hold numbers, commas and brackets."""
    assert clean_text(typed, required=False, max_length=120) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "is required"), ("Goris\u202e", "contains an invisible formatting character "
                                         "(U+202E, RIGHT-TO-LEFT OVERRIDE)"),
     ("Go\x00ris", "contains a control character (U+0000)"), ("x" * 121,
                                                              "is longer than 120 characters"),
     ("Goris\ue000", "contains a character that is not text ('\\ue000')")],
)
def test_clean_text_refuses_what_no_label_contains(typed, message):
    """Control, invisible and private-use characters are refused, as is an over-long label."""
    with pytest.raises(NameProblem) as refused:
        clean_text(typed, required=True, max_length=120)
    assert refused.value.message == message


@pytest.mark.parametrize("value", [["Anahit"], {"name": "Anahit"}, 42, None])
def test_a_value_that_is_not_text_is_refused_not_crashed_on(value):
    """The cache behind clean_name must not turn a list into a TypeError."""
    with pytest.raises(NameProblem, match="must be text"):
        clean_name(value, required=True)


def test_the_same_name_cleaned_twice_gives_the_same_answer():
    assert clean_name("  Анаит  ", required=True) == clean_name("Анаит", required=True)
    with pytest.raises(NameProblem):
        clean_name("", required=True)
    with pytest.raises(NameProblem):  # a refusal is never cached as an answer
        clean_name("", required=True)
