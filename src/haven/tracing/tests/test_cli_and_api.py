"""The tracing CLI and API call the same services: search by stdin, never by argument."""

import pytest
from click.testing import CliRunner

import haven.cli.trace_requests  # noqa: F401 - registers the commands
from haven.cli.main import cli
from haven.testing.factories import ApiClient, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_trace_search_reads_the_name_from_stdin(users, open_request, make_household):
    request = open_request()
    found = make_household("vayk", members=[member(
        given_name="Анаит", family_name="Варданян", birth_date="1948")]).members.get()
    result = CliRunner().invoke(cli, ["trace", "search", "--user", "tracing", "--request",
                                      str(request.pk), "--birth-year", "1948"],
                                input="Anahid Vartanian\n")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split("\t")[:2] == ["1", found.code]


def test_trace_search_without_a_second_detail_fails(users, open_request):
    request = open_request()
    result = CliRunner().invoke(cli, ["trace", "search", "--user", "tracing", "--request",
                                      str(request.pk)], input="Vardanyan\n")
    assert result.exit_code != 0
    assert "birth_year" in result.output


def test_trace_requests_lists_codes_without_names(users, open_request):
    request = open_request()
    result = CliRunner().invoke(cli, ["trace", "requests", "--user", "tracing"])
    assert result.exit_code == 0, result.output
    assert request.code in result.output
    assert "Vardanyan" not in result.output


def test_the_api_opens_searches_and_refuses_by_field(users, make_household):
    client = ApiClient(users["tracing_officer"])
    refused = client.post("/tracing/requests", {"site": "goris", "searcher_name": "",
                                                "sought": [{"family_name": "Vardanyan"}]})
    assert refused.status_code == 422
    assert "searcher_name" in refused.json()["errors"]
    created = client.post("/tracing/requests", {
        "site": "goris", "searcher_name": "Armen", "priority": "elderly",
        "sought": [{"given_name": "Anahit", "family_name": "Vardanyan", "birth_year": 1948}]})
    assert created.status_code == 201, created.content
    make_household("vayk", members=[member(given_name="Անահիտ", family_name="Վարդանյան",
                                           birth_date="1948")])
    detail = client.get(f"/tracing/requests/{created.json()['id']}").json()
    assert detail["status"] == "possible_match"
    [alert] = detail["alerts"]
    assert "birth year: the same" in alert["reasons"]
    hits = client.post(f"/tracing/requests/{created.json()['id']}/search",
                       {"name": "Варданян Анаит", "birth_year": 1948}).json()["items"]
    assert hits[0]["person"] == alert["person"]
    assert client.post(f"/tracing/requests/{created.json()['id']}/search",
                       {"name": "Варданян"}).status_code == 422
