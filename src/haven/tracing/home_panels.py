"""Family tracing on the home page (haven.home.panels): the desk's requests and new alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.home.panels import Panel, panel
from haven.tracing.selectors import desk_figures

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@panel("tracing_officer", "coordinator", order=10)
def tracing_desk(actor: Actor) -> Panel | None:
    figures = desk_figures(actor=actor)
    if figures is None:
        return None
    busy = figures.open_requests or figures.new_alerts or figures.children_followed
    return Panel(
        title=_("Open requests and new alerts"),
        template="tracing/_home_desk.html", context={"figures": figures},
        empty="" if busy else _("No open tracing request, no new alert and no child "
                                "being followed. A family's request starts at “New request”."),
        link=reverse("tracing-list") if busy else reverse("tracing-request-new"),
        link_text=_("Open the requests") if busy else _("New request"))
