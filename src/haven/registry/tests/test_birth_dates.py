"""Birth dates as people know them: a full date, a year and month, a year, or an age."""

import datetime as dt

import pytest

from haven.registry.birth_dates import (
    UNKNOWN,
    BirthDate,
    BirthDateProblem,
    age_on,
    birth_date_from_age,
    parse_birth_date,
)

TODAY = dt.date(2023, 9, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1948-03-15", BirthDate(1948, 3, 15, "day")),
        ("1948-3-5", BirthDate(1948, 3, 5, "day")),
        ("15.03.1948", BirthDate(1948, 3, 15, "day")),
        ("5.3.1948", BirthDate(1948, 3, 5, "day")),
        ("15/03/1948", BirthDate(1948, 3, 15, "day")),
        ("1948-03", BirthDate(1948, 3, None, "month")),
        ("1948", BirthDate(1948, None, None, "year")),
        (" 1948 ", BirthDate(1948, None, None, "year")),
        ("2000-02-29", BirthDate(2000, 2, 29, "day")),
        ("2023-09-28", BirthDate(2023, 9, 28, "day")),
        ("2023-09", BirthDate(2023, 9, None, "month")),
        ("1898", BirthDate(1898, None, None, "year")),
    ],
)
def test_dates_at_each_precision_are_accepted(text, expected):
    """Full, year-month and year-only dates, ISO or dotted as on Soviet papers."""
    assert parse_birth_date(text, today=TODAY) == expected


def test_an_empty_date_means_unknown():
    """No date at all is allowed: many arrive without papers."""
    assert parse_birth_date("  ", today=TODAY) == UNKNOWN
    assert not UNKNOWN.known


def refusal(text: str) -> str:
    with pytest.raises(BirthDateProblem) as caught:
        parse_birth_date(text, today=TODAY)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1948-02-31", "1948-02-31 is not a date in the calendar"),
        ("31.02.1948", "31.02.1948 is not a date in the calendar"),
        ("1947-02-29", "1947-02-29 is not a date in the calendar"),
        ("1948-13", "month 13 does not exist"),
        ("1948-00-10", "month 0 does not exist"),
        ("1948-04-31", "1948-04-31 is not a date in the calendar"),
        ("2023-09-29", "is in the future"),
        ("2023-10", "is in the future"),
        ("2024", "is in the future"),
        ("1897", "is more than 125 years ago"),
        ("1800-01-01", "is more than 125 years ago"),
        ("0000", "is more than 125 years ago"),
        ("0000-01", "is more than 125 years ago"),
        ("01.01.0000", "is more than 125 years ago"),
        ("48", "use YYYY-MM-DD, YYYY-MM or YYYY"),
        ("March 1948", "use YYYY-MM-DD, YYYY-MM or YYYY"),
        ("1948-03-15T00:00", "use YYYY-MM-DD, YYYY-MM or YYYY"),
    ],
)
def test_impossible_future_and_too_old_dates_are_refused(text, message):
    """31 February, tomorrow and 126 years ago are refused with a reason, never a crash."""
    assert refusal(text) == message


def test_an_estimated_age_gives_a_birth_year():
    """An age of 75 in 2023 is 'born about 1948', marked estimated."""
    assert birth_date_from_age(75, today=TODAY) == BirthDate(1948, None, None, "estimated")
    assert birth_date_from_age(0, today=TODAY).year == 2023


@pytest.mark.parametrize("age", [-1, 126, 1000])
def test_an_impossible_age_is_refused(age):
    """Ages run from 0 to 125."""
    with pytest.raises(BirthDateProblem, match="must be between 0 and 125"):
        birth_date_from_age(age, today=TODAY)


@pytest.mark.parametrize(
    ("birth", "age"),
    [
        (BirthDate(1948, 3, 15, "day"), 75),
        (BirthDate(1948, 9, 28, "day"), 75),
        (BirthDate(1948, 9, 29, "day"), 74),
        (BirthDate(1948, 9, None, "month"), 75),
        (BirthDate(1948, 10, None, "month"), 74),
        (BirthDate(1948, None, None, "year"), 75),
        (BirthDate(2023, 9, 28, "day"), 0),
        (UNKNOWN, None),
    ],
)
def test_age_on_a_day(birth, age):
    """Whole years; a partial date is taken from the middle of its month or year."""
    assert age_on(birth, TODAY) == age
