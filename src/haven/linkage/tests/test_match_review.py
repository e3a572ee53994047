"""The review queue: one ticket per pair, decisions never asked again, moot tickets close."""

import pytest
from django.db import IntegrityError, transaction

from haven.core import clock
from haven.core.errors import NotFound, PermissionDenied
from haven.linkage import clusters as clusters_module
from haven.linkage import selectors, services
from haven.linkage.models import MatchCandidate, MatchDecision, MatchState, RunKind
from haven.linkage.tests.review_fixtures import person_at, queue_pairs, scored, ticket
from haven.registry.models import Person
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def goris(make_household):
    """Four records at Goris: A and B may be one person, C and D are others."""
    return [person_at(make_household, "goris", given_name=name)
            for name in ("Anahit", "Anaid", "Anna", "Ani")]


@pytest.fixture
def coordinator(users):
    return actor_for(users["coordinator"])


def test_a_pair_gets_one_ticket_whatever_the_order_and_however_many_runs(coordinator, goris):
    a, b = goris[:2]
    queue_pairs(coordinator, [scored(a, b, 0.7), scored(a, b, 0.8, reverse=True)])
    queue_pairs(coordinator, [scored(a, b, 0.75, reverse=True)])
    queue_pairs(coordinator, [scored(a, b, 0.9)])
    assert MatchCandidate.objects.count() == 1
    assert ticket(a, b).probability == 0.9


def test_the_database_refuses_a_second_ticket_for_a_pair(coordinator, goris):
    a, b = goris[:2]
    queue_pairs(coordinator, [scored(a, b)])
    now = clock.now()
    left, right = clusters_module.canonical_pair(a.id, b.id)
    for first, second in ((left, right), (right, left)):
        with pytest.raises(IntegrityError), transaction.atomic():
            MatchCandidate.objects.create(left_id=first, right_id=second, probability=0.7,
                                          created_at=now, updated_at=now)


def test_a_rejected_pair_is_never_asked_again(coordinator, goris):
    a, b = goris[:2]
    queue_pairs(coordinator, [scored(a, b)])
    services.match_reject(actor=coordinator, candidate=ticket(a, b).pk)
    queue_pairs(coordinator, [scored(a, b, 0.9)])
    assert ticket(a, b).state == MatchState.REJECTED
    assert MatchDecision.objects.get().decision == MatchState.REJECTED


def test_a_pair_between_clusters_already_judged_different_is_not_asked(coordinator, goris):
    """A and B rejected; C is merged into A: the pair C-B is the same question again."""
    a, b, c, _d = goris
    queue_pairs(coordinator, [scored(a, b)])
    services.match_reject(actor=coordinator, candidate=ticket(a, b).pk)
    services.person_merge(actor=coordinator, person=c.code, into=a.code)
    queue_pairs(coordinator, [scored(c, b, 0.85)])
    assert not MatchCandidate.objects.filter(state__in=["pending", "skipped"]).exists()


def test_confirming_merges_the_pair_into_the_earlier_record(coordinator, goris):
    a, b = goris[:2]
    queue_pairs(coordinator, [scored(a, b)])
    services.match_confirm(actor=coordinator, candidate=ticket(a, b).pk)
    assert Person.objects.get(pk=b.pk).merged_into_id == a.id
    assert Person.objects.get(pk=a.pk).merged_into_id is None
    assert ticket(a, b).state == MatchState.CONFIRMED


def test_tickets_close_themselves_when_a_decision_makes_them_moot(coordinator, goris):
    """A-B, B-C and A-C are asked; confirming A-B and B-C leaves nothing to ask about A-C.

    And a ticket about a record merged away closes when another open ticket asks about
    the same two clusters.
    """
    a, b, c, d = goris
    queue_pairs(coordinator, [scored(a, b, 0.9), scored(b, c, 0.8), scored(a, c, 0.7),
                              scored(b, d, 0.65), scored(a, d, 0.62)])
    assert MatchCandidate.objects.filter(state="pending").count() == 5
    services.match_confirm(actor=coordinator, candidate=ticket(a, b).pk)
    # B is now part of A's cluster: B-D and A-D ask the same question; the likelier stays.
    assert ticket(a, d).state == MatchState.MOOT
    assert ticket(b, d).state == MatchState.PENDING
    assert ticket(b, c).state == MatchState.PENDING
    assert ticket(a, c).state == MatchState.MOOT
    services.match_confirm(actor=coordinator, candidate=ticket(b, c).pk)
    assert ticket(a, c).state == MatchState.MOOT
    services.match_reject(actor=coordinator, candidate=ticket(b, d).pk)
    assert not MatchCandidate.objects.filter(state__in=["pending", "skipped"]).exists()


