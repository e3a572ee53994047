"""The linkage review queue on the home page (haven.home.panels): pairs waiting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.home.panels import Panel, panel
from haven.linkage.selectors import match_open_count

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@panel("registrar", "coordinator", "tracing_officer", "administrator", order=20)
def review_pairs(actor: Actor) -> Panel | None:
    """How many pairs of records wait for a person to say whether they are one person."""
    if not actor.policy.review_matches:
        return None
    count = match_open_count(actor=actor)
    return Panel(
        title=_("Pairs waiting for review"), template="linkage/_home_pairs.html",
        context={"count": count},
        empty="" if count else _("No pairs wait for review. New ones appear after each "
                                 "linkage run."),
        link=reverse("match-list") if count else "", link_text=_("Review them"))
