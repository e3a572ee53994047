"""Every page, as each role, in Armenian and Russian: no English word of the catalogue left.

The pages come from the URL resolver (haven.testing.pages), so a page another app adds
later is judged too; its parameters come from `FILLERS` there. A word that is rightly the
same in every language (a proper name, a format) goes in
`haven.testing.english.ALLOWED_WORDS` with its reason; a code or a user name goes inside
`<span class="code">` or an element with `translate="no"`. The default run walks one
user per kind of home page; the exhaustive variant (`-m slow`) walks every demo user.
"""

from __future__ import annotations

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.testing.english import data_words, english_words
from haven.testing.pages import demo_everything, pages_for, unwalkable

pytestmark = pytest.mark.django_db

SHORT_FORM = ("registrar-goris", "coordinator", "tracing", "auditor")


def _walk(usernames: list[str], languages: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    typed = data_words()
    for username in usernames:
        user = User.objects.get(username=username)
        for language in languages:
            client = Client(headers={"Accept-Language": language})
            client.force_login(user)
            for path in pages_for(user):
                response = client.get(path)
                if response.status_code != 200 or response.streaming or \
                        not response["Content-Type"].startswith("text/html"):
                    continue
                words = english_words(response.content.decode(), typed=typed)
                if words:
                    found[f"{language} {username} {path}"] = words
    return found


@pytest.fixture
def demo(settings):
    settings.ALLOWED_HOSTS = ["*"]
    demo_everything()


def test_every_parametrised_page_has_a_way_to_be_walked():
    assert unwalkable() == [], "add a filler in haven.testing.pages.FILLERS (or NOT_WALKED)"


def test_the_checker_finds_english_and_raw_codes_and_spares_codes_and_names():
    assert english_words("<p>Situation report</p>") == ["Situation", "report"]
    assert english_words("<td>registrar</td>") == ["registrar"]
    assert english_words('<p>Կայք: — → <span class="code">goris</span></p>') == []
    assert english_words("<p>Haven · HXL · Goris</p>") == []
    assert english_words('<input placeholder="Situation report">') == ["Situation", "report"]
    assert english_words("<p>registrar-goris</p>") == []  # a user name, one token
    assert english_words("<p>explosion</p>", typed=frozenset({"explosion"})) == []


def test_no_english_on_any_page_of_the_short_form(demo):
    found = _walk(list(SHORT_FORM), ("hy", "ru"))
    assert not found, "\n".join(f"{k}: {v}" for k, v in sorted(found.items()))


@pytest.mark.slow
def test_no_english_on_any_page_as_any_demo_user(demo):
    found = _walk(list(User.objects.values_list("username", flat=True)), ("hy", "ru"))
    assert not found, "\n".join(f"{k}: {v}" for k, v in sorted(found.items()))
