"""The review pages and API: the queue, a pair side by side, decisions, the person page."""

import pytest

from haven.audit.models import AuditEvent, AuditTarget
from haven.linkage import services
from haven.linkage.models import MatchState
from haven.linkage.tests.review_fixtures import person_at, queue_pairs, scored, ticket
from haven.registry.models import Person
from haven.testing.factories import actor_for, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairs(users, make_household):
    """Two pairs at Goris, and one with a record at Vayk."""
    goris = [person_at(make_household, "goris", given_name=name, birth_date="1948-03-15")
             for name in ("Anahit", "Anaid", "Anna", "Ani")]
    vayk = person_at(make_household, "vayk", given_name="Анаит")
    queue_pairs(actor_for(users["coordinator"]), [
        scored(goris[0], goris[1], 0.9), scored(goris[2], goris[3], 0.7),
        scored(goris[0], vayk, 0.8)])
    return {"goris": goris, "vayk": vayk}


def test_the_queue_shows_only_pairs_whose_records_the_reviewer_sees(users, pairs):
    page = signed_in(users["registrar"]).get("/matches/").content.decode()
    goris = pairs["goris"]
    assert goris[0].code in page
    assert goris[2].code in page
    assert pairs["vayk"].code not in page
    page = signed_in(users["coordinator"]).get("/matches/").content.decode()
    assert pairs["vayk"].code in page


def test_an_empty_queue_explains_itself(users, sites):
    page = signed_in(users["registrar"]).get("/matches/").content.decode()
    assert "No pair is waiting for review" in page
    assert "haven link run" in page


