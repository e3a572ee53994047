"""Schemathesis over the whole API, from its own OpenAPI schema (/api/v1/openapi.json).

Every operation is called with generated requests, valid and not, as a coordinator
(who may read and write most of it) and as a registrar of one site: none may answer
5xx, and every answer must match the schema the API publishes (its status's JSON
body). The default run sends a few examples to each operation; the `slow` variant
many more (figures in docs/reliability.md).
"""

from __future__ import annotations

import collections

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from haven.accounts.services import token_create

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(autouse=True)
def connections_kept_across_requests():
    """Keep the test's database connection open between the fuzzer's requests.

    The fuzzer calls the real WSGI application, whose request signals close "old"
    connections; inside the test's transaction that closed PostgreSQL's (every request
    after the first was a 500: "the connection is closed"). Django's test client
    disconnects the same handler.
    """
    from django.core import signals  # noqa: PLC0415
    from django.db import close_old_connections  # noqa: PLC0415

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(users, sites):
    return {role: token_create(actor=None, username=users[role].username)
            for role in ("coordinator", "registrar")}


def fuzz(tokens: dict[str, str], examples: int) -> list[str]:
    """Send `examples` generated requests per operation and role; return the failures."""
    from haven.config.wsgi import application  # noqa: PLC0415 - after the test settings

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    operations = 0
    for found in schema.get_all_operations():
        operation = found.ok()
        operations += 1

        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            for token in tokens.values():
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                                       checks=CHECKS)

        try:
            call()
        except (Exception, BaseExceptionGroup) as failed:
            failures.append(f"{operation.label}: {str(failed)[:1500]}")
    assert operations > 80  # the whole API, not a part that happened to load
    return failures


@pytest.mark.django_db
def test_the_api_keeps_its_schema_and_never_fails(tokens):
    assert fuzz(tokens, examples=3) == []


@pytest.mark.slow
@pytest.mark.django_db
def test_the_api_keeps_its_schema_and_never_fails_exhaustive(tokens):
    assert fuzz(tokens, examples=100) == []


def test_no_two_schemas_share_a_name_in_the_published_schema():
    """django-ninja names a component after its class: two classes of one name publish one.

    Found by the fuzzer: reports' OccupancyOut (sitrep) was published as reception's, so the
    sitrep's answers broke their own schema; reception's HouseholdIn and TransferIn hid
    registry's and protection's request bodies the same way.
    """
    from ninja import Schema  # noqa: PLC0415

    from haven.config.api import api  # noqa: PLC0415

    published = api.get_openapi_schema()["components"]["schemas"]
    classes: list[type] = []
    pending: list[type] = [Schema]
    while pending:
        found = pending.pop().__subclasses__()
        classes += found
        pending += found
    names = collections.Counter(c.__name__ for c in classes
                                if c.__module__.startswith("haven.") and c.__name__ in published)
    assert [name for name, count in names.items() if count > 1] == []
