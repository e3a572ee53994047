"""A household arriving at a hub: one code from the card, the members confirmed, one transaction."""

from __future__ import annotations

import pytest

from haven.audit.models import AuditEvent
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.core.ids import parse_code
from haven.reception.scanning import as_keys, read_code
from haven.reception.selectors import household_presented
from haven.reception.services import household_arrival_record
from haven.registry.models import Arrival
from haven.registry.selectors import person_get
from haven.testing.factories import actor_for, member, signed_in

pytestmark = pytest.mark.django_db
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def mistyped(code: str) -> str:
    wrong = next(c for c in ALPHABET if c != code[-1])
    assert parse_code(code[:-1] + wrong) is None
    return code[:-1] + wrong


@pytest.fixture
def six_at_the_border(make_household):
    """A family of six registered at Kornidzor: not yet one of Vayk's records."""
    return make_household(site="kornidzor", members=[
        member(given_name=name, relationship="head" if i == 0 else "child")
        for i, name in enumerate(["Անահիտ", "Тигран", "Narine", "Armen", "Mariam", "Davit"])])


def test_any_members_code_finds_the_household_and_shows_only_names(users, six_at_the_border):
    vayk = actor_for(users["registrar_vayk"])
    third = six_at_the_border.members.get(position=2)
    found = household_presented(actor=vayk, code=third.code, site="vayk")
    assert found.code == six_at_the_border.code
    assert found.scanned == third.code
    assert [m.name.name for m in found.members][:2] == ["Անահիտ Vardanyan", "Тигран Vardanyan"]
    assert found.members[0].name.latin == "Anahit Vardanyan"
    event = AuditEvent.objects.get(action="card.presented")
    assert (event.site, event.target_count) == ("vayk", 7)


def test_the_ticked_members_arrive_together_and_become_the_hubs_records(users,
                                                                        six_at_the_border):
    vayk = actor_for(users["registrar_vayk"])
    members = list(six_at_the_border.members.order_by("position"))
    present = [m.code for m in members[:5]]
    done = household_arrival_record(actor=vayk, code=members[3].code, site="vayk",
                                    members=present)
    assert [p.code for p in done.arrived] == present
    assert [p.code for p in done.absent] == [members[5].code]
    assert Arrival.objects.filter(site__slug="vayk").count() == 5
    assert person_get(actor=vayk, ref=members[0].code).code == members[0].code
    # Scanned again: the five are already here, nobody is counted twice.
    again = household_arrival_record(actor=vayk, code=six_at_the_border.code, site="vayk")
    assert [p.code for p in again.arrived] == [members[5].code]
    assert len(again.already_here) == 5
    assert Arrival.objects.filter(site__slug="vayk").count() == 6


def test_a_typing_error_is_told_apart_from_a_code_that_names_nobody(users, six_at_the_border):
    vayk = actor_for(users["registrar_vayk"])
    with pytest.raises(ValidationFailed) as typo:
        household_presented(actor=vayk, code=mistyped(six_at_the_border.code), site="vayk")
    assert typo.value.errors == {"code": ["this code has a typing error"]}
    with pytest.raises(ValidationFailed) as nobody:
        household_presented(actor=vayk, code="HVN-0000-0000-0000", site="vayk")
    assert nobody.value.errors == {"code": ["no household or person has this code"]}
    with pytest.raises(ValidationFailed) as garbage:
        household_presented(actor=vayk, code="Vardanyan", site="vayk")
    assert garbage.value.errors == {"code": ["this is not a Haven code (HVN-XXXX-XXXX-XXXX)"]}


def test_a_scanner_on_a_russian_or_armenian_keyboard_still_reads(users, six_at_the_border):
    code = six_at_the_border.code
    russian = code.translate(str.maketrans(
        "QWERTYUIOPASDFGHJKLZXCVBNM", "ЙЦУКЕНГШЩЗФЫВАПРОЛДЯЧСМИТЬ"))
    armenian = code.lower().translate(str.maketrans(
        "qwertyuiopasdfghjklzxcvbnm", "քոեռտըւիօպասդֆգհյկլզխցվբնմ"))
    assert as_keys(russian) == code
    assert read_code(russian).code == code
    assert read_code(armenian).code == code
    assert read_code(f"  {code.lower().replace('-', '')}\n").code == code


def test_nothing_is_recorded_when_a_ticked_code_is_not_a_member(users, six_at_the_border,
                                                                make_household):
    stranger = make_household(site="kornidzor").members.get()
    with pytest.raises(ValidationFailed) as refused:
        household_arrival_record(actor=actor_for(users["registrar_vayk"]),
                                 code=six_at_the_border.code, site="vayk",
                                 members=[six_at_the_border.members.first().code, stranger.code])
    assert list(refused.value.errors) == ["members[1]"]
    assert not Arrival.objects.filter(site__slug="vayk").exists()


def test_only_roles_that_register_and_only_at_their_own_sites(users, six_at_the_border):
    with pytest.raises(PermissionDenied):
        household_presented(actor=actor_for(users["tracing_officer"]),
                            code=six_at_the_border.code, site="vayk")
    with pytest.raises(ValidationFailed) as refused:
        household_presented(actor=actor_for(users["registrar"]), code=six_at_the_border.code,
                            site="vayk")
    assert list(refused.value.errors) == ["site"]
    assert not AuditEvent.objects.filter(action="card.presented").exists()


def test_the_page_takes_a_scan_confirms_the_members_and_records_them(users, six_at_the_border):
    browser = signed_in(users["registrar_vayk"])
    page = browser.get("/reception/arrivals/").content.decode()
    assert 'name="code"' in page
    assert "autofocus" in page
    member_code = six_at_the_border.members.get(position=1).code
    shown = browser.post("/reception/arrivals/", {"site": "vayk", "code": member_code,
                                                  "action": "lookup"})
    assert shown.status_code == 200
    body = shown.content.decode()
    assert "Тигран Vardanyan" in body
    assert body.count('type="checkbox" name="members"') == 6
    codes = [m.code for m in six_at_the_border.members.order_by("position")][:4]
    done = browser.post("/reception/arrivals/", {"site": "vayk", "action": "record",
                                                 "code": six_at_the_border.code,
                                                 "members": codes}, follow=True)
    assert "Recorded the arrival of 4 of 6 members" in done.content.decode()
    assert Arrival.objects.filter(site__slug="vayk").count() == 4


def test_the_page_says_a_typing_error_at_the_field(users, six_at_the_border):
    browser = signed_in(users["registrar_vayk"])
    refused = browser.post("/reception/arrivals/", {
        "site": "vayk", "code": mistyped(six_at_the_border.code), "action": "lookup"})
    assert refused.status_code == 422
    assert "this code has a typing error" in refused.content.decode()
    assert "Անահիտ" not in refused.content.decode()
