"""A Goris officer tries every way to learn about a record registered only at Kornidzor.

Siranoush Hagopian was registered at the Kornidzor border post (pregnant, passport
AN0987654). At Goris she was registered twice more, in other scripts, and a coordinator
merged both Goris records into the Kornidzor one. The Goris registrar (a reviewer) and
the Goris protection officer see the two Goris records; no answer to them — API, page,
review queue, hint, error message, export — may carry the id, code or name of the
Kornidzor record or of its household (docs/security.md, "Records you cannot see").
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from typing import Any

import pytest
from click.testing import CliRunner

from haven.audit.models import AuditAction, AuditEvent, Outcome
from haven.cli.main import cli
from haven.core import ids
from haven.documentation import testimonies
from haven.linkage import services as linkage
from haven.linkage.models import MatchState
from haven.linkage.selectors import registration_hints
from haven.linkage.tests.review_fixtures import person_at, queue_pairs, scored, ticket
from haven.registry.models import Person
from haven.testing.factories import actor_for, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users, make_user, make_household) -> dict[str, Any]:
    coordinator = actor_for(users["coordinator"])
    hidden = person_at(make_household, "kornidzor", given_name="Siranoush",
                       family_name="Hagopian", birth_date="1990-05-02",
                       document_type="passport", document_number="AN0987654",
                       vulnerabilities=["pregnant"], phone="+37477123456")
    russian = person_at(make_household, "goris", given_name="Сирануш", family_name="Акопян",
                        birth_date="1990-05-02")
    armenian = person_at(make_household, "goris", given_name="Սիրանուշ",
                         family_name="Հակոբյան", birth_date="1990")
    queue_pairs(coordinator, [scored(russian, armenian, 0.7), scored(russian, hidden, 0.9),
                              scored(armenian, hidden, 0.8)])
    linkage.person_merge(actor=coordinator, person=russian.code, into=hidden.code)
    linkage.person_merge(actor=coordinator, person=armenian.code, into=hidden.code)
    # A statement recorded at Goris by an officer of both sites, naming the Kornidzor
    # record as its witness.
    both = make_user("protection-both", "protection_officer", ("goris", "kornidzor"))
    statement = testimonies.testimony_record(actor=actor_for(both), testimony=(
        testimonies.TestimonyInput(
            site="goris", given_on=dt.date(2023, 9, 30), statement="We left at night.",
            witness=hidden.code, consent_internal=True, consent_legal=True)))
    return {"hidden": hidden, "russian": Person.objects.get(pk=russian.pk),
            "armenian": Person.objects.get(pk=armenian.pk),
            "moot": ticket(russian, armenian), "testimony": statement}


def secrets_of(person: Person) -> list[str]:
    """Every string that would identify the hidden record or its household."""
    household = person.household
    return [person.code, str(person.id), str(person.id).replace("-", ""), household.code,
            str(household.id), "Siranoush", "Hagopian", "AN0987654", "77123456"]


def assert_no_leak(answers: dict[str, bytes], person: Person) -> None:
    for where, body in answers.items():
        text = body.decode("utf-8", errors="replace")
        for secret in secrets_of(person):
            assert secret not in text, f"{where} carries {secret!r}"


def test_the_goris_registrar_learns_nothing_of_the_kornidzor_record(world, users, api):
    """API, pages, the review queue in every state, a pair, the hint: not one reference."""
    russian, armenian, moot = world["russian"], world["armenian"], world["moot"]
    assert moot.state == MatchState.MOOT  # the two Goris records are one person now
    client, browser = api("registrar"), signed_in(users["registrar"])
    answers: dict[str, bytes] = {}
    for path in ["/matches?state=moot", "/matches?state=open", "/matches?state=confirmed",
                 f"/matches/{moot.pk}", f"/persons/{russian.code}", f"/persons/{armenian.id}",
                 f"/households/{russian.household.code}", "/persons?q=Сирануш", "/persons",
                 "/households", "/arrivals"]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.content)
        answers[f"GET /api/v1{path}"] = response.content
    for path in ["/matches/?state=moot", "/matches/", f"/matches/{moot.pk}/",
                 f"/persons/{russian.code}/", f"/persons/{armenian.code}/",
                 f"/households/{armenian.household.code}/", "/persons/?query=Հակոբյան",
                 "/households/", "/arrivals/new/", "/households/new/"]:
        response = browser.get(path)
        assert response.status_code == 200, path
        answers[f"GET {path}"] = response.content
    assert b"Merged into a record at a site you do not see" in answers[
        f"GET /persons/{russian.code}/"]
    # The registration hint, typed as a clerk would: her names in every script, her phone.
    for given, family in [("Siranoush", "Hagopian"), ("Сирануш", "Акопян"),
                          ("Սիրանուշ", "Հակոբյան")]:
        hints = registration_hints(actor=actor_for(users["registrar"]), given_name=given,
                                   family_name=family, birth_date="1990",
                                   phone="+37477123456")
        answers[f"hint {family}"] = repr(hints).encode()
    assert_no_leak(answers, world["hidden"])
    listed = json.loads(answers["GET /api/v1/matches?state=moot"])["items"]
    # The API still says that each Goris record counts as another record, not which.
    assert [(r["merged"], r["merged_into"]) for r in (listed[0]["left"], listed[0]["right"])] \
        == [(True, None), (True, None)]


def test_the_goris_protection_officer_learns_nothing_from_testimonies(world, users, api):
    """The statement's witness is the hidden record: list, page, API and the evidence ZIP."""
    officer, statement = users["protection_officer"], world["testimony"]
    answers: dict[str, bytes] = {}
    browser = signed_in(officer)
    for path in ["/documentation/testimonies/", f"/documentation/testimonies/{statement.pk}/"]:
        response = browser.get(path)
        assert response.status_code == 200, path
        answers[f"GET {path}"] = response.content
    client = api("protection_officer")
    for path in ["/documentation/testimonies", f"/documentation/testimonies/{statement.pk}"]:
        response = client.get(path)
        assert response.status_code == 200, path
        answers[f"GET /api/v1{path}"] = response.content
    export = client.post("/documentation/evidence", {})
    assert export.status_code == 200, export.content
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        for name in archive.namelist():
            answers[f"evidence {name}"] = archive.read(name)
    assert_no_leak(answers, world["hidden"])
    assert b"registered at a site you do not see" in answers[
        f"GET /documentation/testimonies/{statement.pk}/"]
    assert json.loads(answers[f"GET /api/v1/documentation/testimonies/{statement.pk}"])[
        "witness"] is None


