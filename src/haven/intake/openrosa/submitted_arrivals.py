"""Receive the hub arrival form: each submission's scanned cards arrive, exactly once.

    arrival_submission_receive
    ├── same instanceID, same XML          acknowledged again; nothing is stored
    ├── same instanceID, different XML     Conflict (409): nothing is stored
    ├── meta/deprecatedID (an edit)        refused: an arrival is an event, not a record
    └── a new instanceID                   reception's codes_arrival_record, at the site

The same rules as registrations (`services`): `Submission`'s unique (source, key) with
the source `odk:hub_arrival` and the instanceID as key; two sends racing each other meet
at the constraint and the loser answers like a resend. The codes are recorded through
`haven.reception.services.codes_arrival_record`: all the cards of a submission or none,
a mistyped code named by its place in the form (`scans[2].code`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from haven.core import clock
from haven.core.errors import Conflict, ValidationFailed
from haven.intake.models import Submission
from haven.intake.openrosa.form import hub_arrival_xform
from haven.intake.openrosa.parsing import (
    MAX_INSTANCE_ID,
    _child,
    _children,
    _local,
    _moment,
    _text,
    instance_form,
)
from haven.intake.openrosa.services import ARRIVAL_OLDEST, CLOCK_SLACK, SOURCE_PREFIX
from haven.reception.services import codes_arrival_record

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@dataclass(frozen=True)
class ArrivalReceipt:
    duplicate: bool  # a resend: nothing stored this time
    persons: int  # arrivals recorded (by the first send)
    submission: Submission


def _scans(root: Element) -> list[str]:
    """Return each scanned or typed code, in the form's order (the repeat's template skipped)."""
    return [_text(scan, "code") or _text(scan, "typed") for scan in _children(root, "scans")
            if not any(_local(name) == "template" for name in scan.attrib)]


def _arrived_at(root: Element, received_at: dt.datetime) -> dt.datetime:
    """When the cards were scanned: the form's start (or end), unless the device's clock lies."""
    for moment in (_moment(_text(root, "start")), _moment(_text(root, "end"))):
        if moment is not None and \
                received_at - ARRIVAL_OLDEST <= moment <= received_at + CLOCK_SLACK:
            return min(moment, received_at)
    return received_at


def _acknowledge(existing: Submission, digest: str) -> ArrivalReceipt:
    if existing.digest != digest:
        raise Conflict(_("A different submission with this instanceID (%(key)s) was already "
                         "received; nothing was stored.") % {"key": existing.key[:60]})
    return ArrivalReceipt(duplicate=True, persons=0, submission=existing)


def arrival_submission_receive(*, actor: Actor, site: str, root: Element, xml: bytes,
                               received_at: dt.datetime | None = None) -> ArrivalReceipt:
    """Record the arrivals at `site` of the cards scanned in one hub arrival form, once.

    Raise ValidationFailed for another version of the form, a missing instanceID, an
    edit, no card, or a card whose code is mistyped or names nobody; Conflict for a
    different submission under an instanceID already received.
    """
    actor.require("register")
    form = hub_arrival_xform()
    _form_id, version = instance_form(root)
    if version != form.version:
        raise ValidationFailed.single(
            "version",
            _("this form's version %(version)r is not the current one (%(current)s): "
              "download the form again and fill it in anew")
            % {"version": version[:40], "current": form.version})
    meta = _child(root, "meta")
    key = _text(meta, "instanceID")
    if not key:
        raise ValidationFailed.single("meta/instanceID", _("is missing"))
    if len(key) > MAX_INSTANCE_ID:
        raise ValidationFailed.single("meta/instanceID", _("is longer than %(n)d characters")
                                      % {"n": MAX_INSTANCE_ID})
    if _text(meta, "deprecatedID"):
        raise ValidationFailed.single("meta/deprecatedID", _(
            "an arrival cannot be edited once sent; send a new form for the cards missed"))
    source = SOURCE_PREFIX + form.form_id
    digest = hashlib.sha256(xml).hexdigest()
    now = received_at or clock.now()
    existing = Submission.objects.filter(source=source, key=key).first()
    if existing is not None:
        return _acknowledge(existing, digest)
    codes = _scans(root)
    try:
        with transaction.atomic():
            persons = codes_arrival_record(actor=actor, site=site, codes=codes,
                                           arrived_at=_arrived_at(root, now), field="scans")
            submission = Submission.objects.create(
                source=source, key=key, digest=digest, received_at=now, received_by=actor.user)
    except ValidationFailed as problem:
        raise ValidationFailed({name.replace("]", "].code") if name.startswith("scans[")
                                else name: messages
                                for name, messages in problem.errors.items()}) from None
    except IntegrityError:
        existing = Submission.objects.filter(source=source, key=key).first()
        if existing is None:
            raise
        return _acknowledge(existing, digest)
    return ArrivalReceipt(duplicate=False, persons=len(persons), submission=submission)
