"""Link the registry's records: runs, reviewers' decisions, merges and unmerges.

A cluster is a representative record (merged_into NULL) and the records merged into
it; merges are kept flat (every record points at its representative), so counting
unique persons is counting representatives. Every change goes through `_merge` and
`_unmerge`, which write a PersonMerge row and touch nothing but `merged_into`: the
records, their arrivals and their history stay as they were, and an unmerge restores
them exactly. After any change, tickets that no longer ask anything are closed
(`_close_moot`): both records in one cluster, a decision already taken between their
clusters, or another open ticket asking about the same two clusters.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import Conflict, PermissionDenied, ValidationFailed
from haven.linkage.clusters import (
    CHUNK,
    Clusters,
    PersonId,
    cannot_link,
    canonical_pair,
    chunks,
    load_clusters,
    must_link,
    records_extract,
)
from haven.linkage.contradictions import (
    QUESTIONS,
    UNCERTAIN,
    Facts,
    contradiction,
    question_reason,
)
from haven.linkage.models import (
    OPEN_STATES,
    LinkageRun,
    MatchCandidate,
    MatchDecision,
    MatchState,
    PersonMerge,
    RunKind,
    RunStatus,
)
from haven.linkage.selectors import match_get, unmerge_subject
from haven.registry.models import Person
from haven.registry.selectors import person_codes_visible, person_get

if TYPE_CHECKING:
    from haven.accounts.access import Actor
    from haven.linkage.engine import ScoredPair

Progress = Callable[[str, float], None]
ENGINES = ("duckdb", "spark")


def _thresholds() -> tuple[float, float]:
    """Return (upper, lower) from the settings, or the engine's defaults."""
    upper = float(getattr(settings, "LINK_AUTO_THRESHOLD", 0.95))
    lower = float(getattr(settings, "LINK_REVIEW_THRESHOLD", 0.80))
    return upper, lower


# ----- merge and unmerge: the only writers of Person.merged_into
def _merge(actor: Actor, clusters: Clusters | None, merged: PersonId, into: PersonId, *,
           run: LinkageRun | None = None,
           candidate: MatchCandidate | None = None) -> PersonMerge:
    """Merge the representative `merged` (and its records) into the representative `into`."""
    moved = [str(pk) for pk in Person.objects.filter(merged_into_id=merged)
             .values_list("id", flat=True)]
    Person.objects.filter(merged_into_id=merged).update(merged_into_id=into)
    Person.objects.filter(id=merged).update(merged_into_id=into)
    if clusters is not None:
        clusters.join(merged, into)
    return PersonMerge.objects.create(
        person_id=merged, into_id=into, repointed=moved, run=run, candidate=candidate,
        merged_by=actor.user, merged_at=clock.now())


def _unmerge(actor: Actor, person: Person) -> PersonMerge | None:
    """Make `person` a representative again, with the records merged along with it."""
    current = person.merged_into_id
    merge = (PersonMerge.objects.filter(person=person, undone_at__isnull=True)
             .order_by("-merged_at", "-id").first())
    Person.objects.filter(id=person.id).update(merged_into_id=None)
    if merge is not None:
        back = [uuid.UUID(pk) for pk in merge.repointed]
        for chunk in chunks(back):
            Person.objects.filter(id__in=chunk, merged_into_id=current).update(
                merged_into_id=person.id)
        merge.undone_at = clock.now()
        merge.undone_by = actor.user
        merge.save(update_fields=["undone_at", "undone_by"])
    person.merged_into_id = None
    return merge


def _require_reviewer(actor: Actor) -> None:
    if not actor.policy.review_matches:
        raise PermissionDenied(_("Your role does not allow reviewing or merging records."))


