"""Every refused read is audited with outcome denied, once, whatever refused it."""

from __future__ import annotations

import pytest

from haven.audit.models import AuditEvent
from haven.testing.factories import ApiClient, signed_in

pytestmark = pytest.mark.django_db


def _denied() -> list[tuple[str, str, str, list[str]]]:
    return [(e.username, e.action, e.target_type, [t.target_id for t in e.targets.all()])
            for e in AuditEvent.objects.filter(outcome="denied").order_by("id")]


def test_a_page_the_role_may_not_open_is_audited(users):
    assert signed_in(users["viewer"]).get("/persons/").status_code == 403
    assert _denied() == [("viewer", "read.denied", "person-list", [])]


def test_an_api_refusal_is_audited_once(users):
    assert ApiClient(users["viewer"]).get("/persons").status_code == 403
    assert [(u, a) for u, a, _t, _i in _denied()] == [("viewer", "person.list")]
    assert ApiClient(users["viewer"]).get("/aid/sites/goris/stock").status_code in {403, 404}
    assert len(_denied()) == 2


def test_an_import_at_another_site_is_audited_once(users, sites):
    assert signed_in(users["registrar_vayk"]).get("/imports/12345/").status_code == 404
    # The import's own selector audits it (import.view); the middleware adds nothing.
    assert _denied() == [("registrar-vayk", "import.view", "import_job", ["12345"])]


def test_a_record_at_another_site_is_audited_once(users, make_household):
    household = make_household(site="goris")
    assert signed_in(users["registrar_vayk"]).get(
        f"/households/{household.code}/").status_code == 404
    denied = _denied()
    assert len(denied) == 1
    assert household.code in denied[0][3] or str(household.pk) in denied[0][3]


def test_an_address_that_is_no_page_is_not_a_read(users):
    assert signed_in(users["viewer"]).get("/no-such-page/").status_code == 404
    assert _denied() == []
