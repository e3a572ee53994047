"""The 2023 pledges as demo data (the source article, BRIEF.md): loading twice adds nothing.

Iran donated 50 tons of aid, the UK pledged £1 million, the EU €5 million and USAID
$11.5 million. The exchange rates are the market rates of those days, rounded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from haven.accounts.access import Actor
from haven.accounts.models import User
from haven.aid import services
from haven.aid.models import Donor

RATES = [("GBP", dt.date(2023, 9, 26), Decimal("1.2153")),
         ("EUR", dt.date(2023, 9, 27), Decimal("1.0502"))]
DONORS = [("Islamic Republic of Iran", "government", "IR"),
          ("United Kingdom", "government", "GB"),
          ("European Union", "multilateral", ""),
          ("USAID", "government", "US")]


def aid_demo_load() -> int:
    """Record the 2023 pledges (and Iran's delivery to Goris) unless a donor is there already."""
    if Donor.objects.filter(name__in=[name for name, _k, _c in DONORS]).exists():
        return 0
    coordinator = Actor(user=User.objects.get(username="coordinator"), channel="cli")
    admin = Actor(user=User.objects.get(username="admin"), channel="cli")
    with transaction.atomic():
        for currency, on, rate in RATES:
            services.exchange_rate_set(actor=admin, currency=currency, date=on,
                                       usd_per_unit=rate)
        for name, kind, country in DONORS:
            services.donor_create(actor=coordinator, name=name, kind=kind, country=country)
        iran = services.contribution_create(
            actor=coordinator, contribution=services.ContributionInput(
                donor="Islamic Republic of Iran", kind="in_kind", status="paid",
            date=dt.date(2023, 9, 29), item="Food and medicines", quantity="50", unit="tons",
            sector="multi_sector", need="Displaced people from Nagorno-Karabakh"))
        services.delivery_record(actor=coordinator, contribution=iran.pk, site="goris",
                                 quantity="50", received_on=dt.date(2023, 9, 30),
                                 note="Two trucks")
        for donor, amount, currency, on in (
                ("United Kingdom", "1000000", "GBP", dt.date(2023, 9, 26)),
                ("European Union", "5000000", "EUR", dt.date(2023, 9, 27)),
                ("USAID", "11500000", "USD", dt.date(2023, 9, 26))):
            services.contribution_create(
                actor=coordinator, contribution=services.ContributionInput(
                    donor=donor, kind="cash", status="pledge", date=on, amount=amount,
                currency=currency, sector="multi_sector"))
    return len(DONORS)
