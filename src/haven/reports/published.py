"""The situation report for roles limited to published tables: the publication's figures only.

A viewer (and an administrator, who runs the system rather than the caseload) has no
exact figures (`Policy.exact_figures`). `/api/v1/reports/sitrep` answers them in the
internal report's shape, but every count in it comes from the publication
(`haven.reports.publication`) — suppressed exactly as the open-data tables are — or is
null: withheld there, or not published at all (age bands, vulnerabilities, occupancy,
registrations to date). A count the publication does not hold is null by default, so a
figure added to the internal report later is never exact for these roles by accident.

The geography of the answer's `days` and `totals` is the request's when it is one the
publication has — all sites, one site, or every site of one province — and null
otherwise: `site=a&site=b` gives the published rows of `a` and `b`, never a new total.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from haven.reports.publication import ALL, Publication, publication_build
from haven.reports.rendering import sitrep_json
from haven.reports.services import sitrep_build

if TYPE_CHECKING:
    from haven.accounts.access import Actor

# Numbers that are attributes of a site, not counts of people: kept as they are.
SITE_ATTRIBUTES = frozenset({"capacity"})
_DATE_MEASURES = {"total": "individuals", "arrivals": "individuals", "female": "female",
                  "male": "male", "sex_unknown": "sex_unknown", "children": "children",
                  "adults": "adults", "elderly": "elderly", "age_unknown": "age_unknown",
                  "deaths": "killed", "injured": "injured", "households": "households"}
_DAY_MEASURES = {"new_arrivals": "new_arrivals", "cumulative_arrivals": "individuals",
                 "registrations": "registrations", "households": "households"}


def sitrep_answer(*, actor: Actor, date: dt.date, sites: Sequence[str] | None = None
                  ) -> dict[str, Any]:
    """Return the situation report as JSON: exact for roles with exact figures, else published."""
    report = sitrep_build(actor=actor, date=date, sites=sites)
    body = sitrep_json(report)
    if actor.policy.exact_figures:
        return body
    publication = publication_build(date=report.date)
    return sitrep_published(body, publication, sites=[s.slug for s in report.sites])


def sitrep_published(body: dict[str, Any], publication: Publication, *,
                     sites: list[str]) -> dict[str, Any]:
    """Return the report `body` with every count replaced by the publication's, or null."""
    out = _nulled(copy.deepcopy(body))
    date = publication.date.isoformat()
    for entry in out["sites"]:
        _fill(entry, publication, f"site:{entry['slug']}", date, _DATE_MEASURES)
    for entry in out["site_days"]:
        key = f"site:{entry['site']}"
        _fill(entry, publication, key, entry["date"], _DAY_MEASURES)
        if entry["date"] == date:
            _fill(entry, publication, key, date, _DATE_MEASURES)
    geography = _geography(publication, sites)
    if geography is not None:
        for entry in out["days"]:
            _fill(entry, publication, geography, entry["date"], _DAY_MEASURES)
            if entry["date"] == date:
                _fill(entry, publication, geography, date, _DATE_MEASURES)
        _fill(out["totals"], publication, geography, date, _DATE_MEASURES)
    out["suppressed_below"] = publication.threshold
    if body.get("aid") is not None:
        # Donors' money and goods are organisations' figures, published as they are; the
        # hand-outs count people, and stay withheld like every other count of people.
        out["aid"] = {**body["aid"], **dict.fromkeys(AID_PEOPLE_COUNTS)}
    return out


AID_PEOPLE_COUNTS = ("distributions", "households_served", "unregistered_served",
                     "people_served")


def _geography(publication: Publication, sites: list[str]) -> str | None:
    """Return the publication's geography that covers exactly `sites`, or None."""
    chosen = set(sites)
    for geography in publication.figures.geographies:
        if set(geography.sites) == chosen and (geography.key != ALL or len(chosen) > 1):
            return geography.key
    return None


def _nulled(value: Any, key: str = "") -> Any:
    """Return `value` with every count (an int that is not a site's attribute) as None."""
    if isinstance(value, dict):
        return {k: _nulled(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_nulled(v, key) for v in value]
    if isinstance(value, bool) or key in SITE_ATTRIBUTES:
        return value
    if isinstance(value, int | float):
        return None
    return value


def _fill(entry: dict[str, Any], publication: Publication, geography: str, date: str,
          measures: dict[str, str]) -> None:
    for field, measure in measures.items():
        if field in entry:
            entry[field] = publication.value((geography, date, measure))
