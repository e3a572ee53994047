"""`haven keys rotate`: every stored value re-encrypted under a new key, resumably."""

from __future__ import annotations

import secrets

import pytest
from click.testing import CliRunner

from haven.cli import keys as _keys  # noqa: F401  (registers the command)
from haven.cli.main import cli
from haven.core.encryption import key_generate, keyring
from haven.core.encryption.keys import key_parse
from haven.core.encryption.rotation import field_keys_rotate, values_by_key
from haven.protection.tests.canary import _read_canaries as read_back
from haven.protection.tests.canary import write_canaries

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    """A key file of the test's own (the laptop default), no HAVEN_FIELD_KEY."""
    monkeypatch.delenv("HAVEN_FIELD_KEY", raising=False)
    settings.VAR_DIR = tmp_path
    return tmp_path


def key_ids() -> set[str]:
    return {k for counts in values_by_key().values() for k in counts}


class RotationInterruptedError(Exception):
    pass


def test_an_interrupted_rotation_leaves_everything_readable_and_finishes_when_run_again(
        var_dir):
    canary = secrets.token_hex(6)
    columns = write_canaries(canary)
    old = keyring().primary.id
    assert key_ids() == {old}
    seen = []

    def stop_after_three(column: str, done: int, todo: int) -> None:
        seen.append(column)
        if len(seen) == 3:
            raise RotationInterruptedError

    with pytest.raises(RotationInterruptedError):
        field_keys_rotate(batch_size=1, progress=stop_after_three)
    # Mid-way: the file holds the new key first and the old one after it; some values are
    # under each, and every one of them still reads.
    ring = keyring()
    new = ring.primary.id
    assert new != old
    assert [k.id for k in ring.retired] == [old]
    assert key_ids() == {old, new}
    assert read_back(canary) == columns

    outcome = field_keys_rotate(batch_size=1)
    assert not outcome.started  # it carried on with the same new key
    assert outcome.primary == new
    assert outcome.retired == [old]
    assert key_ids() == {new}
    assert keyring().primary.id == new
    assert not keyring().retired
    assert read_back(canary) == columns
    lines = [line for line in (var_dir / "field_keys").read_text().splitlines()
             if line and not line.startswith("#")]
    assert [key_parse(line).id for line in lines] == [new]
    assert (var_dir / "field_keys").stat().st_mode & 0o777 == 0o600


def test_with_haven_field_key_the_first_key_takes_over(var_dir, monkeypatch):
    old, new = key_generate(), key_generate()
    monkeypatch.setenv("HAVEN_FIELD_KEY", old)
    canary = secrets.token_hex(6)
    columns = write_canaries(canary)
    monkeypatch.setenv("HAVEN_FIELD_KEY", f"{new},{old}")
    outcome = field_keys_rotate()
    assert outcome.total >= len(columns)
    assert key_ids() == {key_parse(new).id}
    monkeypatch.setenv("HAVEN_FIELD_KEY", new)  # the old key removed: all still reads
    assert read_back(canary) == columns
    assert not (var_dir / "field_keys").exists()


def test_the_command_rotates_and_reports(var_dir):
    canary = secrets.token_hex(6)
    write_canaries(canary)
    runner = CliRunner()
    result = runner.invoke(cli, ["keys", "rotate", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "Started a rotation: new key" in result.output
    assert "dropped old key" in result.output
    status = runner.invoke(cli, ["keys", "status"])
    assert status.exit_code == 0, status.output
    assert f"current {keyring().primary.id}" in status.output
    assert "protection_referral.notes: 1 under" in status.output
    generated = runner.invoke(cli, ["keys", "generate"]).output.strip()
    assert key_parse(generated)
