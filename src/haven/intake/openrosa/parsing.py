"""Read an ODK submission (the filled-in XForm instance, as XML) into the registration input.

The XML is parsed with defusedxml and refused outright if it declares a DOCTYPE or an
entity: no billion laughs, no external files. Elements are matched by their local
name, so the same reader takes ODK Collect's output (no default namespace, `orx:meta`
or plain `meta`) and Enketo's.

The household's site is not in the XML: the device sends to its site's address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

# No stubs are installed for defusedxml (types-defusedxml would have them).
from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped, unused-ignore]
from django.utils.translation import gettext as _

from haven.core.errors import ValidationFailed
from haven.registry.services import HouseholdInput, MemberInput
from haven.registry.vocabulary import BirthDatePrecision

MAX_INSTANCE_ID = 200  # Submission.key
XML_FIELD = "xml_submission_file"


@dataclass(frozen=True)
class ParsedSubmission:
    form_id: str
    version: str
    instance_id: str
    deprecated_id: str
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    household: HouseholdInput = field(repr=False)  # site is "", set by the receiver


def _local(tag: object) -> str:
    """Return an element's name without its namespace: `{http://…}meta` -> `meta`."""
    return str(tag).rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child.tag) == name)


def _child(element: Element | None, name: str) -> Element | None:
    return None if element is None else next(_children(element, name), None)


def _text(element: Element | None, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _moment(text: str) -> dt.datetime | None:
    """Return an ODK timestamp (2023-09-28T10:15:03.412+04:00) as an aware datetime, or None."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _whole_number(errors: dict[str, list[str]], key: str, text: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors.setdefault(key, []).append(_("is not a whole number"))
        return None


def _member(errors: dict[str, list[str]], index: int, element: Element) -> MemberInput:
    prefix = f"members[{index}]"
    precision = _text(element, "birth_date_precision")
    birth_date = ""
    estimated_age = None
    if precision == BirthDatePrecision.MONTH:
        birth_date = _text(element, "birth_month")[:7]  # Collect sends month-year as 1948-03-01
    elif precision == BirthDatePrecision.YEAR:
        birth_date = _text(element, "birth_year")
    elif precision == BirthDatePrecision.ESTIMATED:
        estimated_age = _whole_number(errors, f"{prefix}.estimated_age",
                                      _text(element, "estimated_age"))
    elif precision in {"", BirthDatePrecision.DAY}:
        birth_date = _text(element, "birth_date")
    else:
        errors.setdefault(f"{prefix}.birth_date_precision", []).append(
            _("must be one of: %(choices)s") % {"choices": ", ".join(BirthDatePrecision.values)})
    return MemberInput(
        given_name=_text(element, "given_name"),
        family_name=_text(element, "family_name"),
        patronymic=_text(element, "patronymic"),
        sex=_text(element, "sex"),
        birth_date=birth_date,
        estimated_age=estimated_age,
        relationship=_text(element, "relationship"),
        document_type=_text(element, "document_type"),
        document_number=_text(element, "document_number"),
        vulnerabilities=_text(element, "vulnerabilities").split(),
    )


def instance_parse(xml: bytes) -> Element:
    """Return the root element of a submission's XML.

    Raise ValidationFailed for XML that is not well-formed or declares a DOCTYPE or
    entities.
    """
    try:
        return fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ValidationFailed.single(
            XML_FIELD, _("must not declare a DOCTYPE or entities")) from None
    except (ParseError, ValueError) as problem:
        raise ValidationFailed.single(
            XML_FIELD, _("is not well-formed XML (%(problem)s)") % {"problem": problem}
        ) from None


def instance_form(root: Element) -> tuple[str, str]:
    """Return the form id and version a submission says it was filled in."""
    return root.get("id", ""), root.get("version", "")


def submission_read(root: Element) -> ParsedSubmission:
    """Read a household registration from a submission's root element.

    Raise ValidationFailed when `meta/instanceID` is missing or values are of the wrong
    kind (a size that is not a number); the registration service checks the rest.
    """
    meta = _child(root, "meta")
    instance_id = _text(meta, "instanceID")
    if not instance_id:
        raise ValidationFailed.single("meta/instanceID", _("is missing"))
    deprecated_id = _text(meta, "deprecatedID")
    for key, value in (("meta/instanceID", instance_id), ("meta/deprecatedID", deprecated_id)):
        if len(value) > MAX_INSTANCE_ID:
            raise ValidationFailed.single(
                key, _("is longer than %(n)d characters") % {"n": MAX_INSTANCE_ID})
    errors: dict[str, list[str]] = {}
    household = _child(root, "household")
    occurrences = [e for e in _children(root, "members")
                   if not any(_local(name) == "template" for name in e.attrib)]
    members = [_member(errors, i, element) for i, element in enumerate(occurrences)]
    size = _whole_number(errors, "size", _text(household, "size"))
    if errors:
        raise ValidationFailed(errors)
    form_id, version = instance_form(root)
    return ParsedSubmission(
        form_id=form_id,
        version=version,
        instance_id=instance_id,
        deprecated_id=deprecated_id,
        started_at=_moment(_text(root, "start")),
        ended_at=_moment(_text(root, "end")),
        household=HouseholdInput(
            site="", members=members, place_of_origin=_text(household, "place_of_origin"),
            phone=_text(household, "phone"), size=size),
    )
