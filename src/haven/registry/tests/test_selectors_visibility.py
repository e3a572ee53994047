"""What each actor may read: a record at another site is answered like one that does not exist."""

import random

import pytest

from haven.audit.models import AuditAction, AuditEvent
from haven.core import ids
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.registry.selectors import (
    RecordFilters,
    household_codes_visible,
    household_get,
    household_list,
    person_codes_visible,
    person_get,
    person_list,
    person_presented,
)
from haven.registry.services import arrival_record
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(make_household, users):
    """One household at Goris (Anahit) and one at Vayk (Narine)."""
    return {
        "goris": make_household("goris", user=users["registrar"]),
        "vayk": make_household("vayk", user=users["registrar_vayk"],
                               members=[member(given_name="Narine", family_name="Petrosyan")]),
    }


@pytest.fixture
def narine(families):
    return families["vayk"].members.get()


def denied_reads():
    return AuditEvent.objects.filter(outcome="denied")


@pytest.mark.parametrize("by", ["id", "code", "lower-case code"])
def test_the_goris_registrar_cannot_read_a_vayk_person(users, narine, by):
    """Detail by id or code is NotFound, and the attempt is audited as denied with the id."""
    ref = {"id": str(narine.id), "code": narine.code,
           "lower-case code": narine.code.lower()}[by]
    with pytest.raises(NotFound) as refused:
        person_get(actor=actor_for(users["registrar"]), ref=ref)
    assert refused.value.message == "No such person."
    [event] = denied_reads()
    assert (event.action, event.username, event.role) == (
        AuditAction.PERSON_VIEW, "registrar-goris", "registrar")
    assert [t.target_id for t in event.targets.all()] == [str(narine.id)]


def test_a_vayk_person_is_answered_like_one_that_does_not_exist(users, narine):
    """The refusal for another site's person and for nobody at all are the same."""
    goris = actor_for(users["registrar"])
    messages = []
    for ref in [narine.code, ids.new_code()]:
        with pytest.raises(NotFound) as refused:
            person_get(actor=goris, ref=ref)
        messages.append((type(refused.value), refused.value.message))
    assert messages[0] == messages[1]


def test_the_goris_registrar_cannot_read_a_vayk_household(users, families):
    """Household detail is NotFound too, audited as denied with the household's id."""
    with pytest.raises(NotFound):
        household_get(actor=actor_for(users["registrar"]), ref=families["vayk"].code)
    [event] = denied_reads()
    assert event.action == AuditAction.HOUSEHOLD_VIEW
    assert [t.target_id for t in event.targets.all()] == [str(families["vayk"].id)]


def test_lists_searches_and_counts_leave_out_other_sites(users, families, narine):
    """The Vayk person is absent from lists, from a search by code, and from the totals."""
    goris = actor_for(users["registrar"])
    everyone = person_list(actor=goris, filters=RecordFilters())
    assert [p.given_name for p in everyone.items] == ["Anahit"]
    assert everyone.total == 1
    assert person_list(actor=goris, filters=RecordFilters(query=narine.code)).total == 0
    assert person_list(actor=goris, filters=RecordFilters(query="Narine")).total == 0
    households = household_list(actor=goris, filters=RecordFilters())
    assert [h.id for h in households.items] == [families["goris"].id]
    assert households.total == 1
    for query in [families["vayk"].code, narine.code, "Petrosyan"]:
        assert household_list(actor=goris, filters=RecordFilters(query=query)).total == 0


def test_all_site_roles_see_every_site(users, families):
    """Coordinators and tracing officers read across sites."""
    for role in ["coordinator", "tracing_officer"]:
        actor = actor_for(users[role])
        assert person_list(actor=actor, filters=RecordFilters()).total == 2
        assert household_list(actor=actor, filters=RecordFilters()).total == 2
        household_get(actor=actor, ref=families["vayk"].code)


def test_a_household_split_across_sites_shows_each_site_only_its_members(users, make_household):
    """A member who went on to Vayk is found there; the one who stayed at Goris is not."""
    household = make_household("goris", user=users["registrar"], members=[
        member(), member(given_name="Tigran", family_name="Vardanyan", sex="male",
                         relationship="spouse"),
    ])
    anahit, tigran = household.members.order_by("position")
    vayk = actor_for(users["registrar_vayk"])
    arrival_record(actor=vayk, person=anahit.code, site="vayk")
    [listed] = household_list(actor=vayk, filters=RecordFilters()).items
    assert [m.id for m in listed.members.all()] == [anahit.id]
    assert household_list(actor=vayk, filters=RecordFilters(query="Tigran")).total == 0
    assert household_list(actor=vayk, filters=RecordFilters(query=tigran.code)).total == 0
    assert household_list(actor=vayk, filters=RecordFilters(query=anahit.code)).total == 1
    assert person_list(actor=vayk, filters=RecordFilters()).total == 1
    history = household_get(actor=vayk, ref=household.code).changes.all()
    assert {c.person_id for c in history} == {None, anahit.id}


