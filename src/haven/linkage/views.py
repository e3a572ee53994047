"""Review pages, unmerge and the registration hint: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from haven.accounts.access import actor_from_request
from haven.core.errors import Conflict, ValidationFailed
from haven.core.http import parse_id, parse_page
from haven.core.web import page
from haven.linkage import selectors, services
from haven.linkage.models import MatchState

STATE_CHOICES = (("open", gettext_lazy("Open")), ("confirmed", MatchState.CONFIRMED.label),
                 ("rejected", MatchState.REJECTED.label), ("moot", MatchState.MOOT.label))




@page
@require_http_methods(["GET", "POST"])
def match_list(request: HttpRequest) -> HttpResponse:
    """The review queue: pairs whose two records the reviewer may both see.

    A name to look for comes by POST (names stay out of URLs and logs); its answer is one
    page of the likeliest pairs.
    """
    actor = actor_from_request(request, "web")
    data = request.POST if request.method == "POST" else request.GET
    state = data.get("state", "open")
    state = state if state in selectors.STATE_FILTERS else "open"
    name = request.POST.get("name", "")[:200] if request.method == "POST" else ""
    found = selectors.match_queue(
        actor=actor, state=state, name=name, page=1 if name else parse_page(data.get("page")),
        per_page=selectors.MAX_PER_PAGE if name else selectors.PER_PAGE)
    return render(request, "linkage/match_list.html", {
        "page": found, "items": found.items, "state": state, "name": name,
        "states": [(v, str(label)) for v, label in STATE_CHOICES],
        "query": f"state={state}",
    })


@page
@require_http_methods(["GET", "POST"])
def match_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One pair side by side; Confirm / Reject / Skip, then the next pair."""
    actor = actor_from_request(request, "web")
    if request.method == "POST":
        number = parse_id(pk) or 0
        try:
            decided = services.match_decide(actor=actor, candidate=number,
                                            decision=request.POST.get("decision", ""))
        except ValidationFailed as exc:
            pair = selectors.match_get(actor=actor, candidate=pk)
            return render(request, "linkage/match_detail.html",
                          _pair_context(pair, errors=exc.errors), status=422)
        except Conflict as exc:  # a split that needs a reviewer who sees every record
            pair = selectors.match_get(actor=actor, candidate=pk)
            return render(request, "linkage/match_detail.html",
                          _pair_context(pair, errors={"decision": [exc.message]}),
                          status=409)
        messages.success(request, {
            MatchState.CONFIRMED: _("Confirmed: the two records are one person."),
            MatchState.REJECTED: _("Rejected: the two records are different people."),
        }.get(MatchState(decided.state), _("Skipped: the pair stays in the queue.")))
        following = selectors.match_next(actor=actor, after=decided.pk)
        if following is None:
            return redirect("match-list")
        return redirect("match-detail", pk=following)
    pair = selectors.match_get(actor=actor, candidate=pk)
    return render(request, "linkage/match_detail.html", _pair_context(pair))


def _pair_context(pair: selectors.Pair, errors: dict[str, list[str]] | None = None,
                  ) -> dict[str, Any]:
    return {"pair": pair, "candidate": pair.candidate, "left": pair.left, "right": pair.right,
            "rows": pair.rows, "percent": round(pair.candidate.probability * 100, 1),
            "errors": errors or {}, "bar_half": selectors.BAR_HALF,
            "same_cluster": (pair.left.merged_into_id or pair.left.id)
            == (pair.right.merged_into_id or pair.right.id)}


@page
@require_http_methods(["GET", "POST"])
def person_unmerge(request: HttpRequest, ref: str) -> HttpResponse:
    """Ask, then split a merged record from the person it was merged into."""
    actor = actor_from_request(request, "web")
    actor.require("review_matches")
    if request.method == "POST":
        try:
            services.person_unmerge(actor=actor, person=ref)
        except ValidationFailed as exc:
            person = selectors.unmerge_subject(actor=actor, ref=ref)
            return render(request, "linkage/unmerge.html",
                          {"person": person, "errors": exc.errors,
                           "links": selectors.person_links(actor=actor, person=person)},
                          status=422)
        messages.success(request, _("Unmerged: this record counts as a person of its own."))
        return redirect("person-detail", ref=ref)
    person = selectors.unmerge_subject(actor=actor, ref=ref)
    links = selectors.person_links(actor=actor, person=person)
    return render(request, "linkage/unmerge.html",
                  {"person": person, "links": links, "errors": {}})


@page
@require_http_methods(["GET", "POST"])
def registration_hint(request: HttpRequest) -> HttpResponse:
    """People already registered who may be the member being typed (htmx fragment).

    The member's fields arrive under their row's names (members-3-given_name, `row=3`),
    with the household's phone. By POST: names, birth dates and phones never go into a
    URL, where access logs and proxies would keep them (docs/security.md); a GET's query
    is not read at all, so a name put into a URL finds nothing.
    """
    actor = actor_from_request(request, "web")
    if request.method != "POST":
        return render(request, "linkage/_hints.html", {
            "hints": selectors.registration_hints(actor=actor)})
    row = request.POST.get("row", "")
    prefix = f"members-{row}-" if row.isascii() and row.isdigit() else "members-"
    fields: dict[str, str] = {"phone": str(request.POST.get("phone", ""))[:40]}
    for key, value in request.POST.items():
        name = key.removeprefix(prefix)
        if key.startswith(prefix) and name in {"given_name", "family_name", "birth_date"}:
            fields[name] = str(value)[:100]
    hints = selectors.registration_hints(
        actor=actor, given_name=fields.get("given_name", ""),
        family_name=fields.get("family_name", ""), birth_date=fields.get("birth_date", ""),
        phone=fields["phone"])
    return render(request, "linkage/_hints.html", {"hints": hints})
