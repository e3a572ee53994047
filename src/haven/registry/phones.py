"""Phone numbers as typed, and their E.164 form for matching."""

from __future__ import annotations

import re

import phonenumbers

from haven.core.errors import InputProblem, gettext_noop

# Most arrivals carry Armenian (+374) numbers; Karabakh numbers were +374 47 / 97.
DEFAULT_REGION = "AM"
_ALLOWED = re.compile(r"^[0-9+()\-. /]{5,32}$")
_SEPARATORS = str.maketrans("", "", " ()-./")
# The two ways nearly every Armenian number is written: +374 XX XXXXXX and 0XX XXXXXX.
# Read directly they skip phonenumbers.parse, two thirds of the cost of a phone in a
# million-row import; the result is the same (tests compare the two paths).
_ARMENIAN = re.compile(r"^(?:\+374|0)([1-9][0-9]{7})$")


class PhoneProblem(InputProblem):
    """A phone number that cannot be stored; the message says why, for the clerk."""


def clean_phone(raw: str) -> tuple[str, str]:
    """Return (phone as typed, E.164 or '' if it is not a valid number); reject non-phone text."""
    phone = " ".join(raw.split())
    if not phone:
        return "", ""
    if not _ALLOWED.match(phone) or sum(ch.isdigit() for ch in phone) < 5:
        raise PhoneProblem(gettext_noop("is not a phone number (digits, spaces, + - ( ) only)"))
    armenian = _ARMENIAN.match(phone.translate(_SEPARATORS))
    if armenian:
        national = armenian.group(1)
        number = phonenumbers.PhoneNumber(country_code=374, national_number=int(national))
        return phone, f"+374{national}" if phonenumbers.is_valid_number(number) else ""
    return phone, _e164_parsed(phone)


def _e164_parsed(phone: str) -> str:
    """Return the E.164 form of any number phonenumbers can read, or ''."""
    try:
        parsed = phonenumbers.parse(phone, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ""
    # "Possible" only checks the length: 12345 would become +37412345 and match every
    # other household that wrote down the same five digits. The key needs a valid number.
    if not phonenumbers.is_valid_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
