"""Write the registry: sites, household registration, arrivals, corrections.

Every channel (web form, API, ODK, import, scenario replay) registers through
`household_register`, so validation, codes, arrivals and audit are the same for all.
One module per concept; this package's names are the public surface.
"""

from haven.registry.services.arrivals import arrival_record, arrivals_record
from haven.registry.services.corrections import household_update, person_update
from haven.registry.services.registration import (
    BatchOutcome,
    CheckedHouseholds,
    HouseholdRows,
    household_register,
    households_check,
    households_register,
    households_rows,
)
from haven.registry.services.sites import SiteInput, site_create, site_update
from haven.registry.services.validation import (
    MAX_DOCUMENT_NUMBER,
    MAX_MEMBERS,
    MAX_PLACE,
    MAX_SITE_TEXT,
    HouseholdInput,
    MemberInput,
    problem_text,
)

__all__ = [
    "MAX_DOCUMENT_NUMBER", "MAX_MEMBERS", "MAX_PLACE", "MAX_SITE_TEXT", "BatchOutcome",
    "CheckedHouseholds", "HouseholdInput", "HouseholdRows", "MemberInput", "SiteInput",
    "arrival_record", "arrivals_record", "household_register", "household_update",
    "households_check", "households_register", "households_rows", "person_update",
    "problem_text", "site_create", "site_update",
]
