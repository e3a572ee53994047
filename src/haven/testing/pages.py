"""Walk every page of Haven from the URL resolver, as a given user, on the demo data.

The every-page language test (tests/test_every_page_language.py) and the page benchmark
(bench/pages.py) share this walk, so that a page another app adds later is judged without
anyone listing it:

- a pattern without parameters is walked as it is;
- a pattern with parameters is walked once with the values `FILLERS[name](user)` returns
  (a household code, a site slug...); a new parametrised page either adds a filler here
  or is named in `NOT_WALKED` with the reason;
- the API, OpenRosa, the language switch and logging out are not pages (`SKIPPED_PREFIXES`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

if TYPE_CHECKING:
    from haven.accounts.models import User

# Whole areas that are not pages a person reads.
SKIPPED_PREFIXES = ("api/", "openrosa/", "i18n/", "logout/", "acting-site/")
# Parametrised pages walked without a filler, and why. A new one belongs in FILLERS.
NOT_WALKED: dict[str, str] = {
    "import-job": "needs an import job; tests/intake cover it",
    "import-job-progress": "a fragment polled by the import page",
    "import-job-report": "a CSV download",
    "documentation-file": "an encrypted file download",
    "testimony-withdraw": "a confirmation form on a testimony",
    "reception-card": "a PDF download",
    "person-unmerge": "a POST form",
    "reports-chart": "an image of the report page, fetched by it; haven.reports tests cover it",
}


def _first(model: Any, **filters: Any) -> Any:
    return model.objects.filter(**filters).order_by("pk").first()


def _household(user: User) -> dict[str, str] | None:
    from haven.registry.selectors import households_visible  # noqa: PLC0415
    from haven.testing.factories import actor_for  # noqa: PLC0415

    household = households_visible(actor_for(user)).order_by("pk").first()
    return {"ref": household.code} if household else None


def _person(user: User) -> dict[str, str] | None:
    from haven.registry.selectors import persons_visible  # noqa: PLC0415
    from haven.testing.factories import actor_for  # noqa: PLC0415

    # A merged record, where there is one: its history has the most to say.
    visible = persons_visible(actor_for(user))
    person = visible.filter(merged_into__isnull=False).order_by("pk").first() \
        or visible.order_by("pk").first()
    return {"ref": person.code} if person else None


def _site(key: str) -> Callable[[User], dict[str, str] | None]:
    def fill(user: User) -> dict[str, str] | None:
        from haven.registry.models import Site  # noqa: PLC0415

        own = list(user.sites.order_by("slug"))
        site = own[0] if own else _first(Site, slug="goris") or _first(Site)
        return {key: site.slug} if site else None

    return fill


def _pk(model_path: str, key: str = "pk") -> Callable[[User], dict[str, str] | None]:
    def fill(_user: User) -> dict[str, str] | None:
        from django.apps import apps  # noqa: PLC0415

        found = _first(apps.get_model(model_path))
        # Records with a public code are addressed by it, the others by their key.
        return {key: str(getattr(found, "code", None) or found.pk)} if found else None

    return fill


def _username(_user: User) -> dict[str, str]:
    return {"username": "registrar-goris"}


FILLERS: dict[str, Callable[[User], dict[str, str] | None]] = {
    "household-detail": _household,
    "aid-household": _household,
    "homes-of-origin": _household,
    "person-detail": _person,
    "site-edit": _site("slug"),
    "device-site": _site("site"),
    "reception-site": _site("site"),
    "reception-waiting": _site("site"),
    "user-detail": _username,
    "match-detail": _pk("linkage.MatchCandidate"),
    "aid-contribution": _pk("aid.Contribution"),
    "heritage-detail": _pk("documentation.HeritageSite"),
    "testimony-detail": _pk("documentation.Testimony"),
    "reception-placement": _pk("reception.Placement"),
    "reception-run": _pk("reception.Run"),
    "referral-detail": _pk("protection.Referral", "referral"),
    "casualty-detail": _pk("protection.Casualty", "casualty"),
    "left-behind-detail": _pk("protection.LeftBehind", "entry"),
    "tracing-request": _pk("tracing.TracingRequest"),
}


def url_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Yield (route, pattern) for every named page outside `SKIPPED_PREFIXES`."""

    def walk(resolver: URLResolver, prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            elif entry.name:
                yield route, entry

    yield from walk(get_resolver(), "")


def unwalkable() -> list[str]:
    """Return the parametrised pages with neither a filler nor a reason in NOT_WALKED."""
    return [p.name or "" for _route, p in url_patterns()
            if p.pattern.regex.groups and p.name not in FILLERS and p.name not in NOT_WALKED]


# Files to download, not pages to read (and the slowest to make: a PDF takes seconds).
DOWNLOADS = (".pdf", ".csv", ".xlsx", ".zip")


def pages_for(user: User) -> list[str]:
    """Return the path of every page to walk as `user` (whether their role may see it or not).

    Downloads (`DOWNLOADS`) are left out: they are files, not pages.
    """
    paths: list[str] = []
    for _route, pattern in url_patterns():
        name = pattern.name or ""
        if not pattern.pattern.regex.groups:
            paths.append(reverse(name))
        elif name in FILLERS:
            kwargs = FILLERS[name](user)
            if kwargs is not None:
                paths.append(reverse(name, kwargs=kwargs))
    return [p for p in dict.fromkeys(paths) if not p.endswith(DOWNLOADS)]


def demo_everything() -> None:
    """Load what `haven demo` loads (sites, users, households, links, aid, care, reception)."""
    from haven.accounts.access import Actor  # noqa: PLC0415
    from haven.accounts.models import User  # noqa: PLC0415
    from haven.aid.demo import aid_demo_load  # noqa: PLC0415
    from haven.documentation.demo import documentation_demo_load  # noqa: PLC0415
    from haven.linkage.services import linkage_run  # noqa: PLC0415
    from haven.protection.demo import protection_demo_load  # noqa: PLC0415
    from haven.reception.demo import reception_demo_load  # noqa: PLC0415
    from haven.registry.demo import demo_load  # noqa: PLC0415

    demo_load()
    aid_demo_load()
    documentation_demo_load()
    linkage_run(actor=Actor(user=User.objects.get(username="coordinator"), channel="cli"))
    protection_demo_load()
    reception_demo_load()
