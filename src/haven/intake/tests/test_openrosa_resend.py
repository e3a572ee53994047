"""A resend from a device that may not see the household: acknowledged, nothing of it shown."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.accounts.services import device_create
from haven.audit.models import AuditAction, AuditEvent, Outcome
from haven.core import clock
from haven.intake.models import Submission
from haven.intake.tests.test_openrosa_recordings import (
    Device,
    collect_submission,
    openrosa_message,
)
from haven.registry.models import Household, Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _the_day_of_the_recording():
    with clock.frozen_at(dt.datetime(2023, 9, 28, 7, 5, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def goris_household(users) -> Household:
    assert Device(username="registrar-goris").submit(collect_submission()).status_code == 201
    return Household.objects.get()


def again_message(household: Household) -> tuple[str, str]:
    return ("submit_success", f"Already received: household {household.code}.")


def _vayk_devices(users):
    issued = device_create(actor=None, site="vayk", label="phone 12")
    return {"device credentials": Device(token=issued.secret, site="vayk"),
            "registrar": Device(username="registrar-vayk", site="vayk")}


@pytest.mark.parametrize("who", ["device credentials", "registrar"])
def test_a_vayk_device_resending_a_goris_submission_learns_nothing(users, goris_household, who):
    """Same instanceID from Vayk: 201 so that Collect stops resending, no code, audited.

    The same XML and a different XML under that instanceID answer alike: the answer says
    neither the household's code nor whether Goris holds the same content.
    """
    device = _vayk_devices(users)[who]
    same = device.submit(collect_submission())
    different = device.submit(collect_submission(replace={"Ստեփանակերտ": "Martuni"}))
    answers = {(r.status_code, openrosa_message(r)) for r in (same, different)}
    assert answers == {(201, ("submit_success", "Already received."))}
    for response in (same, different):
        body = response.content.decode()
        assert goris_household.code not in body
        assert str(goris_household.id) not in body
        assert all(p.code not in body for p in Person.objects.all())
    # Nothing stored, nothing changed; each look is in the audit log as denied.
    assert Submission.objects.count() == 1
    assert Household.objects.get().place_of_origin == "Ստեփանակերտ"
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, channel="odk")
    assert denied.count() == 2
    assert {e.action for e in denied} == {AuditAction.HOUSEHOLD_VIEW}
    assert {t.target_id for e in denied for t in e.targets.all()} == {str(goris_household.id)}


def test_the_goris_device_resending_still_gets_its_household_code(users, goris_household):
    """A lost answer at Goris: the resend names the household, as it always did."""
    again = Device(username="registrar-goris").submit(collect_submission())
    assert openrosa_message(again) == again_message(goris_household)
    goris_phone = Device(token=device_create(actor=None, site="goris", label="phone 3").secret)
    assert openrosa_message(goris_phone.submit(collect_submission())) == again_message(
        goris_household)
    conflict = Device(username="registrar-goris").submit(
        collect_submission(replace={"Ստեփանակերտ": "Martuni"}))
    assert conflict.status_code == 409
