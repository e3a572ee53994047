"""Issue 17 in Chromium: each class of what a new user tripped on, in three languages, at a
laptop's width (1366 px) and a phone's (390 px). Screenshots go to var/test/screenshots/.

One test per class: the report's period, what each figure counts, hints that survive a
refused save, the review page in the clerk's words, one date format and unbroken codes,
translated names instead of codes, the API's 401, the history timeline, the home page per
role, and the registration page's weight.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from haven.core import clock
from haven.linkage import services as linkage_services
from haven.linkage.tests.review_fixtures import person_at, queue_pairs, scored, ticket
from haven.testing.browser import log_in
from haven.testing.factories import actor_for, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("en", "hy", "ru")
WIDTHS = (1366, 390)
SHOTS = Path(os.environ.get("HAVEN_VAR_DIR", "var/test")) / "screenshots"
CRISIS = dt.datetime(2023, 9, 25, 10, 0, tzinfo=dt.UTC)
TODAY = dt.datetime(2026, 12, 4, 20, 17, tzinfo=dt.UTC)


def _pages(browser: Browser, base: str, username: str) -> Iterator[tuple[str, int, Page]]:
    """Yield a logged-in page for each language and width."""
    for language in LANGUAGES:
        for width in WIDTHS:
            context = browser.new_context(locale=language,
                                          extra_http_headers={"Accept-Language": language},
                                          viewport={"width": width, "height": 900})
            page = context.new_page()
            log_in(page, base, username)  # with the second factor where the role needs one
            try:
                yield language, width, page
            finally:
                context.close()


def _shot(page: Page, name: str, language: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{language}-{width}.png"), full_page=True)


@pytest.fixture
def crisis(users, make_household) -> dict[str, object]:
    """Households registered in September 2023; the clock stands in December 2026."""
    with clock.frozen_at(CRISIS):
        anahit = person_at(make_household, "kornidzor", given_name="Anahit",
                           family_name="Vardanyan", birth_date="1948")
        for n in range(6):
            person_at(make_household, "kornidzor", given_name=f"Narine{'x' * n}",
                      family_name="Petrosyan", birth_date=str(1980 + n))
    with clock.frozen_at(CRISIS + dt.timedelta(days=1)):
        second = make_household(site="goris", user=users["registrar"], members=[
            member(given_name="Анаит", family_name="Варданян", birth_date="1949")],
        ).members.get()
    return {"anahit": anahit, "second": second}


@pytest.fixture
def now_2026() -> Iterator[None]:
    with clock.frozen_at(TODAY):
        yield


def test_the_report_opens_on_the_days_with_arrivals(browser, live_server, crisis, now_2026):
    for language, width, page in _pages(browser, live_server.url, "coordinator"):
        page.goto(f"{live_server.url}/reports/")
        rows = page.locator("table.sitrep-days tbody tr")
        expect(rows).to_have_count(2)  # 25 and 26 Sep 2023, not every day up to 2026
        expect(page.locator("h1")).to_contain_text("2023")
        _shot(page, "report-period", language, width)
        page.goto(f"{live_server.url}/reports/?from=2023-09-01&to=2026-12-01")
        quiet = page.locator("table.sitrep-days tbody tr.quiet")
        expect(quiet).to_have_count(1)  # the quiet years after the crisis: one row
        assert page.locator("table.sitrep-days tbody tr").count() < 10
        _shot(page, "report-chosen-period", language, width)


def test_a_sites_figures_say_what_they_count(browser, live_server, crisis, now_2026):
    words = {"en": "Registered here", "hy": "Գրանցված են այստեղ", "ru": "Зарегистрированы здесь"}
    for language, width, page in _pages(browser, live_server.url, "coordinator"):
        page.goto(f"{live_server.url}/reports/?site=goris")
        figures = page.locator(".sitrep-figures")
        expect(figures).to_contain_text(words[language])
        assert "(raw)" not in figures.inner_text()
        _shot(page, "report-labels", language, width)


def test_hints_stay_after_a_refused_save(browser, live_server, crisis, now_2026):
    for language, width, page in _pages(browser, live_server.url, "registrar-goris"):
        page.goto(f"{live_server.url}/households/new/")
        page.fill("input[name=members-0-given_name]", "Anahit")
        page.fill("input[name=members-0-family_name]", "Vardanyan")
        page.select_option("select[name=members-0-sex]", "female")
        page.fill("input[name=members-0-birth_date]", "1948-02-31")  # no such day: refused
        expect(page.locator("#hint-0")).to_contain_text(crisis["second"].code)  # as typed
        page.wait_for_load_state("networkidle")  # the hint's requests done, as a clerk reads
        page.click("#register button[type=submit]")
        expect(page.locator("[aria-invalid=true], .field-error").first).to_be_visible()
        expect(page.locator("#hint-0")).to_contain_text(crisis["second"].code)
        _shot(page, "registration-hints", language, width)


@pytest.fixture
def pair(users, crisis) -> int:
    coordinator = actor_for(users["coordinator"])
    queue_pairs(coordinator, [scored(crisis["anahit"], crisis["second"], 0.9)])
    return int(ticket(crisis["anahit"], crisis["second"]).pk)


def test_the_review_page_speaks_the_clerks_words(browser, live_server, pair):
    phrase = {"en": "born a year apart", "hy": "ծնվել են մեկ տարի տարբերությամբ",
              "ru": "родились с разницей в год"}
    for language, width, page in _pages(browser, live_server.url, "coordinator"):
        page.goto(f"{live_server.url}/matches/{pair}/")
        levels = page.locator("table.pair td[data-level]")
        expect(levels.nth(0)).to_be_visible()
        shown = " ".join(levels.all_inner_texts())
        assert phrase[language] in shown
        for jargon in ("exact key match", "year ±1", "null", "Bayes"):
            assert jargon not in page.locator("table.pair").inner_text()
        expect(page.locator(".model-details code").first).to_be_hidden()  # numbers on demand
        page.locator(".model-details summary").click()
        expect(page.locator(".model-details")).to_contain_text("year ±1")
        _shot(page, "review-words", language, width)


def test_one_date_format_and_codes_that_do_not_wrap(browser, live_server, crisis):
    person = crisis["second"]
    for language, width, page in _pages(browser, live_server.url, "registrar-goris"):
        page.goto(f"{live_server.url}/persons/{person.code}/")
        text = page.locator("main").inner_text()
        assert not re.search(r"[ap]\.m\.|\d{2}/\d{2}/\d{4}", text)  # no US formats
        for code in page.locator(".code").all()[:5]:
            assert code.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
        _shot(page, "formats", language, width)


def test_names_not_codes(browser, live_server, crisis):
    province = {"en": "Syunik", "hy": "Սյունիք", "ru": "Сюник"}
    role = {"en": "Registrar", "hy": None, "ru": "Регистратор"}
    for language, width, page in _pages(browser, live_server.url, "admin"):
        page.goto(f"{live_server.url}/sites/")
        expect(page.locator("table")).to_contain_text(province[language])
        if language != "en":
            assert "Syunik" not in page.locator("table").inner_text()
        page.goto(f"{live_server.url}/users/")
        if role[language]:
            expect(page.locator("table")).to_contain_text(role[language])
        _shot(page, "labels", language, width)


def test_the_api_answers_401_naming_the_credentials(browser, live_server, sites):
    for language in LANGUAGES:
        context = browser.new_context(locale=language)
        response = context.request.post(f"{live_server.url}/api/v1/households",
                                        data={"site": "goris", "members": []})
        assert response.status == 401
        body = response.json()
        assert body["error"] == "unauthenticated"
        assert "Authorization" in body["errors"]
        context.close()


def test_a_merged_record_tells_its_story(browser, live_server, users, crisis):
    coordinator = actor_for(users["coordinator"])
    linkage_services.person_merge(actor=coordinator, person=str(crisis["second"].id),
                                  into=str(crisis["anahit"].id))
    words = {"en": "counted as the same person", "hy": "հաշվվում է որպես նույն անձը",
             "ru": "считается тем же человеком"}
    for language, width, page in _pages(browser, live_server.url, "coordinator"):
        page.goto(f"{live_server.url}/persons/{crisis['second'].code}/")
        timeline = page.locator("table.timeline")
        expect(timeline).to_contain_text(words[language])
        expect(timeline.locator("tr[data-action=arrived]")).to_have_count(1)
        expect(timeline.locator("tr[data-action=created]")).to_have_count(1)
        _shot(page, "history", language, width)


@pytest.mark.parametrize(("username", "panel"), [
    ("registrar-goris", "linkage/_home_pairs.html"),
    ("coordinator", "reports/_home_situation.html"),
    ("tracing", "registry/_home_flagged.html"),
    ("auditor", "audit/_home_denied.html"),
])
def test_each_role_has_its_home_page(browser, live_server, crisis, username, panel):
    for language, width, page in _pages(browser, live_server.url, username):
        page.goto(f"{live_server.url}/")
        expect(page.locator(f'[data-panel="{panel}"]')).to_be_visible()
        _shot(page, f"home-{username}", language, width)


def test_the_registration_page_is_light(browser, live_server, users):
    for language, width, page in _pages(browser, live_server.url, "registrar-goris"):
        sizes: list[int] = []
        page.on("response", lambda r, sizes=sizes: sizes.append(len(r.body() or b"")))
        page.goto(f"{live_server.url}/households/new/", wait_until="networkidle")
        assert sum(sizes) < 150_000, sum(sizes)  # uncompressed: stricter than "transferred"
        _shot(page, "registration", language, width)


