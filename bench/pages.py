#!/usr/bin/env python3
"""Time every page of the demo, as each demo role, in the server (Django's test client).

Loads the demo into HAVEN_VAR_DIR (default var/bench-pages) if it is not there, then
walks the pages each role reaches from the URL resolver (haven.testing.pages: the same
walk the every-page language test makes) and prints, per page, the server time (best of
`--repeat`), the database queries and the bytes of HTML (uncompressed, and gzip as a
browser receives them).

    .venv/bin/python bench/pages.py                 # every role, English
    .venv/bin/python bench/pages.py --language hy --role registrar-goris

Exit status: 0 when every page is within the budget (300 ms, and 150 kB transferred for
the registration page), 2 otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BUDGET_MS = 300.0
REGISTRATION_BUDGET_BYTES = 150_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--var-dir", default=str(REPO / "var" / "bench-pages"))
    parser.add_argument("--language", default="en")
    parser.add_argument("--role", action="append", default=[], help="a demo username")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--path", action="append", default=[],
                        help="time only this path (also files, e.g. /reports/sitrep.pdf)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    os.environ["HAVEN_VAR_DIR"] = args.var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    import django  # noqa: PLC0415 - after the environment is set

    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection, reset_queries  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from haven.accounts.models import User  # noqa: PLC0415
    from haven.testing.pages import demo_everything, pages_for  # noqa: PLC0415

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="coordinator").exists():
        demo_everything()
    usernames = args.role or [u.username for u in User.objects.order_by("username")]
    slow = 0
    print(f"{'user':<22} {'page':<48} {'ms':>7} {'queries':>7} {'kB':>7} {'kB gz':>6}")
    for username in usernames:
        user = User.objects.get(username=username)
        client = Client(HTTP_ACCEPT_LANGUAGE=args.language)
        client.force_login(user)
        _second_factor_given(client, user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = args.language
        for path in args.path or pages_for(user):
            best = float("inf")
            status = 0
            queries = 0
            body = b""
            for _ in range(args.repeat):
                connection.force_debug_cursor = True
                reset_queries()
                started = time.perf_counter()
                response = client.get(path)
                best = min(best, (time.perf_counter() - started) * 1000)
                queries = len(connection.queries)
                status = response.status_code
                connection.force_debug_cursor = False
                body = b"" if response.streaming else response.content
            size, packed = len(body), len(gzip.compress(body))
            over = best > BUDGET_MS or (path == "/households/new/"
                                        and packed > REGISTRATION_BUDGET_BYTES)
            slow += over
            print(f"{username:<22} {path:<48} {best:7.1f} {queries:7d} {size / 1000:7.1f}"
                  f" {packed / 1000:6.1f}{'  OVER' if over else ''}"
                  f"{'' if status == 200 else f'  (HTTP {status})'}")
    return 2 if slow else 0


def _second_factor_given(client: Any, user: Any) -> None:
    """Mark the session as after a right code: coordinators, auditors and administrators
    owe a second factor, and without it every page is a 302 to the two-factor step."""
    from django_otp import DEVICE_ID_SESSION_KEY  # noqa: PLC0415
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415

    from haven.accounts.services.two_factor import otp_required  # noqa: PLC0415

    if not otp_required(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


if __name__ == "__main__":
    raise SystemExit(main())
