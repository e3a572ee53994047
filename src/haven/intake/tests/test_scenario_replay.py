"""Replaying karabakh-2023 at 1%: registered through the services, day by day, with its truth."""

import csv
import datetime as dt
import zoneinfo
from collections import Counter, defaultdict

import pytest
from django.db import transaction

from haven.audit.models import AuditAction, AuditEvent
from haven.core.errors import Conflict, NotFound, ValidationFailed
from haven.intake.scenarios.replay import scenario_run
from haven.intake.scenarios.timeline import scaled
from haven.registry.birth_dates import BirthDate, age_on
from haven.registry.models import Arrival, Household, Person

pytestmark = pytest.mark.django_db

SCALE = 0.01
YEREVAN = zoneinfo.ZoneInfo("Asia/Yerevan")
TALLIES = {dt.date(2023, 9, 24): 1050, dt.date(2023, 9, 25): 6500,
           dt.date(2023, 9, 26): 28000, dt.date(2023, 9, 27): 50000,
           dt.date(2023, 9, 28): 65000, dt.date(2023, 9, 29): 97700,
           dt.date(2023, 9, 30): 100400, dt.date(2023, 10, 2): 100514,
           dt.date(2023, 10, 3): 100617}


@pytest.fixture(scope="module")
def replayed(django_db_setup, django_db_blocker, tmp_path_factory):
    """A 1% replay of the exodus (about 1,000 people), shared by the module's tests.

    It runs once, in a transaction that is rolled back after the module's last test;
    each test runs inside it, in its own savepoint, as pytest-django arranges.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield scenario_run(name="karabakh-2023", scale=SCALE,
                           truth_dir=tmp_path_factory.mktemp("var") / "scenarios")
        transaction.set_rollback(True)


@pytest.fixture
def truth(replayed):
    with replayed.truth_path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _border_arrivals():
    return Arrival.objects.filter(site__slug="kornidzor").select_related("person")


def test_unique_arrivals_per_day_meet_the_scaled_tallies(db, replayed):
    """Counted from the database: people first seen at the border each local day."""
    per_day = Counter(a.arrived_at.astimezone(YEREVAN).date() for a in _border_arrivals())
    cumulative = 0
    for day in sorted(per_day):
        cumulative += per_day[day]
        if day in TALLIES:
            assert cumulative == scaled(TALLIES[day], SCALE), day
    assert cumulative == replayed.people == scaled(100617, SCALE)
    assert [(d.date, d.people_cumulative) for d in replayed.days if d.target is not None] == [
        (day, scaled(count, SCALE)) for day, count in TALLIES.items()]


def test_registrations_exceed_the_people_by_the_planted_rate(db, replayed):
    """Raw registrations are the unique people plus 2.5% registered a second time."""
    registrations = Person.objects.count()
    assert registrations == replayed.registrations == replayed.people + replayed.duplicates
    assert replayed.duplicates == round(replayed.people * 0.025)
    assert Household.objects.count() == replayed.households
    assert set(Household.objects.values_list("channel", flat=True)) == {"scenario"}


def test_a_third_are_children_on_27_september_by_the_stored_birth_dates(db, replayed):
    """Ages from the dates as stored, as a report computes them: ~17,000 of 50,000."""
    children = 0
    people = 0
    for arrival in _border_arrivals():
        day = arrival.arrived_at.astimezone(YEREVAN).date()
        if day > dt.date(2023, 9, 27):
            continue
        person = arrival.person
        birth = BirthDate(person.birth_year, person.birth_month, person.birth_day)
        people += 1
        children += age_on(birth, day) < 18
    assert people == 500
    assert abs(children / people - 17000 / 50000) <= 0.02
    (figures,) = [d for d in replayed.days if d.date == dt.date(2023, 9, 27)]
    assert figures.children_cumulative == children


def test_every_household_crosses_at_kornidzor_then_arrives_at_goris_or_vayk(db, replayed):
    """Each person registered at the border has exactly one later arrival at a hub."""
    arrivals = defaultdict(list)
    for arrival in Arrival.objects.select_related("site").order_by("arrived_at"):
        arrivals[arrival.person_id].append((arrival.site.slug, arrival.arrived_at))
    border = [trail for trail in arrivals.values() if trail[0][0] == "kornidzor"]
    assert len(border) == replayed.people
    for trail in border:
        assert len(trail) == 2
        assert trail[1][0] in {"goris", "vayk"}
        assert trail[1][1] > trail[0][1]
    again = [trail for trail in arrivals.values() if trail[0][0] != "kornidzor"]
    assert len(again) == replayed.duplicates
    assert all(len(trail) == 1 for trail in again)
    hubs = Counter(trail[1][0] for trail in border)
    assert hubs["goris"] > hubs["vayk"] > 0


def test_records_carry_the_simulated_time(db, replayed):
    """Households are created when their people arrived, in 2023, not at test time."""
    for household in Household.objects.prefetch_related("members__arrivals"):
        first = min(a.arrived_at for m in household.members.all() for a in m.arrivals.all())
        assert first <= household.created_at < first + dt.timedelta(hours=2)
    events = AuditEvent.objects.filter(action=AuditAction.ARRIVAL_CREATE)
    assert events.exists()
    assert all(event.at.year == 2023 for event in events)


def test_names_arrive_in_all_three_scripts(db, replayed):
    """Armenian letters, Russian Cyrillic and Latin, as the clerks typed them."""
    scripts = Counter(Person.objects.values_list("family_name_script", flat=True))
    assert set(scripts) == {"armenian", "cyrillic", "latin"}


def test_the_truth_file_names_every_registration_and_its_person(db, replayed, truth):
    """Each stored person is one row; each second registration points at the first."""
    codes = set(Person.objects.values_list("code", flat=True))
    assert {row["person_code"] for row in truth} == codes
    assert len(truth) == len(codes)
    originals = {row["person_code"]: row for row in truth if row["registration"] == "original"}
    assert len({row["true_person_id"] for row in originals.values()}) == replayed.people
    duplicates = [row for row in truth if row["registration"] == "duplicate"]
    assert len(duplicates) == replayed.duplicates
    for row in duplicates:
        first = originals[row["duplicate_of"]]
        assert first["true_person_id"] == row["true_person_id"]
        assert row["site"] in {"goris", "vayk"}
        assert row["variation"].startswith("shape=")
    assert replayed.truth_path.name == "karabakh-2023-truth.csv"
    assert not replayed.truth_path.with_name(replayed.truth_path.name + ".partial").exists()


def test_a_second_replay_into_the_same_database_is_refused(db, replayed):
    """Replaying twice would double every figure: refused, nothing added."""
    households = Household.objects.count()
    with pytest.raises(Conflict, match="already holds replayed households"):
        scenario_run(name="karabakh-2023", scale=SCALE)
    assert Household.objects.count() == households


def test_a_bad_scale_or_name_is_refused(db):
    """The scale is a share above 0; the scenario must exist."""
    households = Household.objects.count()
    with pytest.raises(ValidationFailed):
        scenario_run(name="karabakh-2023", scale=0)
    with pytest.raises(NotFound):
        scenario_run(name="atlantis", scale=0.01)
    assert Household.objects.count() == households
