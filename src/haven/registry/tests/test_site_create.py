"""Sites: created and changed by administrators, named as people name them."""

import pytest

from haven.audit.models import AuditAction, AuditEvent
from haven.registry.models import Site

pytestmark = pytest.mark.django_db

SCHOOL = {"slug": "yerevan-school-45", "kind": "shelter", "name_en": "School No. 45",
          "name_hy": "Թիվ 45 դպրոց", "name_ru": "Школа № 45", "settlement": "Yerevan",
          "province": "Yerevan", "capacity": 300}


def test_an_administrator_creates_a_site_with_digits_in_its_name(api, sites):
    """201; names keep their numbers; the creation is audited."""
    response = api("administrator").post("/sites", SCHOOL)
    assert response.status_code == 201, response.content
    assert response.json()["name_en"] == "School No. 45"
    site = Site.objects.get(slug="yerevan-school-45")
    assert (site.name_ru, site.capacity, site.kind) == ("Школа № 45", 300, "shelter")
    event = AuditEvent.objects.get(action=AuditAction.SITE_CREATE)
    assert (event.username, event.site) == ("admin", "yerevan-school-45")


def test_an_administrator_changes_a_site(api, sites):
    """PUT replaces the site's fields, the short name included."""
    response = api("administrator").put("/sites/goris", {**SCHOOL, "slug": "goris-theatre",
                                                         "kind": "reception_hub"})
    assert response.status_code == 200, response.content
    assert Site.objects.get(pk=sites["goris"].pk).slug == "goris-theatre"
    assert api("administrator").get("/sites/goris").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "Goris Theatre"}, "slug", "use 1-40 lower-case Latin letters, digits and "
                                            "hyphens"),
        ({"slug": "vayk"}, "slug", "another site already has this short name"),
        ({"kind": "camp"}, "kind", "must be one of: border_crossing, reception_hub, shelter, "
                                   "hospital, transit_point"),
        ({"name_en": ""}, "name_en", "is required"),
        ({"settlement": "Yere\u200bvan"}, "settlement",
         "contains an invisible formatting character (U+200B, ZERO WIDTH SPACE)"),
        ({"capacity": -1}, "capacity", "must be between 0 and 1,000,000"),
    ],
)
def test_bad_sites_are_refused_by_field(api, sites, changes, field, message):
    """422 naming the field; nothing is created."""
    response = api("administrator").post("/sites", {**SCHOOL, **changes})
    assert response.status_code == 422
    assert message in response.json()["errors"][field]
    assert Site.objects.count() == 3


@pytest.mark.parametrize("role", ["coordinator", "registrar", "auditor", "viewer"])
def test_only_administrators_manage_sites(api, sites, role):
    """Everyone else gets 403."""
    assert api(role).post("/sites", SCHOOL).status_code == 403
    assert api(role).put("/sites/goris", SCHOOL).status_code == 403
    assert Site.objects.count() == 3
