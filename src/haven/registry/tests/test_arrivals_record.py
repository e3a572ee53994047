"""Recording many arrivals at once: onward arrivals of whole convoys, as replays and imports do."""

import datetime as dt

import pytest

from haven.audit.models import AuditAction, AuditEvent
from haven.core import clock
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.registry.models import Arrival, RecordChange
from haven.registry.selectors import person_get
from haven.registry.services import arrivals_record
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db

BORDER_TIME = dt.datetime(2023, 9, 26, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def families(make_household, users):
    """Two households registered at Goris: four people."""
    return [
        make_household("goris", user=users["registrar"], members=[
            member(), member(given_name="Tigran", sex="male", relationship="spouse")]),
        make_household("goris", user=users["registrar"], members=[
            member(given_name="Армен", family_name="Арутюнян", sex="male"),
            member(given_name="Անի", family_name="Հարությունյան", relationship="child",
                   birth_date="2015-04-02")]),
    ]


def _people(families):
    return [p for household in families for p in household.members.order_by("position")]


def test_arrivals_are_stored_with_their_times_and_histories(users, families):
    """Each arrival is stored at its time; each person's household history shows it."""
    people = _people(families)
    later = BORDER_TIME + dt.timedelta(hours=5)
    with clock.frozen_at(later + dt.timedelta(minutes=30)):
        stored = arrivals_record(actor=actor_for(users["registrar_vayk"]), arrivals=[
            (p.id, "vayk", later + dt.timedelta(minutes=i)) for i, p in enumerate(people)])
    assert len(stored) == 4
    at_vayk = Arrival.objects.filter(site__slug="vayk").order_by("arrived_at")
    assert [(a.person_id, a.arrived_at, a.recorded_by) for a in at_vayk] == [
        (p.id, later + dt.timedelta(minutes=i), users["registrar_vayk"])
        for i, p in enumerate(people)]
    changes = RecordChange.objects.filter(action="arrived").order_by("id")
    assert [(c.person_id, c.household_id, c.changes) for c in changes] == [
        (p.id, p.household_id, {"site": [None, "vayk"]}) for p in people]
    assert {c.at for c in changes} == {later + dt.timedelta(minutes=30)}


def test_people_are_found_by_id_or_by_the_code_on_their_paper(users, families):
    """A code as typed (lower case, without dashes) finds the person, like a UUID does."""
    first, second, *_ = _people(families)
    arrivals_record(actor=actor_for(users["registrar_vayk"]), arrivals=[
        (first.code.lower(), "vayk", None), (str(second.id), "VAYK", None)])
    assert set(Arrival.objects.filter(site__slug="vayk").values_list("person_id", flat=True)) \
        == {first.id, second.id}


def test_the_arrived_become_visible_to_the_new_site(users, families):
    """Like a single arrival: after it the Vayk registrar can open the person."""
    anahit = _people(families)[0]
    vayk = actor_for(users["registrar_vayk"])
    arrivals_record(actor=vayk, arrivals=[(anahit.code, "vayk", None)])
    assert person_get(actor=vayk, ref=anahit.code) == anahit


def test_one_audit_event_per_site_names_every_person(users, families):
    """A coordinator recording arrivals at two hubs writes two events, each with its people."""
    people = _people(families)
    with clock.frozen_at(BORDER_TIME):
        arrivals_record(actor=actor_for(users["coordinator"]), arrivals=[
            (people[0].id, "vayk", None), (people[1].id, "goris", None),
            (people[2].id, "vayk", None)])
    events = AuditEvent.objects.filter(action=AuditAction.ARRIVAL_CREATE).order_by("site")
    assert [(e.site, e.target_count, e.at) for e in events] == [
        ("goris", 1, BORDER_TIME), ("vayk", 2, BORDER_TIME)]
    vayk_targets = sorted(t.target_id for t in events[1].targets.all())
    assert vayk_targets == sorted([str(people[0].id), str(people[2].id)])


def test_without_a_time_the_arrival_is_now(users, families):
    """An arrival given no time happened when it was recorded."""
    with clock.frozen_at(BORDER_TIME):
        (arrival,) = arrivals_record(actor=actor_for(users["registrar_vayk"]),
                                     arrivals=[(_people(families)[0].id, "vayk", None)])
    assert Arrival.objects.get(pk=arrival.pk).arrived_at == BORDER_TIME


def test_wrong_arrivals_are_named_by_index_and_nothing_is_stored(users, families):
    """Every wrong person and site is named; the right arrivals are not stored either."""
    people = _people(families)
    before = Arrival.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        arrivals_record(actor=actor_for(users["registrar_vayk"]), arrivals=[
            (people[0].id, "vayk", None),
            ("HVN-0000-0000-0000", "vayk", None),
            (people[1].id, "nowhere", None),
            (people[2].id, "goris", None),
            ("Anahit Vardanyan", "", None),
        ])
    assert refused.value.errors == {
        "arrivals[1].person": ["no person has this id or code"],
        "arrivals[2].site": ["unknown site 'nowhere'"],
        "arrivals[3].site": ["you do not act for this site"],
        "arrivals[4].person": ["no person has this id or code"],
        "arrivals[4].site": ["unknown site ''"],
    }
    assert Arrival.objects.count() == before
    assert not RecordChange.objects.filter(action="arrived").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ARRIVAL_CREATE).exists()


def test_a_role_that_cannot_register_cannot_record_arrivals(users, families):
    """Recording arrivals is registering: a tracing officer is refused, even for none."""
    with pytest.raises(PermissionDenied):
        arrivals_record(actor=actor_for(users["tracing_officer"]),
                        arrivals=[(_people(families)[0].id, "vayk", None)])
    with pytest.raises(PermissionDenied):
        arrivals_record(actor=actor_for(users["tracing_officer"]), arrivals=[])


def test_no_arrivals_store_nothing(users):
    """An empty batch is not an error and writes no audit event."""
    assert arrivals_record(actor=actor_for(users["registrar_vayk"]), arrivals=[]) == []
    assert not AuditEvent.objects.filter(action=AuditAction.ARRIVAL_CREATE).exists()


def test_many_arrivals_are_recorded_in_a_few_queries(users, families,
                                                     django_assert_max_num_queries):
    """The number of queries does not grow with the number of people (no N+1)."""
    people = _people(families)
    arrivals = [(p.id, "vayk", None) for p in people] * 50
    # 11, 2 that refresh the persons' and households' arrival summaries, and 3 that chain
    # the one audit event to the previous (savepoint, the last hash, release).
    with django_assert_max_num_queries(16):
        arrivals_record(actor=actor_for(users["registrar_vayk"]), arrivals=arrivals)
    assert Arrival.objects.filter(site__slug="vayk").count() == 200