def person_merge(*, actor: Actor, person: str, into: str) -> PersonMerge:
    """Merge the person (with every record merged into them) into another person.

    Both records must be visible to the actor. Refuse records already one person, and
    records judged different people (a rejected pair or an unmerge between their
    clusters).
    """
    _require_reviewer(actor)
    source = person_get(actor=actor, ref=person)
    target = person_get(actor=actor, ref=into)
    with transaction.atomic():
        clusters = load_clusters([source.id, target.id])
        merged, survivor = clusters.rep(source.id), clusters.rep(target.id)
        if merged == survivor:
            raise ValidationFailed.single("into", _("is already the same person"))
        if clusters.blocked(merged, survivor):
            raise Conflict(_("These records were judged to be different people."))
        record = _merge(actor, clusters, merged, survivor)
        audit_record(actor=actor, action=AuditAction.PERSON_MERGE, target_type="person",
                     target_ids=[merged, survivor], site=source.household.registered_at.slug)
        _close_moot()
    return record


def person_unmerge(*, actor: Actor, person: str) -> PersonMerge | None:
    """Split a merged record from the person it was merged into, restoring it exactly.

    The records that were merged along with it go back to it; the pair is remembered
    as different people, so a later run does not merge them again.
    """
    _require_reviewer(actor)
    record = unmerge_subject(actor=actor, ref=person)
    if record.merged_into_id is None:
        raise ValidationFailed.single("person", _("is not merged into another record"))
    with transaction.atomic():
        into = record.merged_into_id
        merge = _unmerge(actor, record)
        if merge is None:
            # Merged outside the linkage services (a data fix): remember the split anyway.
            PersonMerge.objects.create(person=record, into_id=into, merged_by=actor.user,
                                       merged_at=clock.now(), undone_at=clock.now(),
                                       undone_by=actor.user)
        audit_record(actor=actor, action=AuditAction.PERSON_UNMERGE, target_type="person",
                     target_ids=[record.id, into], site=record.household.registered_at.slug)
        _close_moot()
    return merge


# ----- reviewers' decisions
def _candidate_for(actor: Actor, candidate: int) -> MatchCandidate:
    """Return the ticket if the actor may see both of its records (reading both, audited)."""
    return match_get(actor=actor, candidate=candidate).candidate


def _decide(actor: Actor, ticket: MatchCandidate, state: MatchState) -> None:
    now = clock.now()
    MatchDecision.objects.create(candidate=ticket, decision=state, decided_by=actor.user,
                                 decided_at=now)
    ticket.state = state
    ticket.updated_at = now
    ticket.save(update_fields=["state", "updated_at"])


def match_confirm(*, actor: Actor, candidate: int) -> MatchCandidate:
    """Record that the pair is one person, and merge their clusters (earliest record survives)."""
    _require_reviewer(actor)
    ticket = _candidate_for(actor, candidate)
    with transaction.atomic():
        clusters = load_clusters([ticket.left_id, ticket.right_id])
        left, right = clusters.rep(ticket.left_id), clusters.rep(ticket.right_id)
        if left != right:
            # A reviewer's confirmation outweighs an earlier rejection of another pair
            # between these clusters: the reviewer saw both records side by side now.
            merged, into = clusters.order(left, right)
            _merge(actor, clusters, merged, into, candidate=ticket)
        _decide(actor, ticket, MatchState.CONFIRMED)
        audit_record(actor=actor, action=AuditAction.MATCH_DECIDE, target_type="person",
                     target_ids=[ticket.left_id, ticket.right_id])
        _close_moot()
    return ticket


def match_reject(*, actor: Actor, candidate: int) -> MatchCandidate:
    """Record that the pair are different people; split them if a merge had joined them."""
    _require_reviewer(actor)
    ticket = _candidate_for(actor, candidate)
    with transaction.atomic():
        _decide(actor, ticket, MatchState.REJECTED)
        _split(actor, ticket.left_id, ticket.right_id)
        audit_record(actor=actor, action=AuditAction.MATCH_DECIDE, target_type="person",
                     target_ids=[ticket.left_id, ticket.right_id])
        _close_moot()
    return ticket


