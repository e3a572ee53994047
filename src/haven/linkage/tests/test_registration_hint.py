"""While a clerk types a member, Haven shows people already registered who may be the same."""

import pytest

from haven.linkage import selectors, services
from haven.linkage.tests.review_fixtures import person_at
from haven.testing.factories import actor_for, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(make_household):
    return {
        "goris": person_at(make_household, "goris", given_name="Անահիտ", family_name="Վարդանյան",
                           birth_date="1948-03-15", vulnerabilities=["injured"]),
        "vayk": person_at(make_household, "vayk", given_name="Anahit", family_name="Vardanian",
                          birth_date="1948"),
        "aunt": person_at(make_household, "goris", given_name="Gohar", family_name="Vardanyan",
                          birth_date="1951", phone="+374 97 555111"),
    }


def test_a_name_in_another_script_finds_the_person(users, registered):
    hints = selectors.registration_hints(actor=actor_for(users["registrar"]),
                                         given_name="Анаит", family_name="Варданян",
                                         birth_date="1949")
    assert [h.code for h in hints] == [registered["goris"].code]
    assert hints[0].birth_date == "1948-03-15"
    assert hints[0].site == "goris"


def test_hints_never_show_records_of_sites_the_clerk_does_not_see(users, registered):
    for actor, expected in ((actor_for(users["registrar"]), {registered["goris"].code}),
                            (actor_for(users["registrar_vayk"]), {registered["vayk"].code}),
                            (actor_for(users["coordinator"]),
                             {registered["goris"].code, registered["vayk"].code})):
        hints = selectors.registration_hints(actor=actor, given_name="Anahit",
                                             family_name="Vardanyan", birth_date="1948")
        assert {h.code for h in hints} == expected


def test_the_family_name_with_the_same_year_and_the_phone_are_also_tried(users, registered):
    registrar = actor_for(users["registrar"])
    # A slip in the given name (a dropped letter) is still the same person...
    by_surname = selectors.registration_hints(actor=registrar, given_name="Gohr",
                                              family_name="Vardanyan", birth_date="1951")
    assert [h.code for h in by_surname] == [registered["aunt"].code]
    # ... a sister born the same year, with another given name, is not (issue 16: the
    # hint follows the clustering's rule).
    assert selectors.registration_hints(actor=registrar, given_name="Gayane",
                                        family_name="Vardanyan", birth_date="1951") == []
    by_phone = selectors.registration_hints(actor=registrar, given_name="Zara",
                                            family_name="Petrosyan", phone="097 555111")
    assert [h.code for h in by_phone] == [registered["aunt"].code]
    assert selectors.registration_hints(actor=registrar, given_name="Zara",
                                        family_name="Petrosyan", birth_date="1990") == []


def test_at_most_five_suggestions(users, make_household):
    for year in range(1947, 1950):
        for _copy in range(3):
            person_at(make_household, "goris", birth_date=str(year))
    hints = selectors.registration_hints(actor=actor_for(users["registrar"]),
                                         given_name="Anahit", family_name="Vardanyan",
                                         birth_date="1948")
    assert len(hints) == 5


def test_the_registration_page_asks_for_hints_as_the_clerk_types(users, sites):
    page = signed_in(users["registrar"]).get("/households/new/").content.decode()
    # By POST, the row in the body: nothing the clerk types goes into a URL.
    assert 'hx-post="/households/new/hint/" hx-vals=\'{"row": "0"}\'' in page
    assert "/households/new/hint/?" not in page
    assert 'hx-trigger="input changed delay:300ms, change"' in page
    assert 'id="hint-0"' in page


def test_the_hint_fragment_links_the_people_and_leaves_out_medical_fields(users, registered):
    response = signed_in(users["protection_officer"]).post("/households/new/hint/", {
        "row": "2", "members-2-given_name": "Анаит", "members-2-family_name": "Варданян",
        "members-2-birth_date": "1948", "members-0-given_name": "Gohar", "phone": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="/persons/{registered["goris"].code}/"' in page
    assert registered["aunt"].code not in page  # row 0's names are not this member's
    assert registered["vayk"].code not in page
    assert "njured" not in page


def test_nothing_typed_shows_nothing(users, registered):
    response = signed_in(users["registrar"]).post("/households/new/hint/")
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_api_gives_the_same_hints(users, registered, api):
    response = api("registrar").get("/registration-hints", given_name="Anahit",
                                    family_name="Vardanyan", birth_date="1948")
    assert response.status_code == 200
    assert [h["code"] for h in response.json()] == [registered["goris"].code]
    assert "vulnerabilities" not in response.json()[0]
    refused = api("registrar").get("/registration-hints", surname="Vardanyan")
    assert refused.status_code == 422
    assert "surname" in refused.json()["errors"]
    assert api("tracing_officer").get("/registration-hints").status_code == 403


def test_records_merged_into_one_person_are_suggested_once(users, registered, make_household):
    coordinator = actor_for(users["coordinator"])
    again = person_at(make_household, "goris", given_name="Анаит", family_name="Варданян",
                      birth_date="1948")
    services.person_merge(actor=coordinator, person=again.code, into=registered["goris"].code)
    hints = selectors.registration_hints(actor=actor_for(users["registrar"]),
                                         given_name="Anahit", family_name="Vardanyan",
                                         birth_date="1948")
    assert [h.code for h in hints] == [registered["goris"].code]


def test_names_in_the_url_are_not_read(users, registered):
    """A GET's query string (names there reach access logs) is ignored: no hint."""
    query = {"row": "0", "members-0-given_name": "Anahit", "members-0-family_name": "Vardanyan",
             "members-0-birth_date": "1948"}
    assert registered["goris"].code in signed_in(users["registrar"]).post(
        "/households/new/hint/", query).content.decode()
    response = signed_in(users["registrar"]).get("/households/new/hint/", query)
    assert response.status_code == 200
    assert response.content.decode().strip() == ""
def test_hints_stay_on_the_page_sent_back_with_errors(users, registered):
    """Issue 17: after a refused save the clerk still sees "Already registered?"."""
    client = signed_in(users["registrar"])
    response = client.post("/households/new/", {
        "site": "goris", "phone": "",
        "members-0-given_name": "Анаит", "members-0-family_name": "Варданян",
        "members-0-sex": "female", "members-0-birth_date": "1949-13-40",  # a typo: refused
        "members-0-relationship": "head",
    })
    assert response.status_code == 422
    page = response.content.decode()
    hint_box = page.split('id="hint-0"', 1)[1].split("</fieldset>", 1)[0]
    assert "Already registered?" in hint_box
    assert registered["goris"].code in hint_box
    assert registered["vayk"].code not in page  # still only what the clerk may see


def test_a_namesake_born_another_day_of_the_same_year_is_not_offered(users, registered):
    # Anahit Vardanyan born 15 March 1948 is registered at Goris: the same names and
    # date are her, another day of 1948 is not (issue 16: the hint follows the
    # clustering's birth-date rule).
    registrar = actor_for(users["registrar"])
    same = selectors.registration_hints(actor=registrar, given_name="Anahit",
                                        family_name="Vardanyan", birth_date="1948-03-15")
    assert [h.code for h in same] == [registered["goris"].code]
    other_day = selectors.registration_hints(actor=registrar, given_name="Anahit",
                                             family_name="Vardanyan", birth_date="1948-11-02")
    assert other_day == []
