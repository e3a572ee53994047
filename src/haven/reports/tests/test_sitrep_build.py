"""sitrep_build: every figure against the hand-computed registry in conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.core.errors import PermissionDenied, ValidationFailed
from haven.registry.models import Person
from haven.reports.services import sitrep_build
from haven.reports.tests.conftest import local
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db
SEP24, SEP25 = dt.date(2023, 9, 24), dt.date(2023, 9, 25)


def build(users, date=SEP25, role="coordinator", sites=None):
    return sitrep_build(actor=actor_for(users[role]), date=date, sites=sites)


def test_days_count_each_person_once_next_to_registrations(registry, users):
    report = build(users)
    assert [d.date for d in report.days] == [SEP24, SEP25]
    first, second = report.days
    assert (first.new_arrivals, first.cumulative_arrivals) == (3, 3)
    assert (first.registrations, first.cumulative_registrations) == (3, 3)
    # Household B crossed at 02:30 local on the 25th (22:30 UTC on the 24th); C's Anahit
    # is a second registration of A's Anahit: a registration, not a new person.
    assert (second.new_arrivals, second.cumulative_arrivals) == (2, 5)
    assert (second.registrations, second.cumulative_registrations) == (3, 6)
    assert (first.children, first.elderly, first.female, first.male) == (2, 1, 2, 1)
    assert (second.children, second.elderly, second.female, second.male) == (2, 1, 2, 2)
    assert (second.new.children, second.new.male) == (0, 1)


def test_a_day_ends_at_local_midnight(registry, users):
    report = build(users, date=SEP24)
    assert [d.date for d in report.days] == [SEP24]
    assert report.arrivals == 3
    assert report.registrations == 3


def test_age_and_sex_on_the_report_date(registry, users):
    counts = build(users).demography.counts
    assert counts == {("female", "60+"): 1, ("female", "0-4"): 1, ("male", "5-17"): 1,
                      ("male", "18-59"): 1, ("unknown", "unknown"): 1}


def test_totals_deaths_injuries_vulnerabilities(registry, users):
    report = build(users)
    assert report.households == 3
    assert report.deaths == 1
    assert report.injured == 1
    assert report.present == 4
    assert report.vulnerabilities == {"injured": 1, "burns": 0, "malnourished": 0,
                                      "disability": 1, "unaccompanied_child": 0,
                                      "pregnant": 0}


def test_sites_count_who_reached_them_and_who_registered_there(registry, users):
    report = build(users)
    kornidzor, goris = report.site_totals["kornidzor"], report.site_totals["goris"]
    assert (kornidzor.cumulative_arrivals, kornidzor.cumulative_registrations) == (5, 5)
    assert kornidzor.cumulative_households == 2
    # A's three went on to Goris; C's record there is A's Anahit again: still three.
    assert (goris.cumulative_arrivals, goris.cumulative_registrations) == (3, 1)
    assert goris.cumulative_households == 2
    assert (goris.deaths, kornidzor.deaths, kornidzor.injured) == (0, 1, 1)
    assert report.site_totals["vayk"].cumulative_arrivals == 0
    goris_days = [d for d in report.site_days if d.site == "goris"]
    assert [(d.new_arrivals, d.registrations) for d in goris_days] == [(0, 0), (3, 1)]


def test_occupancy_by_latest_arrival_of_present_persons(registry, users):
    occupancy = {o.site: (o.present, o.capacity) for o in build(users).occupancy}
    # A's three are at Goris; Aram died; the unknown person is still at the border.
    assert occupancy == {"goris": (3, 1200), "kornidzor": (1, None), "vayk": (0, 600)}


def test_a_cluster_arrives_with_its_earliest_record(sites, users, make_household):
    later = make_household(site="goris", arrived_at=local(25, 9),
                           members=[member(given_name="Hovhannes", sex="male")])
    earlier = make_household(site="kornidzor", arrived_at=local(24, 20),
                             members=[member(given_name="Оганес", sex="male")])
    Person.objects.filter(household=earlier).update(merged_into=later.members.get())
    report = build(users)
    assert [(d.new_arrivals, d.registrations) for d in report.days] == [(1, 1), (0, 1)]


def test_an_unmerge_restores_the_counts(registry, users):
    Person.objects.filter(pk=registry["again"].pk).update(merged_into=None)
    report = build(users)
    assert report.arrivals == 6
    assert report.registrations == 6
    assert report.demography.elderly == 2


def test_a_registrar_sees_the_figures_of_their_own_sites(registry, users):
    report = build(users, role="registrar")
    assert [s.slug for s in report.sites] == ["goris"]
    assert not report.all_sites
    assert report.arrivals == 3  # who reached Goris
    assert report.registrations == 1  # registered at Goris
    with pytest.raises(ValidationFailed) as refused:
        build(users, role="registrar", sites=["vayk"])
    assert "site" in refused.value.errors


def test_a_site_filter_narrows_the_report(registry, users):
    report = build(users, sites=["kornidzor"])
    assert report.arrivals == 5
    assert report.registrations == 5
    assert [o.site for o in report.occupancy] == ["kornidzor"]


def test_viewers_read_figures_auditors_do_not(registry, users):
    assert build(users, role="viewer").arrivals == 5
    with pytest.raises(PermissionDenied):
        build(users, role="auditor")


def test_unknown_site_and_future_date_are_refused_by_field(registry, users):
    with pytest.raises(ValidationFailed) as unknown:
        build(users, sites=["nowhere"])
    assert list(unknown.value.errors) == ["site"]
    with pytest.raises(ValidationFailed) as future:
        build(users, date=dt.date(2100, 1, 1))
    assert list(future.value.errors) == ["date"]


def test_an_empty_registry_gives_an_empty_report(sites, users):
    report = build(users)
    assert report.is_empty
    assert [d.date for d in report.days] == [SEP25]
    assert report.arrivals == 0


def test_a_site_report_reads_a_representative_who_never_came_there(sites, users,
                                                                   make_household):
    rep = make_household(site="goris", arrived_at=local(25, 9),
                         members=[member(given_name="Hovhannes", sex="male")])
    merged = make_household(site="kornidzor", arrived_at=local(24, 20),
                            members=[member(given_name="Оганес", sex="unknown",
                                            birth_date="")])
    Person.objects.filter(household=merged).update(merged_into=rep.members.get())
    report = build(users, sites=["kornidzor"])
    assert report.arrivals == 1
    # Sex and age are the representative's (male, born 1948), not the merged record's.
    assert report.demography.counts == {("male", "60+"): 1}
    assert report.site_totals["kornidzor"].cumulative.counts == {("male", "60+"): 1}
