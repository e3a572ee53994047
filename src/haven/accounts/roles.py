"""Roles and what each may do. `docs/roles.md` is this table in prose; a test keeps them equal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    REGISTRAR = "registrar", _("Registrar")
    TRACING_OFFICER = "tracing_officer", _("Tracing officer")
    PROTECTION_OFFICER = "protection_officer", _("Protection / medical officer")
    AUDITOR = "auditor", _("Auditor")
    VIEWER = "viewer", _("Viewer")


@dataclass(frozen=True)
class Policy:
    all_sites: bool = False  # records of every site, not only the user's own
    read_records: bool = False
    register: bool = False  # create households, record arrivals, edit records
    medical_fields: bool = False  # vulnerabilities, medical and protection notes
    read_aggregates: bool = False
    # The internal report's exact figures (dashboard, print, PDF, /api/v1/reports/sitrep).
    # Without it, a role with read_aggregates receives only the published tables: fixed
    # geographies, small counts suppressed once for every request (haven.reports.publication).
    exact_figures: bool = False
    read_audit: bool = False
    manage_sites: bool = False
    manage_users: bool = False
    # Review the linkage queue, merge and unmerge: only pairs whose two records are both
    # within the user's sites (`all_sites` for every site).
    review_matches: bool = False


POLICIES: dict[str, Policy] = {
    # Administrators run the system, not the caseload: no personal records, and of the
    # figures only the published tables (as viewers).
    Role.ADMINISTRATOR: Policy(all_sites=True, read_aggregates=True, manage_sites=True,
                               manage_users=True),
    Role.COORDINATOR: Policy(all_sites=True, read_records=True, register=True,
                             read_aggregates=True, exact_figures=True, review_matches=True),
    Role.REGISTRAR: Policy(read_records=True, register=True, read_aggregates=True,
                           exact_figures=True, review_matches=True),
    # Tracing searches across the whole registry for the missing.
    Role.TRACING_OFFICER: Policy(all_sites=True, read_records=True, read_aggregates=True,
                                 exact_figures=True),
    Role.PROTECTION_OFFICER: Policy(read_records=True, register=True, medical_fields=True,
                                    read_aggregates=True, exact_figures=True,
                                    review_matches=True),
    Role.AUDITOR: Policy(all_sites=True, read_audit=True),
    Role.VIEWER: Policy(all_sites=True, read_aggregates=True),
}


def policy_for(role: str) -> Policy:
    """Return the role's policy; an unknown role may do nothing."""
    return POLICIES.get(role, Policy())
