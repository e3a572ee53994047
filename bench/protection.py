#!/usr/bin/env python3
"""Benchmark what encryption at rest costs: one value, and a referral written and read back.

Builds a throw-away SQLite Haven in a temporary HAVEN_VAR_DIR (migrate, two sites, a
protection officer, one registered person), then, alternating rounds:

- `encrypted`: `referral_create` + `referral_get` through the services, as the API does,
  each referral carrying a reason and notes of a few hundred characters (AES-256-GCM);
- `clear` (the peer, same run): the same with haven.core.encryption's cipher swapped for
  a pass-through, everything else unchanged (audit rows, transactions, outline reads).

It also times encrypt + decrypt of one 300-character note on its own. Times are the
process's CPU time (SQLite runs in it), steadier than wall time on a shared machine.

    .venv/bin/python bench/protection.py                     # 500 referrals per round, 3 rounds
    .venv/bin/python bench/protection.py --referrals 2000 --rounds 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import machine  # bench/machine.py

REPO = Path(__file__).resolve().parent.parent
NOTE = ("Second-degree burns to both forearms and the face after the fuel depot explosion; "
        "dressings changed daily at the Goris theatre hub, pain controlled, no signs of "
        "infection yet. Needs grafting assessment; travels with his wife and two children, "
        "who should be kept together. Speaks Armenian and Russian.")


def _setup() -> Any:
    sys.path.insert(0, str(REPO / "src"))
    os.environ["HAVEN_VAR_DIR"] = tempfile.mkdtemp(prefix="haven-bench-protection-")
    os.environ.pop("HAVEN_DATABASE_URL", None)
    os.environ.pop("HAVEN_FIELD_KEY", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
    import django  # noqa: PLC0415 - after the environment is set

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    from haven.accounts.access import Actor  # noqa: PLC0415
    from haven.accounts.models import User  # noqa: PLC0415
    from haven.registry.models import Site  # noqa: PLC0415
    from haven.registry.services import HouseholdInput, MemberInput, household_register  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    goris = Site.objects.create(slug="goris", kind="reception_hub", name_en="Goris",
                                settlement="Goris", province="Syunik")
    Site.objects.create(slug="yerevan-burns", kind="hospital", name_en="Burns centre",
                        settlement="Yerevan", province="Yerevan")
    officer = User.objects.create(username="bench-protection", role="protection_officer")
    officer.sites.set([goris])
    actor = Actor(user=officer, channel="api")
    household = household_register(actor=actor, household=HouseholdInput(
        site="goris", members=[MemberInput(given_name="Tigran", family_name="Harutyunyan",
                                           sex="male", birth_date="1971",
                                           relationship="head")]))
    return actor, household.members.get().code


def _referrals(actor: Any, code: str, count: int) -> float:
    from haven.protection.selectors import referral_get  # noqa: PLC0415
    from haven.protection.services import ReferralInput, referral_create  # noqa: PLC0415

    today = dt.date(2026, 1, 1)
    started = time.process_time()  # CPU: the machine is shared, wall time swings with it
    for _ in range(count):
        referral = referral_create(actor=actor, referral=ReferralInput(
            person=code, service="burns_unit", to_site="yerevan-burns", urgency="urgent",
            consent=True, reason="Burns, flagged at registration", notes=NOTE))
        view = referral_get(actor=actor, referral_id=referral.id, today=today)
        assert view.referral.notes == NOTE  # noqa: S101 - read back whole
    return (time.process_time() - started) / count


def _clear_cipher() -> Any:
    """Swap the field's cipher for a pass-through; return the function that puts it back."""
    from haven.core.encryption import fields  # noqa: PLC0415

    saved = (fields.encrypt, fields.decrypt)
    fields.encrypt = lambda text, context: f"hv1$clear${text}"  # type: ignore[assignment]
    fields.decrypt = lambda value, context: value[len("hv1$clear$"):]  # type: ignore[assignment]

    def restore() -> None:
        fields.encrypt, fields.decrypt = saved

    return restore


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--referrals", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    actor, code = _setup()
    from haven.core.encryption import decrypt, encrypt, keyring  # noqa: PLC0415

    ring = keyring()
    loops = 20_000
    started = time.process_time()
    for _ in range(loops):
        decrypt(encrypt(NOTE, context="bench.note", ring=ring), context="bench.note", ring=ring)
    one_value_us = (time.process_time() - started) / loops * 1e6
    _referrals(actor, code, 50)  # warm up both paths' caches
    encrypted: list[float] = []
    clear: list[float] = []
    for number in range(args.rounds):
        # Alternate which goes first, so that a busy spell on a shared machine hits both.
        for mode in (("encrypted", "clear") if number % 2 == 0 else ("clear", "encrypted")):
            if mode == "encrypted":
                encrypted.append(_referrals(actor, code, args.referrals))
                continue
            restore = _clear_cipher()
            try:
                clear.append(_referrals(actor, code, args.referrals))
            finally:
                restore()
    figures = {
        "encrypt_decrypt_one_note_us": round(one_value_us, 1),
        "referral_encrypted_ms": round(statistics.median(encrypted) * 1000, 3),
        "referral_clear_ms": round(statistics.median(clear) * 1000, 3),
        "ratio": round(statistics.median(encrypted) / statistics.median(clear), 3),
        "rounds": args.rounds, "referrals_per_round": args.referrals, "machine": machine(),
    }
    if args.json:
        print(json.dumps(figures, indent=2, default=str))
    else:
        print(f"encrypt + decrypt one {len(NOTE)}-character note: "
              f"{figures['encrypt_decrypt_one_note_us']} µs")
        print(f"referral create + read back, CPU (median of {args.rounds} rounds of "
              f"{args.referrals}): encrypted {figures['referral_encrypted_ms']} ms, "
              f"clear {figures['referral_clear_ms']} ms, ratio {figures['ratio']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
