"""Settings: every variable declared and documented; safe defaults."""

import re
from pathlib import Path

import pytest

from haven.config import environment
from haven.config import settings as haven_settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_variable_read_in_the_code_is_declared():
    used = set()
    for path in (ROOT / "src" / "haven").rglob("*.py"):
        used |= set(re.findall(r"\bHAVEN_[A-Z_]+\b", path.read_text()))
    declared = {v.name for v in environment.VARIABLES}
    # Names used only by the test runner and CI, never by Haven itself.
    assert used - declared - {"HAVEN_TEST_POSTGRES", "HAVEN_TEST_POSTGRES_URL"} == set()


def test_every_declared_variable_is_documented_with_its_default():
    doc = (ROOT / "docs" / "configuration.md").read_text()
    for variable in environment.VARIABLES:
        assert f"`{variable.name}` | `{variable.default}`" in doc, variable.name


def test_reading_an_undeclared_variable_is_a_programming_error():
    with pytest.raises(KeyError):
        environment.env_str("HAVEN_NOT_A_SETTING")


def test_defaults_are_safe():
    """Debug off, Argon2 first, secure and HTTP-only cookies, idle sessions expire."""
    assert haven_settings.DEBUG is False
    assert haven_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert haven_settings.SESSION_COOKIE_SECURE is True
    assert haven_settings.CSRF_COOKIE_SECURE is True
    assert haven_settings.SESSION_COOKIE_HTTPONLY is True
    assert haven_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert haven_settings.SESSION_COOKIE_AGE == 30 * 60
    validators = [v["NAME"] for v in haven_settings.AUTH_PASSWORD_VALIDATORS]
    assert "django.contrib.auth.password_validation.MinimumLengthValidator" in validators
    minimum = next(v for v in haven_settings.AUTH_PASSWORD_VALIDATORS
                   if v["NAME"].endswith("MinimumLengthValidator"))
    assert minimum["OPTIONS"]["min_length"] == 10


def test_the_generated_secret_key_is_private(tmp_path):
    key = environment.secret_key(tmp_path)
    assert len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert environment.secret_key(tmp_path) == key  # generated once, then kept
