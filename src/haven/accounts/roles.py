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
    read_audit: bool = False
    manage_sites: bool = False
    manage_users: bool = False
    # Review the linkage queue, merge and unmerge: only pairs whose two records are both
    # within the user's sites (`all_sites` for every site).
    review_matches: bool = False
    # Care and protection (haven.protection), within the user's sites (`all_sites`: every
    # site). Free-text medical and protection details need `medical_fields` besides.
    refer: bool = False  # refer people to services and sites; answer referrals received
    record_casualties: bool = False  # incidents; record and identify the dead, injured, missing
    read_casualties: bool = False  # read that register (tracing looks for the missing in it)
    care_left_behind: bool = False  # people left behind: register, welfare checks, transfer
    read_left_behind: bool = False  # read that register


POLICIES: dict[str, Policy] = {
    # Administrators run the system, not the caseload: no personal records.
    Role.ADMINISTRATOR: Policy(all_sites=True, read_aggregates=True, manage_sites=True,
                               manage_users=True),
    Role.COORDINATOR: Policy(all_sites=True, read_records=True, register=True,
                             read_aggregates=True, review_matches=True,
                             refer=True, record_casualties=True, read_casualties=True,
                             care_left_behind=True, read_left_behind=True),
    Role.REGISTRAR: Policy(read_records=True, register=True, read_aggregates=True,
                           review_matches=True),
    # Tracing searches across the whole registry for the missing.
    # Tracing officers read the casualty and left-behind registers (without medical
    # details): the dead, the missing and those left behind are whom families ask about.
    Role.TRACING_OFFICER: Policy(all_sites=True, read_records=True, read_aggregates=True,
                                 read_casualties=True, read_left_behind=True),
    Role.PROTECTION_OFFICER: Policy(read_records=True, register=True, medical_fields=True,
                                    read_aggregates=True, review_matches=True,
                                    refer=True, record_casualties=True, read_casualties=True,
                                    care_left_behind=True, read_left_behind=True),
    Role.AUDITOR: Policy(all_sites=True, read_audit=True),
    Role.VIEWER: Policy(all_sites=True, read_aggregates=True),
}


def policy_for(role: str) -> Policy:
    """Return the role's policy; an unknown role may do nothing."""
    return POLICIES.get(role, Policy())
