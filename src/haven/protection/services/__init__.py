"""Write care and protection records: referrals, incidents and casualties, the people left
behind. Each service checks the actor's capability, validates every field at once, and
writes its audit row in its transaction. One module per concept; these names are public.
"""

from haven.protection.services.casualties import (
    CasualtyInput,
    IncidentInput,
    casualty_identify,
    casualty_record,
    casualty_update,
    incident_create,
)
from haven.protection.services.left_behind import (
    LeftBehindInput,
    WelfareCheckInput,
    left_behind_register,
    left_behind_transfer,
    welfare_check_record,
)
from haven.protection.services.referrals import (
    ReferralInput,
    referral_accept,
    referral_complete,
    referral_create,
    referral_decline,
    referral_follow_up,
)

__all__ = [
    "CasualtyInput", "IncidentInput", "LeftBehindInput", "ReferralInput", "WelfareCheckInput",
    "casualty_identify", "casualty_record", "casualty_update", "incident_create",
    "left_behind_register", "left_behind_transfer", "referral_accept", "referral_complete",
    "referral_create", "referral_decline", "referral_follow_up", "welfare_check_record",
]
