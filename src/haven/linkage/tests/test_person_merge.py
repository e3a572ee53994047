"""Merging persons keeps every record; unmerging restores exactly what was there."""

import datetime as dt

import pytest

from haven.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.linkage import services
from haven.linkage.models import PersonMerge
from haven.linkage.tests.review_fixtures import person_at, snapshot
from haven.registry.models import Arrival, Person, RecordChange
from haven.registry.selectors import site_figures
from haven.registry.services import arrival_record
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_household):
    """The same woman registered three times, in three scripts, at three sites."""
    return [
        person_at(make_household, "kornidzor", given_name="Անահիտ", family_name="Վարդանյան"),
        person_at(make_household, "goris", given_name="Анаит", family_name="Варданян"),
        person_at(make_household, "vayk", given_name="Anahit", family_name="Vardanian"),
    ]


def test_a_merge_keeps_every_record_arrival_and_history(users, three):
    coordinator = actor_for(users["coordinator"])
    arrival_record(actor=coordinator, person=three[1].code, site="vayk")
    before = snapshot([p.id for p in three])
    services.person_merge(actor=coordinator, person=three[1].code, into=three[0].code)
    after = snapshot([p.id for p in three])
    assert Person.objects.get(pk=three[1].pk).merged_into_id == three[0].id
    assert len(after["arrivals"]) == len(before["arrivals"]) == 4
    assert after["arrivals"] == before["arrivals"]
    assert after["history"] == before["history"]
    changed = [(b, a) for b, a in zip(before["persons"], after["persons"], strict=True) if b != a]
    assert [{k for k in b if b[k] != a[k]} for b, a in changed] == [{"merged_into"}]


def test_unmerge_restores_exactly_the_state_before(users, three):
    """Merge A into B, then B's cluster into C; unmerging each restores the rows exactly."""
    coordinator = actor_for(users["coordinator"])
    ids = [p.id for p in three]
    original = snapshot(ids)
    services.person_merge(actor=coordinator, person=three[2].code, into=three[1].code)
    after_first = snapshot(ids)
    services.person_merge(actor=coordinator, person=three[1].code, into=three[0].code)
    # Flat clusters: the record merged first now points at the new representative too.
    assert set(Person.objects.filter(merged_into=three[0]).values_list("id", flat=True)) == {
        three[1].id, three[2].id}
    services.person_unmerge(actor=coordinator, person=three[1].code)
    assert snapshot(ids) == after_first
    services.person_unmerge(actor=coordinator, person=three[2].code)
    assert snapshot(ids) == original
    assert PersonMerge.objects.filter(undone_at__isnull=True).count() == 0


def test_merging_the_same_person_twice_is_refused(users, three):
    coordinator = actor_for(users["coordinator"])
    services.person_merge(actor=coordinator, person=three[1].code, into=three[0].code)
    with pytest.raises(ValidationFailed) as refused:
        services.person_merge(actor=coordinator, person=three[0].code, into=three[1].code)
    assert "into" in refused.value.errors


def test_records_unmerged_are_not_merged_again_without_a_decision(users, three):
    coordinator = actor_for(users["coordinator"])
    services.person_merge(actor=coordinator, person=three[1].code, into=three[0].code)
    services.person_unmerge(actor=coordinator, person=three[1].code)
    with pytest.raises(Conflict):
        services.person_merge(actor=coordinator, person=three[1].code, into=three[0].code)


def test_unmerging_a_record_that_is_not_merged_names_the_field(users, three):
    with pytest.raises(ValidationFailed) as refused:
        services.person_unmerge(actor=actor_for(users["coordinator"]), person=three[0].code)
    assert "person" in refused.value.errors


def test_a_registrar_cannot_merge_a_record_of_another_site(users, three):
    """The Goris registrar may not see the Vayk record: answered as if it did not exist."""
    with pytest.raises(NotFound):
        services.person_merge(actor=actor_for(users["registrar"]), person=three[2].code,
                              into=three[1].code)
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_roles_without_review_may_not_merge(users, three):
    with pytest.raises(PermissionDenied):
        services.person_merge(actor=actor_for(users["tracing_officer"]), person=three[1].code,
                              into=three[0].code)


def test_counts_of_rows_never_change(users, three):
    coordinator = actor_for(users["coordinator"])
    counts = (Person.objects.count(), Arrival.objects.count(), RecordChange.objects.count())
    services.person_merge(actor=coordinator, person=three[2].code, into=three[0].code)
    services.person_unmerge(actor=coordinator, person=three[2].code)
    assert (Person.objects.count(), Arrival.objects.count(),
            RecordChange.objects.count()) == counts


def test_site_counts_follow_merges(users, make_household):
    """Two records of one woman at Goris count as one person there; unmerged, as two."""
    first = person_at(make_household, "goris", given_name="Անահիտ")
    second = person_at(make_household, "goris", given_name="Анаит")
    coordinator = actor_for(users["coordinator"])

    def at_goris() -> int:
        figures = site_figures(actor=coordinator, today=dt.date(2023, 9, 29))
        return next(f.persons for f in figures if f.site.slug == "goris")

    assert at_goris() == 2
    services.person_merge(actor=coordinator, person=second.code, into=first.code)
    assert at_goris() == 1
    services.person_unmerge(actor=coordinator, person=second.code)
    assert at_goris() == 2


def test_merges_and_unmerges_are_audited_as_such_naming_both_records(users, three):
    from haven.audit.models import AuditAction, AuditEvent  # noqa: PLC0415

    coordinator = actor_for(users["coordinator"])
    services.person_merge(actor=coordinator, person=three[1].code, into=three[0].code)
    services.person_unmerge(actor=coordinator, person=three[1].code)
    logged = [(e.action, {t.target_id for t in e.targets.all()}, e.username)
              for e in AuditEvent.objects.filter(action__in=[AuditAction.PERSON_MERGE,
                                                             AuditAction.PERSON_UNMERGE])
              .order_by("id")]
    both = {str(three[0].id), str(three[1].id)}
    assert logged == [("person.merge", both, "coordinator"),
                      ("person.unmerge", both, "coordinator")]
