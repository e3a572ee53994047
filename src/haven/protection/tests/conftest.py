"""Protection fixtures: a burns hospital with its own protection officer, a patient at Goris."""

from __future__ import annotations

import pytest

from haven.accounts.models import User
from haven.registry.models import Household, Site
from haven.testing.factories import PASSWORD, member, site_spec


@pytest.fixture
def hospital(sites) -> Site:
    """The burns centre in Yerevan: a site of its own, holding no one's record yet."""
    spec = site_spec("yerevan-burns", "hospital") | {"province": "Yerevan"}
    return Site.objects.create(**spec)


@pytest.fixture
def hospital_officer(hospital, users) -> User:
    user = User(username="protection-burns", role="protection_officer")
    user.set_password(PASSWORD)
    user.save()
    user.sites.set([hospital])
    return user


@pytest.fixture
def patient(make_household) -> Household:
    """A man with burns registered at Goris, with his wife."""
    return make_household(site="goris", members=[
        member(given_name="Tigran", family_name="Harutyunyan", sex="male", birth_date="1971",
               vulnerabilities=["burns"]),
        member(given_name="Narine", family_name="Harutyunyan", sex="female",
               birth_date="1974", relationship="spouse")])


def patient_code(patient: Household) -> str:
    return patient.members.get(given_name="Tigran").code


REFERRAL = {"service": "burns_unit", "to_site": "yerevan-burns", "urgency": "emergency",
            "consent": True, "notes": "Second-degree burns, 30% of the body; needs grafting."}
