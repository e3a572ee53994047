"""What tracing does when someone registers or arrives (haven.registry.events).

1. **Match alerts.** Each new person's name keys (and the keys one letter shorter) are
   looked up in the open requests' keys (held in memory, haven.tracing.open_requests);
   each sought person met that way on both names is scored with the registry's name
   search (the linkage engine's levels), and a score of at least
   `HAVEN_TRACING_ALERT_SCORE` (default 10 bits: both names agree, or one agrees and the
   other is spelt almost alike), with a birth year no more than one year off when the
   family gave one, raises one alert per (request, person), for the officer who owns the
   request, through haven.notifications. The unique constraint keeps it to one however
   often the person is registered, arrives or is imported again.
2. **Children without an adult.** A household registered with a child (under 18 on the
   day) and no adult is flagged: each child goes on the priority list at once, and the
   site's tracing officers are notified.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext_noop

from haven.accounts.roles import Role
from haven.core import clock
from haven.notifications.services import Notice, notify_all, notify_site_role
from haven.registry import name_search
from haven.registry.events import RegistryEvent
from haven.registry.models import Person
from haven.tracing import open_requests
from haven.tracing.keys import deletions
from haven.tracing.models import Alert, ChildCase, RequestEvent, SoughtPerson, TracingRequest
from haven.tracing.vocabulary import ACTIVE_STATUSES, ChildReason, RequestStatus

DEFAULT_ALERT_SCORE = 10.0
ADULT_AGE = 18
MATCH_MESSAGE = gettext_noop("Possible match for tracing request %(request)s")
CHILD_MESSAGE = gettext_noop("A child was registered without an adult: %(person)s")


def alert_score() -> float:
    return float(getattr(settings, "TRACING_ALERT_SCORE", DEFAULT_ALERT_SCORE))


def on_registry_event(event: RegistryEvent) -> None:
    """Check the event's persons against the open requests; flag children without adults."""
    persons: list[dict[str, Any]] = [dict(row) for row in Person.objects.filter(
        id__in=event.person_ids).values(
        "id", "code", "household_id", "given_name", "family_name", "patronymic",
        "given_name_key", "family_name_key", "sex", "birth_year", "household__place_of_origin",
        "household__registered_at_id", "relationship")]
    alerts_raise(persons, fresh=event.kind == "registered")
    if event.kind == "registered":
        # A registration's persons are its households' every member: read once, for both.
        children_flag(persons)


def alerts_raise(persons: list[dict[str, Any]], *, fresh: bool = False) -> int:
    """Raise the alerts the persons (rows of values) call for; return how many are new.

    `fresh`: the persons were registered just now (none can have an alert yet).

    The open requests' sought persons come from memory (haven.tracing.open_requests): a
    person is scored only against those it meets on both names' keys and, where the family
    gave one, a birth year no more than one off. Only a score over the threshold goes back
    to the database, to raise the alert.
    """
    if not persons:
        return 0
    snapshot = open_requests.current()
    if not snapshot.sought:
        return 0  # no request open
    threshold = alert_score()
    hits: dict[tuple[uuid.UUID, int], tuple[float, tuple[str, ...]]] = {}
    for row in persons:
        met = snapshot.met(deletions(row["family_name_key"]), deletions(row["given_name_key"]),
                           row["birth_year"])
        if not met:
            continue
        stored = name_search.Candidate(
            given_name=row["given_name"], family_name=row["family_name"],
            patronymic=row["patronymic"], given_name_key=row["given_name_key"],
            family_name_key=row["family_name_key"], sex=row["sex"],
            birth_year=row["birth_year"], place_of_origin=row["household__place_of_origin"])
        for one in met:
            score, reasons = best_score(one, stored)
            if score >= threshold:
                hits[(row["id"], one.id)] = (score, reasons)
    return _alerts_create(hits, fresh=fresh) if hits else 0


def _alerts_create(hits: dict[tuple[uuid.UUID, int], tuple[float, tuple[str, ...]]], *,
                   fresh: bool = False) -> int:
    """Raise the alerts not raised before, in one transaction; return how many are new.

    One transaction and a few statements for a household's alerts, not a transaction and
    five statements each: on SQLite every transaction takes the one write lock that the
    clerks' registrations wait for. (Inside the registration's own transaction, the
    scoring would hold that lock too: measured slower, docs/benchmarks.md.) The requests'
    rows are locked (in order, on PostgreSQL; SQLite's write lock already serialises) so
    that two registrations of the same person at once cannot both raise its alert. Where
    one person meets two sought persons of a request, the better score is the request's
    alert. `fresh`: the persons were registered just now, so none has an alert to look for.
    """
    with transaction.atomic():
        requests = _requests_active_locked({sought_id for _person, sought_id in hits})
        best: dict[tuple[int, uuid.UUID], tuple[float, tuple[str, ...], int]] = {}
        for (person_id, sought_id), (score, reasons) in hits.items():
            if (request := requests.get(sought_id)) is None:
                continue  # its request left the active statuses since the snapshot
            key = (request.pk, person_id)
            if key not in best or score > best[key][0]:
                best[key] = (score, reasons, sought_id)
        raised = set() if fresh or not best else set(Alert.objects.filter(
            request_id__in={r for r, _p in best}, person_id__in={p for _r, p in best})
            .order_by().values_list("request_id", "person_id"))
        new = {key: value for key, value in best.items() if key not in raised}
        if not new:
            return 0
        now = clock.now()
        Alert.objects.bulk_create([
            Alert(request_id=request_id, sought_id=sought_id, person_id=person_id,
                  score=round(score, 3), reasons=list(reasons), created_at=now)
            for (request_id, person_id), (score, reasons, sought_id) in new.items()])
        touched = {requests[sought_id].pk: requests[sought_id]
                   for _score, _reasons, sought_id in new.values()}
        _requests_mark_possible_match(list(touched.values()), now)
        notify_all([_match_notice(touched[request_id])
                    for request_id, _person in sorted(new, key=str)])
    return len(new)