def test_rejecting_a_pair_the_merges_joined_splits_them(coordinator, goris):
    """A run merged B into A; a reviewer looking at the pair says no: they are split."""
    a, b = goris[:2]
    run = queue_pairs(coordinator, [scored(a, b, 0.97)])
    clusters = clusters_module.load_clusters()
    services._merge(coordinator, clusters, b.id, a.id, run=run)
    services._close_moot()
    assert ticket(a, b).state == MatchState.MOOT
    services.match_reject(actor=coordinator, candidate=ticket(a, b).pk)
    assert Person.objects.get(pk=b.pk).merged_into_id is None
    # and a run does not merge them again
    clusters = clusters_module.load_clusters()
    assert clusters.blocked(a.id, b.id)


def test_a_skipped_pair_stays_in_the_queue_after_the_unseen_ones(coordinator, goris):
    a, b, c, d = goris
    queue_pairs(coordinator, [scored(a, b, 0.9), scored(c, d, 0.7)])
    services.match_skip(actor=coordinator, candidate=ticket(a, b).pk)
    page = selectors.match_queue(actor=coordinator)
    assert [t.pk for t in page.items] == [ticket(c, d).pk, ticket(a, b).pk]
    assert selectors.match_next(actor=coordinator) == ticket(c, d).pk
    assert selectors.match_next(actor=coordinator, after=ticket(c, d).pk) == ticket(a, b).pk


def test_reviewers_never_see_pairs_with_a_record_outside_their_sites(users, make_household,
                                                                     coordinator):
    at_goris = person_at(make_household, "goris")
    also_goris = person_at(make_household, "goris", given_name="Anaid")
    at_vayk = person_at(make_household, "vayk", given_name="Анаит")
    queue_pairs(coordinator, [scored(at_goris, at_vayk, 0.9), scored(at_goris, also_goris)])
    registrar = actor_for(users["registrar"])
    shown = selectors.match_queue(actor=registrar).items
    assert [t.pk for t in shown] == [ticket(at_goris, also_goris).pk]
    with pytest.raises(NotFound):
        selectors.match_get(actor=registrar, candidate=ticket(at_goris, at_vayk).pk)
    with pytest.raises(NotFound):
        services.match_confirm(actor=registrar, candidate=ticket(at_goris, at_vayk).pk)
    assert Person.objects.get(pk=at_vayk.pk).merged_into_id is None
    # the coordinator sees both pairs
    assert selectors.match_queue(actor=coordinator).total == 2


def test_roles_without_review_get_no_queue(users, goris):
    with pytest.raises(PermissionDenied):
        selectors.match_queue(actor=actor_for(users["tracing_officer"]))


def test_a_run_never_merges_two_members_of_one_household(coordinator, make_household):
    """Twins share surname, birth date, phone and household: relatives, never one record."""
    twins = make_household(site="goris", phone="+374 97 717779", members=[
        member(given_name="Arman", family_name="Musayelyan", sex="male",
               birth_date="2021-03-04", relationship="head"),
        member(given_name="Aram", family_name="Musayelyan", sex="male",
               birth_date="2021-03-04", relationship="sibling")]).members.all()
    again = person_at(make_household, "vayk", given_name="Арман", family_name="Мусаелян",
                      sex="male", birth_date="2021-03-04")
    first, second = list(twins)
    registry = clusters_module.records_extract()
    clusters = clusters_module.Clusters(registry.representative, registry.created,
                                 household=registry.household)
    run = services._start_run(coordinator, engine="duckdb", kind=RunKind.FULL)
    merged = services._link(coordinator, run, clusters, [(first.id, second.id),
                                                        (first.id, again.id),
                                                        (second.id, again.id)])
    assert merged == 1
    assert Person.objects.get(pk=again.pk).merged_into_id == first.id
    assert Person.objects.get(pk=second.pk).merged_into_id is None
    # nor is the pair put to a reviewer
    services._queue(run, clusters, [scored(first, second, 0.99), scored(second, again, 0.9)])
    assert not MatchCandidate.objects.exists()


def test_a_decision_is_audited_as_one_naming_the_pair(coordinator, goris):
    from haven.audit.models import AuditAction, AuditEvent  # noqa: PLC0415

    a, b = goris[:2]
    queue_pairs(coordinator, [scored(a, b)])
    services.match_reject(actor=coordinator, candidate=ticket(a, b).pk)
    event = AuditEvent.objects.get(action=AuditAction.MATCH_DECIDE)
    assert {t.target_id for t in event.targets.all()} == {str(a.id), str(b.id)}
