"""The review page in the clerk's words: what the linkage engine's levels and reasons mean.

The engine names each comparison's outcome in its own vocabulary ("exact key match",
"year ±1", "null", "no relatives pattern"); the API keeps those names, exact, for
machines. People read `phrase(...)`: "the same name, perhaps in another script", "born a
year apart", "not recorded". The engine's names and Bayes factors stay available in the
page's details panel for those who want the numbers.

Levels and reason codes the engine adds later are not lost: an unknown one is shown as
the translated generic phrase ("compared by the model: open the details"), and the
every-page language test keeps English from slipping through.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GENERIC = _("compared by the model: see the details below")

# The engine's level labels (haven.linkage.engine.model), by their exact text.
LEVELS: dict[str, Promise] = {
    "null": _("not recorded on one of the two"),
    "exact": _("the same"),
    "exact key match": _("the same name, perhaps in another script or spelling"),
    "different": _("not the same"),
    "else": _("not the same"),
    "Jaro-Winkler ≥ 0.92": _("spelt almost the same"),
    "Jaro-Winkler ≥ 0.9": _("spelt almost the same"),
    "Jaro-Winkler ≥ 0.88": _("spelt almost the same"),
    "Jaro-Winkler ≥ 0.8": _("spelt in a similar way"),
    "one character differs": _("one letter differs"),
    "two characters differ": _("two letters differ"),
    "one digit differs": _("one digit differs"),
    "same year-month": _("born the same month"),
    "day and month swapped": _("the same date with day and month swapped"),
    "exact, same place of origin": _("the same, and from the same place"),
    "exact, same place of origin or postcode": _("the same, and from the same place"),
    "same household, different given name": _("in the same household, another given name"),
    "same surname and birth date, different given name (twins?)":
        _("same family name and birth date, another given name: perhaps twins"),
    "same surname and phone, different given name (relatives?)":
        _("same family name and phone, another given name: perhaps relatives"),
    "same surname and phone, similar given name (relatives?)":
        _("same family name and phone, a similar given name: perhaps relatives"),
    "same year": _("born the same year"),
    "same year (partial date)": _("born the same year (only the year is known)"),
    "same year-month (partial date)": _("born the same month (only month and year known)"),
    "swapped with the other name": _("given and family names swapped"),
    "swapped with the other name, spelt alike": _("given and family names swapped, spelt alike"),
    "year ±1": _("born a year apart"),
    "no relatives pattern": _("nothing suggests relatives rather than one person"),
}

# Reason codes (why a pair was proposed or kept apart), as the engine names them.
REASONS: dict[str, Promise] = {
    "same_name_other_script": _("same name in another script"),
    "same_name": _("same name"),
    "similar_name": _("similar name"),
    "same_birth_date": _("same birth date"),
    "birth_year_apart": _("born a year apart"),
    "same_phone": _("same phone"),
    "same_document": _("same document"),
    "same_household": _("same household"),
    "same_origin": _("from the same place"),
    "twins": _("perhaps twins"),
    "relatives": _("perhaps relatives"),
    "surname_birth_year": _("same family name, born the same year"),
    "phone": _("same phone"),
    "name": _("same name in any script"),
}

# Why a pair waits for a reviewer (MatchCandidate.reason, haven.linkage.contradictions),
# in the clerk's words: the review queue and the pair's page say it beside the pair.
QUESTIONS: dict[str, Promise] = {
    "score_uncertain": _("The evidence is not strong enough either way."),
    "cluster_sex_differs": _(
        "Likely the same person, but another record already counted as one of them has "
        "a different sex."),
    "cluster_birth_years_far_apart": _(
        "Likely the same person, but another record already counted as one of them was "
        "born years apart."),
    "cluster_birth_dates_differ": _(
        "Likely the same person, but another record already counted as one of them has "
        "a different birth date."),
    "cluster_documents_differ": _(
        "Likely the same person, but another record already counted as one of them has "
        "a different document."),
    "cluster_given_names_differ": _(
        "Likely the same person, but another record already counted as one of them has "
        "another given name."),
}


def review_question(reason: str) -> str:
    """Return why a pair is asked about, for the reviewer (a pair without one: uncertain)."""
    return str(QUESTIONS.get(reason or "score_uncertain", QUESTIONS["score_uncertain"]))


# Comparisons that are not one of the record's fields (shown as their own row).
COMPARISONS: dict[str, Promise] = {
    "kinship": _("Family relations"),
    "household": _("Household"),
    "given_key": _("Given name"),
    "origin_key": _("Settlement of origin"),
    "patronymic_key": _("Patronymic"),
    "postcode": _("Postcode"),
    "state": _("Region"),
    "address_latin": _("Address"),
}


def phrase(level: str) -> str:
    """Return what an engine level (or reason code) means, in the reader's language."""
    text = (level or "").strip()
    if not text:
        return ""
    found = LEVELS.get(text) or REASONS.get(text) or REASONS.get(text.lower())
    return str(found if found is not None else GENERIC)


def comparison_label(key: str) -> str:
    """Return the name of a comparison without a field of its own (kinship → Family relations)."""
    found = COMPARISONS.get(key)
    return str(found) if found is not None else str(_("Other evidence"))
