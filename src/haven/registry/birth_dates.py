"""Birth dates as people know them: a full date, a year and month, a year, or an age."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from haven.core.errors import InputProblem, gettext_noop
from haven.registry.vocabulary import BirthDatePrecision

OLDEST_AGE = 125
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")  # 15.03.1948, as on Soviet papers


class BirthDateProblem(InputProblem):
    """A birth date that cannot be stored; the message says why, for the clerk."""


@dataclass(frozen=True)
class BirthDate:
    year: int | None
    month: int | None = None
    day: int | None = None
    precision: str = ""

    @property
    def known(self) -> bool:
        return self.year is not None


UNKNOWN = BirthDate(year=None)


def birth_date_text(year: int | None, month: int | None, day: int | None) -> str:
    """Return a stored birth date at the precision it was given: 1948, 1948-03, 1948-03-15."""
    if year is None:
        return ""
    if not month:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if not day else f"{year:04d}-{month:02d}-{day:02d}"


def parse_birth_date(text: str, *, today: dt.date) -> BirthDate:
    """Parse ``1948``, ``1948-03``, ``1948-03-15`` or ``15.03.1948``; '' means unknown.

    Raise BirthDateProblem for impossible dates (31 February), dates in the future and
    ages past the oldest living people.
    """
    text = text.strip()
    if not text:
        return UNKNOWN
    year: int
    month: int | None
    day: int | None
    if match := _DOTTED.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(text):
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
    else:
        raise BirthDateProblem(gettext_noop("use YYYY-MM-DD, YYYY-MM or YYYY"))
    # Checked before building a date: year 0 does not exist in Python's calendar.
    if today.year - year > OLDEST_AGE:
        raise BirthDateProblem(gettext_noop("is more than %(n)d years ago"), n=OLDEST_AGE)
    if month is not None and not 1 <= month <= 12:
        raise BirthDateProblem(gettext_noop("month %(month)d does not exist"), month=month)
    if day is not None:
        try:
            earliest = dt.date(year, month or 1, day)
        except ValueError:
            raise BirthDateProblem(gettext_noop("%(date)s is not a date in the calendar"),
                                   date=text) from None
        precision = BirthDatePrecision.DAY
    elif month is not None:
        earliest = dt.date(year, month, 1)
        precision = BirthDatePrecision.MONTH
    else:
        earliest = dt.date(year, 1, 1)
        precision = BirthDatePrecision.YEAR
    if earliest > today:
        raise BirthDateProblem(gettext_noop("is in the future"))
    return BirthDate(year=year, month=month, day=day, precision=precision)


def birth_date_from_age(age: int, *, today: dt.date) -> BirthDate:
    """Return the birth year implied by an estimated age in whole years."""
    if not 0 <= age <= OLDEST_AGE:
        raise BirthDateProblem(gettext_noop("must be between 0 and %(n)d"), n=OLDEST_AGE)
    return BirthDate(year=today.year - age, precision=BirthDatePrecision.ESTIMATED)


def age_on(birth: BirthDate, day: dt.date) -> int | None:
    """Return the age in whole years on `day`; for a partial date, assume mid-period."""
    if birth.year is None:
        return None
    month = birth.month or 7
    dom = birth.day or (15 if birth.month else 1)
    years = day.year - birth.year
    if (day.month, day.day) < (month, dom):
        years -= 1
    return max(years, 0)
