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
    # Not a person: the identity behind one ODK Collect device's credentials, created on the
    # devices page and never granted to a user (see haven.accounts.services.devices).
    DEVICE = "device", _("ODK device")


# The roles a person may hold; `device` belongs to device credentials only.
PERSON_ROLES = [role for role in Role.values if role != Role.DEVICE]


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
    manage_users: bool = False  # list, create and change users, within `role_may_grant`
    manage_devices: bool = False  # issue and revoke ODK device credentials for a site
    # Review the linkage queue, merge and unmerge: only pairs whose two records are both
    # within the user's sites (`all_sites` for every site).
    review_matches: bool = False
    # Aid (haven.aid): record donors, their contributions and how they move from pledge
    # to payment. Deliveries and hand-outs at a site need `register` there instead.
    manage_aid: bool = False
    # Keep the exchange-rate table contributions are valued in US dollars by.
    manage_rates: bool = False
    # Documentation for return (haven.documentation): record homes of origin (under the
    # household's own visibility), heritage sites and their condition; export evidence.
    document_return: bool = False
    # Testimonies (haven.documentation): record and read statements, encrypted at rest, at
    # the user's own sites, as far as each giver's consent goes.
    testimonies: bool = False
    # Care and protection (haven.protection), within the user's sites (`all_sites`: every
    # site). Free-text medical and protection details need `medical_fields` besides.
    refer: bool = False  # refer people to services and sites; answer referrals received
    record_casualties: bool = False  # incidents; record and identify the dead, injured, missing
    read_casualties: bool = False  # read that register (tracing looks for the missing in it)
    care_left_behind: bool = False  # people left behind: register, welfare checks, transfer
    read_left_behind: bool = False  # read that register
    # Reception (haven.reception), at the user's own sites (`all_sites` for every site):
    # shelter units and their beds; placing households, check-in, transfer and check-out,
    # and the waiting list; vehicles, transport runs and their manifests; printing
    # household cards. Occupancy figures are aggregates (`read_aggregates`); placements and
    # manifests are records (`read_records`). Splitting a household between placements is
    # an officer's decision, with a recorded reason: coordinators and protection officers.
    manage_shelters: bool = False
    place_households: bool = False
    split_households: bool = False
    run_transport: bool = False
    print_cards: bool = False
    # People's rights over their data (haven.rights): export one person's full record
    # for them, and erase a person where the law and the mission allow it.
    subject_access: bool = False
    erase_records: bool = False
    # Family tracing (haven.tracing): tracing requests at the user's sites (`all_sites`:
    # every site), search for the sought across the registry, alerts, reunification, the
    # unaccompanied children's list and the safe-and-well desk.
    trace: bool = False


# The reception desk's work, for the roles that register people (haven.reception).
RECEPTION = {"manage_shelters": True, "place_households": True, "run_transport": True,
             "print_cards": True}

POLICIES: dict[str, Policy] = {
    # Administrators run the system, not the caseload: no personal records, and of the
    # figures only the published tables (as viewers).
    Role.ADMINISTRATOR: Policy(all_sites=True, read_aggregates=True, manage_sites=True,
                               manage_users=True, manage_devices=True, manage_rates=True),
    # Coordinators staff the response: they add clerks and set up phones at 3 a.m., but
    # only grant what they can do themselves (`role_may_grant`).
    Role.COORDINATOR: Policy(all_sites=True, read_records=True, register=True,
                             read_aggregates=True, exact_figures=True, review_matches=True,
                             manage_users=True, manage_devices=True, manage_aid=True,
                             document_return=True, refer=True, record_casualties=True,
                             read_casualties=True, care_left_behind=True, read_left_behind=True,
                             **RECEPTION, split_households=True,
                             subject_access=True, erase_records=True, trace=True),
    Role.REGISTRAR: Policy(read_records=True, register=True, read_aggregates=True,
                           exact_figures=True, review_matches=True, document_return=True,
                           **RECEPTION),
    # Tracing searches across the whole registry for the missing.
    # Tracing officers read the casualty and left-behind registers (without medical
    # details): the dead, the missing and those left behind are whom families ask about.
    Role.TRACING_OFFICER: Policy(all_sites=True, read_records=True, read_aggregates=True,
                                 exact_figures=True, read_casualties=True,
                                 read_left_behind=True, trace=True),
    Role.PROTECTION_OFFICER: Policy(read_records=True, register=True, medical_fields=True,
                                    read_aggregates=True, exact_figures=True,
                                    review_matches=True, document_return=True,
                                    refer=True, record_casualties=True, read_casualties=True,
                                    care_left_behind=True, read_left_behind=True,
                                    testimonies=True, **RECEPTION, split_households=True,
                                    trace=True),
    Role.AUDITOR: Policy(all_sites=True, read_audit=True),
    Role.VIEWER: Policy(all_sites=True, read_aggregates=True),
    # A phone sends registrations for its one site through the OpenRosa endpoints only;
    # `read_records` finds the household an ODK edit corrects (those endpoints answer with
    # a household code at most). The API and the pages refuse device credentials outright.
    Role.DEVICE: Policy(read_records=True, register=True),
}


# Roles that must sign in with a second factor (TOTP or a recovery code): they reach every
# site's records, the audit log, or the users (haven.accounts.two_factor). Others may.
TWO_FACTOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.AUDITOR})


def policy_for(role: str) -> Policy:
    """Return the role's policy; an unknown role may do nothing."""
    return POLICIES.get(role, Policy())


def _capabilities(role: str) -> set[str]:
    policy = policy_for(role)
    return {name for name, allowed in vars(policy).items() if allowed}


def role_may_grant(granter: str, role: str) -> bool:
    """Return whether a user whose role is `granter` may give `role` to someone.

    The same rule decides whom they may manage at all (change, deactivate, reset, unlock):
    only users whose role they could have granted. Administrators are the top of the
    order and grant every role a person may hold. Below them, a role is higher than
    another when it may do something the other may not, so a manager grants only roles
    whose every capability is their own: a coordinator grants coordinator, registrar,
    tracing officer and viewer, never protection officer (medical fields), auditor
    (the audit log, which watches coordinators too) or administrator.
    """
    if role not in PERSON_ROLES or not policy_for(granter).manage_users:
        return False
    if granter == Role.ADMINISTRATOR:
        return True
    return _capabilities(role) <= _capabilities(granter)


def grantable_roles(granter: str) -> list[str]:
    """Return the roles `granter` may give, in the order of `Role`."""
    return [role for role in PERSON_ROLES if role_may_grant(granter, role)]
