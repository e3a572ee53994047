"""The users pages: list with filters and pages, create, change, and the buttons."""

import re

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_role_site_and_status(users):
    admin = signed_in(users["administrator"])
    page = admin.get("/users/", {"role": "registrar"}).content.decode()
    assert "registrar-goris" in page
    assert "registrar-vayk" in page
    assert "protection-goris" not in page
    page = admin.get("/users/", {"site": "vayk"}).content.decode()
    assert "registrar-vayk" in page
    assert "registrar-goris" not in page
    User.objects.filter(username="viewer").update(is_active=False)
    page = admin.get("/users/", {"status": "inactive"}).content.decode()
    assert ">viewer<" in page
    assert "registrar-goris" not in page
    assert admin.get("/users/", {"status": "nonsense"}).status_code == 422


def test_the_list_is_paged(users, make_user):
    for n in range(60):
        make_user(f"clerk-{n:02d}", "registrar", ("goris",))
    admin = signed_in(users["administrator"])
    first = admin.get("/users/", {"q": "clerk"}).content.decode()
    assert "clerk-00" in first
    assert "clerk-49" in first
    assert "clerk-50" not in first
    assert "Page 1 of 2" in first
    second = admin.get("/users/", {"q": "clerk", "page": "2"}).content.decode()
    assert "clerk-50" in second
    assert "clerk-59" in second
    assert "clerk-00" not in second


def test_creating_a_user_shows_a_temporary_password_once(users):
    response = signed_in(users["administrator"]).post("/users/new/", {
        "username": "anna", "role": "registrar", "sites": ["goris", "vayk"]})
    assert response.status_code == 200
    password = re.search(r'id="temporary-password">([^<]+)<', response.content.decode())[1]
    anna = User.objects.get(username="anna")
    assert anna.check_password(password)
    assert anna.must_change_password
    assert sorted(s.slug for s in anna.sites.all()) == ["goris", "vayk"]
    assert password not in signed_in(users["administrator"]).get("/users/anna/").content.decode()


def test_a_coordinator_is_offered_only_the_roles_they_may_grant(users):
    page = signed_in(users["coordinator"]).get("/users/new/").content.decode()
    select = re.search(r'<select name="role".*?</select>', page, flags=re.S)[0]
    offered = set(re.findall(r'<option value="([a-z_]+)"', select))
    assert offered == {"coordinator", "registrar", "tracing_officer", "viewer"}
    refused = signed_in(users["coordinator"]).post("/users/new/", {
        "username": "climber", "role": "administrator"})
    assert refused.status_code == 422
    assert not User.objects.filter(username="climber").exists()


def test_a_coordinator_cannot_touch_an_administrator(users):
    coordinator = signed_in(users["coordinator"])
    page = coordinator.get("/users/admin/")
    assert page.status_code == 200
    assert "may not change this user" in page.content.decode()
    for action in ("deactivate", "reset_password", "sign_out"):
        response = coordinator.post("/users/admin/", {"action": action})
        assert response.status_code == 403, action
    response = coordinator.post("/users/admin/", {"action": "save", "role": "viewer"})
    assert response.status_code in {403, 422}
    admin = User.objects.get(username="admin")
    assert (admin.is_active, admin.role) == (True, "administrator")
    assert AuditEvent.objects.filter(outcome="denied", action__startswith="user.").count() == 4


def test_the_buttons_on_a_user_s_page(users):
    admin = signed_in(users["administrator"])
    saved = admin.post("/users/registrar-goris/", {"action": "save", "role": "registrar",
                                                  "sites": ["vayk"]})
    assert saved.status_code == 302
    user = User.objects.get(username="registrar-goris")
    assert [s.slug for s in user.sites.all()] == ["vayk"]
    assert admin.post("/users/registrar-goris/", {"action": "deactivate"}).status_code == 302
    assert not User.objects.get(username="registrar-goris").is_active
    assert admin.post("/users/registrar-goris/", {"action": "reactivate"}).status_code == 302
    assert User.objects.get(username="registrar-goris").is_active
    reset = admin.post("/users/registrar-goris/", {"action": "reset_password"})
    assert reset.status_code == 200
    password = re.search(r'id="temporary-password">([^<]+)<', reset.content.decode())[1]
    assert User.objects.get(username="registrar-goris").check_password(password)
    assert admin.post("/users/registrar-goris/", {"action": "what"}).status_code == 422
    # Not on oneself.
    admin.post("/users/admin/", {"action": "deactivate"})
    assert User.objects.get(username="admin").is_active


def test_an_unknown_user_is_a_404(users):
    assert signed_in(users["administrator"]).get("/users/nobody/").status_code == 404


def test_the_pages_speak_armenian_and_russian(users):
    for language, word in (("hy", "Օգտատերեր"), ("ru", "Пользователи")):
        client = Client(headers={"Accept-Language": language})
        client.force_login(users["administrator"])
        assert word in client.get("/users/").content.decode(), language