def test_the_pair_page_shows_both_records_and_why(users, pairs):
    a, b = pairs["goris"][:2]
    candidate = ticket(a, b)
    response = signed_in(users["registrar"]).get(f"/matches/{candidate.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert a.code in page
    assert b.code in page
    assert "90.0%" in page
    assert "exact key match" in page
    assert "year ±1" in page
    assert "<svg" in page  # the evidence bars
    assert 'name="csrfmiddlewaretoken"' in page
    for decision in ("confirm", "reject", "skip"):
        assert f'value="{decision}"' in page
    # Reading the pair is reading both records: audited with both ids.
    event = AuditEvent.objects.filter(action="person.view").latest("id")
    assert set(AuditTarget.objects.filter(event=event).values_list("target_id", flat=True)) == {
        str(a.id), str(b.id)}


def test_a_pair_with_a_record_at_another_site_is_not_found(users, pairs):
    candidate = ticket(pairs["goris"][0], pairs["vayk"])
    registrar = signed_in(users["registrar"])
    assert registrar.get(f"/matches/{candidate.pk}/").status_code == 404
    assert registrar.post(f"/matches/{candidate.pk}/", {"decision": "confirm"}).status_code == 404
    assert Person.objects.get(pk=pairs["vayk"].pk).merged_into_id is None
    assert AuditEvent.objects.filter(action="person.view", outcome="denied").exists()
    assert registrar.get("/matches/999999/").status_code == 404


def test_a_decision_leads_to_the_next_pair(users, pairs):
    a, b, c, d = pairs["goris"]
    registrar = signed_in(users["registrar"])
    response = registrar.post(f"/matches/{ticket(a, b).pk}/", {"decision": "confirm"})
    assert response.status_code == 302
    assert response["Location"] == f"/matches/{ticket(c, d).pk}/"
    assert Person.objects.get(pk=b.pk).merged_into_id == a.id
    response = registrar.post(f"/matches/{ticket(c, d).pk}/", {"decision": "reject"})
    assert response["Location"] == "/matches/"
    assert ticket(c, d).state == MatchState.REJECTED


def test_an_unknown_decision_is_refused_at_its_field(users, pairs):
    a, b = pairs["goris"][:2]
    response = signed_in(users["registrar"]).post(f"/matches/{ticket(a, b).pk}/",
                                                {"decision": "maybe"})
    assert response.status_code == 422
    assert "must be one of: confirm, reject, skip" in response.content.decode()


def test_the_person_page_shows_merges_and_offers_to_unmerge(users, pairs):
    a, b = pairs["goris"][:2]
    services.match_confirm(actor=actor_for(users["coordinator"]), candidate=ticket(a, b).pk)
    registrar = signed_in(users["registrar"])
    page = registrar.get(f"/persons/{b.code}/").content.decode()
    assert "Merged into" in page
    assert f"/persons/{a.code}/" in page
    assert f"/persons/{b.code}/unmerge/" in page
    page = registrar.get(f"/persons/{a.code}/").content.decode()
    assert "Also registered as" in page
    assert b.code in page
    # The tracing officer sees the merge but may not undo it.
    page = signed_in(users["tracing_officer"]).get(f"/persons/{b.code}/").content.decode()
    assert "Merged into" in page
    assert "/unmerge/" not in page
    response = registrar.post(f"/persons/{b.code}/unmerge/")
    assert response.status_code == 302
    assert Person.objects.get(pk=b.pk).merged_into_id is None


def test_the_person_page_does_not_name_records_at_sites_not_seen(users, pairs):
    a, vayk = pairs["goris"][0], pairs["vayk"]
    services.match_confirm(actor=actor_for(users["coordinator"]), candidate=ticket(a, vayk).pk)
    page = signed_in(users["registrar"]).get(f"/persons/{a.code}/").content.decode()
    assert vayk.code not in page


def test_the_api_lists_gets_and_decides(users, pairs, api):
    a, b = pairs["goris"][:2]
    registrar = api("registrar")
    listed = registrar.get("/matches").json()
    assert listed["total"] == 2
    assert {item["left"]["code"] for item in listed["items"]} | {
        item["right"]["code"] for item in listed["items"]} == {p.code for p in pairs["goris"]}
    assert "vulnerabilities" not in str(listed)
    number = ticket(a, b).pk
    detail = registrar.get(f"/matches/{number}").json()
    assert detail["probability"] == 0.9
    assert {c["level"] for c in detail["comparisons"]} >= {"exact key match", "year ±1"}
    decided = registrar.post(f"/matches/{number}/decision", {"decision": "confirm"})
    assert decided.status_code == 200
    assert decided.json()["state"] == "confirmed"
    assert decided.json()["right"]["merged_into"] == a.code or \
        decided.json()["left"]["merged_into"] == a.code


def test_api_errors_name_the_field(users, pairs, api):
    a, b = pairs["goris"][:2]
    registrar = api("registrar")
    response = registrar.post(f"/matches/{ticket(a, b).pk}/decision", {"decision": "maybe"})
    assert response.status_code == 422
    assert "decision" in response.json()["errors"]
    response = registrar.get("/matches", state="everything")
    assert response.status_code == 422
    assert "state" in response.json()["errors"]
    response = registrar.get("/matches", colour="red")
    assert "colour" in response.json()["errors"]
    other = ticket(pairs["goris"][0], pairs["vayk"]).pk
    assert registrar.get(f"/matches/{other}").status_code == 404
    assert registrar.post(f"/matches/{other}/decision", {"decision": "reject"}).status_code == 404
    assert api("tracing_officer").get("/matches").status_code == 403


def test_the_queue_is_searched_by_name_in_any_script_by_post(users, pairs):
    """Анаит finds the pair with Anahit (and Anaid) and not Anna/Ani's; the name is POSTed."""
    client = signed_in(users["coordinator"])
    page = client.post("/matches/", {"name": "Анаит", "state": "open"}).content.decode()
    goris = pairs["goris"]
    assert goris[0].code in page
    assert pairs["vayk"].code in page
    assert goris[2].code not in page
    assert goris[3].code not in page
    # Only pairs whose two records the reviewer sees, as without a name.
    page = signed_in(users["registrar"]).post("/matches/", {"name": "Анаит"}).content.decode()
    assert pairs["vayk"].code not in page
    assert goris[0].code in page


@pytest.mark.parametrize(("language", "uncertain", "years"), [
    ("en", "The evidence is not strong enough either way.", "born years apart"),
    ("ru", "Данных недостаточно ни для одного из решений.", "с разницей в несколько лет"),
    ("hy", "Տվյալները բավարար չեն ոչ մի կողմի համար։", "տարբերվում է մի քանի տարով"),
])
def test_the_queue_and_the_pair_say_why_the_pair_is_asked_in_the_clerks_words(
        users, pairs, language, uncertain, years):
    a, b = pairs["goris"][:2]
    c, d = pairs["goris"][2:]
    kept_apart = ticket(c, d)
    kept_apart.reason = "cluster_birth_years_far_apart"
    kept_apart.save(update_fields=["reason"])
    client = signed_in(users["registrar"])
    client.cookies["django_language"] = language
    queue = client.get("/matches/").content.decode()
    assert uncertain in queue
    assert years in queue
    assert "cluster_" not in queue
    assert "score_uncertain" not in queue
    pair = client.get(f"/matches/{ticket(a, b).pk}/").content.decode()
    assert uncertain in pair
    assert years in client.get(f"/matches/{kept_apart.pk}/").content.decode()
