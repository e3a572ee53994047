"""Test data built by functions, not JSON fixtures with magic ids.

`make_household(actor, ...)` registers through the real service, so tests exercise
the same path as every channel.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from haven.accounts.access import Actor
from haven.accounts.models import User
from haven.accounts.services import token_create
from haven.registry.models import Household, Site
from haven.registry.services import HouseholdInput, MemberInput, household_register

PASSWORD = "correct-horse-battery"  # noqa: S105 - test credential


@pytest.fixture(scope="session", autouse=True)
def _static_root() -> None:
    """Create STATIC_ROOT, so WhiteNoise does not warn (an error here) on every client."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def otp_device(user: User) -> Any:
    """Return a confirmed authenticator of `user` (made for the test if there is none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


@pytest.fixture(autouse=True)
def _force_login_gives_a_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `Client.force_login` open a session verified by a second factor, as after a code.

    Administrators, coordinators and auditors must give one (haven.accounts.two_factor);
    tests that sign in without the login form stand for a completed login. Tests of the
    two-factor steps themselves log in through the form, or call `force_login_unverified`.
    """
    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        from haven.accounts.services.two_factor import otp_required  # noqa: PLC0415

        if otp_required(user) and not getattr(user, "_haven_unverified", False):
            from django_otp import DEVICE_ID_SESSION_KEY  # noqa: PLC0415

            session = self.session  # what django_otp.login stores after a right code
            session[DEVICE_ID_SESSION_KEY] = otp_device(user).persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


def force_login_unverified(client: Client, user: User) -> None:
    """Sign `user` in with a password only: the second factor is still owed."""
    user._haven_unverified = True  # type: ignore[attr-defined]
    try:
        client.force_login(user)
    finally:
        del user._haven_unverified  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _publications_forgotten() -> None:
    """Start each test without open-data publications, reports or charts kept from another
    test's registry.

    They are kept until the next audited write; tests also write without the audit.
    """
    from haven.reports.charts import charts_forget  # noqa: PLC0415
    from haven.reports.publication import publications_forget  # noqa: PLC0415
    from haven.reports.rendering import pdfs_forget  # noqa: PLC0415
    from haven.reports.services import sitreps_forget  # noqa: PLC0415

    publications_forget()
    sitreps_forget()
    charts_forget()
    pdfs_forget()


def site_spec(slug: str, kind: str = "reception_hub") -> dict[str, Any]:
    return {"slug": slug, "kind": kind, "name_en": slug.title(), "name_hy": "",
            "name_ru": "", "settlement": slug.title(), "province": "Syunik"}


@pytest.fixture
def sites(db: None) -> dict[str, Site]:
    """Kornidzor (border), Goris and Vayk (hubs)."""
    return {
        "kornidzor": Site.objects.create(**site_spec("kornidzor", "border_crossing")),
        "goris": Site.objects.create(**site_spec("goris"), capacity=1200),
        "vayk": Site.objects.create(**site_spec("vayk"), capacity=600),
    }


@pytest.fixture
def make_user(sites: dict[str, Site]) -> Callable[..., User]:
    def make(username: str, role: str, site_slugs: tuple[str, ...] = ()) -> User:
        user = User(username=username, role=role)
        user.set_password(PASSWORD)
        user.save()
        user.sites.set([sites[s] for s in site_slugs])
        return user

    return make


@pytest.fixture
def users(make_user: Callable[..., User]) -> dict[str, User]:
    """One user per role; registrars and the protection officer act for one site each."""
    return {
        "administrator": make_user("admin", "administrator"),
        "coordinator": make_user("coordinator", "coordinator"),
        "registrar": make_user("registrar-goris", "registrar", ("goris",)),
        "registrar_vayk": make_user("registrar-vayk", "registrar", ("vayk",)),
        "tracing_officer": make_user("tracing", "tracing_officer"),
        "protection_officer": make_user("protection-goris", "protection_officer", ("goris",)),
        "auditor": make_user("auditor", "auditor"),
        "viewer": make_user("viewer", "viewer"),
    }


def signed_in(user: User) -> Client:
    """Return a test client with `user` logged in, for the web pages."""
    client = Client()
    client.force_login(user)
    return client


def actor_for(user: User, channel: str = "web") -> Actor:
    return Actor(user=user, channel=channel, client_address="127.0.0.1")


def member(**overrides: Any) -> MemberInput:
    values: dict[str, Any] = {"given_name": "Anahit", "family_name": "Vardanyan",
                              "sex": "female", "birth_date": "1948", "relationship": "head"}
    values.update(overrides)
    return MemberInput(**values)


@pytest.fixture
def make_household(users: dict[str, User]) -> Callable[..., Household]:
    def make(site: str = "goris", members: list[MemberInput] | None = None,
             user: User | None = None, **household: Any) -> Household:
        registrar = user or (users["registrar_vayk"] if site == "vayk" else users["coordinator"])
        return household_register(
            actor=actor_for(registrar),
            household=HouseholdInput(site=site, members=members or [member()], **household),
        )

    return make


class ApiClient:
    """A Django test client that sends a bearer token and JSON."""

    def __init__(self, user: User) -> None:
        self.client = Client()
        self.token = token_create(actor=None, username=user.username)
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(f"/api/v1{path}", body, content_type="application/json",
                                headers=self.headers)

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(f"/api/v1{path}", body, content_type="application/json",
                                 headers=self.headers)

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(f"/api/v1{path}", body, content_type="application/json",
                               headers=self.headers)


@pytest.fixture
def api(users: dict[str, User]) -> Callable[[str], ApiClient]:
    """`api("registrar")` is a client authenticated as that role's user."""
    return lambda role: ApiClient(users[role])
