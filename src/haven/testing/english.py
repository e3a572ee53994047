"""Find English left on an Armenian or Russian page: words of the English catalogue.

The English vocabulary is every word of every msgid in Haven's catalogues (the strings
people read), plus the codes that must never reach a reader (role codes, the demo's site
slugs). A page's visible text (and its title, placeholder, aria-label and alt attributes)
is split into Latin words; any word of that vocabulary is English left untranslated,
unless it is allowed:

- `ALLOWED_WORDS`: proper names and international words written the same in every
  language (Haven, HXL, CSV, PDF...). Add a word here with the reason when a page
  rightly shows it;
- words that occur in the database's free text (what people typed: a casualty's
  circumstances, a donor's name) are data, shown as typed (`data_words`);
- text inside `<code>`, `class="code"`, `<script>`, `<style>` and `translate="no"`
  elements (HTML's own mark for "not to be translated") is never read: codes such as
  HVN-7K4Q-MX2P-RT3C, user names, technical examples.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
# On a page, a word joined by hyphens or underscores is one token: `registrar-goris` is a
# user name, `tracing_officer` a role code.
TOKEN = re.compile(r"[A-Za-z][A-Za-z'’_-]*[A-Za-z]")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{\{[^}]*\}\}|<[^>]+>|&[a-z]+;")
# Proper names and words that are the same in every language, and why.
ALLOWED_WORDS = frozenset({
    "haven",  # the product's name
    "hxl", "csv", "xlsx", "pdf", "json", "dtm", "api", "odk", "kobo", "kobotoolbox",
    "collect", "enketo", "pfif", "usd", "eur", "gbp", "amd", "rub", "iso", "pcode",
    "ocha", "cod", "utf", "bom", "url", "http", "https", "qr", "uuid", "totp", "svg",
    "yyyy", "mm", "dd", "bearer", "authorization", "token", "hvn",  # formats and protocols
    "english",  # the language switch names each language in itself
    "anna",  # the example user name (anna.petrosyan) on the new-user form
    "armenia",  # in some msgids as a place, also a proper name in data
    "syunik", "goris", "vayk", "kornidzor", "stepanakert", "lachin", "berkadzor",
    "yerevan", "vayots", "dzor",  # places typed by people (settlement), shown as typed
    "iran", "usaid", "unhcr", "icrc", "unicef", "wfp", "iom",  # donors and agencies as named
    "fts", "central",  # OCHA's Financial Tracking Service, ODK Central
    "aegis", "freeotp",  # authenticator apps
    "sha", "xml", "zip",  # formats and algorithms
})
# Fixed English phrases a translation rightly keeps: commands to type, another tool's own
# menu labels, key names. Removed from the page's text before its words are read.
ALLOWED_PHRASES = (
    "haven evidence verify FILE.zip",  # commands, typed as written
    "haven token create NAME",
    "CSV with repeats",  # ODK Central's export menu, as Central names it
    "Enter",  # the key, as keyboards and scanners name it
    "Google Authenticator", "1Password",  # authenticator apps, by their names
    "People Finder Interchange Format", "Google Person Finder",  # PFIF, a standard's name
)
# Codes that must never reach a reader in any language.
RAW_CODES = frozenset({"registrar", "coordinator", "administrator", "tracing_officer",
                       "protection_officer", "auditor", "viewer", "unknown", "null"})
SKIPPED_TAGS = {"script", "style", "code", "template"}
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


@cache
def english_vocabulary() -> frozenset[str]:
    """Return the lower-case words of every msgid of Haven's catalogues, and the raw codes."""
    words: set[str] = set()
    for po in PACKAGE.glob("**/locale/hy/LC_MESSAGES/django.po"):
        text = po.read_text(encoding="utf-8")
        for block in text.split("\n\n"):
            if block.lstrip().startswith("#~"):
                continue
            found = re.findall(r'^msgid(?:_plural)? "(.*)"((?:\n".*")*)', block, flags=re.M)
            for first, rest in found:
                message = first + "".join(re.findall(r'"(.*)"', rest))
                words.update(w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", message)))
    return frozenset((words | RAW_CODES) - ALLOWED_WORDS)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        void = tag in {"input", "img", "br", "meta", "link", "hr", "source", "area", "col"}
        if not void and (self.skipping or tag in SKIPPED_TAGS or "code" in classes
                         or values.get("translate") == "no"):
            self.skipping.append(tag)
            return
        if not self.skipping and "code" not in classes:
            self.parts.extend(v for k, v in attrs if k in READ_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def data_words() -> frozenset[str]:
    """Return the lower-case words people typed into the database (free text, not codes)."""
    from django.apps import apps  # noqa: PLC0415 - with the database
    from django.db import models  # noqa: PLC0415

    words: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("haven."):
            continue
        fields = [f.name for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField) and not f.choices
                  and not isinstance(f, models.SlugField) and f.name not in {"role", "action"}]
        for row in model._default_manager.values_list(*fields) if fields else []:
            for value in row:
                if isinstance(value, str):
                    words.update(w.lower() for w in WORD.findall(value))
    return frozenset(words - RAW_CODES)


def english_words(html: str, *, typed: frozenset[str] = frozenset()) -> list[str]:
    """Return the English words (of the catalogue, or raw codes) a page shows its reader.

    `typed`: words people typed into the database (`data_words`), allowed as data.
    """
    vocabulary = english_vocabulary()
    found = set()
    text = " ".join(visible_text(html).split())  # a phrase may wrap across lines
    for phrase in ALLOWED_PHRASES:
        text = text.replace(phrase, " ")
    for token in TOKEN.findall(text):
        word = token.lower()
        if word in RAW_CODES or (word in vocabulary and word not in typed):
            found.add(token)
    return sorted(found)
