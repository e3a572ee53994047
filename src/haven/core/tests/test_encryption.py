"""Encryption at rest: AES-256-GCM values that name their key, keys and their checks."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldError

from haven.core.encryption import Keyring, decrypt, encrypt, key_generate, key_id_of, keyring
from haven.core.encryption.checks import (
    check_field_key_for_production,
    check_field_key_readable,
    field_key_problems,
)
from haven.core.encryption.keys import FieldKeyError, key_parse, key_weakness

PUBLISHED = "SGF2ZW4gZG9jcyBleGFtcGxlOiBuZXZlciB1c2UgaXQ="


@pytest.fixture
def ring() -> Keyring:
    return Keyring.of([key_generate()], "test")


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    """A var folder of the test's own, and no HAVEN_FIELD_KEY: the laptop default."""
    monkeypatch.delenv("HAVEN_FIELD_KEY", raising=False)
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_a_value_round_trips_and_names_its_key(ring):
    stored = encrypt("Ожоги 2-й степени, 30%", context="t.notes", ring=ring)
    assert stored.startswith(f"hv1${ring.primary.id}$")
    assert key_id_of(stored) == ring.primary.id
    assert "Ожоги" not in stored
    assert decrypt(stored, context="t.notes", ring=ring) == "Ожоги 2-й степени, 30%"


def test_the_same_text_encrypts_differently_each_time_and_hides_its_exact_length(ring):
    first, second = (encrypt("burns", context="t.notes", ring=ring) for _ in range(2))
    assert first != second
    assert len(encrypt("a", context="t.c", ring=ring)) == len(
        encrypt("a" * 14, context="t.c", ring=ring))


def test_a_value_moved_to_another_column_does_not_decrypt(ring):
    stored = encrypt("injuries", context="protection_casualty.injuries", ring=ring)
    with pytest.raises(FieldKeyError, match="moved"):
        decrypt(stored, context="protection_welfarecheck.visited_by", ring=ring)


def test_an_altered_value_does_not_decrypt(ring):
    stored = encrypt("notes", context="t.notes", ring=ring)
    altered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(FieldKeyError):
        decrypt(altered, context="t.notes", ring=ring)


def test_a_value_under_a_key_not_in_force_says_which_key(ring):
    other = Keyring.of([key_generate()], "other")
    stored = encrypt("notes", context="t.notes", ring=other)
    with pytest.raises(FieldKeyError, match=other.primary.id):
        decrypt(stored, context="t.notes", ring=ring)


def test_clear_text_in_an_encrypted_column_is_refused(ring):
    with pytest.raises(FieldKeyError, match="not encrypted"):
        decrypt("written around the field", context="t.notes", ring=ring)


def test_several_keys_the_first_encrypts_all_decrypt():
    old, new = key_generate(), key_generate()
    before = Keyring.of([old], "HAVEN_FIELD_KEY")
    during = Keyring.of([new, old], "HAVEN_FIELD_KEY")
    stored = encrypt("notes", context="t.n", ring=before)
    assert decrypt(stored, context="t.n", ring=during) == "notes"
    assert key_id_of(encrypt("notes", context="t.n", ring=during)) == during.primary.id
    assert [k.id for k in during.retired] == [before.primary.id]


def test_the_laptop_default_is_a_private_key_file_made_once(var_dir):
    first = keyring()
    path = var_dir / "field_keys"
    assert path.stat().st_mode & 0o777 == 0o600
    assert keyring().primary.id == first.primary.id
    assert first.source == str(path)
    assert repr(first.primary) == f"FieldKey({first.primary.id})"  # never the secret


def test_haven_field_key_takes_precedence(var_dir, monkeypatch):
    key = key_generate()
    monkeypatch.setenv("HAVEN_FIELD_KEY", key)
    assert keyring().primary.id == key_parse(key).id
    assert keyring().from_environment
    assert not (var_dir / "field_keys").exists()


@pytest.mark.parametrize("text", ["not base64!", "c2hvcnQ=", key_generate() + "AAAA"])
def test_a_malformed_key_is_refused(text):
    with pytest.raises(FieldKeyError):
        key_parse(text)


def test_published_and_patterned_keys_are_weak():
    assert "published" in key_weakness(PUBLISHED)
    assert "random" in key_weakness("YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=")  # "a" * 32
    assert key_weakness(key_generate()) == ""


def test_production_needs_haven_field_key(var_dir):
    assert [e.id for e in check_field_key_for_production(None)] == ["haven.E002"]


def test_production_refuses_a_weak_key(var_dir, monkeypatch):
    monkeypatch.setenv("HAVEN_FIELD_KEY", f"{key_generate()},{PUBLISHED}")
    problems = check_field_key_for_production(None)
    assert [e.id for e in problems] == ["haven.E003"]
    assert "key 2" in problems[0].msg


def test_an_unreadable_key_is_an_error_everywhere(var_dir, monkeypatch):
    monkeypatch.setenv("HAVEN_FIELD_KEY", "hunter2")
    assert [e.id for e in check_field_key_readable(None)] == ["haven.E004"]
    assert "hunter2" not in check_field_key_readable(None)[0].msg
    assert [e.id for e in field_key_problems(production=False)] == ["haven.E004"]


def test_a_key_file_others_can_read_is_an_error(var_dir):
    keyring()
    (var_dir / "field_keys").chmod(0o644)
    assert [e.id for e in check_field_key_readable(None)] == ["haven.E005"]
    (var_dir / "field_keys").chmod(0o600)
    assert check_field_key_readable(None) == []


def test_a_good_key_passes_every_check(var_dir, monkeypatch):
    monkeypatch.setenv("HAVEN_FIELD_KEY", key_generate())
    assert field_key_problems(production=True) == []


def test_encrypted_fields_refuse_comparisons():
    from haven.protection.models import Referral  # noqa: PLC0415

    with pytest.raises(FieldError):
        Referral.objects.filter(notes="burns")
    with pytest.raises(FieldError):
        Referral.objects.filter(notes__contains="burns")
    assert "IS NULL" in str(Referral.objects.filter(notes__isnull=True).query)


def test_serve_refuses_to_start_in_production_without_a_strong_key(var_dir, settings,
                                                                    monkeypatch):
    from click.testing import CliRunner  # noqa: PLC0415

    from haven.cli import server as _server  # noqa: F401, PLC0415  (registers the command)
    from haven.cli.main import cli  # noqa: PLC0415

    settings.HTTPS = True
    result = CliRunner().invoke(cli, ["serve", "--port", "8105"])
    assert result.exit_code == 1
    assert "haven.E002" in result.output
    monkeypatch.setenv("HAVEN_FIELD_KEY", PUBLISHED)
    result = CliRunner().invoke(cli, ["serve", "--port", "8105"])
    assert result.exit_code == 1
    assert "haven.E003" in result.output
