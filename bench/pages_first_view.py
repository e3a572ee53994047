"""Time the report pages' first view after a write: nothing kept (report, charts, PDF).

`bench/pages.py` times the best of repeated views, which the reports answer from what
they keep until the next audited write. This times the other case: a warm process (its
first request loads matplotlib and the fonts), then each path three times, each after
forgetting everything the reports keep, as the first viewer after a registration sees.

A page that shows its charts as images at their own addresses (`/reports/charts/…`) is
followed, as a browser does, by a request for each image; each chart's time is printed
on its own line (`+ chart`), and the page's line stays the page's own time.

    .venv/bin/python bench/pages.py --role coordinator --path /  # loads the demo once
    .venv/bin/python bench/pages_first_view.py
"""

from __future__ import annotations

import os
import re
import sys
import time
from html import unescape
from typing import Any

# ruff: noqa: E402 - Django is set up before the project's modules are imported
os.environ.setdefault("HAVEN_VAR_DIR", "var/bench-pages")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
import django

django.setup()

from django.conf import settings
from django.test import Client

from haven.accounts.models import User
from haven.reports.charts import charts_forget
from haven.reports.publication import publications_forget
from haven.reports.rendering import pdfs_forget
from haven.reports.services import sitreps_forget

sys.path.insert(0, os.path.dirname(__file__))
from pages import _second_factor_given

PATHS = ("/reports/", "/reports/print/", "/reports/sitrep.pdf")


def main() -> int:
    settings.ALLOWED_HOSTS = ["*"]
    for username in ("coordinator", "registrar-goris"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        _second_factor_given(client, user)
        client.get("/reports/")  # warm the process: imports, fonts
        for path in PATHS:
            times: list[float] = []
            charts: dict[str, list[float]] = {}
            for _ in range(3):
                publications_forget()
                sitreps_forget()
                charts_forget()
                pdfs_forget()
                elapsed, response = _timed(client, path)
                times.append(elapsed)
                if response.status_code != 200:
                    print(f"{username} {path}: HTTP {response.status_code}", file=sys.stderr)
                    return 1
                for src in _chart_images(response):
                    elapsed, image = _timed(client, src)
                    if image.status_code != 200:
                        print(f"{username} {src}: HTTP {image.status_code}", file=sys.stderr)
                        return 1
                    charts.setdefault(src.split("?")[0].rsplit("/", 1)[1], []).append(elapsed)
            _line(username, path, times)
            for name, chart_times in charts.items():
                _line(username, f"  + chart {name}", chart_times)
    return 0


def _timed(client: Client, path: str) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.get(path)
    return (time.perf_counter() - started) * 1000, response


def _chart_images(response: Any) -> list[str]:
    if not response["Content-Type"].startswith("text/html"):
        return []
    return [unescape(src) for src in re.findall(r'<img src="(/[^"]+)"[^>]*class="chart-image"',
                                                response.content.decode())]


def _line(username: str, label: str, times: list[float]) -> None:
    print(f"{username:18} {label:26} best {min(times):6.0f} ms   "
          f"all {', '.join(f'{t:.0f}' for t in times)} ms")


if __name__ == "__main__":
    raise SystemExit(main())
