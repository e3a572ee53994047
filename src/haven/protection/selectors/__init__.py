"""Read care and protection records within what the actor may see; audit every read.

One module per concept (referrals, casualties, left_behind); this package's names are the
public surface. `casualty_figures` feeds the situation report's deaths and injuries.
"""

from haven.protection.selectors.casualties import (
    CasualtyFigures,
    CasualtyFilters,
    CasualtyView,
    IncidentSummary,
    casualty_figures,
    casualty_get,
    casualty_list,
    incident_get,
    incident_list,
)
from haven.protection.selectors.left_behind import (
    LeftBehindFilters,
    is_check_overdue,
    left_behind_get,
    left_behind_list,
)
from haven.protection.selectors.referrals import (
    OverdueReferrals,
    ReferralFilters,
    ReferralView,
    is_overdue,
    referral_get,
    referral_list,
    referral_overdue,
    referral_overdue_count,
)

__all__ = [
    "CasualtyFigures", "CasualtyFilters", "CasualtyView", "IncidentSummary",
    "LeftBehindFilters", "OverdueReferrals", "ReferralFilters", "ReferralView",
    "casualty_figures", "casualty_get", "casualty_list", "incident_get", "incident_list",
    "is_check_overdue", "is_overdue", "left_behind_get", "left_behind_list", "referral_get",
    "referral_list", "referral_overdue", "referral_overdue_count",
]
