"""Care and protection on the home page (haven.home.panels): referrals past their follow-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.core import clock
from haven.home.panels import Panel, panel
from haven.protection.selectors import referral_overdue_count

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@panel("coordinator", "protection_officer", order=40)
def overdue_referrals(actor: Actor) -> Panel | None:
    if not actor.policy.refer:
        return None
    count = referral_overdue_count(actor=actor, today=clock.today())
    return Panel(
        title=_("Referrals past their follow-up date"),
        template="protection/_home_overdue.html", context={"count": count},
        empty="" if count else _("No referral is overdue."),
        link=reverse("referral-overdue") if count else "", link_text=_("Open them"))
