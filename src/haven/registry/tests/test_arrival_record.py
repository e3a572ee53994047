"""Recording that a registered person arrived at another site: border, then hub."""

import datetime as dt

import pytest

from haven.audit.models import AuditAction, AuditEvent
from haven.core import clock
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.registry.models import Arrival, RecordChange
from haven.registry.selectors import household_get, person_get
from haven.registry.services import arrival_record
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def goris_family(make_household, users):
    """A household of two registered at Goris by the Goris registrar."""
    return make_household("goris", user=users["registrar"], members=[
        member(), member(given_name="Tigran", sex="male", relationship="spouse"),
    ])


def test_a_person_arriving_at_vayk_becomes_visible_to_the_vayk_registrar(users, goris_family):
    """Before the arrival Vayk cannot see them; after it, it can, by id and by code."""
    anahit = goris_family.members.get(position=0)
    vayk = actor_for(users["registrar_vayk"])
    with pytest.raises(NotFound):
        person_get(actor=vayk, ref=str(anahit.id))
    arrival = arrival_record(actor=vayk, person=anahit.code.lower(), site="vayk")
    assert (arrival.person, arrival.site.slug, arrival.recorded_by) == (
        anahit, "vayk", users["registrar_vayk"])
    assert person_get(actor=vayk, ref=str(anahit.id)) == anahit
    assert person_get(actor=vayk, ref=anahit.code) == anahit


def test_only_the_arrived_member_of_the_household_is_shown_at_the_new_site(users, goris_family):
    """The household opens at Vayk with the member who came; the one who stayed is not shown."""
    anahit, tigran = goris_family.members.order_by("position")
    vayk = actor_for(users["registrar_vayk"])
    arrival_record(actor=vayk, person=anahit.code, site="vayk")
    seen = household_get(actor=vayk, ref=goris_family.code)
    assert [m.id for m in seen.members.all()] == [anahit.id]
    with pytest.raises(NotFound):
        person_get(actor=vayk, ref=tigran.code)
    # Goris still sees both.
    at_goris = household_get(actor=actor_for(users["registrar"]), ref=goris_family.code)
    assert [m.id for m in at_goris.members.all()] == [anahit.id, tigran.id]


def test_the_arrival_is_in_the_history_and_the_audit_log(users, goris_family):
    """The household's history shows the arrival; the audit log names the person and site."""
    anahit = goris_family.members.get(position=0)
    later = dt.datetime(2023, 9, 29, 8, 0, tzinfo=dt.UTC)
    with clock.frozen_at(later):
        arrival_record(actor=actor_for(users["registrar_vayk"]), person=anahit.code,
                       site="vayk")
    change = RecordChange.objects.get(action="arrived")
    assert (change.household, change.person, change.at, change.changes) == (
        goris_family, anahit, later, {"site": [None, "vayk"]})
    event = AuditEvent.objects.get(action=AuditAction.ARRIVAL_CREATE)
    assert (event.username, event.site, event.at) == ("registrar-vayk", "vayk", later)
    assert [t.target_id for t in event.targets.all()] == [str(anahit.id)]


def test_an_arrival_time_can_be_given(users, goris_family):
    """A clerk catching up on paper forms records when the person really arrived."""
    anahit = goris_family.members.get(position=0)
    when = dt.datetime(2023, 9, 28, 22, 15, tzinfo=dt.UTC)
    arrival = arrival_record(actor=actor_for(users["registrar_vayk"]), person=anahit.code,
                             site="vayk", arrived_at=when)
    assert Arrival.objects.get(pk=arrival.pk).arrived_at == when


@pytest.mark.parametrize(
    ("person", "site", "errors"),
    [
        ("HVN-0000-0000-0000", "vayk", {"person": ["no person has this id or code"]}),
        ("Anahit Vardanyan", "vayk", {"person": ["no person has this id or code"]}),
        ("00000000-0000-7000-8000-000000000000", "vayk",
         {"person": ["no person has this id or code"]}),
        (None, "nowhere", {"site": ["unknown site 'nowhere'"]}),
        (None, "goris", {"site": ["you do not act for this site"]}),
        ("", "", {"person": ["no person has this id or code"], "site": ["unknown site ''"]}),
    ],
)
def test_bad_arrivals_name_the_field_and_save_nothing(users, goris_family, person, site, errors):
    """An unknown person or site, or a site the clerk does not act for, is refused."""
    ref = person if person is not None else goris_family.members.get(position=0).code
    with pytest.raises(ValidationFailed) as refused:
        arrival_record(actor=actor_for(users["registrar_vayk"]), person=ref, site=site)
    assert refused.value.errors == errors
    assert Arrival.objects.count() == 2
    assert not AuditEvent.objects.filter(action=AuditAction.ARRIVAL_CREATE,
                                         outcome="allowed").exists()


def test_a_tracing_officer_cannot_record_arrivals(users, goris_family):
    """Recording arrivals is registering: roles without that right are refused."""
    with pytest.raises(PermissionDenied):
        arrival_record(actor=actor_for(users["tracing_officer"]),
                       person=goris_family.members.get(position=0).code, site="vayk")


def _refusal(actor, person, site):
    with pytest.raises(ValidationFailed) as refused:
        arrival_record(actor=actor, person=person, site=site)
    return type(refused.value), refused.value.message, refused.value.errors


def test_by_id_a_hidden_person_is_answered_like_nobody_and_audited(users, goris_family):
    """An id is never on a person's paper: by id, Vayk finds only persons it already sees.

    Anahit's id (from a leak, a log) is refused exactly as an id that names nobody, the
    attempt is audited as denied with her id, and nothing is stored.
    """
    anahit = goris_family.members.get(position=0)
    vayk = actor_for(users["registrar_vayk"])
    hidden = _refusal(vayk, str(anahit.id), "vayk")
    nobody = _refusal(vayk, "01a24398-309d-7b29-aced-0a61e909b085", "vayk")
    assert hidden == nobody == (ValidationFailed, hidden[1],
                                {"person": ["no person has this id or code"]})
    assert Arrival.objects.filter(site__slug="vayk").count() == 0
    denied = AuditEvent.objects.filter(action=AuditAction.ARRIVAL_CREATE, outcome="denied")
    assert [[t.target_id for t in e.targets.all()] for e in denied.order_by("id")] == [
        [str(anahit.id)], ["01a24398-309d-7b29-aced-0a61e909b085"]]
    # By the code on her paper she arrives.
    assert arrival_record(actor=vayk, person=anahit.code, site="vayk").person == anahit


@pytest.mark.parametrize("site", ["goris", "nowhere"])
def test_a_refused_site_says_nothing_about_the_person(users, goris_family, site):
    """A wrong site is answered before any person is looked up: the same for a code that
    names a person at another site and for one that names nobody."""
    vayk = actor_for(users["registrar_vayk"])
    anahit = goris_family.members.get(position=0)
    assert _refusal(vayk, anahit.code, site) == _refusal(vayk, "HVN-0000-0000-0000", site) \
        == _refusal(vayk, str(anahit.id), site)
