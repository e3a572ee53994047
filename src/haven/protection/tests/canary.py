"""Write a canary through every encrypted field, by the services (the canary tests' data).

Run as a script (`python -m haven.protection.tests.canary CANARY SNAPSHOT_DIR`) it migrates
the database HAVEN_VAR_DIR points at, writes, reads back, and copies the SQLite file and
its WAL before the connection closes (closing folds the WAL in and deletes it).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

from haven.core import clock


def write_canaries(canary: str) -> set[str]:
    """Write `canary` into each encrypted field; return the columns written ("table.column")."""
    from haven.accounts.access import Actor  # noqa: PLC0415 - after django.setup()
    from haven.accounts.models import User  # noqa: PLC0415
    from haven.protection import services  # noqa: PLC0415
    from haven.registry.models import Site  # noqa: PLC0415
    from haven.registry.services import HouseholdInput, MemberInput, household_register  # noqa: PLC0415

    for slug, kind in (("goris", "reception_hub"), ("yerevan-burns", "hospital")):
        Site.objects.get_or_create(slug=slug, defaults={
            "kind": kind, "name_en": slug, "settlement": slug, "province": "Syunik"})
    officer, _ = User.objects.get_or_create(username="canary-officer",
                                            defaults={"role": "coordinator"})
    actor = Actor(user=officer, channel="cli")
    household = household_register(actor=actor, household=HouseholdInput(
        site="goris", members=[MemberInput(given_name="Canary", family_name="Test", sex="male",
                                           birth_date="1960", relationship="head")]))
    code = household.members.get().code
    with clock.frozen_at(dt.datetime(2023, 10, 1, 9, tzinfo=dt.UTC)):
        referral = services.referral_create(actor=actor, referral=services.ReferralInput(
            person=code, service="burns_unit", to_site="yerevan-burns", urgency="emergency",
            consent=False, life_saving_exception=True, exception_reason=f"exception {canary}",
            reason=f"reason {canary}", notes=f"notes {canary}"))
        services.referral_accept(actor=actor, referral_id=referral.id, note=f"note {canary}")
        services.referral_complete(actor=actor, referral_id=referral.id,
                                   note=f"completed {canary}")
        incident = services.incident_create(actor=actor, incident=services.IncidentInput(
            kind="explosion", name="Fuel depot", occurred_on=dt.date(2023, 9, 25),
            place="Berkadzor"))
        services.casualty_record(actor=actor, casualty=services.CasualtyInput(
            incident=str(incident.id), kind="dead", site="goris",
            **{f: f"{f} {canary}" for f in ("clothing", "belongings", "found_at", "marks",
                                            "injuries")}))
        entry = services.left_behind_register(actor=actor, entry=services.LeftBehindInput(
            site="goris", given_name="Arpine", family_name="Test",
            reported_on=dt.date(2023, 10, 1),
            **{f: f"{f} {canary}" for f in ("location", "needs", "reported_by")}))
        services.welfare_check_record(actor=actor, entry_id=entry.id,
                                      check=services.WelfareCheckInput(
            checked_on=dt.date(2023, 10, 1), condition="stable", needs_met="yes",
            visited_by=f"visited {canary}", notes=f"notes {canary}"))
        from haven.documentation.testimonies import (  # noqa: PLC0415
            TestimonyInput,
            testimony_record,
        )

        officer.role = "protection_officer"
        officer.save(update_fields=["role"])
        officer.sites.add(Site.objects.get(slug="goris"))
        testimony_record(actor=Actor(user=officer, channel="cli"), testimony=TestimonyInput(
            site="goris", given_on=dt.date(2023, 10, 1), statement=f"statement {canary}",
            witness_description=f"witness {canary}", consent_legal=True))
    return _read_canaries(canary)


def _read_canaries(canary: str) -> set[str]:
    """Return the columns whose values, read through the models, hold the canary."""
    from haven.documentation.models import Testimony  # noqa: PLC0415
    from haven.protection.models import (  # noqa: PLC0415 - after django.setup()
        Casualty,
        LeftBehind,
        Referral,
        ReferralUpdate,
        WelfareCheck,
    )

    written: set[str] = set()
    for model in (Referral, ReferralUpdate, Casualty, LeftBehind, WelfareCheck, Testimony):
        for row in model.objects.all():
            for field in model._meta.concrete_fields:
                value = getattr(row, field.attname)
                if isinstance(value, str) and canary in value:
                    written.add(f"{model._meta.db_table}.{field.column}")
    return written


def main() -> None:
    canary, snapshot = sys.argv[1], Path(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
    import django  # noqa: PLC0415

    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    call_command("migrate", interactive=False, verbosity=0)
    written = write_canaries(canary)
    database = Path(settings.DATABASES["default"]["NAME"])
    snapshot.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{database}{suffix}")
        if source.exists():
            shutil.copyfile(source, snapshot / source.name)
    connection.close()
    print("\n".join(sorted(written)))


if __name__ == "__main__":
    main()
