"""`haven link run` on a small registry: the same woman in three scripts becomes one person."""

import datetime as dt
import random

import pytest
from click.testing import CliRunner

from haven.audit.models import AuditAction, AuditEvent
from haven.cli import link_registry as _link_registry  # noqa: F401  (registers the commands)
from haven.cli.main import cli
from haven.core import clock
from haven.core.errors import Conflict, PermissionDenied
from haven.linkage import services
from haven.linkage.models import LinkageRun, MatchCandidate, MatchState, RunStatus
from haven.linkage.tests.review_fixtures import person_at
from haven.registry.models import Person
from haven.registry.services import HouseholdInput, MemberInput, households_register
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db

GIVEN = {"female": ["Narine", "Mariam", "Lilit", "Gohar", "Siranush", "Astghik", "Hasmik",
                    "Ани", "Нарине", "Մարիամ", "Լիլիթ"],
         "male": ["Armen", "Ashot", "Gagik", "Tigran", "Hayk", "Aram", "Karen", "Vahe",
                  "Армен", "Тигран", "Արամ", "Կարեն"]}
FAMILY = ["Grigoryan", "Harutyunyan", "Sargsyan", "Petrosyan", "Hakobyan", "Mkrtchyan",
          "Avetisyan", "Григорян", "Саргсян", "Պետրոսյան", "Հակոբյան", "Danielyan", "Gasparyan"]
