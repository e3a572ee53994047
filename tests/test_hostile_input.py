"""No URL or query value makes Haven answer 500: every route, hostile values everywhere.

Each page and API operation in the URL resolver is requested by a user whose role may use
it (docs/roles.md), with every path parameter replaced by a hostile value (Unicode
digits, huge numbers, year 1 and 9999, empty, 10 kB), and with the same values in the
query parameters pages read and in each query parameter the API declares. Anything
but a 5xx passes: a 400 naming the field, a 404, a 403, a 405.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from haven.config.api import api
from haven.testing.factories import ApiClient, signed_in

ROLES = ["administrator", "coordinator", "registrar", "tracing_officer", "protection_officer",
         "auditor", "viewer"]
MATRIX_FILE = Path(__file__).resolve().parent.parent / "docs" / "roles.md"
HOSTILE = ["²", "٣", "9" * 30, "0001-01-01", "9999-12-31", "", "-1", "x" * 10_000]
SHORT = ["²", "9" * 30, "0001-01-01", "9999-12-31", "", "x" * 10_000]
# What pages read from their query strings, across the apps.
PAGE_QUERY = ["page", "row", "date", "site", "status", "state", "user", "all", "identified",
              "incident", "kind", "direction", "overdue", "mine", "table", "bom", "format",
              "formID", "since", "until", "at", "from", "to", "person", "household", "q"]


def _matrix() -> dict[str, str]:
    """Return each documented row (METHOD /path/{}/) and the first role that may use it."""
    allowed: dict[str, str] = {}
    for line in MATRIX_FILE.read_text().splitlines():
        cells = [c.replace("`", "").strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == len(ROLES) + 1 and cells[0].split(" ")[0] in {"GET", "POST"}:
            for role, cell in zip(ROLES, cells[1:], strict=True):
                if cell != "no":
                    allowed[re.sub(r"\{[^}]+\}", "{}", cells[0])] = role
                    break
    return allowed


def _routes() -> list[str]:
    """Return every route of the site's URL resolver, API and OpenRosa included."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and not route.startswith(("^", "static")):
                found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def _fill(route: str, value: str) -> str:
    return re.sub(r"<[^>]+>", lambda _m: value, route)


def _role_for(route: str, matrix: dict[str, str]) -> str:
    shaped = re.sub(r"<[^>]+>", "{}", route)
    api_shaped = shaped.removeprefix("/api/v1")
    for key in (f"GET {shaped}", f"GET {api_shaped}", f"POST {shaped}"):
        if key in matrix:
            return matrix[key]
    return "administrator"


def _api_query_params() -> dict[str, list[str]]:
    """Return each GET operation's declared query parameters, by its path."""
    schema = api.get_openapi_schema()
    params: dict[str, list[str]] = {}
    for path, methods in schema["paths"].items():
        operation = methods.get("get")
        if operation:
            params[path] = [p["name"] for p in operation.get("parameters", [])
                            if p.get("in") == "query"]
    return params


@pytest.fixture
def clients(users):
    pages = {role: signed_in(users[role]) for role in ROLES}
    tokens = {role: ApiClient(users[role]) for role in ROLES}
    return pages, tokens


def _assert_no_server_error(client: Client | ApiClient, path: str, query: dict[str, str],
                            failures: list[str]) -> None:
    try:
        if isinstance(client, ApiClient):
            response = client.get(path.removeprefix("/api/v1"), **query)
        else:
            response = client.get(path, query)
    except Exception as exc:
        failures.append(f"{path} {list(query)[:3]}: {type(exc).__name__}: {str(exc)[:80]}")
        return
    if response.status_code >= 500:
        failures.append(f"{path} {list(query)[:3]}: {response.status_code}")


def _walk(clients: Any, values: list[str]) -> list[str]:
    pages, tokens = clients
    matrix = _matrix()
    api_params = _api_query_params()
    failures: list[str] = []
    for route in _routes():
        role = _role_for(route, matrix)
        is_api = route.startswith("/api/")
        client = tokens[role] if is_api else pages[role]
        for value in values:
            path = _fill(route, value) if "<" in route else route
            if "<" in route and not value:
                continue  # an empty path segment is another route, or none
            if is_api:
                _assert_no_server_error(client, path, {}, failures)
                shaped = re.sub(r"<[^:>]+:([^>]+)>|<([^>]+)>",
                                lambda m: "{" + (m.group(1) or m.group(2)) + "}",
                                route).removeprefix("/api/v1")
                for name in api_params.get(shaped, []):
                    _assert_no_server_error(client, _fill(route, "1"), {name: value}, failures)
            else:
                _assert_no_server_error(client, path, {}, failures)
                _assert_no_server_error(client, _fill(route, "1"),
                                        dict.fromkeys(PAGE_QUERY, value), failures)
    return failures


@pytest.mark.django_db
def test_no_route_answers_500_to_hostile_values(clients, make_household):
    make_household()
    failures = _walk(clients, SHORT)
    assert not failures, "\n".join(failures)


@pytest.mark.slow
@pytest.mark.django_db
def test_no_route_answers_500_to_any_hostile_value(clients, make_household):
    make_household()
    failures = _walk(clients, HOSTILE)
    assert not failures, "\n".join(failures)
