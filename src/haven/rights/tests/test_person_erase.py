"""Erasure: every row about the person goes, their counts stay, the act is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.cli import rights as _rights  # noqa: F401  (registers the commands)
from haven.cli.main import cli
from haven.core import clock
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.registry.models import Household, Person
from haven.reports.services import report_zone, sitrep_build
from haven.rights.erasure import person_erase, person_erase_plan
from haven.rights.graph import subject_of
from haven.rights.models import Erasure
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db

REASON = "the person's request of 2026-12-04 (no. 14)"


def _today() -> dt.date:
    return clock.now().astimezone(report_zone()).date()


def _figures(report):
    return (report.days[-1].cumulative_arrivals, report.households, report.present,
            report.vulnerabilities, report.demography.counts,
            {s: (t.cumulative_arrivals, t.cumulative_registrations, t.cumulative_households)
             for s, t in report.site_totals.items()},
            {o.site: o.present for o in report.occupancy})


def test_the_plan_lists_what_would_go_and_changes_nothing(users, subject):
    plan = person_erase_plan(actor=actor_for(users["coordinator"]), code=subject.code)
    assert (plan.persons, plan.households) == (2, 2)  # the record, its twin, both households
    assert plan.rows["registry.arrival"] == 4
    assert plan.rows["protection.referral"] == 1
    assert plan.rows["linkage.matchcandidate"] == 1
    assert Person.objects.filter(code=subject.code).exists()


def test_erasure_removes_every_row_that_names_the_person(users, subject):
    person = Person.objects.get(code=subject.code)
    before = subject_of(person, shared_household_rows=False)
    assert before.person_rows
    done = person_erase(actor=actor_for(users["coordinator"]), code=subject.code,
                        reason=REASON, confirm=subject.code.lower())
    assert not Person.objects.filter(code__in=[subject.code, subject.twin_code]).exists()
    assert not Household.objects.filter(code=subject.household_code).exists()

    def gone(groups):
        for rows in groups:
            assert not rows.model._default_manager.filter(pk__in=rows.pks).exists(), rows.model
            gone(rows.children)

    gone(before.person_rows + before.household_rows)
    assert Person.objects.filter(code=subject.other_code).exists()  # the stranger stays
    erasure = Erasure.objects.get()
    assert erasure == done.erasure
    assert (erasure.reason, erasure.persons, erasure.households) == (REASON, 2, 2)
    event = AuditEvent.objects.get(action="person.erase")
    assert set(event.targets.values_list("target_id", flat=True)) == set(subject.ids)


def test_the_situation_report_counts_the_same_after_an_erasure(users, subject):
    coordinator = actor_for(users["coordinator"])
    before = _figures(sitrep_build(actor=coordinator, date=_today()))
    person_erase(actor=coordinator, code=subject.code, reason=REASON, confirm=subject.code)
    after = _figures(sitrep_build(actor=coordinator, date=_today()))
    assert after[:6] == before[:6]
    # Shelter beds are counted from placements: the erased person's bed is released
    # (docs/retention.md); sites without shelter units count the tally.
    assert after[6] == {**before[6], "goris": before[6]["goris"] - 1}


def test_single_site_reports_are_unchanged_by_an_erasure(users, subject):
    coordinator = actor_for(users["coordinator"])
    befores = {site: _figures(sitrep_build(actor=coordinator, date=_today(), sites=[site]))
               for site in ("goris", "kornidzor", "vayk")}
    person_erase(actor=coordinator, code=subject.code, reason=REASON, confirm=subject.code)
    for site, before in befores.items():
        after = _figures(sitrep_build(actor=coordinator, date=_today(), sites=[site]))
        assert after[:3] == before[:3], site
        assert after[4:6] == before[4:6], site


def test_erasure_needs_the_role_a_reason_and_the_code_typed_again(users, subject):
    for role in ("registrar", "tracing_officer", "protection_officer", "auditor", "viewer",
                 "administrator"):
        with pytest.raises(PermissionDenied):
            person_erase(actor=actor_for(users[role]), code=subject.code, reason=REASON,
                         confirm=subject.code)
    coordinator = actor_for(users["coordinator"])
    with pytest.raises(ValidationFailed) as refused:
        person_erase(actor=coordinator, code=subject.code, reason=" ", confirm="HVN-X")
    assert set(refused.value.errors) == {"reason", "confirm"}
    with pytest.raises(NotFound):
        person_erase(actor=coordinator, code="HVN-NONE", reason=REASON, confirm="HVN-NONE")
    assert Person.objects.filter(code=subject.code).exists()
    assert not Erasure.objects.exists()


def test_a_kept_household_loses_only_the_erased_member(users, make_household, subject):
    from haven.testing.factories import member  # noqa: PLC0415

    household = make_household(site="goris", members=[
        member(given_name="Anahit"), member(given_name="Tigran", sex="male",
                                            relationship="child", birth_date="1975")])
    tigran = household.members.get(given_name="Tigran")
    person_erase(actor=actor_for(users["coordinator"]), code=tigran.code, reason=REASON,
                 confirm=tigran.code)
    household.refresh_from_db()
    assert list(household.members.values_list("given_name", flat=True)) == ["Anahit"]
    assert household.size == 1


def test_the_cli_asks_for_the_code_again(users, subject):
    runner = CliRunner()
    wrong = runner.invoke(cli, ["person", "erase", subject.code, "--user", "coordinator",
                                "--reason", REASON], input="HVN-WRONG\n")
    assert wrong.exit_code != 0
    assert "registry.arrival: 4" in wrong.output
    assert Person.objects.filter(code=subject.code).exists()
    right = runner.invoke(cli, ["person", "erase", subject.code, "--user", "coordinator",
                                "--reason", REASON], input=f"{subject.code}\n")
    assert right.exit_code == 0, right.output
    assert not Person.objects.filter(code=subject.code).exists()
    assert User.objects.filter(username="coordinator").exists()
