"""English, Armenian and Russian: complete catalogs, and every page and error in each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "haven"
LOCALE = PACKAGE / "locale"
# Apps added after the first catalog keep their own (src/haven/<app>/locale/), so that
# work on different apps does not touch one file; Django reads them all.
CATALOGS = ["locale", *sorted(path.relative_to(PACKAGE).parts[0]
                              for path in PACKAGE.glob("*/locale/hy/LC_MESSAGES/django.po"))]


def entries(language: str, catalog: str = "locale") -> list[str]:
    base = LOCALE if catalog == "locale" else PACKAGE / catalog / "locale"
    text = (base / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return [block for block in text.split("\n\n") if "msgid" in block]


def test_the_main_catalog_is_the_big_one():
    assert len(entries("hy")) > 300


@pytest.mark.parametrize("catalog", CATALOGS)
@pytest.mark.parametrize("language", ["hy", "ru"])
def test_every_message_is_translated_and_none_is_a_guess(language, catalog):
    blocks = entries(language, catalog)
    untranslated = []
    for block in blocks[1:]:  # the first block is the header
        if block.lstrip().startswith("#~"):
            continue  # obsolete, kept by makemessages
        assert "#, fuzzy" not in block, block
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, flags=re.M)
        if not strings or any(not (first + rest.replace('"\n"', "").strip('"\n'))
                              for first, rest in strings):
            untranslated.append(block.splitlines()[-2:])
    assert not untranslated, untranslated[:5]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title", "problem"), [
    ("hy", "Գրանցել ընտանիք", "օրացույցում գոյություն չունի"),
    ("ru", "Зарегистрировать семью", "нет в календаре"),
])
def test_the_registration_page_and_its_errors_speak_the_language(users, sites, language,
                                                                  title, problem):
    client = Client(headers={"Accept-Language": language})
    client.force_login(users["registrar"])
    page = client.get("/households/new/").content.decode()
    assert f'<html lang="{language}">' in page
    assert title in page
    refused = client.post("/households/new/", {
        "site": "goris", "members-0-given_name": "Анаит", "members-0-family_name": "Варданян",
        "members-0-sex": "female", "members-0-relationship": "head",
        "members-0-birth_date": "2023-02-31"})
    assert problem in refused.content.decode()


@pytest.mark.django_db
def test_api_errors_follow_accept_language(api, sites):
    client = api("registrar")
    response = client.client.post(
        "/api/v1/households",
        {"site": "goris", "members": [{"given_name": "Anahit", "family_name": "Vardanyan",
                                       "sex": "female", "birth_date": "2023-02-31",
                                       "relationship": "head"}]},
        content_type="application/json",
        headers={**client.headers, "Accept-Language": "ru"})
    assert response.status_code == 422
    assert response.json()["errors"]["members[0].birth_date"] == [
        "даты 2023-02-31 нет в календаре"]


@pytest.mark.django_db
def test_dates_are_written_the_armenian_way_in_armenian(users, make_household):
    household = make_household()
    client = Client(headers={"Accept-Language": "hy"})
    client.force_login(users["coordinator"])
    page = client.get(f"/households/{household.code}/").content.decode()
    assert re.search(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", page)


@pytest.mark.django_db
def test_a_sites_name_is_a_name_of_a_place_in_russian(users, sites):
    """"Name" of a site is "Название", of a person "Имя": one English word, two Russian ones."""
    client = Client(headers={"Accept-Language": "ru"})
    client.force_login(users["administrator"])
    page = client.get("/sites/").content.decode()
    assert "<th>Название</th>" in page
