"""`haven aid` commands, and the 2023 pledges as demo data (loaded once)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from haven.aid.demo import aid_demo_load
from haven.aid.models import Contribution, Delivery
from haven.cli.main import cli

pytestmark = pytest.mark.django_db


def run(*args):
    from haven.cli import aid  # noqa: F401, PLC0415 - registers the commands

    return CliRunner().invoke(cli, list(args))


def test_rates_are_set_and_refused_on_the_command_line(users):
    done = run("aid", "rate", "eur", "2023-09-27", "1.0502", "--user", "admin")
    assert done.exit_code == 0, done.output
    assert "EUR from 2023-09-27: 1.0502 USD" in done.output
    refused = run("aid", "rate", "EUR", "2023-09-27", "1.05", "--user", "coordinator")
    assert refused.exit_code != 0
    unknown = run("aid", "rate", "EUR", "2023-09-27", "1.05", "--user", "nobody")
    assert unknown.exit_code == 2


def test_the_demo_records_the_2023_pledges_once_and_the_commands_show_them(users, sites,
                                                                           tmp_path):
    assert aid_demo_load() == 4
    assert aid_demo_load() == 0
    assert Contribution.objects.count() == 4
    assert Delivery.objects.get().quantity == 50
    listed = run("aid", "undelivered", "--user", "coordinator")
    assert listed.exit_code == 0
    assert "USAID" in listed.output
    assert "11500000 USD" in listed.output
    assert "Iran" not in listed.output  # its 50 tons arrived
    out = tmp_path / "fts.csv"
    written = run("aid", "export", "--user", "viewer", "-o", str(out), "--bom")
    assert written.exit_code == 0, written.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    assert "European Union,multilateral,,pledge,2023-09-27,5251000,5000000,EUR" in text
