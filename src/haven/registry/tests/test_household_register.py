"""Registering a household: all members in one transaction, or nothing."""

import datetime as dt
import zoneinfo

import pytest

from haven.audit.models import AuditAction, AuditEvent
from haven.core import clock
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.core.ids import parse_code
from haven.registry.models import (
    Arrival,
    Household,
    Person,
    PersonVulnerability,
    RecordChange,
)
from haven.registry.services import MAX_MEMBERS, HouseholdInput, household_register
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db

YEREVAN = zoneinfo.ZoneInfo("Asia/Yerevan")


def register(user, site="goris", members=None, **household):
    return household_register(
        actor=actor_for(user),
        household=HouseholdInput(site=site, members=members or [member()], **household),
    )


def test_names_are_stored_as_typed_in_nfc_with_their_script(users, sites):
    decomposed = "Anahi\u0301t"  # i + combining acute: NFC composes it to í
    household = household_register(
        actor=actor_for(users["registrar"]),
        household=HouseholdInput(site="goris", members=[
            member(given_name="Անահիտ", family_name="Վարդանյան"),
            member(given_name="Анаит", family_name="Варданян", relationship="spouse",
                   sex="male", birth_date="1950-03-15"),
            member(given_name=decomposed, family_name="Vardanian", relationship="child",
                   birth_date="2010-04"),
        ]),
    )
    head, russian, latin = household.members.order_by("position")
    assert (head.given_name, head.given_name_script) == ("Անահիտ", "armenian")
    assert (russian.family_name, russian.family_name_script) == ("Варданян", "cyrillic")
    assert latin.given_name == "Anah\u00edt"
    assert (latin.given_name_script, latin.family_name_script) == ("latin", "latin")
    assert Arrival.objects.filter(person__household=household, site=sites["goris"]).count() == 3


