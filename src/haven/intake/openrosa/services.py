"""Receive ODK submissions: each stored once, its household registered through the registry.

    submission_receive
    ├── same instanceID, same XML          acknowledged again; nothing is stored
    ├── same instanceID, different XML     Conflict (409): nothing is stored
    ├── meta/deprecatedID (an edit)        the earlier household is corrected in place
    └── a new instanceID                   household_register, arriving at the site

Idempotency rests on `Submission`'s unique (source, key): the source is
`odk:<form id>`, the key the instanceID that ODK Collect and Enketo mint on the
device, and the digest the SHA-256 of the XML as received. A device that resends
after a lost answer gets the same receipt; two sends racing each other meet at the
unique constraint, and the loser rolls back whole and answers like a resend.

An edit (ODK's `deprecatedID`) corrects the household the earlier submission
registered, through `household_update` and `person_update`: the registry keeps one
household, so nobody is counted twice, and every changed field's old value goes to
the record's history. The earlier submission points at the edit (`replaced_by`), and
the edit points at the same household, so which XML said what, and when, is kept.
An edit may not add or remove members, nor change an estimated age (the registry has
no service for those yet); it is refused with a message saying so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.models import Outcome as AuditOutcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import Conflict, NotFound, ValidationFailed
from haven.intake.models import Submission
from haven.intake.openrosa.form import household_xform
from haven.intake.openrosa.parsing import (
    ParsedSubmission,
    instance_form,
    instance_parse,
    submission_read,
)
from haven.registry.birth_dates import OLDEST_AGE, birth_date_from_age
from haven.registry.models import Household, Person
from haven.registry.selectors import household_codes_visible, household_get
from haven.registry.services import (
    HouseholdInput,
    MemberInput,
    household_register,
    household_update,
    person_update,
)
from haven.registry.vocabulary import BirthDatePrecision, Relationship

if TYPE_CHECKING:
    from haven.accounts.access import Actor

SOURCE_PREFIX = "odk:"
# The digest of a submission stored from a KoboToolbox or ODK Central export of it
# (intake.importing.submissions), not from its XML: the device's resend is the same one.
EXPORT_DIGEST = "export:"
# A device's clock may be wrong (reset to 1970 after a flat battery): a form started
# more than this long before it was received, or after it, arrived when it was received.
ARRIVAL_OLDEST = dt.timedelta(days=90)
CLOCK_SLACK = dt.timedelta(minutes=10)


class Outcome:
    REGISTERED = "registered"
    DUPLICATE = "duplicate"
    EDITED = "edited"


@dataclass(frozen=True)
class Receipt:
    """What became of a submission, for the answer to the device."""

    outcome: str
    household: Household | None  # None: a resend of a household the sender may not see
    submission: Submission


def submission_receive(
    *, actor: Actor, site: str, xml: bytes, received_at: dt.datetime | None = None
) -> Receipt:
    """Store one household registration sent from ODK Collect or Enketo, exactly once.

    Raise ValidationFailed for a submission that cannot be read, is for another form or
    version, or holds a household the registry refuses; Conflict for a different
    submission under an instanceID already received, or an edit of an edited submission.
    """
    actor.require("register")
    root = instance_parse(xml)
    form = household_xform()
    form_id, version = instance_form(root)
    if form_id != form.form_id:
        raise ValidationFailed.single(
            "form", _("Haven has no form %(form)r; download the forms again")
            % {"form": form_id[:60]})
    if version != form.version:
        raise ValidationFailed.single(
            "version",
            _("this form's version %(version)r is not the current one (%(current)s): "
              "download the form again and fill it in anew")
            % {"version": version[:40], "current": form.version})
    parsed = submission_read(root)
    source = SOURCE_PREFIX + form.form_id
    digest = hashlib.sha256(xml).hexdigest()
    now = received_at or clock.now()
    existing = _stored(source, parsed.instance_id)
    if existing is not None:
        return _acknowledge(actor, existing, digest)
    if parsed.deprecated_id:
        _require_editable(actor, source, parsed.deprecated_id)
    try:
        with transaction.atomic():
            if parsed.deprecated_id:
                return _edit(actor, parsed, source=source, digest=digest, now=now)
            return _register(actor, parsed, site=site, source=source, digest=digest, now=now)
    except IntegrityError:
        # The same instanceID arrived twice at once: a device retrying a slow send.
        existing = _stored(source, parsed.instance_id)
        if existing is None:
            raise
        return _acknowledge(actor, existing, digest)


def _stored(source: str, key: str) -> Submission | None:
    return Submission.objects.select_related("household").filter(source=source, key=key).first()


def _acknowledge(actor: Actor, existing: Submission, digest: str) -> Receipt:
    """Answer a resend: the household it registered, if the sender may see that household.

    A device at another site (a phone moved from Goris to Vayk, resending what Goris
    received) learns nothing of the household, not its code and not whether its content
    differs: the resend is acknowledged as received (ODK Collect then stops resending;
    the data is safe where it was stored) and the look is audited as denied.
    """
    assert existing.household_id is not None  # noqa: S101 - ODK submissions always have one
    if not household_codes_visible(actor, [existing.household_id]):
        audit_record(actor=actor, action=AuditAction.HOUSEHOLD_VIEW, target_type="household",
                     target_ids=[existing.household_id], outcome=AuditOutcome.DENIED)
        return Receipt(outcome=Outcome.DUPLICATE, household=None, submission=existing)
    if existing.digest != digest and not existing.digest.startswith(EXPORT_DIGEST):
        raise Conflict(_("A different submission with this instanceID (%(key)s) was already "
                         "received; nothing was stored.") % {"key": existing.key[:60]})
    return Receipt(outcome=Outcome.DUPLICATE, household=existing.household, submission=existing)


def arrival_time(parsed: ParsedSubmission, received_at: dt.datetime) -> dt.datetime:
    """Return when the household arrived: when the form was started on the device.

    The form's `start`, else its `end`, else the time the server received it, when the
    device's clock cannot be believed.
    """
    for moment in (parsed.started_at, parsed.ended_at):
        if moment is not None and \
                received_at - ARRIVAL_OLDEST <= moment <= received_at + CLOCK_SLACK:
            return min(moment, received_at)
    return received_at


def _register(actor: Actor, parsed: ParsedSubmission, *, site: str, source: str, digest: str,
              now: dt.datetime) -> Receipt:
    household = household_register(
        actor=actor, household=dataclasses.replace(parsed.household, site=site),
        arrived_at=arrival_time(parsed, now))
    submission = Submission.objects.create(
        source=source, key=parsed.instance_id, digest=digest, household=household,
        received_at=now, received_by=actor.user)
    return Receipt(outcome=Outcome.REGISTERED, household=household, submission=submission)


def _unknown_edit(key: str) -> ValidationFailed:
    return ValidationFailed.single(
        "meta/deprecatedID",
        _("this edit replaces submission %(key)s, which Haven has not received; "
          "send that one first") % {"key": key[:60]})


def _require_editable(actor: Actor, source: str, key: str) -> None:
    """Refuse an edit of a submission that is unknown, or whose household the actor cannot see.

    Outside the edit's transaction, so that a denied look is kept in the audit log.
    """
    earlier = _stored(source, key)
    if earlier is None or earlier.household_id is None:
        raise _unknown_edit(key)
    try:
        household_get(actor=actor, ref=str(earlier.household_id))
    except NotFound:
        raise _unknown_edit(key) from None  # not visible to this user: as if it did not exist


def _edit(actor: Actor, parsed: ParsedSubmission, *, source: str, digest: str,
          now: dt.datetime) -> Receipt:
    earlier = (Submission.objects.select_for_update(of=("self",)).select_related("household")
               .filter(source=source, key=parsed.deprecated_id).first())
    if earlier is None or earlier.household is None:
        raise _unknown_edit(parsed.deprecated_id)
    if earlier.replaced_by_id is not None:
        raise Conflict(_("Submission %(key)s was already replaced by an edit; edit the latest "
                         "version instead.") % {"key": parsed.deprecated_id[:60]})
    household_correct(actor=actor, household=earlier.household, edit=parsed.household)
    submission = Submission.objects.create(
        source=source, key=parsed.instance_id, digest=digest, household=earlier.household,
        received_at=now, received_by=actor.user)
    earlier.replaced_by = submission
    earlier.save(update_fields=["replaced_by"])
    return Receipt(outcome=Outcome.EDITED, household=earlier.household, submission=submission)


def household_correct(*, actor: Actor, household: Household, edit: HouseholdInput) -> None:
    """Make a registered household say what an edited form says, member by member.

    Members are matched by their place in the form. Only changed fields are written, each
    with its old value in the history; nothing is written if anything is refused.
    """
    with transaction.atomic():
        persons = list(Person.objects.filter(household=household).order_by("position"))
        same_members = len(persons) == len(edit.members)
        # First, so that a household the actor may not see is NotFound before anything
        # about it (its number of members) shows in an answer.
        household_update(actor=actor, ref=str(household.id), changes={
            "place_of_origin": edit.place_of_origin, "phone": edit.phone,
            **({"size": edit.size or len(edit.members)} if same_members else {})})
        if not same_members:
            raise Conflict(_("An edit cannot add or remove members (%(before)d registered, "
                             "%(after)d in the edit); register the others as a new household.")
                           % {"before": len(persons), "after": len(edit.members)})
        today = timezone.localdate(clock.now())
        pairs = list(enumerate(zip(persons, edit.members, strict=True)))
        # A former head steps down before the new one steps up: one head at every step.
        pairs.sort(key=lambda p: not (p[1][0].relationship == Relationship.HEAD
                                      != p[1][1].relationship))
        for index, (person, member) in pairs:
            changes = _person_changes(index, person, member, today=today)
            try:
                person_update(actor=actor, ref=str(person.id), changes=changes)
            except ValidationFailed as problem:
                raise ValidationFailed({f"members[{index}].{key}": messages
                                        for key, messages in problem.errors.items()}) from None


def _person_changes(index: int, person: Person, member: MemberInput, *,
                    today: dt.date) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "given_name": member.given_name, "family_name": member.family_name,
        "patronymic": member.patronymic, "sex": member.sex,
        "relationship": member.relationship,
        "document_type": member.document_type or "none",
        "document_number": member.document_number,
    }
    if member.estimated_age is None:
        changes["birth_date"] = member.birth_date
    elif not (person.birth_date_precision == BirthDatePrecision.ESTIMATED
              and 0 <= member.estimated_age <= OLDEST_AGE
              and birth_date_from_age(member.estimated_age, today=today).year
              == person.birth_year):
        raise ValidationFailed.single(
            f"members[{index}].estimated_age",
            _("an edit cannot change an estimated age; give the birth year instead"))
    # Every field the form carries, without looking at what is stored: person_update
    # ignores the fields the actor's role may not change (registry.records.fields_writable),
    # so the answer to an edit never depends on stored medical fields.
    changes["vulnerabilities"] = list(member.vulnerabilities)
    return changes