# Masked afresh on every page (BREACH): not an answer about any record.
CSRF_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def _comparable(response: Any, ref: str) -> tuple[int, str]:
    """The status and body, with the reference the caller typed and CSRF tokens taken out."""
    body = response.content.decode().replace(ref, "REF")
    return response.status_code, CSRF_TOKEN.sub("TOKEN", body)


def test_errors_for_the_hidden_record_are_those_for_no_record(world, users, api):
    """Every refusal about the hidden record is the refusal for a record that never was."""
    hidden, nobody_code = world["hidden"], ids.new_code()
    nobody_id = "01a24398-309d-7b29-aced-0a61e909b085"
    client, browser = api("registrar"), signed_in(users["registrar"])
    pairs = [
        (client.get(f"/persons/{hidden.code}"), hidden.code,
         client.get(f"/persons/{nobody_code}"), nobody_code),
        (client.get(f"/households/{hidden.household.code}"), hidden.household.code,
         client.get(f"/households/{nobody_code}"), nobody_code),
        (browser.get(f"/persons/{hidden.code}/"), hidden.code,
         browser.get(f"/persons/{nobody_code}/"), nobody_code),
        # An arrival by id (never on paper) of the hidden record, and by its code at a site
        # the registrar does not act for.
        (client.post("/arrivals", {"person": str(hidden.id), "site": "goris"}), str(hidden.id),
         client.post("/arrivals", {"person": nobody_id, "site": "goris"}), nobody_id),
        (client.post("/arrivals", {"person": hidden.code, "site": "kornidzor"}), hidden.code,
         client.post("/arrivals", {"person": nobody_code, "site": "kornidzor"}), nobody_code),
        (browser.post("/arrivals/new/", {"person": str(hidden.id), "site": "goris"}),
         str(hidden.id),
         browser.post("/arrivals/new/", {"person": nobody_id, "site": "goris"}), nobody_id),
    ]
    for hidden_answer, hidden_ref, nobody_answer, nobody_ref in pairs:
        assert hidden_answer.status_code in {404, 422}
        assert _comparable(hidden_answer, hidden_ref) == _comparable(nobody_answer, nobody_ref)
    assert not hidden.arrivals.filter(site__slug="goris").exists()
    denied = AuditEvent.objects.filter(action=AuditAction.ARRIVAL_CREATE, outcome=Outcome.DENIED,
                                       username="registrar-goris")
    assert any(str(hidden.id) in [t.target_id for t in e.targets.all()] for e in denied)