def test_a_household_gets_codes_arrivals_history_and_one_audit_event(users, sites):
    """Each member gets a code and an arrival at the site; history and audit say who did it."""
    moment = dt.datetime(2023, 9, 28, 14, 0, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        household = register(users["registrar"], members=[
            member(), member(given_name="Tigran", sex="male", relationship="spouse",
                             birth_date="", estimated_age=77, document_type="passport",
                             document_number=" AM  1234567 "),
        ], place_of_origin="Stepanakert", phone="+374 97 123456")
    assert parse_code(household.code) == household.code
    head, spouse = household.members.order_by("position")
    assert parse_code(head.code) == head.code
    assert parse_code(spouse.code) == spouse.code
    assert len({household.code, head.code, spouse.code}) == 3
    assert (household.size, household.created_at, household.channel) == (2, moment, "web")
    assert (household.phone, household.phone_e164) == ("+374 97 123456", "+37497123456")
    assert (spouse.birth_year, spouse.birth_date_precision) == (1946, "estimated")
    assert spouse.document_number == "AM 1234567"
    arrivals = Arrival.objects.filter(person__household=household)
    assert {(a.site.slug, a.arrived_at, a.recorded_by) for a in arrivals} == {
        ("goris", moment, users["registrar"])}
    assert arrivals.count() == 2
    change = RecordChange.objects.get(household=household)
    assert (change.action, change.changed_by, change.changes) == (
        "created", users["registrar"], {"site": [None, "goris"]})
    event = AuditEvent.objects.get(action=AuditAction.HOUSEHOLD_CREATE)
    assert (event.actor, event.role, event.site, event.at, event.client_address) == (
        users["registrar"], "registrar", "goris", moment, "127.0.0.1")
    assert {t.target_id for t in event.targets.all()} == {
        str(household.id), str(head.id), str(spouse.id)}


def test_a_place_of_origin_may_hold_commas_and_digits(users, sites):
    """Villages are written with their district: "Shosh, Askeran"."""
    household = register(users["registrar"], place_of_origin="Shosh,  Askeran district 2")
    assert household.place_of_origin == "Shosh, Askeran district 2"


def test_a_size_larger_than_the_members_listed_is_kept(users, sites):
    """Absent members count: a household of five may arrive as two."""
    assert register(users["registrar"], size=5).size == 5


def test_vulnerabilities_are_stored_once_each(users, sites):
    """Repeated codes in one member's list are stored once."""
    household = register(users["registrar"], members=[
        member(vulnerabilities=["burns", "injured", "burns"])])
    assert sorted(PersonVulnerability.objects.filter(person__household=household)
                  .values_list("code", flat=True)) == ["burns", "injured"]


def test_a_baby_born_today_in_yerevan_is_not_in_the_future(users, sites):
    """'Today' is the local date: at 00:30 in Yerevan it is still yesterday in UTC."""
    local = dt.datetime(2026, 1, 1, 0, 30, tzinfo=YEREVAN)
    with clock.frozen_at(local.astimezone(dt.UTC)):
        household = register(users["registrar"], members=[
            member(), member(given_name="Nare", relationship="child", birth_date="2026-01-01"),
        ])
    assert household.members.get(position=1).birth_date == "2026-01-01"


def test_a_coordinator_registers_at_any_site(users, sites):
    """Coordinators act for every site."""
    assert register(users["coordinator"], site="vayk").registered_at == sites["vayk"]


@pytest.mark.parametrize("role", ["viewer", "auditor", "administrator", "tracing_officer"])
def test_roles_without_the_register_right_are_refused(users, sites, role):
    """Only registering roles register; the others get PermissionDenied and nothing is saved."""
    with pytest.raises(PermissionDenied):
        register(users[role])
    assert Household.objects.count() == 0


TOO_MANY = [member(given_name=f"Anahit{'a' * i}", relationship="child")
            for i in range(MAX_MEMBERS + 1)]


@pytest.mark.parametrize(
    ("household", "field", "message"),
    [
        ({"members": [member(), member(relationship="child", birth_date="2023-02-31")]},
         "members[1].birth_date", "2023-02-31 is not a date in the calendar"),
        ({"members": [member(birth_date="2999-01-01")]},
         "members[0].birth_date", "is in the future"),
        ({"members": [member(birth_date="0000")]},
         "members[0].birth_date", "is more than 125 years ago"),
        ({"members": [member(birth_date="1960", estimated_age=63)]},
         "members[0].birth_date", "give a birth date or an estimated age, not both"),
        ({"members": [member(birth_date="", estimated_age=300)]},
         "members[0].estimated_age", "must be between 0 and 125"),
        ({"members": [member(given_name="")]}, "members[0].given_name", "is required"),
        ({"members": [member(family_name="   ")]}, "members[0].family_name", "is required"),
        ({"members": [member(given_name="A" * 500)]},
         "members[0].given_name", "is longer than 100 characters"),
        ({"members": [member(patronymic="Б" * 500)]},
         "members[0].patronymic", "is longer than 100 characters"),
        ({"members": [member(family_name="Varda\x00nyan")]},
         "members[0].family_name", "contains a control character (U+0000)"),
        ({"members": [member(family_name="Vardanyan\u202e")]},
         "members[0].family_name",
         "contains an invisible formatting character (U+202E, RIGHT-TO-LEFT OVERRIDE)"),
        ({"members": [member(given_name="Ana\u200bhit")]},
         "members[0].given_name",
         "contains an invisible formatting character (U+200B, ZERO WIDTH SPACE)"),
        ({"members": [member(given_name="Ana\u200dhit")]},
         "members[0].given_name",
         "contains an invisible formatting character (U+200D, ZERO WIDTH JOINER)"),
        ({"members": [member(given_name="#!")]},
         "members[0].given_name", "contains a character that is not part of a name ('#')"),
        ({"members": []}, "members", "a household needs at least one member"),
        ({"members": TOO_MANY}, "members", "at most 50 members in one household"),
        ({"site": "nowhere"}, "site", "unknown site 'nowhere'"),
        ({"site": "vayk"}, "site", "you do not act for this site"),
        ({"members": [member(), member()]}, "members[1]", "repeats member 1"),
        ({"members": [member(), member(given_name="ANAHIT", relationship="child")]},
         "members[1]", "repeats member 1"),
        ({"members": [member(), member(given_name="Tigran", sex="male")]},
         "members", "exactly one member must be the head of household"),
        ({"members": [member(relationship="spouse")]},
         "members", "exactly one member must be the head of household"),
        ({"members": [member(vulnerabilities=["injured", "cursed"])]},
         "members[0].vulnerabilities", "unknown vulnerability 'cursed'"),
        ({"members": [member(document_number="AM1234567")]},
         "members[0].document_type", "choose the type of the document"),
        ({"members": [member(document_type="passport", document_number="AM<1234>")]},
         "members[0].document_number", "may hold letters, digits, spaces, - / . only"),
        ({"members": [member(document_type="visa")]},
         "members[0].document_type", "must be one of: none, passport, internal_passport, "
         "national_id, birth_certificate, military_id, refugee_certificate, other"),
        ({"members": [member(sex="")]}, "members[0].sex", "is required"),
        ({"members": [member(relationship="cousin")]},
         "members[0].relationship", "must be one of: head, spouse, child, parent, sibling, "
         "grandchild, grandparent, other_relative, not_related"),
        ({"members": [member(), member(given_name="Tigran", relationship="spouse")],
          "size": 1}, "size", "must be between the number of members listed (2) and 99"),
        ({"size": 0}, "size", "must be between the number of members listed (1) and 99"),
        ({"phone": "call me"}, "phone", "is not a phone number (digits, spaces, + - ( ) only)"),
        ({"place_of_origin": "Stepanakert\u202e"}, "place_of_origin",
         "contains an invisible formatting character (U+202E, RIGHT-TO-LEFT OVERRIDE)"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(users, sites, household, field, message):
    """Each problem is reported against its field, and no part of the household is stored."""
    values = {"site": "goris", "members": [member()], **household}
    with pytest.raises(ValidationFailed) as refused:
        household_register(actor=actor_for(users["registrar"]),
                           household=HouseholdInput(**values))
    assert message in refused.value.errors[field]
    assert Household.objects.count() == 0
    assert Person.objects.count() == 0
    assert Arrival.objects.count() == 0
    assert RecordChange.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.HOUSEHOLD_CREATE).exists()


def test_every_problem_is_reported_at_once(users, sites):
    """A clerk fixes all the mistakes in one pass: each wrong field is named."""
    with pytest.raises(ValidationFailed) as refused:
        register(users["registrar"], site="nowhere", phone="x", members=[
            member(given_name=""),
            member(relationship="child", birth_date="1948-02-30", sex="x"),
        ])
    assert set(refused.value.errors) == {
        "site", "phone", "members[0].given_name", "members[1].birth_date", "members[1].sex"}


def test_an_inactive_site_is_unknown(users, sites):
    """A closed site takes no registrations."""
    sites["goris"].is_active = False
    sites["goris"].save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed) as refused:
        register(users["registrar"])
    assert refused.value.errors == {"site": ["unknown site 'goris'"]}


def test_each_person_gets_name_keys_that_unite_scripts(users, sites):
    """Անահիտ Վարդանյան and Anahit Vardanian get the same keys: the hint looks them up so."""
    register(users["registrar"], members=[
        member(given_name="Անահիտ", family_name="Վարդանյան"),
        member(given_name="Anahit", family_name="Vardanian", relationship="sibling"),
    ])
    keys = {(p.given_name_key, p.family_name_key, p.merged_into_id)
            for p in Person.objects.all()}
    assert len(keys) == 1
    [(given, family, merged_into)] = keys
    assert given
    assert family
    assert merged_into is None
