"""The audit log on the auditor's home page (haven.home.panels): recent denied access."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.audit.models import AuditEvent, Outcome
from haven.home.panels import Panel, panel

if TYPE_CHECKING:
    from haven.accounts.access import Actor

RECENT = 10


@panel("auditor", order=10)
def denied_access(actor: Actor) -> Panel | None:
    """The latest refused attempts: who tried what (staff accounts, no person's data)."""
    if not actor.policy.read_audit:
        return None
    events = list(AuditEvent.objects.filter(outcome=Outcome.DENIED)
                  .order_by("-at", "-id")[:RECENT])
    return Panel(
        title=_("Recent denied access"), template="audit/_home_denied.html",
        context={"events": events},
        empty="" if events else _("No access has been denied."),
        link=reverse("audit-list") + "?outcome=denied", link_text=_("Open the audit log"))
