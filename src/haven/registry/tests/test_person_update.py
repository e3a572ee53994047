"""Correcting a person or a household: the change is checked, kept in history, audited."""

import datetime as dt

import pytest

from haven.audit.models import AuditAction, AuditEvent
from haven.core import clock
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.core.names import surname_key
from haven.registry import records
from haven.registry.models import Person, PersonVulnerability, RecordChange
from haven.registry.selectors import household_get
from haven.registry.services import arrival_record, household_update, person_update
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(make_household, users):
    return make_household("goris", user=users["registrar"], members=[
        member(vulnerabilities=["injured"]),
        member(given_name="Tigran", sex="male", relationship="spouse", birth_date="1946"),
    ])


@pytest.fixture
def anahit(household):
    return household.members.get(position=0)


def updates(person):
    return list(RecordChange.objects.filter(person=person, action="updated"))


def test_a_correction_keeps_the_old_and_new_value_in_history(users, anahit):
    """Changing a name stores [old, new] per field; the script follows the new spelling."""
    when = dt.datetime(2023, 9, 30, 10, 0, tzinfo=dt.UTC)
    with clock.frozen_at(when):
        person_update(actor=actor_for(users["registrar"]), ref=anahit.code,
                      changes={"given_name": "Անահիտ", "birth_date": "1948-03-15"})
    fresh = Person.objects.get(pk=anahit.pk)
    assert (fresh.given_name, fresh.given_name_script, fresh.birth_date) == (
        "Անահիտ", "armenian", "1948-03-15")
    assert fresh.updated_at == when
    [change] = updates(anahit)
    assert change.changes == {
        "given_name": ["Anahit", "Անահիտ"],
        "birth_month": [None, 3], "birth_day": [None, 15],
        "birth_date_precision": ["year", "day"],
    }
    assert (change.at, change.changed_by) == (when, users["registrar"])
    event = AuditEvent.objects.get(action=AuditAction.PERSON_UPDATE)
    assert (event.username, event.site, event.target_type) == ("registrar-goris", "goris",
                                                               "person")
    assert [t.target_id for t in event.targets.all()] == [str(anahit.id)]


def test_a_change_to_the_same_value_writes_nothing(users, anahit):
    """No change, no history entry and no audit event for a write."""
    person_update(actor=actor_for(users["registrar"]), ref=anahit.code,
                  changes={"given_name": " Anahit ", "sex": "female"})
    assert updates(anahit) == []
    assert not AuditEvent.objects.filter(action=AuditAction.PERSON_UPDATE).exists()


def test_status_can_be_changed(users, anahit):
    """A person who left the hub is marked departed."""
    person_update(actor=actor_for(users["registrar"]), ref=str(anahit.id),
                  changes={"status": "departed"})
    assert Person.objects.get(pk=anahit.pk).status == "departed"
    assert updates(anahit)[0].changes == {"status": ["present", "departed"]}


def test_a_stored_birth_date_is_not_checked_again_when_another_field_changes(users, anahit):
    """A record that was valid when made can still be corrected years later."""
    Person.objects.filter(pk=anahit.pk).update(birth_year=1900)
    with clock.frozen_at(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)):
        person_update(actor=actor_for(users["registrar"]), ref=anahit.code,
                      changes={"family_name": "Vardanian"})
    assert Person.objects.get(pk=anahit.pk).family_name == "Vardanian"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"given_name": ""}, {"given_name": ["is required"]}),
        ({"family_name": "Varda\u200bnyan"}, {"family_name": [
            "contains an invisible formatting character (U+200B, ZERO WIDTH SPACE)"]}),
        ({"birth_date": "1948-02-31"},
         {"birth_date": ["1948-02-31 is not a date in the calendar"]}),
        ({"status": "missing"}, {"status": ["must be one of: present, departed, deceased"]}),
        ({"document_number": "AM1234567"},
         {"document_type": ["choose the type of the document"]}),
        ({"household": "elsewhere", "code": "HVN-0000-0000-0000"},
         {"code": ["cannot be changed here"], "household": ["cannot be changed here"]}),
    ],
)
def test_bad_corrections_name_the_field_and_change_nothing(users, anahit, changes, errors):
    """A refused correction leaves the record and its history as they were."""
    with pytest.raises(ValidationFailed) as refused:
        person_update(actor=actor_for(users["registrar"]), ref=anahit.code, changes=changes)
    assert refused.value.errors == errors
    fresh = Person.objects.get(pk=anahit.pk)
    assert (fresh.given_name, fresh.family_name, fresh.birth_date, fresh.status) == (
        "Anahit", "Vardanyan", "1948", "present")
    assert updates(anahit) == []


@pytest.mark.parametrize("guess", [[], ["injured"], ["pregnant"], ["not-a-code"]])
def test_a_registrar_s_vulnerabilities_are_ignored_whatever_they_say(users, anahit, api, guess):
    """Fields a role may not change are ignored, stored values kept; the answer is the same.

    Anahit's stored vulnerability is "injured": a refusal for every other guess (or for
    an unknown code only) would reveal it. The other fields of the same correction apply.
    """
    response = api("registrar").patch(f"/persons/{anahit.code}",
                                      {"vulnerabilities": guess, "given_name": "Anahid"})
    assert response.status_code == 200, response.content
    assert "vulnerabilities" not in response.json()
    fresh = Person.objects.get(pk=anahit.pk)
    assert fresh.given_name == "Anahid"
    assert list(PersonVulnerability.objects.filter(person=anahit)
                .values_list("code", flat=True)) == ["injured"]
    assert updates(anahit)[0].changes == {"given_name": ["Anahit", "Anahid"]}


