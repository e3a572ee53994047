"""Records that cannot be one person, whatever their score: the clustering's cannot-links.

Connected components over pairwise links chain relatives together: a parent, a child
and a sibling sharing surname, phone and place of origin end up in one cluster through
pairs none of which would have been merged directly. A cluster therefore never holds
two records that contradict each other, and a merge that would join them goes to a
reviewer instead, with the reason (one of REASONS).

Pure Python, no Django, no pandas: the engine's clustering, the registry's incremental
runs and the registration hint all use it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from haven.core.names import given_name_key, surname_key, to_latin

# Reason codes a review ticket carries (the review page words them for clerks).
SEX = "sex_differs"
BIRTH_YEARS = "birth_years_far_apart"
BIRTH_DATES = "birth_dates_differ"
DOCUMENTS = "documents_differ"
GIVEN_NAMES = "given_names_differ"
REASONS = (SEX, BIRTH_YEARS, BIRTH_DATES, DOCUMENTS, GIVEN_NAMES)
# A pair between the thresholds: the score alone cannot tell.
UNCERTAIN = "score_uncertain"
# A likely pair whose two records agree, kept apart because another record already in
# one of the two clusters contradicts the other side: "cluster_" + the REASONS code.
# These are questions for a reviewer; a pair whose own two records contradict is not
# (the records themselves say two people: relatives sharing surname, phone, origin).
CLUSTER = "cluster_"
QUESTIONS = (UNCERTAIN, *(CLUSTER + code for code in REASONS))


def question_reason(direct: str, through_cluster: str) -> str:
    """Return the reason of a refused link: the pair's own contradiction, else the cluster's."""
    return direct or (CLUSTER + through_cluster if through_cluster else "")

# Birth years this far apart are two people (a year one off is a slip; estimated ages
# of the old are a year or two off), unless the full dates differ by one typed digit
# or two swapped digits (1985 written 1958).
FAR_YEARS = 3
# Document numbers differing in more than this many characters are two documents.
DOCUMENT_EDITS = 2
# A document number this long (or longer) identifies its holder despite two slips.
MIN_DOCUMENT = 6
# Month and day written for an unknown day (1 January, 1 July: the usual placeholders in
# registers); such a date says only the year.
PLACEHOLDER_DAYS = ("0101", "0701")
# Slips two records of one person's birth date may differ by (one in each).
DATE_SLIPS = 2
# Given names this alike in Latin letters may be one name spelt twice.
NAME_ALIKE = 0.8
SWAPPED_ALIKE = 0.9


@dataclass(frozen=True)
class Facts:
    """What a record says that another record can contradict ("" / None when missing)."""

    sex: str = ""
    birth_year: int | None = None
    birth_full: str = ""  # YYYYMMDD when the day is known
    document: str = ""
    given_key: str = ""
    given_latin: str = ""
    family_as_given_key: str = ""  # the family name read as a given name (swapped names)
    given_as_family_key: str = ""
    family_key: str = ""
    family_latin: str = ""


def facts_from_text(*, sex: str = "", birth_date: str = "", document: str = "",
                    given_name: str = "", family_name: str = "") -> Facts:
    """Return the facts of a record as typed (the registration hint's query)."""
    year, full = None, ""
    digits = "".join(ch for ch in birth_date if ch.isdigit())
    if len(digits) >= 4:
        year = int(digits[:4])
        full = digits[:8] if len(digits) >= 8 and _is_date(digits[:8]) else ""
    given, family = given_name.strip(), family_name.strip()
    return Facts(
        sex=_sex(sex), birth_year=year, birth_full=full,
        document="".join(ch for ch in document.upper() if ch.isalnum()),
        given_key=given_name_key(given) if given else "",
        given_latin=_latin(given),
        family_as_given_key=given_name_key(family) if family else "",
        given_as_family_key=surname_key(given) if given else "",
        family_key=surname_key(family) if family else "",
        family_latin=_latin(family))


SEX_WORDS = {"f": "f", "female": "f", "woman": "f", "ж": "f", "жен": "f", "женский": "f",
             "իգ": "f", "կին": "f", "m": "m", "male": "m", "man": "m", "м": "m", "муж": "m",
             "мужской": "m", "ար": "m", "տղամարդ": "m"}  # fmt: skip


def _is_date(digits: str) -> bool:
    # A date typed wrong (1949-13-40, refused by the form) says nothing about the day.
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return True


def _latin(name: str) -> str:
    return "".join(ch for ch in to_latin(name).lower() if "a" <= ch <= "z") if name else ""


def _sex(value: str) -> str:
    return SEX_WORDS.get(value.strip().lower(), "")


def contradiction(a: Facts, b: Facts) -> str:
    """Return why two records cannot be one person (a REASONS code), or "".

    One field may be wrong in one record (a date or a name written over by another
    value, a second document): the same identity document (two slips allowed) outweighs
    a far birth year and another given name, and the same full birth date outweighs
    another document number. Relatives do not share a document, and twins, who share a
    birth date, are told apart by their given names. FEBRL3's duplicates carry such
    replaced values: without these anchors 1,644 of its 6,538 true pairs contradicted.
    """
    # Two slips in a document number still name the document; one in a date, the date.
    same_document = bool(a.document and b.document) and len(a.document) >= MIN_DOCUMENT \
        and edit_distance(a.document, b.document) <= DOCUMENT_EDITS
    same_date = bool(a.birth_full and b.birth_full) and edit_distance(
        a.birth_full, b.birth_full) <= 1
    if a.sex and b.sex and a.sex != b.sex:
        return SEX
    if same_document:
        return ""
    if (a.birth_year is not None and b.birth_year is not None
            and abs(a.birth_year - b.birth_year) >= FAR_YEARS
            and not (a.birth_full and b.birth_full
                     and edit_distance(a.birth_full, b.birth_full) <= 1)):
        return BIRTH_YEARS
    if a.birth_full and b.birth_full and not dates_may_be_one(a.birth_full, b.birth_full):
        return BIRTH_DATES
    if (a.document and b.document and not same_date
            and edit_distance(a.document, b.document) > DOCUMENT_EDITS):
        return DOCUMENTS
    return GIVEN_NAMES if given_names_differ(a, b) else ""


def dates_may_be_one(a: str, b: str) -> bool:
    """True when two full birth dates (YYYYMMDD) may be one date written twice.

    Each record may carry a slip of its own (a digit, two digits swapped, day and month
    swapped, the year one off), so two records of one person differ by up to two: the
    cost of the year (0 the same; 1 one off or one digit; else its digits' edit
    distance) plus the cost of month and day (their digits' edit distance, or 1 for
    the swap plus what differs after it) is at most DATE_SLIPS. Any other two full
    dates are two people's, unless one is a placeholder for an unknown day. Siblings
    born the same year and namesakes of one age share everything but the date: without
    this rule their records chained.
    """
    if a[4:] in PLACEHOLDER_DAYS or b[4:] in PLACEHOLDER_DAYS:
        return True
    year_a, year_b, day_a, day_b = a[:4], b[:4], a[4:], b[4:]
    year = edit_distance(year_a, year_b)
    if year > 1 and year_a.isdigit() and year_b.isdigit() and abs(
            int(year_a) - int(year_b)) <= 1:
        year = 1
    swapped = day_b[2:] + day_b[:2]
    day = min(edit_distance(day_a, day_b), 1 + edit_distance(day_a, swapped))
    return year + day <= DATE_SLIPS


def given_names_differ(a: Facts, b: Facts) -> bool:
    """True when both given names are known and are not spellings of one name.

    Variants are: the same key (Անահիտ = Анаит = Anahit); keys one letter apart (a
    dropped vowel, two letters swapped, a doubled letter, typed in Armenian or
    Cyrillic before transliteration); Latin letters alike (Jaro-Winkler ≥ 0.8); one
    name the other's start (Ani, Anahit); names written in each other's place.
    """
    ka, kb = a.given_key, b.given_key
    if not ka or not kb or ka == kb:
        return False
    if edit_distance(ka, kb) <= 1 or ka.startswith(kb) or kb.startswith(ka):
        return False
    if jaro_winkler(a.given_latin or ka, b.given_latin or kb) >= NAME_ALIKE:
        return False
    if jaro_winkler(ka, kb) >= NAME_ALIKE:
        return False
    swapped = (ka == b.family_as_given_key and a.family_key == b.given_as_family_key) or (
        kb == a.family_as_given_key and b.family_key == a.given_as_family_key)
    # Swapped with a slip (Nathan Bishop, "Bishop Naxthan"), as the engine's level has it.
    crosswise = bool(a.family_latin and b.family_latin) and jaro_winkler(
        a.given_latin, b.family_latin) >= SWAPPED_ALIKE and jaro_winkler(
        a.family_latin, b.given_latin) >= SWAPPED_ALIKE
    return not (swapped or crosswise)


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): a swap counts once."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity (prefix scale 0.1, up to 4 letters), as Splink's SQL has it."""
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    matched_a = [False] * len(a)
    matched_b = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not matched_b[j] and b[j] == ch:
                matched_a[i] = matched_b[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    in_a = [ch for ch, m in zip(a, matched_a, strict=True) if m]
    in_b = [ch for ch, m in zip(b, matched_b, strict=True) if m]
    transpositions = sum(x != y for x, y in zip(in_a, in_b, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)