def _split(actor: Actor, a: PersonId, b: PersonId) -> None:
    """Unmerge records until a and b are in different clusters."""
    for _attempt in range(8):  # each unmerge takes one record out; clusters are small
        persons = {p.id: p for p in Person.objects.select_for_update().filter(id__in=[a, b])}
        first, second = persons[a], persons[b]
        if (first.merged_into_id or first.id) != (second.merged_into_id or second.id):
            return
        # Take out the one merged most recently: the other stays where it was.
        merged = [p for p in (first, second) if p.merged_into_id is not None]
        latest = max(merged, key=lambda p: _last_merge_at(p.id))
        if not person_codes_visible(actor, [latest.merged_into_id]):
            # The split would unmerge a record from one the reviewer does not see.
            raise Conflict(_("These records count as one person with a record at a site "
                             "you do not see: a coordinator can split them."))
        _unmerge(actor, latest)


def _last_merge_at(pk: PersonId) -> tuple[Any, int]:
    merge = PersonMerge.objects.filter(person_id=pk, undone_at__isnull=True).order_by(
        "-merged_at", "-id").values_list("merged_at", "id").first()
    return (merge[0].timestamp(), merge[1]) if merge else (0.0, 0)


def match_skip(*, actor: Actor, candidate: int) -> MatchCandidate:
    """Put the pair aside undecided: it stays in the queue, after the pairs not yet seen."""
    _require_reviewer(actor)
    ticket = _candidate_for(actor, candidate)
    with transaction.atomic():
        if ticket.state in OPEN_STATES:
            _decide(actor, ticket, MatchState.SKIPPED)
    return ticket


DECISIONS: dict[str, Callable[..., MatchCandidate]] = {
    "confirm": match_confirm, "reject": match_reject, "skip": match_skip}


def match_decide(*, actor: Actor, candidate: int, decision: str) -> MatchCandidate:
    """Apply a reviewer's decision by name: confirm, reject or skip."""
    action = DECISIONS.get(decision)
    if action is None:
        raise ValidationFailed.single("decision", _("must be one of: confirm, reject, skip"))
    return action(actor=actor, candidate=candidate)


# ----- tickets
def _representatives(ids: set[PersonId]) -> dict[PersonId, PersonId]:
    """Return the person each of `ids` counts as: the record it was merged into, or itself."""
    reps: dict[PersonId, PersonId] = {}
    for chunk in chunks(sorted(ids)):
        for pk, merged_into in Person.objects.filter(id__in=chunk).values_list(
                "id", "merged_into_id"):
            reps[pk] = merged_into or pk
    return reps


def _close_moot() -> int:
    """Close the open tickets that no longer ask anything; return how many were closed.

    Moot: both records are in one cluster now; a decision was already taken between
    their two clusters (a rejected pair, an unmerge); or another open ticket asks about
    the same two clusters with a higher probability (one question, one ticket).
    """
    open_tickets = list(MatchCandidate.objects.filter(state__in=OPEN_STATES)
                        .values_list("id", "left_id", "right_id", "probability"))
    if not open_tickets:
        return 0
    ids = {pk for _id, left, right, _p in open_tickets for pk in (left, right)}
    reps = _representatives(ids)
    decided: set[tuple[PersonId, PersonId]] = set()
    cannot = cannot_link()
    reps.update(_representatives({pk for pair in cannot for pk in pair} - set(reps)))
    for a, b in cannot:
        decided.add(canonical_pair(reps.get(a, a), reps.get(b, b)))
    moot: list[int] = []
    best: dict[tuple[PersonId, PersonId], tuple[float, int]] = {}
    for number, left, right, probability in sorted(open_tickets, key=lambda t: (-t[3], t[0])):
        key = canonical_pair(reps[left], reps[right])
        if key[0] == key[1] or key in decided or key in best:
            moot.append(number)
        else:
            best[key] = (probability, number)
    for chunk in chunks(moot):
        MatchCandidate.objects.filter(id__in=chunk).update(state=MatchState.MOOT,
                                                           updated_at=clock.now())
    return len(moot)