def test_an_arrival_by_the_code_on_her_paper_still_works(world, users, api):
    """She shows her card at Goris: the arrival is recorded, and the answer carries only
    what the registrar's role may see (no medical field)."""
    hidden = world["hidden"]
    response = api("registrar").post("/arrivals", {"person": hidden.code, "site": "goris"})
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"id", "person", "site", "arrived_at", "recorded_by",
                                    "channel"}
    record = api("registrar").get(f"/persons/{hidden.code}").json()
    assert "vulnerabilities" not in record


def test_only_a_reviewer_who_sees_both_records_may_unmerge(world, users):
    """Unmerging a Goris record from the Kornidzor one: 404 as for no record, audited, and
    the merge stands; the same by page, API-less CLI and by rejecting the Goris pair."""
    russian, hidden, moot = world["russian"], world["hidden"], world["moot"]
    browser, nobody = signed_in(users["registrar"]), ids.new_code()
    for method in ("get", "post"):
        tried = getattr(browser, method)(f"/persons/{russian.code}/unmerge/")
        missing = getattr(browser, method)(f"/persons/{nobody}/unmerge/")
        assert _comparable(tried, russian.code) == _comparable(missing, nobody)
        assert tried.status_code == 404
    person_page = browser.get(f"/persons/{russian.code}/").content.decode()
    assert "/unmerge/" not in person_page
    cli_run = CliRunner().invoke(cli, ["link", "unmerge", russian.code, "--user",
                                       "registrar-goris"])
    assert cli_run.exit_code != 0
    assert hidden.code not in cli_run.output
    # Rejecting the Goris pair would split one of them from the Kornidzor record.
    with pytest.raises(Exception) as refused:  # noqa: PT011 - a Conflict, checked below
        linkage.match_reject(actor=actor_for(users["registrar"]), candidate=moot.pk)
    assert getattr(refused.value, "status", None) == 409
    assert hidden.code not in str(refused.value)
    page = browser.post(f"/matches/{moot.pk}/", {"decision": "reject"})
    assert page.status_code == 409
    assert "a coordinator can split them" in page.content.decode()
    assert hidden.code not in page.content.decode()
    assert Person.objects.filter(merged_into=hidden).count() == 2
    denied = AuditEvent.objects.filter(action=AuditAction.PERSON_UNMERGE, outcome=Outcome.DENIED)
    assert denied.exists()
    assert {t.target_id for e in denied for t in e.targets.all()} == {str(russian.id),
                                                                      str(hidden.id)}
    # A coordinator sees both, and may.
    linkage.person_unmerge(actor=actor_for(users["coordinator"]), person=russian.code)
    assert Person.objects.get(pk=russian.pk).merged_into_id is None
