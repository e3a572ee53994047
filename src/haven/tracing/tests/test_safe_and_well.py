"""Safe and well: one answer shape for no match and no consent; rate-limited; audited."""

import pytest
from django.test import override_settings

from haven.audit.models import AuditAction, AuditEvent
from haven.core.errors import ValidationFailed
from haven.testing.factories import ApiClient, actor_for, member, signed_in
from haven.tracing import services
from haven.tracing.safe_and_well import RateLimited, safe_and_well_lookup

pytestmark = pytest.mark.django_db


@pytest.fixture
def anahit(make_household, users):
    person = make_household("vayk", place_of_origin="Ստեփանակերտ", members=[member(
        given_name="Անահիտ", family_name="Վարդանյան", birth_date="1948")]).members.get()
    return person


def ask(users, name="Anahit Vardanyan", year=1948, origin="Stepanakert", address="10.0.0.1"):
    return safe_and_well_lookup(actor=actor_for(users["tracing_officer"]), name=name,
                                birth_year=year, origin=origin, client_address=address)


def test_without_consent_the_answer_is_the_same_as_for_nobody(users, anahit):
    no_consent = ask(users)
    nobody = ask(users, name="Narine Petrosyan")
    assert no_consent == nobody
    assert not no_consent.found


def test_with_consent_only_the_desk_is_told(users, anahit):
    services.safe_and_well_consent(actor=actor_for(users["registrar_vayk"]), person=anahit.code,
                                   consent=True)
    answer = ask(users, name="Анаит Варданян")
    assert answer.found
    assert answer.text == "Registered safe; ask the tracing desk at Vayk."
    assert anahit.code not in answer.text


def test_all_three_details_must_agree(users, anahit):
    services.safe_and_well_consent(actor=actor_for(users["coordinator"]), person=anahit.code,
                                   consent=True)
    assert not ask(users, origin="Martuni").found
    assert not ask(users, year=1960).found
    with pytest.raises(ValidationFailed) as refused:
        ask(users, origin="")
    assert "origin" in refused.value.errors


def test_withdrawn_consent_answers_like_no_consent(users, anahit):
    actor = actor_for(users["coordinator"])
    services.safe_and_well_consent(actor=actor, person=anahit.code, consent=True)
    services.safe_and_well_consent(actor=actor, person=anahit.code, consent=False)
    assert ask(users) == ask(users, name="Narine Petrosyan")


@override_settings(SAFE_AND_WELL_PER_HOUR=3)
def test_questions_are_rate_limited_per_address_and_audited(users, anahit):
    for _ in range(3):
        ask(users)
    with pytest.raises(RateLimited):
        ask(users)
    ask(users, address="10.0.0.2")  # another address still may ask
    assert AuditEvent.objects.filter(action=AuditAction.SAFE_AND_WELL_LOOKUP).count() == 4


def test_the_api_answers_in_one_shape(users, anahit):
    client = ApiClient(users["tracing_officer"])
    nobody = client.post("/tracing/safe-and-well/lookup", {
        "name": "Narine Petrosyan", "birth_year": 1948, "origin": "Stepanakert"}).json()
    no_consent = client.post("/tracing/safe-and-well/lookup", {
        "name": "Anahit Vardanyan", "birth_year": 1948, "origin": "Stepanakert"}).json()
    assert nobody == no_consent
    assert set(nobody) == {"found", "answer"}


def test_the_public_page_is_off_unless_enabled(client, users, anahit):
    page = client.post("/safe-and-well/", {"name": "Anahit Vardanyan", "birth_year": 1948,
                                           "origin": "Stepanakert", "action": "lookup"})
    assert "does not answer safe-and-well questions" in page.content.decode()
    with override_settings(SAFE_AND_WELL_PUBLIC=True):
        services.safe_and_well_consent(actor=actor_for(users["coordinator"]),
                                       person=anahit.code, consent=True)
        page = client.post("/safe-and-well/", {"name": "Anahit Vardanyan", "birth_year": 1948,
                                               "origin": "Stepanakert", "action": "lookup"})
    assert "Registered safe; ask the tracing desk at" in page.content.decode()


def test_a_registrar_records_consent_from_the_persons_page(users, anahit):
    client = signed_in(users["registrar_vayk"])
    page = client.get(f"/persons/{anahit.code}/").content.decode()
    assert "Tell my family I am safe" in page
    answer = client.post("/tracing/safe-and-well/", {"action": "consent", "person": anahit.code,
                                                     "consent": "yes", "next": "person"})
    assert answer.status_code == 302
    assert ask(users).found
    # Another site's registrar cannot: the person is answered as absent.
    refused = signed_in(users["registrar"]).post("/tracing/safe-and-well/", {
        "action": "consent", "person": anahit.code, "consent": "no"})
    assert refused.status_code == 404
    assert ask(users).found