def _queue(run: LinkageRun, clusters: Clusters, pairs: Iterable[ScoredPair],
           refused: dict[tuple[PersonId, PersonId], str] | None = None) -> int:
    """Open (or refresh) a ticket for each pair still a question; return how many opened.

    One ticket per pair whatever order the engine named it in; a decided ticket keeps
    its decision (its scores are refreshed); a closed one reopens only if its records
    are in different clusters again and nothing was decided between them.
    """
    wanted: dict[tuple[PersonId, PersonId], ScoredPair] = {}
    for pair in pairs:
        key = canonical_pair(uuid.UUID(pair.left_id), uuid.UUID(pair.right_id))
        if key[0] == key[1] or clusters.rep(key[0]) == clusters.rep(key[1]):
            continue
        reason = (refused or {}).get(key) or pair.reason or UNCERTAIN
        if reason not in QUESTIONS:
            continue  # its own two records contradict each other: two people
        if key not in wanted or pair.probability > wanted[key].probability:
            wanted[key] = pair
    existing = {(c.left_id, c.right_id): c for c in _candidates_for(wanted)}
    now = clock.now()
    new: list[MatchCandidate] = []
    changed: list[MatchCandidate] = []
    opened = 0
    for key, pair in wanted.items():
        scores = {"probability": pair.probability, "match_weight": pair.match_weight,
                  "levels": dict(pair.levels), "bayes_factors": dict(pair.bayes_factors),
                  "reason": reason}
        ticket = existing.get(key)
        if ticket is None:
            if clusters.blocked(*key):
                continue  # judged different people already: never asked again
            new.append(MatchCandidate(left_id=key[0], right_id=key[1], run=run,
                                      state=MatchState.PENDING, created_at=now,
                                      updated_at=now, **scores))
            continue
        for name, value in scores.items():
            setattr(ticket, name, value)
        ticket.run = run
        ticket.updated_at = now
        if ticket.state == MatchState.MOOT and not clusters.blocked(*key):
            ticket.state = MatchState.PENDING
            opened += 1
        changed.append(ticket)
    MatchCandidate.objects.bulk_create(new, batch_size=CHUNK)
    MatchCandidate.objects.bulk_update(
        changed, ["probability", "match_weight", "levels", "bayes_factors", "reason", "run",
                  "state", "updated_at"], batch_size=CHUNK)
    return opened + len(new)


def _candidates_for(keys: Iterable[tuple[PersonId, PersonId]]) -> list[MatchCandidate]:
    wanted = set(keys)
    lefts = sorted({left for left, _right in wanted})
    found: list[MatchCandidate] = []
    for chunk in chunks(lefts):
        found.extend(c for c in MatchCandidate.objects.filter(left_id__in=chunk)
                     if (c.left_id, c.right_id) in wanted)
    return found


# ----- runs
def _link(actor: Actor, run: LinkageRun, clusters: Clusters,
          links: Iterable[tuple[PersonId, PersonId]], *,
          contradicts: Callable[[PersonId, PersonId], str] | None = None,
          refused: dict[tuple[PersonId, PersonId], str] | None = None) -> int:
    """Merge the clusters of each linked pair, in the order given; return records merged.

    With `contradicts`, a link that would put two contradicting records in one cluster
    is not merged: it goes into `refused` with the reason, and so to a reviewer.
    """
    merged_records = 0
    for a, b in links:
        left, right = clusters.rep(a), clusters.rep(b)
        if left == right or clusters.blocked(left, right):
            continue
        if contradicts is not None and (
                reason := clusters.contradiction(left, right, contradicts)):
            if refused is not None:
                refused[canonical_pair(a, b)] = question_reason(contradicts(a, b), reason)
            continue
        merged, into = clusters.order(left, right)
        merged_records += len(clusters.members.get(merged, {merged}))
        _merge(actor, clusters, merged, into, run=run)
    return merged_records


