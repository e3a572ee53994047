"""The words of family tracing: priorities, statuses, consent scopes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    CHILD = "child", _("Unaccompanied or separated child")
    ELDERLY = "elderly", _("Elderly person")
    MEDICAL = "medical", _("Medical need")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    POSSIBLE_MATCH = "possible_match", _("Possible match")
    CONFIRMED = "confirmed", _("Confirmed")
    REUNIFIED = "reunified", _("Reunified")
    CLOSED = "closed", _("Closed")


# The workflow: from each status, where a request may go next. Closing needs a reason.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RequestStatus.OPEN: (RequestStatus.POSSIBLE_MATCH, RequestStatus.CLOSED),
    RequestStatus.POSSIBLE_MATCH: (RequestStatus.CONFIRMED, RequestStatus.OPEN,
                                   RequestStatus.CLOSED),
    RequestStatus.CONFIRMED: (RequestStatus.REUNIFIED, RequestStatus.OPEN, RequestStatus.CLOSED),
    RequestStatus.REUNIFIED: (RequestStatus.CLOSED,),
    RequestStatus.CLOSED: (RequestStatus.OPEN,),
}
# Requests still being worked: registrations are checked against these.
ACTIVE_STATUSES = (RequestStatus.OPEN, RequestStatus.POSSIBLE_MATCH)


class ShareScope(models.TextChoices):
    """What the searcher allows the tracing desk to share, and with whom."""

    NONE = "none", _("Nothing: the tracing desk only")
    FOUND_PERSON = "found_person", _("Who is searching may be told to the person found")
    AGENCIES = "agencies", _("The request may be shared with other family-links agencies")


class AlertState(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Not the person sought")


class ChildReason(models.TextChoices):
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied: no adult of the household")
    SEPARATED = "separated", _("Separated: with an adult who is not a parent")


class ChildStatus(models.TextChoices):
    OPEN = "open", _("Being followed")
    REUNIFIED = "reunified", _("Reunified")
    IN_CARE = "in_care", _("Placed in care")