MORNING = dt.datetime(2023, 9, 25, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def registry(users, make_household):
    """About 240 people in 100 households, and Anahit Vardanyan registered three times.

    Kornidzor registers her first, in Armenian letters; Goris from her Soviet passport,
    in Cyrillic; Vayk in a volunteer's Latin spelling.
    """
    rng = random.Random(2023)  # noqa: S311 - test data, not secrets
    with clock.frozen_at(MORNING):
        anahit = [person_at(make_household, "kornidzor", given_name="Անահիտ",
                            family_name="Վարդանյան", birth_date="1948-03-15",
                            phone="+374 97 123456", place_of_origin="Ստեփանակերտ")]
    households = []
    for index in range(100):
        surname = rng.choice(FAMILY)
        members = []
        for position in range(rng.choice([1, 2, 2, 3, 4])):
            sex = rng.choice(["female", "male"])
            members.append(MemberInput(
                given_name=rng.choice(GIVEN[sex]), family_name=surname, sex=sex,
                birth_date=f"{rng.randint(1935, 2022)}-{rng.randint(1, 12):02d}-"
                           f"{rng.randint(1, 28):02d}",
                relationship="head" if position == 0 else "other_relative"))
        households.append(HouseholdInput(site=rng.choice(["goris", "vayk", "kornidzor"]),
                                         members=members,
                                         place_of_origin=rng.choice(["Stepanakert", "Martuni",
                                                                     "Askeran"]),
                                         phone=f"+374 9{rng.randint(1, 9)} {100000 + index}"))
    with clock.frozen_at(MORNING + dt.timedelta(hours=2)):
        outcome = households_register(actor=actor_for(users["coordinator"]),
                                      households=households)
        assert not outcome.errors
    with clock.frozen_at(MORNING + dt.timedelta(hours=5)):
        anahit.append(person_at(make_household, "goris", given_name="Анаит",
                                family_name="Варданян", birth_date="1948",
                                place_of_origin="Степанакерт", phone="097 123456"))
        anahit.append(person_at(make_household, "vayk", given_name="Anahit",
                                family_name="Vardanian", birth_date="1948-03",
                                place_of_origin="Stepanakert"))
    return anahit


def _representative(person: Person) -> Person:
    person.refresh_from_db()
    return person.merged_into or person


def test_a_run_merges_the_same_woman_written_in_three_scripts(users, registry):
    """All three records count as one person: the first registered, at Kornidzor."""
    run = services.linkage_run(actor=actor_for(users["coordinator"]))
    assert run.status == RunStatus.DONE
    assert run.records == Person.objects.count()
    assert run.model  # the trained model is kept for incremental runs
    assert {_representative(p).id for p in registry} == {registry[0].id}
    assert run.auto_merged >= 2
    # every record is still there, each with its own arrival
    assert Person.objects.count() == run.records
    for person in registry:
        assert person.arrivals.count() == 1
    event = AuditEvent.objects.get(action=AuditAction.LINKAGE_RUN)
    assert {t.target_id for t in event.targets.all()} >= {str(p.id) for p in registry[1:3]}


def test_a_second_run_keeps_decisions_and_opens_no_duplicate_ticket(users, registry):
    coordinator = actor_for(users["coordinator"])
    services.linkage_run(actor=coordinator)
    tickets = MatchCandidate.objects.count()
    open_before = set(MatchCandidate.objects.filter(state="pending").values_list("pk", flat=True))
    rejected = next(iter(open_before), None)
    if rejected is not None:
        services.match_reject(actor=coordinator, candidate=rejected)
    # The reviewer splits Vayk's record off: the next run must not merge it back.
    services.person_unmerge(actor=coordinator, person=registry[2].code)
    services.linkage_run(actor=coordinator)
    assert MatchCandidate.objects.count() >= tickets
    pairs = list(MatchCandidate.objects.values_list("left_id", "right_id"))
    assert len(pairs) == len(set(pairs)) == len({frozenset(p) for p in pairs})
    if rejected is not None:
        assert MatchCandidate.objects.get(pk=rejected).state == MatchState.REJECTED
    assert _representative(registry[2]).id == registry[2].id
    assert _representative(registry[1]).id == registry[0].id


def test_incremental_linking_uses_the_stored_model(users, registry, make_household):
    coordinator = actor_for(users["coordinator"])
    with clock.frozen_at(MORNING + dt.timedelta(days=1)):
        first = services.linkage_run(actor=coordinator)
    with clock.frozen_at(MORNING + dt.timedelta(days=1, hours=6)):
        again = person_at(make_household, "goris", given_name="Anahit", family_name="Vardanyan",
                          birth_date="1948-03-15", phone="+374 97 123456",
                          place_of_origin="Stepanakert")
        stranger = person_at(make_household, "goris", given_name="Zaruhi",
                             family_name="Ter-Minasyan", birth_date="2001-07-02")
    with clock.frozen_at(MORNING + dt.timedelta(days=1, hours=7)):
        run = services.linkage_link_new(actor=coordinator)
    assert run.kind == "incremental"
    assert run.records == 2  # only the new records were linked
    assert run.model == first.model
    assert _representative(again).id == registry[0].id
    assert _representative(stranger).id == stranger.id


def test_incremental_linking_needs_a_trained_model_first(users, registry):
    with pytest.raises(Conflict):
        services.linkage_link_new(actor=actor_for(users["coordinator"]))


def test_only_a_coordinator_may_link_the_whole_registry(users, registry):
    with pytest.raises(PermissionDenied):
        services.linkage_run(actor=actor_for(users["registrar"]))
    assert not LinkageRun.objects.exists()


def test_the_command_prints_a_summary(users, registry):
    result = CliRunner().invoke(cli, ["link", "run", "--user", "coordinator"])
    assert result.exit_code == 0, result.output
    assert "records merged automatically" in result.output
    assert f"Linked {Person.objects.count():,} records" in result.output
    assert _representative(registry[1]).id == registry[0].id


def test_the_command_refuses_in_one_line(users, registry):
    result = CliRunner().invoke(cli, ["link", "run", "--user", "registrar-goris"])
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0
    assert "coordinator" in result.output
    result = CliRunner().invoke(cli, ["link", "run", "--user", "nobody"])
    assert result.exit_code != 0
    result = CliRunner().invoke(cli, ["link", "run", "--incremental", "--user", "coordinator"])
    assert result.exit_code == 1
    assert "run a full linkage first" in result.output


def test_the_unmerge_command(users, registry):
    services.linkage_run(actor=actor_for(users["coordinator"]))
    result = CliRunner().invoke(cli, ["link", "unmerge", registry[1].code, "--user",
                                      "coordinator"])
    assert result.exit_code == 0, result.output
    assert _representative(registry[1]).id == registry[1].id
    result = CliRunner().invoke(cli, ["link", "unmerge", registry[1].code, "--user",
                                      "coordinator"])
    assert result.exit_code == 1
    assert "person: is not merged" in result.output


def test_the_command_links_new_records_since_a_date(users, registry, make_household):
    coordinator = actor_for(users["coordinator"])
    with clock.frozen_at(MORNING + dt.timedelta(days=1)):
        services.linkage_run(actor=coordinator)
    with clock.frozen_at(MORNING + dt.timedelta(days=3)):
        again = person_at(make_household, "vayk", given_name="Անահիտ", family_name="Վարդանյան",
                          birth_date="1948-03-15", phone="+374 97 123456")
    result = CliRunner().invoke(cli, ["link", "run", "--incremental", "--since", "2023-09-27",
                                      "--user", "coordinator"])
    assert result.exit_code == 0, result.output
    assert "Linked 1 new records" in result.output
    assert _representative(again).id == registry[0].id
    result = CliRunner().invoke(cli, ["link", "run", "--since", "2023-09-27", "--user",
                                      "coordinator"])
    assert result.exit_code == 2
    assert "--since goes with --incremental" in result.output


@pytest.mark.parametrize("incremental", [False, True])
def test_a_run_the_engine_refuses_is_kept_as_failed_and_names_the_column(
        users, registry, monkeypatch, incremental):
    """The engine's refusal reaches the caller as a field error; the run says it failed."""
    from haven.core.errors import ValidationFailed  # noqa: PLC0415
    from haven.linkage import engine  # noqa: PLC0415

    coordinator = actor_for(users["coordinator"])
    if incremental:
        services.linkage_run(actor=coordinator)  # a trained model to start from

    def refuse(*args, **kwargs):
        raise engine.EngineInputError("not a date", column="birth_date", row=3)

    monkeypatch.setattr(engine, "dedupe", refuse)
    monkeypatch.setattr(engine, "link_new", refuse)
    if incremental:
        def link() -> object:
            return services.linkage_link_new(actor=coordinator,
                                             since=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    else:
        def link() -> object:
            return services.linkage_run(actor=coordinator)
    with pytest.raises(ValidationFailed) as refused:
        link()
    assert refused.value.errors == {"birth_date": ["not a date"]}
    failed = LinkageRun.objects.order_by("-id").first()
    assert (failed.status, failed.error) == (RunStatus.FAILED, "EngineInputError: not a date")


def test_a_run_that_breaks_otherwise_is_kept_as_failed_and_the_error_goes_up(
        users, registry, monkeypatch):
    from haven.linkage import engine  # noqa: PLC0415

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(engine, "dedupe", broken)
    with pytest.raises(RuntimeError, match="out of memory"):
        services.linkage_run(actor=actor_for(users["coordinator"]))
    assert LinkageRun.objects.get().status == RunStatus.FAILED


def test_an_incremental_merge_that_would_join_contradicting_records_goes_to_review(
        users, registry, make_household, monkeypatch):
    """Issue 16: incremental runs follow the clustering's rule, and say why they ask."""
    from haven.linkage import engine  # noqa: PLC0415 - the module services imports from
    from haven.linkage.tests.review_fixtures import scored  # noqa: PLC0415

    coordinator = actor_for(users["coordinator"])
    with clock.frozen_at(MORNING + dt.timedelta(days=1)):
        services.linkage_run(actor=coordinator)
    kornidzor = registry[0]
    assert _representative(registry[1]).id == kornidzor.id  # Anahit, born 1948
    with clock.frozen_at(MORNING + dt.timedelta(days=1, hours=6)):
        # Born 1950: two years from 1948, no contradiction. Born 1952: two years from
        # 1950, but four from the 1948 records already in the cluster.
        near = person_at(make_household, "goris", given_name="Anahit",
                         family_name="Vardanyan", birth_date="1950-01-01")
        far = person_at(make_household, "goris", given_name="Anahit",
                        family_name="Vardanyan", birth_date="1952-05-05")
    monkeypatch.setattr(engine, "link_new", lambda *_args, **_kwargs: [
        scored(near, kornidzor, 0.99), scored(far, near, 0.98)])
    with clock.frozen_at(MORNING + dt.timedelta(days=1, hours=7)):
        services.linkage_link_new(actor=coordinator)
    assert _representative(near).id == kornidzor.id
    assert _representative(far).id == far.id  # not chained into the 1948 cluster
    ticket = MatchCandidate.objects.get(left_id=min(far.id, near.id),
                                        right_id=max(far.id, near.id))
    assert ticket.state == MatchState.PENDING
    assert ticket.reason == "cluster_birth_years_far_apart"