def _start_run(actor: Actor, *, engine: str, kind: RunKind,
               since: Any = None) -> LinkageRun:
    if not (actor.policy.review_matches and actor.policy.all_sites):
        raise PermissionDenied(_("Only a coordinator may link the whole registry."))
    if engine not in ENGINES:
        raise ValidationFailed.single("engine", _("must be one of: duckdb, spark"))
    upper, lower = _thresholds()
    return LinkageRun.objects.create(started_at=clock.now(), started_by=actor.user, kind=kind,
                                     engine=engine, upper=upper, lower=lower, since=since)


def _fail(run: LinkageRun, exc: Exception) -> None:
    run.status = RunStatus.FAILED
    run.error = f"{type(exc).__name__}: {exc}"[:2000]
    run.finished_at = clock.now()
    run.save(update_fields=["status", "error", "finished_at"])


def _engine_error(exc: Exception) -> ValidationFailed:
    column = getattr(exc, "column", "records")
    return ValidationFailed.single(str(column), str(exc))


def _finish(actor: Actor, run: LinkageRun, clusters: Clusters, started: float,
            merged_ids: Iterable[PersonId]) -> None:
    run.closed = _close_moot()
    run.clusters = sum(1 for members in clusters.members.values() if len(members) > 1)
    run.status = RunStatus.DONE
    run.finished_at = clock.now()
    run.seconds = round(time.monotonic() - started, 3)
    run.save()
    audit_record(actor=actor, action=AuditAction.LINKAGE_RUN, target_type="person",
                 target_ids=sorted(set(merged_ids)))


@contextlib.contextmanager
def _failure_recorded(run: LinkageRun) -> Iterator[None]:
    """Mark `run` failed if the block raises; an input the engine refuses becomes a 422."""
    from haven.linkage.engine import EngineInputError  # noqa: PLC0415 - see linkage_run

    try:
        yield
    except EngineInputError as exc:
        _fail(run, exc)
        raise _engine_error(exc) from exc
    except Exception as exc:
        _fail(run, exc)
        raise


def linkage_run(*, actor: Actor, engine: str = "duckdb",
                progress: Progress | None = None) -> LinkageRun:
    """De-duplicate the whole registry and apply the result.

    Every record goes to the engine, with the current merges and confirmed pairs as
    must-links and the rejected pairs and unmerges as cannot-links. Clusters above the
    upper threshold are merged into their earliest-registered record; pairs between the
    thresholds become tickets, except pairs already decided; tickets that became moot
    close. The trained model is stored with the run for incremental linking.
    """
    # The engine (Splink, DuckDB) loads in seconds: only a run pays for it, not every page.
    from haven.linkage.engine import Thresholds, dedupe  # noqa: PLC0415

    run = _start_run(actor, engine=engine, kind=RunKind.FULL)
    started = time.monotonic()
    with _failure_recorded(run):
        registry = records_extract()
        run.records = len(registry.frame)
        result = dedupe(registry.frame, engine=engine,
                        thresholds=Thresholds(upper=run.upper, lower=run.lower),
                        must_link=[(str(a), str(b)) for a, b in must_link()],
                        cannot_link=[(str(a), str(b)) for a, b in cannot_link()],
                        progress=progress)
    if progress is not None:
        progress(_("Applying the clusters"), 0.0)
    with transaction.atomic():
        clusters = Clusters(registry.representative, registry.created, cannot_link(),
                            household=registry.household)
        before = dict(registry.representative)
        groups: dict[str, list[PersonId]] = {}
        for record_id, cluster_id in result.clusters.items():
            groups.setdefault(cluster_id, []).append(uuid.UUID(record_id))
        links: list[tuple[PersonId, PersonId]] = []
        for members in groups.values():
            if len(members) > 1:
                first = min(members, key=lambda pk: clusters.created.get(pk, (None, pk)))
                links.extend((first, pk) for pk in members if pk != first)
        run.auto_merged = _link(actor, run, clusters, links)
        run.pairs_linked = sum(1 for p in result.pairs if p.probability >= run.upper)
        run.model = result.model
        run.queued = _queue(run, clusters, result.pairs)
        changed = [pk for pk, rep in clusters.representative.items() if before.get(pk) != rep]
        _finish(actor, run, clusters, started, changed)
    return run


