"""The generator plans the scenario's people: exact per day, realistic, and reproducible."""

import datetime as dt
from collections import Counter

import pytest

from haven.core.names import Script, detect_script
from haven.intake.scenarios.generator import scenario_days
from haven.intake.scenarios.model import scenario_load
from haven.intake.scenarios.timeline import scaled

SCALE = 0.05


@pytest.fixture(scope="module")
def karabakh():
    return scenario_load("karabakh-2023")


@pytest.fixture(scope="module")
def days(karabakh):
    """A twentieth of the exodus: about 5,000 people (no database)."""
    return list(scenario_days(karabakh, scale=SCALE, seed=2023))


def _people(day):
    return [m for h in day.households for m in h.members]


def _signature(days):
    return [(h.arrived_at, h.hub, [(w.given_name, w.family_name, w.birth_date)
                                   for w in h.written]) for d in days for h in d.households]


def test_the_same_seed_plans_the_same_people(karabakh):
    """Determinism: names, dates, times and hubs are the same for the same seed."""
    first = list(scenario_days(karabakh, scale=0.01, seed=7))
    again = list(scenario_days(karabakh, scale=0.01, seed=7))
    other = list(scenario_days(karabakh, scale=0.01, seed=8))
    assert _signature(first) == _signature(again)
    assert _signature(first) != _signature(other)
    assert [d.people for d in first] == [d.people for d in other]  # the tallies hold for all


def test_each_day_brings_exactly_its_share_of_the_scaled_tallies(karabakh, days):
    """On every tally's day the cumulative number of people is round(tally * scale)."""
    cumulative = 0
    for day in days:
        assert len(_people(day)) == day.people
        cumulative += day.people
        assert day.plan.cumulative == cumulative
        if day.plan.tally is not None:
            assert cumulative == scaled(day.plan.tally.cumulative, SCALE)
    assert cumulative == scaled(100617, SCALE)
    assert [d.date for d in days] == [dt.date(2023, 9, 24) + dt.timedelta(days=n)
                                      for n in range(10)]


def test_about_a_third_are_children_by_27_september(days):
    """17,000 of the first 50,000 were children: the share holds within 2%."""
    children = sum(d.children for d in days if d.date <= dt.date(2023, 9, 27))
    people = sum(d.people for d in days if d.date <= dt.date(2023, 9, 27))
    assert people == 2500
    assert abs(children - 850) <= 17
    everyone = sum(d.people for d in days)
    assert 0.27 <= sum(d.children for d in days) / everyone <= 0.33  # UNICEF: ~30,000


def test_arrivals_fall_inside_each_day_and_3_october_ends_at_noon(karabakh, days):
    """Each household crosses on its day (local time); the first at noon on the 24th."""
    zone = karabakh.zone
    for day in days:
        for household in day.households:
            local = household.arrived_at.astimezone(zone)
            assert local.date() == day.date
            assert household.arrived_at.tzinfo is dt.UTC
    assert min(h.arrived_at for h in days[0].households).astimezone(zone).hour >= 12
    assert max(h.arrived_at for h in days[-1].households).astimezone(zone).time() \
        < dt.time(12, 0)
    busiest = Counter(h.arrived_at.astimezone(zone).hour for d in days for h in d.households)
    assert busiest[14] > busiest[3]  # the corridor was busier by day


def test_households_go_on_to_goris_or_vayk_after_the_border(karabakh, days):
    """Vayk takes nobody before it opens; the buses of 28 September go to Goris."""
    vayk_opens = karabakh.hubs[1].opens
    hubs = Counter()
    for day in days:
        for household in day.households:
            assert household.site == "kornidzor"
            assert household.hub_arrived_at > household.arrived_at
            if household.hub == "vayk":
                assert household.hub_arrived_at >= vayk_opens
            if household.convoy:
                assert household.hub == "goris"
            hubs[household.hub] += 1
    assert set(hubs) == {"goris", "vayk"}
    bus_people = sum(len(h.members) for d in days for h in d.households if h.convoy)
    assert 78 <= bus_people < 78 + 8


def test_household_sizes_and_ages_are_those_of_families_in_flight(days):
    """Mean household size near 3.7; the old are 10-18% of people; nobody is over 98."""
    households = [h for d in days for h in d.households]
    people = [m for h in households for m in h.members]
    assert 3.4 <= len(people) / len(households) <= 4.0
    assert 0.10 <= sum(m.age >= 65 for m in people) / len(people) <= 0.18
    assert max(m.age for m in people) <= 98
    for household in households:
        heads = [m for m in household.members if m.relationship == "head"]
        assert len(heads) == 1


def test_vulnerable_people_are_there_at_realistic_rates(days):
    """Burn casualties are exactly the scaled 142; the rest follow their rates."""
    people = [m for d in days for m in _people(d)]
    needs = Counter(code for m in people for code in m.vulnerabilities)
    assert needs["burns"] == scaled(142, SCALE)
    for code in ("malnourished", "injured", "chronic_illness", "pregnant",
                 "disability_mobility", "disability_seeing", "elderly_alone",
                 "separated_child"):
        assert needs[code] > 0, code
    assert 0.05 <= needs["chronic_illness"] / len(people) <= 0.12
    pregnant = [m for m in people if "pregnant" in m.vulnerabilities]
    assert all(m.sex == "female" and 15 <= m.age <= 44 for m in pregnant)
    alone = [m for m in people if "elderly_alone" in m.vulnerabilities]
    assert all(m.age >= 65 for m in alone)


def test_names_are_written_in_armenian_cyrillic_and_latin(days):
    """All three scripts appear, and the Latin spellings people use."""
    written = [w for d in days for h in d.households for w in h.written]
    scripts = Counter(detect_script(w.family_name) for w in written)
    assert {Script.ARMENIAN, Script.CYRILLIC, Script.LATIN} <= set(scripts)
    assert scripts[Script.ARMENIAN] > scripts[Script.LATIN] > 0
    styles = Counter()
    for household in (h for d in days for h in d.households):
        for member, text in zip(household.members, household.written, strict=True):
            # Each household is written in one hand: Vardanyan, Vartanian, Wardanjan...
            assert text.family_name in member.family.forms[household.hand.form]
        styles[household.hand.form] += 1
    assert set(styles) == {"armenian", "cyrillic", "eastern", "western", "russian", "german"}
    patronymics = [w.patronymic for w in written if w.patronymic]
    assert any(p.endswith(("ович", "евич", "овна", "евна")) for p in patronymics)
    assert any(p.endswith("ի") for p in patronymics)


def test_second_registrations_are_the_planted_share_at_the_hubs(karabakh, days):
    """2.5% of the people are registered again, at the hub they went to, written otherwise."""
    people = sum(d.people for d in days)
    again = [(dup, m, w) for d in days for dup in d.duplicates
             for m, w in zip(dup.members, dup.written, strict=True)]
    assert len(again) == round(people * karabakh.duplicates.rate)
    for duplicate, member, _written in again:
        assert duplicate.site == duplicate.original.hub
        assert duplicate.arrived_at > duplicate.original.hub_arrived_at
        assert member in duplicate.original.members
        assert sum(w.relationship == "head" for w in duplicate.written) == 1
    changed = sum((w.given_name, w.family_name) != (o.given_name, o.family_name)
                  for dup, m, w in again
                  for o in [dup.original.written[dup.original.members.index(m)]])
    assert changed / len(again) >= 0.8
    assert len({m.true_id for _, m, _ in again}) == len(again)  # nobody three times
