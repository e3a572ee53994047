"""In Chromium: a Goris registrar registers a family of four; Vayk's registrar cannot see it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from haven.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAMILY = [
    # given, family, patronymic, sex, birth date, relationship
    ("Անահիտ", "Վարդանյան", "", "female", "1948", "head"),
    ("Анаит", "Варданян", "Сергеевна", "female", "1975-02-28", "child"),
    ("Տիգրան", "Վարդանյան", "", "male", "2009-06", "grandchild"),
    ("Оганес", "Варданян", "", "male", "", "grandchild"),
]


def test_register_a_family_and_keep_it_from_another_site(page: Page, live_server, users):
    base = live_server.url
    log_in(page, base, "registrar-goris")
    page.click("nav >> text=Register household")
    page.fill("input[name=place_of_origin]", "Ստեփանակերտ")
    page.fill("input[name=phone]", "+374 97 123456")
    for row, (given, family, patronymic, sex, born, relationship) in enumerate(FAMILY):
        if row:
            page.click("#add-member")
            page.wait_for_selector(f"input[name=members-{row}-given_name]")
        page.fill(f"input[name=members-{row}-given_name]", given)
        page.fill(f"input[name=members-{row}-family_name]", family)
        page.fill(f"input[name=members-{row}-patronymic]", patronymic)
        page.select_option(f"select[name=members-{row}-sex]", sex)
        page.fill(f"input[name=members-{row}-birth_date]", born)
        page.select_option(f"select[name=members-{row}-relationship]", relationship)
    page.fill("input[name=members-3-estimated_age]", "3")
    page.click("#register button[type=submit]")

    expect(page.locator(".notice")).to_contain_text("with 4 members")
    code = page.locator("h1 .code").inner_text()
    assert re.fullmatch(r"HVN-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    expect(page.locator("table").first).to_contain_text("Анаит Сергеевна Варданян")

    page.click("nav >> text=Households")
    expect(page.locator("table")).to_contain_text(code)
    expect(page.locator("table")).to_contain_text("Անահիտ Վարդանյան")

    page.click("nav >> text=Persons")
    page.click("text=Анаит Сергеевна Варданян >> xpath=../td[1]/a")
    expect(page.locator("h1")).to_contain_text("Анаит Сергеевна Варданян")
    expect(page.locator("dl.facts")).to_contain_text("cyrillic")
    person_url = page.url

    page.click("button:has-text('Log out')")
    log_in(page, base, "registrar-vayk")
    response = page.goto(person_url)
    assert response is not None
    assert response.status == 404
    page.goto(f"{base}/households/")
    expect(page.locator("main")).not_to_contain_text(code)
    person_code = person_url.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"{base}/persons/")  # the search is POSTed: no name or code in the URL
    page.fill("input[name='q']", person_code)
    page.click("form.filters button[type='submit']")
    expect(page.locator("main")).to_contain_text("No person matches these filters.")
    assert person_code not in page.url