def _contradicts(registry: Any, clusters: Clusters,
                 links: Iterable[tuple[PersonId, PersonId]],
                 ) -> Callable[[PersonId, PersonId], str]:
    """Return contradiction(a, b) over the records of the clusters these links touch.

    The same rule the engine's clustering follows in a full run: an incremental run
    never merges records that contradict each other either.
    """
    from haven.linkage.engine import prepare_records  # noqa: PLC0415 - see linkage_run
    from haven.linkage.engine.linking import facts_of  # noqa: PLC0415

    touched = {str(pk) for a, b in links for rep in (clusters.rep(a), clusters.rep(b))
               for pk in clusters.members.get(rep, {rep})}
    frame = registry.frame[registry.frame["record_id"].isin(touched)].reset_index(drop=True)
    facts = dict(zip((uuid.UUID(r) for r in frame["record_id"]),
                     facts_of(prepare_records(frame)), strict=True)) if len(frame) else {}
    empty = Facts()

    def contradicts(a: PersonId, b: PersonId) -> str:
        return contradiction(facts.get(a, empty), facts.get(b, empty))

    return contradicts


def linkage_link_new(*, actor: Actor, since: Any = None, engine: str = "duckdb",
                     progress: Progress | None = None) -> LinkageRun:
    """Link the records created since `since` (default: the last run's start) to the registry.

    The new records are scored against the existing ones and against each other with
    the model stored by the last run; the registry is not scored against itself again.
    """
    from haven.linkage.engine import Thresholds, link_new  # noqa: PLC0415

    base = (LinkageRun.objects.filter(status=RunStatus.DONE).exclude(model={})
            .order_by("-started_at", "-id").first())
    if base is None:
        raise Conflict(_("No linkage run has trained a model yet: run a full linkage first."))
    since = since or base.started_at
    run = _start_run(actor, engine=engine, kind=RunKind.INCREMENTAL, since=since)
    run.model = base.model
    started = time.monotonic()
    with _failure_recorded(run):
        registry = records_extract()
        created = registry.created
        mask = registry.frame["record_id"].map(
            lambda record: created[uuid.UUID(record)][0] >= since).astype(bool)
        new, existing = registry.frame[mask], registry.frame[~mask]
        run.records = len(new)
        if progress is not None:
            progress(_("Scoring new records"), 0.0)
        pairs = link_new(new.reset_index(drop=True), existing.reset_index(drop=True),
                         model=base.model, engine=engine,
                         thresholds=Thresholds(upper=run.upper, lower=run.lower)) \
            if len(new) else []
    with transaction.atomic():
        clusters = Clusters(registry.representative, registry.created, cannot_link(),
                            household=registry.household)
        before = dict(registry.representative)
        linked = sorted((p for p in pairs if p.probability >= run.upper),
                        key=lambda p: (-p.probability, p.left_id, p.right_id))
        run.pairs_linked = len(linked)
        links = [(uuid.UUID(p.left_id), uuid.UUID(p.right_id)) for p in linked]
        refused: dict[tuple[PersonId, PersonId], str] = {}
        run.auto_merged = _link(actor, run, clusters, links,
                                contradicts=_contradicts(registry, clusters, links),
                                refused=refused)
        run.queued = _queue(run, clusters, pairs, refused)
        changed = [pk for pk, rep in clusters.representative.items() if before.get(pk) != rep]
        _finish(actor, run, clusters, started, changed)
    return run
