"""Edits (ODK's deprecatedID): the earlier household corrected in place, its history kept."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.audit.models import AuditAction, AuditEvent, Outcome
from haven.core import clock
from haven.intake.models import Submission
from haven.intake.tests.test_openrosa_recordings import (
    INSTANCE_ID,
    Device,
    collect_submission,
    enketo_edit,
    openrosa_message,
)
from haven.registry.models import Arrival, Household, Person, RecordChange

EDIT_ID = "uuid:0b7e4a35-51c2-4f0e-9a43-4f6a2d9c1e77"


@pytest.fixture(autouse=True)
def _the_day_of_the_recording():
    with clock.frozen_at(dt.datetime(2023, 9, 28, 7, 5, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def device(users) -> Device:
    sent = Device(username="registrar-goris")
    assert sent.submit(collect_submission()).status_code == 201
    return sent


def test_an_edit_corrects_the_household_in_place_and_keeps_the_history(device):
    household = Household.objects.get()
    response = device.submit(enketo_edit(instance_id=EDIT_ID, son="Tigran", size="6"))
    assert response.status_code == 201, response.content
    assert openrosa_message(response) == ("submit_success", f"Updated household {household.code}.")
    # Still one household and four people: an edit is not a second registration.
    assert (Household.objects.count(), Person.objects.count(), Arrival.objects.count()) == (
        1, 4, 4)
    household.refresh_from_db()
    assert (household.place_of_origin, household.size) == ("Stepanakert", 6)
    son = Person.objects.get(position=2)
    assert (son.given_name, son.given_name_script) == ("Tigran", "latin")
    changes = sorted(((str(c.person_id), c.changes)
                      for c in RecordChange.objects.filter(action="updated")), key=str)
    assert changes == sorted([
        ("None", {"place_of_origin": ["Ստեփանակերտ", "Stepanakert"], "size": [4, 6]}),
        (str(son.id), {"given_name": ["Тигран", "Tigran"]}),
    ], key=str)
    earlier = Submission.objects.get(key=INSTANCE_ID)
    edit = Submission.objects.get(key=EDIT_ID)
    assert earlier.replaced_by == edit
    assert earlier.household == edit.household == household


def test_an_edit_sent_again_is_acknowledged(device):
    xml = enketo_edit(instance_id=EDIT_ID)
    assert device.submit(xml).status_code == 201
    again = device.submit(xml)
    assert again.status_code == 201
    assert openrosa_message(again)[1].startswith("Already received")
    assert Submission.objects.count() == 2


def test_an_edit_that_changes_nothing_writes_no_history(device):
    assert device.submit(enketo_edit(instance_id=EDIT_ID, place="Ստեփանակերտ")).status_code == 201
    assert not RecordChange.objects.filter(action="updated").exists()
    assert Submission.objects.get(key=INSTANCE_ID).replaced_by is not None


def test_an_edit_of_a_submission_already_edited_is_a_conflict(device):
    assert device.submit(enketo_edit(instance_id=EDIT_ID)).status_code == 201
    response = device.submit(enketo_edit(place="Martuni"))
    assert response.status_code == 409
    assert "latest version" in openrosa_message(response)[1]
    assert Household.objects.get().place_of_origin == "Stepanakert"
    # The edit of the edit is the way.
    assert device.submit(enketo_edit(deprecated_id=EDIT_ID, place="Martuni")).status_code == 201
    assert Household.objects.get().place_of_origin == "Martuni"
    assert Submission.objects.filter(replaced_by__isnull=True).count() == 1


def test_an_edit_of_an_unknown_submission_is_refused(device):
    response = device.submit(enketo_edit(deprecated_id="uuid:never-sent"))
    assert response.status_code == 400
    assert openrosa_message(response)[1].startswith("meta/deprecatedID: ")
    assert Submission.objects.count() == 1


def test_an_edit_of_another_site_s_household_is_as_if_it_did_not_exist(users, device):
    response = Device(username="registrar-vayk", site="vayk").submit(
        enketo_edit(place="Martuni"))
    assert response.status_code == 400
    assert "meta/deprecatedID" in openrosa_message(response)[1]
    assert "members" not in openrosa_message(response)[1]  # nothing about the household shows
    assert Household.objects.get().place_of_origin == "Ստեփանակերտ"
    denied = AuditEvent.objects.get(outcome=Outcome.DENIED)
    assert (denied.action, denied.username, denied.channel) == (
        AuditAction.HOUSEHOLD_VIEW, "registrar-vayk", "odk")


def test_an_edit_cannot_add_members(device):
    response = device.submit(enketo_edit(extra_member=True, place="Martuni"))
    assert response.status_code == 409
    assert "add or remove members" in openrosa_message(response)[1]
    assert Household.objects.get().place_of_origin == "Ստեփանակերտ"  # nothing applied
    assert Person.objects.count() == 4


@pytest.mark.parametrize("guesses", [
    ["injured", "burns injured", "", "pregnant malnourished", "injured burns", "burns"],
])
def test_a_registrar_s_edits_cannot_tell_the_stored_vulnerabilities(device, guesses):
    """An attacker's edits, one per guess of the son's vulnerabilities, all answer alike.

    The stored set is "burns injured". Fields a role may not change are ignored and
    keep their stored values: every edit is accepted the same way, its other fields are
    applied, and no guess (the right one included) stands out.
    """
    household = Household.objects.get()
    previous, answers = INSTANCE_ID, set()
    for number, guess in enumerate(guesses):
        edit = f"uuid:00000000-0000-4000-8000-{number:012d}"
        response = device.submit(enketo_edit(deprecated_id=previous, instance_id=edit,
                                             son_vulnerabilities=guess, place=f"Martuni {number}"))
        answers.add((response.status_code, openrosa_message(response)))
        assert Household.objects.get().place_of_origin == f"Martuni {number}"
        previous = edit
    assert answers == {(201, ("submit_success", f"Updated household {household.code}."))}
    son = Person.objects.get(position=2)
    assert sorted(v.code for v in son.vulnerabilities.all()) == ["burns", "injured"]
    assert not any("vulnerabilities" in c.changes
                   for c in RecordChange.objects.filter(action="updated"))


def test_a_protection_officer_can_change_vulnerabilities_by_an_edit(device):
    officer = Device(username="protection-goris")
    response = officer.submit(enketo_edit(son_vulnerabilities="injured"))
    assert response.status_code == 201, response.content
    son = Person.objects.get(position=2)
    assert [v.code for v in son.vulnerabilities.all()] == ["injured"]


def test_an_edit_cannot_change_an_estimated_age(device):
    xml = enketo_edit().replace(b"<estimated_age>78</estimated_age>",
                                b"<estimated_age>70</estimated_age>")
    response = device.submit(xml)
    assert response.status_code == 400
    assert "members[1].estimated_age" in openrosa_message(response)[1]
