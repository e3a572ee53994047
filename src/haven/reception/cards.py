"""Household cards that work on paper: A6, black on white, a QR code for every code.

A card carries the household's code and, for each member, the name as it was typed,
its Latin spelling (for a clerk who reads neither Armenian nor Cyrillic), the member's
own code and a QR code of it, and the site and date it was issued. A scanner reading the
QR code types the code into any code field. Nothing else: no birth date, no document
number, no vulnerability; a lost card tells a finder a family's names and no more.

One household prints as A6 pages; several print as A4 sheets of four A6 cards with cut
lines, for an ordinary office printer. The labels are in the three languages at once:
the card is read by clerks of each.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import segno
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, ValidationFailed
from haven.reception.common import living
from haven.reception.selectors.people import Name, name_of
from haven.registry.models import Household, Site
from haven.registry.selectors import household_get, site_by_slug

if TYPE_CHECKING:
    from haven.accounts.access import Actor

MEMBERS_PER_CARD = 6  # rows that fit an A6 card with their QR codes
MAX_HOUSEHOLDS = 200
HOUSEHOLD_QR_MM = 0.75  # module sizes: a version 1 code is 21 modules, 25 with its border
MEMBER_QR_MM = 0.55


def qr_image(code: str, module_mm: float) -> str:
    """Return a data: URL of the QR code of `code` as SVG, `module_mm` millimetres a module."""
    svg = segno.make(code, error="m", micro=False).svg_inline(
        scale=module_mm, unit="mm", border=2, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@dataclass(frozen=True)
class CardMember:
    name: Name
    qr: str


@dataclass(frozen=True)
class Card:
    """One A6 face: a household's code and up to six of its members."""

    household: str
    household_qr: str
    site: str
    issued: dt.date
    members: list[CardMember]
    part: int  # 1-based, for a household whose members fill several cards
    parts: int


def household_cards(household: Household, *, site: Site, issued: dt.date) -> list[Card]:
    """Return the card faces of one household (its living members, as the actor sees them)."""
    members = [CardMember(name=name_of(m), qr=qr_image(m.code, MEMBER_QR_MM))
               for m in living(list(household.members.all()))]
    chunks = [members[i:i + MEMBERS_PER_CARD]
              for i in range(0, len(members), MEMBERS_PER_CARD)] or [[]]
    household_qr = qr_image(household.code, HOUSEHOLD_QR_MM)
    site_name = " · ".join(dict.fromkeys(n for n in (site.name_en, site.name_hy, site.name_ru)
                                         if n))
    return [Card(household=household.code, household_qr=household_qr, site=site_name,
                 issued=issued, members=chunk, part=i + 1, parts=len(chunks))
            for i, chunk in enumerate(chunks)]


@dataclass(frozen=True)
class CardDocument:
    pdf: bytes
    file_name: str
    households: int
    cards: int


def _households(actor: Actor, codes: list[str]) -> list[Household]:
    if not codes:
        raise ValidationFailed.single("households", _("name at least one household"))
    if len(codes) > MAX_HOUSEHOLDS:
        raise ValidationFailed.single("households", _("at most %(n)d households at once")
                                      % {"n": MAX_HOUSEHOLDS})
    found: list[Household] = []
    for index, code in enumerate(codes):
        try:
            household = household_get(actor=actor, ref=(code or "").strip())
        except NotFound:
            # As a read of a record: one the actor may not see is one that does not exist.
            raise NotFound(_("No such household: households[%(index)d].")
                           % {"index": index}) from None
        if household.id not in {h.id for h in found}:
            found.append(household)
    return found


def cards_html(cards: list[Card], *, sheet: bool) -> str:
    return render_to_string("reception/cards.html", {"cards": cards, "sheet": sheet,
                                                     "pages": _pages(cards, sheet)})


def _pages(cards: list[Card], sheet: bool) -> list[list[Card]]:
    per_page = 4 if sheet else 1
    return [cards[i:i + per_page] for i in range(0, len(cards), per_page)]


def cards_pdf(*, actor: Actor, households: list[str], site: str = "",
              sheet: bool | None = None) -> CardDocument:
    """Return the cards of households the actor may see, as a PDF; audit the printing.

    `site` is the issuing site printed on the cards (the household's registration site if
    not given or not one of the actor's). One household prints on A6 pages, several on
    A4 sheets of four cards (`sheet` chooses).
    """
    actor.require("print_cards")
    chosen = _households(actor, households)
    issuing = site_by_slug(site) if site else None
    if issuing is not None and not actor.may_see_site(issuing.id):
        issuing = None
    issued = timezone.localdate(clock.now(), timezone=_zone())
    cards: list[Card] = []
    for household in chosen:
        cards.extend(household_cards(household, site=issuing or household.registered_at,
                                     issued=issued))
    as_sheet = len(chosen) > 1 if sheet is None else sheet
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.CARD_PRINT, target_type="household",
                     target_ids=[i for h in chosen for i in
                                 (h.id, *(m.id for m in h.members.all()))],
                     site=issuing.slug if issuing else "")
    from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy, only when printing

    pdf = bytes(HTML(string=cards_html(cards, sheet=as_sheet), base_url=None).write_pdf())
    name = (f"haven-card-{chosen[0].code}.pdf" if len(chosen) == 1
            else f"haven-cards-{issued.isoformat()}-{len(chosen)}.pdf")
    return CardDocument(pdf=pdf, file_name=name, households=len(chosen), cards=len(cards))


def _zone() -> dt.tzinfo:
    import zoneinfo  # noqa: PLC0415

    return zoneinfo.ZoneInfo(settings.TIME_ZONE)