@pytest.mark.parametrize("role", ["viewer", "auditor", "administrator"])
def test_roles_without_record_access_are_refused_and_audited(users, families, role):
    """Viewers, auditors and administrators read no personal records, by design."""
    actor = actor_for(users[role])
    vayk = families["vayk"]
    calls = [
        lambda: person_get(actor=actor, ref=vayk.members.get().code),
        lambda: household_get(actor=actor, ref=str(vayk.id)),
        lambda: person_list(actor=actor, filters=RecordFilters()),
        lambda: household_list(actor=actor, filters=RecordFilters()),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert denied_reads().filter(username=users[role].username).count() == 4
    detail = denied_reads().get(action=AuditAction.HOUSEHOLD_VIEW)
    assert [t.target_id for t in detail.targets.all()] == [str(vayk.id)]


def test_a_refused_read_never_puts_typed_text_in_the_audit_log(users, families):
    """A name typed where a code belongs is not kept: the audit log holds ids, not values."""
    goris = actor_for(users["registrar"])
    with pytest.raises(NotFound):
        person_get(actor=goris, ref="Narine Petrosyan")
    with pytest.raises(PermissionDenied):
        household_get(actor=actor_for(users["viewer"]), ref="Narine Petrosyan")
    for event in denied_reads():
        assert event.targets.count() == 0


def test_a_refused_read_of_an_unknown_code_keeps_the_code(users, families):
    """An auditor sees which (non-existent) code was tried, in canonical form."""
    code = ids.new_code()
    with pytest.raises(NotFound):
        person_get(actor=actor_for(users["registrar"]), ref=code.lower())
    [event] = denied_reads()
    assert [t.target_id for t in event.targets.all()] == [code]


def test_reads_are_audited_with_the_ids_read(users, families):
    """Detail and list reads write the ids of the records read, and the record's site."""
    goris = actor_for(users["registrar"])
    household = families["goris"]
    anahit = household.members.get()
    person_get(actor=goris, ref=anahit.code)
    household_get(actor=goris, ref=household.code)
    person_list(actor=goris, filters=RecordFilters())
    household_list(actor=goris, filters=RecordFilters(site="goris"))
    targets = {e.action: (e.site, sorted(t.target_id for t in e.targets.all()))
               for e in AuditEvent.objects.filter(outcome="allowed", actor=users["registrar"])}
    assert targets[AuditAction.PERSON_VIEW] == ("goris", [str(anahit.id)])
    assert targets[AuditAction.HOUSEHOLD_VIEW] == (
        "goris", sorted([str(household.id), str(anahit.id)]))
    assert targets[AuditAction.PERSON_LIST] == ("", [str(anahit.id)])
    assert targets[AuditAction.HOUSEHOLD_LIST] == (
        "goris", sorted([str(household.id), str(anahit.id)]))


@pytest.mark.parametrize(
    ("role", "filters", "field"),
    [
        ("registrar", RecordFilters(site="vayk"), "site"),
        ("registrar", RecordFilters(site="nowhere"), "site"),
        ("registrar", RecordFilters(vulnerability="injured"), "vulnerability"),
        ("protection_officer", RecordFilters(vulnerability="cursed"), "vulnerability"),
        ("registrar", RecordFilters(status="lost"), "status"),
    ],
)
def test_filters_outside_the_actors_reach_are_refused(users, families, role, filters, field):
    """Another site's filter reads as an unknown site; medical filters need the medical right."""
    with pytest.raises(ValidationFailed) as refused:
        person_list(actor=actor_for(users[role]), filters=filters)
    assert list(refused.value.errors) == [field]


def test_the_protection_officer_filters_by_vulnerability(users, make_household):
    """Protection officers find the injured among their site's people."""
    make_household("goris", user=users["registrar"],
                   members=[member(given_name="Armen", sex="male", vulnerabilities=["burns"])])
    make_household("goris", user=users["registrar"])
    found = person_list(actor=actor_for(users["protection_officer"]),
                        filters=RecordFilters(vulnerability="burns"))
    assert [p.given_name for p in found.items] == ["Armen"]
    households = household_list(actor=actor_for(users["protection_officer"]),
                                filters=RecordFilters(vulnerability="burns"))
    assert households.total == 1


def test_pages_hold_per_page_items_newest_first(users, make_household):
    """Lists are paged; a page past the end shows the last page."""
    for i in range(5):
        make_household("goris", user=users["registrar"],
                       members=[member(given_name=f"Anahit{'a' * i}")])
    goris = actor_for(users["registrar"])
    first = person_list(actor=goris, filters=RecordFilters(), page=1, per_page=2)
    assert (first.total, first.pages, first.has_next, first.has_previous) == (5, 3, True, False)
    assert [p.given_name for p in first.items] == ["Anahitaaaa", "Anahitaaa"]
    last = person_list(actor=goris, filters=RecordFilters(), page=99, per_page=2)
    assert (last.number, [p.given_name for p in last.items]) == (3, ["Anahit"])


def test_a_name_that_reads_as_a_code_is_still_found_by_name(users, make_household):
    """A twelve-letter family name with a matching check symbol is searched as a name too."""
    rng = random.Random(1)  # noqa: S311 - reproducible test data, not a secret
    letters = [ch for ch in ids.ALPHABET if ch.isalpha()]
    while True:
        body = "".join(rng.choice(letters) for _ in range(11))
        if ids._check_symbol(body).isalpha():
            break
    family = (body + ids._check_symbol(body)).title()
    assert ids.parse_code(family) is not None
    make_household("goris", user=users["registrar"], members=[member(family_name=family)])
    goris = actor_for(users["registrar"])
    assert person_list(actor=goris, filters=RecordFilters(query=family)).total == 1
    assert household_list(actor=goris, filters=RecordFilters(query=family)).total == 1


def test_search_by_the_start_of_names(users, make_household):
    """Several words each match the start of a given name, family name or patronymic."""
    make_household("goris", user=users["registrar"], members=[
        member(given_name="Anahit", family_name="Vardanyan", patronymic="Sergeyevna")])
    make_household("goris", user=users["registrar"], members=[
        member(given_name="Anahit", family_name="Grigoryan")])
    goris = actor_for(users["registrar"])
    assert person_list(actor=goris, filters=RecordFilters(query="Ana Var")).total == 1
    assert person_list(actor=goris, filters=RecordFilters(query="Anahit")).total == 2
    assert person_list(actor=goris, filters=RecordFilters(query="Serg")).total == 1
    assert person_list(actor=goris, filters=RecordFilters(query="Petros")).total == 0


@pytest.mark.parametrize("query", ["Анаит", "анаит", "АНАИТ", "վարդ", "ՎԱՐԴԱՆ", "Վարդ"])
def test_name_search_ignores_case_in_every_script(users, make_household, query):
    """Cyrillic and Armenian fold like Latin, on SQLite as on PostgreSQL."""
    make_household("goris", user=users["registrar"],
                   members=[member(given_name="Анаит", family_name="Վարդանյան")])
    goris = actor_for(users["registrar"])
    assert person_list(actor=goris, filters=RecordFilters(query=query)).total == 1
    assert household_list(actor=goris, filters=RecordFilters(query=query)).total == 1


def test_name_search_treats_like_wildcards_as_letters(users, make_household):
    """A % or _ typed in the search box matches nothing, not everything."""
    make_household("goris", user=users["registrar"])
    goris = actor_for(users["registrar"])
    for query in ["%", "_nahit", "A%"]:
        assert person_list(actor=goris, filters=RecordFilters(query=query)).total == 0, query


def test_references_name_only_records_the_actor_may_see(users, families, narine):
    """person_codes_visible / household_codes_visible: the one rule for references."""
    anahit = families["goris"].members.get()
    goris = actor_for(users["registrar"])
    asked = [anahit.id, narine.id, None]
    events = AuditEvent.objects.count()
    assert person_codes_visible(goris, asked) == {anahit.id: anahit.code}
    assert household_codes_visible(goris, [families["goris"].id, families["vayk"].id]) == {
        families["goris"].id: families["goris"].code}
    assert person_codes_visible(actor_for(users["coordinator"]), asked) == {
        anahit.id: anahit.code, narine.id: narine.code}
    # Roles without personal records get no reference at all.
    assert person_codes_visible(actor_for(users["viewer"]), asked) == {}
    assert AuditEvent.objects.count() == events  # a reference is not a read of the record


def test_a_presented_code_names_anyone_an_id_only_the_visible(users, narine):
    """person_presented: the code on a paper at any site; an id only if the actor sees it."""
    goris = actor_for(users["registrar"])
    assert person_presented(actor=goris, ref=narine.code.lower()) == narine
    assert person_presented(actor=goris, ref=str(narine.id)) is None
    assert person_presented(actor=actor_for(users["registrar_vayk"]), ref=str(narine.id)) \
        == narine
    assert person_presented(actor=goris, ref="Narine Petrosyan") is None
