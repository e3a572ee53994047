"""The review page's words: every engine level in the clerk's words, unknown ones generic."""

import pytest
from django.utils import translation

from haven.linkage import wording
from haven.linkage.engine import EXTRA_COLUMNS, RECORD_COLUMNS, model


def test_every_level_the_engine_names_has_a_phrase():
    """A level the engine gains later shows the generic phrase; today's all have their own."""
    columns = [*RECORD_COLUMNS, *EXTRA_COLUMNS]
    labels = {label for levels in model.level_labels(columns).values() for label in levels}
    assert {"null", "exact key match", "year ±1", "no relatives pattern"} <= labels
    missing = sorted(label for label in labels
                     if wording.phrase(label) == str(wording.GENERIC))
    assert missing == []


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "born a year apart"), ("hy", "ծնվել են մեկ տարի տարբերությամբ"),
    ("ru", "родились с разницей в год")])
def test_phrases_are_in_the_readers_language(language, expected):
    with translation.override(language):
        assert wording.phrase("year ±1") == expected


@pytest.mark.parametrize("language", ["en", "hy", "ru"])
def test_an_unknown_level_or_reason_falls_back_to_a_translated_generic_phrase(language):
    with translation.override(language):
        shown = wording.phrase("some_reason_added_later")
        assert shown == str(wording.GENERIC)
        assert "some_reason" not in shown
        if language != "en":
            assert shown != "compared by the model: see the details below"
        assert wording.comparison_label("kinship") != "kinship"