def test_a_protection_officer_changes_vulnerabilities(users, anahit):
    """Medical fields are changed by roles with the medical right; history keeps both lists."""
    person_update(actor=actor_for(users["protection_officer"]), ref=anahit.code,
                  changes={"vulnerabilities": ["malnourished", "injured"]})
    assert sorted(PersonVulnerability.objects.filter(person=anahit)
                  .values_list("code", flat=True)) == ["injured", "malnourished"]
    assert updates(anahit)[0].changes == {
        "vulnerabilities": [["injured"], ["injured", "malnourished"]]}


def test_a_history_entry_of_only_medical_changes_is_hidden_from_other_roles(users, household,
                                                                           anahit):
    """Registrars do not see that a medical field changed: not even an empty entry."""
    person_update(actor=actor_for(users["protection_officer"]), ref=anahit.code,
                  changes={"vulnerabilities": ["burns"]})
    person_update(actor=actor_for(users["protection_officer"]), ref=anahit.code,
                  changes={"vulnerabilities": [], "given_name": "Anahid"})
    for role, expected in [
        ("registrar", [{"site": [None, "goris"]}, {"given_name": ["Anahit", "Anahid"]}]),
        ("protection_officer", [
            {"site": [None, "goris"]},
            {"vulnerabilities": [["injured"], ["burns"]]},
            {"given_name": ["Anahit", "Anahid"], "vulnerabilities": [["burns"], []]},
        ]),
    ]:
        actor = actor_for(users[role])
        seen = household_get(actor=actor, ref=household.code)
        history = records.household_record(seen, actor=actor, with_history=True)["history"]
        assert [entry["changes"] for entry in history] == expected, role


def test_a_person_outside_the_actors_sites_cannot_be_corrected(users, anahit):
    """The Vayk registrar gets NotFound, as if the person did not exist."""
    with pytest.raises(NotFound):
        person_update(actor=actor_for(users["registrar_vayk"]), ref=anahit.code,
                      changes={"given_name": "X"})
    assert Person.objects.get(pk=anahit.pk).given_name == "Anahit"


def test_a_tracing_officer_cannot_correct_records(users, anahit):
    """Tracing reads across sites but does not write."""
    with pytest.raises(PermissionDenied):
        person_update(actor=actor_for(users["tracing_officer"]), ref=anahit.code,
                      changes={"given_name": "X"})


def test_a_household_correction_keeps_history_and_is_audited(users, household):
    """Place, phone and size are corrected; old and new go to the household's history."""
    household_update(actor=actor_for(users["registrar"]), ref=household.code,
                     changes={"place_of_origin": "Martuni", "phone": "097 123456", "size": 4})
    household.refresh_from_db()
    assert (household.place_of_origin, household.phone, household.phone_e164,
            household.size) == ("Martuni", "097 123456", "+37497123456", 4)
    change = RecordChange.objects.get(household=household, action="updated")
    assert change.person is None
    assert change.changes == {"place_of_origin": ["", "Martuni"], "phone": ["", "097 123456"],
                              "phone_e164": ["", "+37497123456"], "size": [2, 4]}
    event = AuditEvent.objects.get(action=AuditAction.HOUSEHOLD_UPDATE)
    assert (event.site, [t.target_id for t in event.targets.all()]) == (
        "goris", [str(household.id)])


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"size": 1}, {"size": ["must be between the number of members listed (2) and 99"]}),
        ({"size": None}, {"size": ["must be between the number of members listed (2) and 99"]}),
        ({"phone": "none"}, {"phone": ["is not a phone number (digits, spaces, + - ( ) only)"]}),
        ({"registered_at": "vayk"}, {"registered_at": ["cannot be changed here"]}),
    ],
)
def test_bad_household_corrections_name_the_field(users, household, changes, errors):
    """A refused household correction changes nothing."""
    with pytest.raises(ValidationFailed) as refused:
        household_update(actor=actor_for(users["registrar"]), ref=household.code,
                         changes=changes)
    assert refused.value.errors == errors
    assert not RecordChange.objects.filter(action="updated").exists()


def test_size_counts_members_the_actor_does_not_see(users, household, anahit):
    """At Vayk, where only Anahit arrived, the household still has two members."""
    vayk = actor_for(users["registrar_vayk"])
    arrival_record(actor=vayk, person=anahit.code, site="vayk")
    with pytest.raises(ValidationFailed) as refused:
        household_update(actor=vayk, ref=household.code, changes={"size": 1})
    assert refused.value.errors == {
        "size": ["must be between the number of members listed (2) and 99"]}


def test_a_second_head_of_household_is_refused(users, sites, make_household):
    """One head per household, as at registration: the current head must change first."""
    household = make_household(members=[member(), member(given_name="Tigran", sex="male",
                                                         relationship="spouse")])
    spouse = household.members.get(relationship="spouse")
    with pytest.raises(ValidationFailed) as problem:
        person_update(actor=actor_for(users["coordinator"]), ref=spouse.code,
                      changes={"relationship": "head"})
    assert "relationship" in problem.value.errors
    spouse.refresh_from_db()
    assert spouse.relationship == "spouse"


def test_a_corrected_name_gets_new_keys_outside_the_history(users, anahit):
    """The matching keys follow the name; the history shows only what the clerk changed."""
    person_update(actor=actor_for(users["registrar"]), ref=anahit.code,
                  changes={"family_name": "Петросян"})
    fresh = Person.objects.get(pk=anahit.pk)
    assert fresh.family_name_key != anahit.family_name_key
    assert fresh.family_name_key == surname_key("Petrosyan")
    [change] = updates(anahit)
    assert set(change.changes) == {"family_name"}
