"""The linkage JSON API: the review queue, a pair, a decision, registration hints."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from haven.accounts.access import Actor
from haven.core.http import parse_id, reject_unknown_params
from haven.linkage import selectors, services
from haven.linkage.models import MatchCandidate
from haven.linkage.schemas import (
    DecisionIn,
    HintOut,
    HintQuery,
    MatchDetailOut,
    MatchPage,
    MatchQuery,
)
from haven.registry.models import Person
from haven.registry.schemas import ErrorOut

router = Router()
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 409, 422): ErrorOut}


def actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


def _record(person: Person, merged_into: dict[Any, str]) -> dict[str, Any]:
    household = person.household
    return {
        "id": str(person.id), "code": person.code, "household_code": household.code,
        "site": household.registered_at.slug, "given_name": person.given_name,
        "family_name": person.family_name, "patronymic": person.patronymic, "sex": person.sex,
        "birth_date": person.birth_date, "document_number": person.document_number,
        "place_of_origin": household.place_of_origin, "phone": household.phone,
        # The code only of a record the reader may see (registry.selectors'
        # person_codes_visible); otherwise only that the record is merged.
        "merged_into": merged_into.get(person.id),
        "merged": person.merged_into_id is not None,
    }


def _ticket(candidate: MatchCandidate, left: Person, right: Person,
            merged_into: dict[Any, str]) -> dict[str, Any]:
    return {"id": candidate.pk, "state": candidate.state, "probability": candidate.probability,
            "match_weight": candidate.match_weight, "left": _record(left, merged_into),
            "right": _record(right, merged_into), "updated_at": candidate.updated_at}


@router.get("/matches", response={200: MatchPage, **ERRORS}, tags=["linkage"])
def list_matches(request: HttpRequest, query: Query[MatchQuery]) -> dict[str, Any]:
    """List the pairs to review whose two records you may both see, likeliest first."""
    reject_unknown_params(request, MatchQuery)
    page = selectors.match_queue(actor=actor(request), state=query.state, page=query.page,
                                 per_page=query.per_page)
    merged_into = selectors.merged_into_codes(
        actor=actor(request), persons=[p for c in page.items for p in (c.left, c.right)])
    return {"page": page.number, "pages": page.pages, "total": page.total,
            "items": [_ticket(c, c.left, c.right, merged_into) for c in page.items]}


def _detail(request: HttpRequest, pair: selectors.Pair) -> dict[str, Any]:
    merged_into = selectors.merged_into_codes(actor=actor(request),
                                              persons=[pair.left, pair.right])
    return {**_ticket(pair.candidate, pair.left, pair.right, merged_into),
            "comparisons": [{"field": row["label"], "left": row["left"], "right": row["right"],
                             "level": row["level"], "bayes_factor": row["factor"]}
                            for row in pair.rows]}


@router.get("/matches/{match}", response={200: MatchDetailOut, **ERRORS}, tags=["linkage"])
def get_match(request: HttpRequest, match: str) -> dict[str, Any]:
    """Return a pair side by side, with how each field compares and its Bayes factor."""
    return _detail(request, selectors.match_get(actor=actor(request), candidate=match))


@router.post("/matches/{match}/decision", response={200: MatchDetailOut, **ERRORS},
             tags=["linkage"])
def decide_match(request: HttpRequest, match: str, payload: DecisionIn) -> dict[str, Any]:
    """Confirm (merge), reject (keep apart; split if merged) or skip a pair."""
    number = parse_id(match) or 0
    services.match_decide(actor=actor(request), candidate=number, decision=payload.decision)
    return _detail(request, selectors.match_get(actor=actor(request), candidate=number))


@router.get("/registration-hints", response={200: list[HintOut], **ERRORS}, tags=["linkage"])
def registration_hints(request: HttpRequest, query: Query[HintQuery]) -> list[dict[str, Any]]:
    """People already registered at your sites who may be the person being registered."""
    reject_unknown_params(request, HintQuery)
    hints = selectors.registration_hints(
        actor=actor(request), given_name=query.given_name, family_name=query.family_name,
        birth_date=query.birth_date, phone=query.phone)
    return [{k: v for k, v in dataclasses.asdict(h).items() if k != "site_name"}
            for h in hints]