def _requests_active_locked(sought_ids: set[int]) -> dict[int, TracingRequest]:
    """Return {sought person's id: its request} for the requests still active, locked.

    Plain SQL: the ORM's building of these few rows cost more than reading them (0.7 ms a
    household, where the alerts' writes are the only work registration adds). The requests
    come back as unsaved instances holding what the alerts use: id, status, owner, site.
    """
    if not sought_ids:
        return {}
    sought_table = connection.ops.quote_name(SoughtPerson._meta.db_table)
    request_table = connection.ops.quote_name(TracingRequest._meta.db_table)
    lock = " FOR UPDATE OF r" if connection.features.has_select_for_update_of else ""
    ids = ", ".join(["%s"] * len(sought_ids))
    statuses = ", ".join(["%s"] * len(ACTIVE_STATUSES))
    with connection.cursor() as cursor:
        # The tables' names are the models', the marks are parameters: nothing is input.
        cursor.execute(
            f"SELECT s.id, r.id, r.status, r.owner_id, r.site_id FROM {sought_table} s "  # noqa: S608
            f"JOIN {request_table} r ON r.id = s.request_id "
            f"WHERE s.id IN ({ids}) AND r.status IN ({statuses}) "
            f"ORDER BY r.id, s.id{lock}",
            [*sorted(sought_ids), *(status.value for status in ACTIVE_STATUSES)])
        rows = cursor.fetchall()
    requests: dict[int, TracingRequest] = {}
    by_id: dict[int, TracingRequest] = {}
    for sought_id, request_id, status, owner_id, site_id in rows:
        if request_id not in by_id:
            by_id[request_id] = TracingRequest(pk=request_id, status=status, owner_id=owner_id,
                                               site_id=site_id)
        requests[sought_id] = by_id[request_id]
    return requests


def _match_notice(request: TracingRequest) -> Notice:
    """The owner's notification of an alert: the request's code, never a name."""
    return Notice(user_id=request.owner_id, kind="tracing.match", message=MATCH_MESSAGE,
                  params={"request": request.code}, link=f"/tracing/requests/{request.pk}/",
                  site_id=request.site_id)


def _requests_mark_possible_match(requests: list[TracingRequest], now: dt.datetime) -> None:
    """Move the open requests among `requests` to "possible match", with their history."""
    opened = [r for r in requests if r.status == RequestStatus.OPEN]
    if not opened:
        return
    RequestEvent.objects.bulk_create([
        RequestEvent(request=r, at=now, by=None, from_status=RequestStatus.OPEN,
                     to_status=RequestStatus.POSSIBLE_MATCH,
                     reason=gettext_noop("a new registration may match")) for r in opened])
    TracingRequest.objects.filter(pk__in=[r.pk for r in opened],
                                  status=RequestStatus.OPEN).update(
        status=RequestStatus.POSSIBLE_MATCH, updated_at=now)


def best_score(sought: open_requests.Sought,
               person: name_search.Candidate) -> tuple[float, tuple[str, ...]]:
    """Return the best score of the person under any of the sought person's queries."""
    return max((name_search.score(query, person) for query in sought.queries),
               key=lambda scored: scored[0])


def _separated(child: dict[str, Any], household: list[dict[str, Any]], year: int) -> bool:
    """Whether no adult of the household is the child's parent (relationships are the head's)."""
    adults = [r for r in household
              if r["birth_year"] is not None and year - r["birth_year"] >= ADULT_AGE]
    if child["relationship"] == "child":
        # A son or daughter of the head: the head (or the head's spouse) is a parent.
        return not any(r["relationship"] in ("head", "spouse") for r in adults)
    if child["relationship"] == "head":
        return not any(r["relationship"] == "parent" for r in adults)
    if child["relationship"] == "grandchild":
        # The head's son or daughter may be the child's parent.
        return not any(r["relationship"] == "child" for r in adults)
    # A sibling of the head, another relative, or not related: no parent recorded.
    return bool(adults) and child["relationship"] in ("sibling", "other_relative",
                                                      "not_related")


def children_flag(members: list[dict[str, Any]]) -> int:
    """Put every child of a household with no adult on the priority list; return how many.

    `members`: the households' every member, as rows of values (id, code, household_id,
    birth_year, household__registered_at_id, relationship).
    """
    year = clock.today().year
    by_household: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for member in members:
        by_household.setdefault(member["household_id"], []).append(member)
    flagged = 0
    for household in by_household.values():
        ages = [year - r["birth_year"] if r["birth_year"] else None for r in household]
        if all(a is not None and a < ADULT_AGE for a in ages):
            flag = [(row, ChildReason.UNACCOMPANIED) for row in household]
        else:
            # An unknown age may be an adult's: not unaccompanied on a guess. Separated:
            # a child with adults none of whom is the child's parent, as the household's
            # relationships (to its head) say.
            flag = [] if None in ages else [
                (row, ChildReason.SEPARATED) for row, age in zip(household, ages, strict=True)
                if age is not None and age < ADULT_AGE and _separated(row, household, year)]
        for row, reason in flag:
            _, made = ChildCase.objects.get_or_create(
                person_id=row["id"], defaults={
                    "site_id": row["household__registered_at_id"],
                    "reason": reason, "flagged_at": clock.now()})
            if made:
                flagged += 1
                notify_site_role(site_id=row["household__registered_at_id"],
                                 role=Role.TRACING_OFFICER, kind="tracing.child",
                                 message=CHILD_MESSAGE, params={"person": row["code"]},
                                 link="/tracing/children/")
    return flagged
