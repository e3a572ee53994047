"""News of a person that tracing officers must hear from elsewhere in Haven.

The protection app calls these when a person left behind in the area of origin is moved
out (`person_transferred`) and when a casualty is identified as a registered person
(`person_recorded_as_casualty`). What failed in January 2026 was exactly this: relatives
of the last residents moved out were not told where their people had been taken.

Each officer concerned gets a notification (haven.notifications) to acknowledge; one
left unacknowledged escalates to a coordinator like any other. The notifications carry
codes and site names, never a person's name. Both run after the caller's transaction
commits, so a transfer that fails tells nobody.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_noop

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.core import clock
from haven.notifications.services import notify, users_for_site
from haven.registry.models import Household, Person, Site
from haven.tracing.alerts import alerts_raise
from haven.tracing.models import Alert, RequestEvent, TracingRequest
from haven.tracing.vocabulary import AlertState, RequestStatus

TRANSFER_REQUEST = gettext_noop(
    "A person your tracing request %(request)s may concern was moved out of the area to "
    "%(site)s (%(person)s): please acknowledge")
TRANSFER_RELATIVE = gettext_noop(
    "A relative of household %(household)s, who had stayed behind, was moved to %(site)s "
    "(%(person)s): please tell the family and acknowledge")
# One message per kind of casualty, so that each is translated whole.
CASUALTY_REQUEST = {
    "dead": gettext_noop("A person your tracing request %(request)s may concern is "
                         "recorded as dead in the casualty register (%(person)s): please "
                         "acknowledge"),
    "injured": gettext_noop("A person your tracing request %(request)s may concern is "
                            "recorded as injured in the casualty register (%(person)s): "
                            "please acknowledge"),
    "missing": gettext_noop("A person your tracing request %(request)s may concern is "
                            "recorded as missing in the casualty register (%(person)s): "
                            "please acknowledge"),
}
CASUALTY_EVENT = gettext_noop("the casualty register records a person this request may "
                              "concern")
TRANSFER_EVENT = gettext_noop("a person this request may concern was moved out of the area")
FINISHED = (RequestStatus.REUNIFIED, RequestStatus.CLOSED)


def requests_concerning(person_id: uuid.UUID) -> list[TracingRequest]:
    """Return the unfinished requests that may concern the person, oldest first.

    Those with an alert on the person that nobody rejected: the alerts themselves are
    raised first (by the same scoring as for a registration; at most once per pair), so a
    request opened since the person registered is found too.
    """
    rows = [dict(row) for row in Person.objects.filter(id=person_id).values(
        "id", "household_id", "given_name", "family_name", "patronymic", "given_name_key",
        "family_name_key", "sex", "birth_year", "household__place_of_origin",
        "household__registered_at_id", "relationship")]
    alerts_raise(rows)
    request_ids = Alert.objects.filter(person_id=person_id).exclude(
        state=AlertState.REJECTED).values_list("request_id", flat=True)
    return list(TracingRequest.objects.filter(id__in=request_ids).exclude(
        status__in=FINISHED).select_related("owner").order_by("created_at", "id"))


def _note(request: TracingRequest, reason: str) -> None:
    RequestEvent.objects.create(request=request, at=clock.now(), by=None,
                                from_status=request.status, to_status=request.status,
                                reason=reason)


def person_transferred(*, person_id: uuid.UUID, site_id: int,
                       relatives: Iterable[uuid.UUID] = ()) -> None:
    """Tell, on commit, every officer whose request or family the transfer concerns."""
    relatives = list(relatives)
    transaction.on_commit(lambda: _transferred(person_id, site_id, relatives))


def _transferred(person_id: uuid.UUID, site_id: int, relatives: list[uuid.UUID]) -> None:
    person = Person.objects.only("code").get(id=person_id)
    site = Site.objects.get(id=site_id)
    with transaction.atomic():
        for request in requests_concerning(person_id):
            _note(request, TRANSFER_EVENT)
            notify(user=request.owner, kind="tracing.transfer", message=TRANSFER_REQUEST,
                   params={"request": request.code, "site": site.name, "person": person.code},
                   link=f"/tracing/requests/{request.pk}/", site_id=request.site_id)
        households = (Household.objects.filter(members__id__in=relatives)
                      .exclude(members__id=person_id).distinct().order_by("code"))
        for household in households:
            for officer in _officers_of(household.registered_at_id):
                notify(user=officer, kind="tracing.relative_transfer",
                       message=TRANSFER_RELATIVE,
                       params={"household": household.code, "site": site.name,
                               "person": person.code},
                       link="/notifications/", site_id=household.registered_at_id)


def _officers_of(site_id: int) -> list[User]:
    """Return the tracing officers posted to the site; failing those, any who cover it.

    A tracing officer's role covers every site, so the household's own desk is the one
    whose user is assigned to its site; a site without one is not left untold.
    """
    covering = users_for_site(site_id=site_id, role=Role.TRACING_OFFICER)
    posted = [u for u in covering if any(s.pk == site_id for s in u.sites.all())]
    return posted or covering


def person_recorded_as_casualty(*, person_id: uuid.UUID, kind: str) -> None:
    """Update, on commit, the requests that may concern an identified casualty; tell officers.

    The request keeps its status: telling a family of a death is the officer's task,
    done in person, so the request says what happened and waits for them.
    """
    transaction.on_commit(lambda: _casualty(person_id, kind))


def _casualty(person_id: uuid.UUID, kind: str) -> None:
    person = Person.objects.only("code").get(id=person_id)
    with transaction.atomic():
        for request in requests_concerning(person_id):
            _note(request, CASUALTY_EVENT)
            notify(user=request.owner, kind="tracing.casualty",
                   message=CASUALTY_REQUEST.get(kind, CASUALTY_REQUEST["missing"]),
                   params={"request": request.code, "person": person.code},
                   link=f"/tracing/requests/{request.pk}/", site_id=request.site_id)
